"""Hidden tests for the `softmax_classifier` homework.

Each function has fixed-input and random-input tests, and the two gradients (W and b)
are separate tests, so a mistake in one loses only its own points. Expected values come
from `reference`. Random data always has D != C, so a transposed dW has the wrong shape.

`sgd_step` is checked against the student's OWN `softmax_grad`: its problem grades the
update rule, and a wrong gradient is already paid for in `softmax_grad`.

The binary-code problem applies the student's (W, thresholds) here, in the grader, to
one-hot and to noisy class distributions; the expected bits come from the reference.
"""

import numpy as np
import pytest

from autograder.author import Mismatch, assert_close, assert_number, number

FIXED_W = np.array([[0.2, -0.5, 1.0], [0.7, 0.1, -0.3]])  # D = 2, C = 3
FIXED_B = np.array([0.1, 0.0, -0.2])
FIXED_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -1.2], [2.0, 0.0]])
FIXED_Y = np.array([2, 0, 1, 1])


def _random_problem(rng):
    """(W, b, X, y) with D != C and scores of order a few units."""
    d = int(rng.integers(2, 6))
    c = d + int(rng.integers(1, 3))
    n = int(rng.integers(4, 13))
    W = rng.standard_normal((d, c))
    b = 0.5 * rng.standard_normal(c)
    X = rng.standard_normal((n, d))
    y = rng.integers(c, size=n)
    return W, b, X, y


def _pair(value, what):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise AssertionError(f"{what} should return a tuple (dW, db), got {type(value).__name__}")
    return value


def _noisy_distributions(rng, c):
    """Probability vectors of length 10 with p[c] > 1/2: spread, concentrated, uniform."""
    out = []
    others = [k for k in range(10) if k != c]
    for kind in ["dirichlet", "dirichlet", "dirichlet", "one_other", "uniform"]:
        top = float(rng.uniform(0.55, 0.95))
        rest = np.zeros(10)
        if kind == "dirichlet":
            rest[others] = rng.dirichlet(np.full(9, 0.3))
        elif kind == "one_other":
            rest[int(rng.choice(others))] = 1.0
        else:
            rest[others] = 1.0 / 9.0
        p = (1.0 - top) * rest
        p[c] = top
        out.append(p)
    return out


# --- one_hot -------------------------------------------------------------------


@pytest.mark.problem("one_hot")
@pytest.mark.points(1)
def test_one_hot_fixed(submission, reference):
    labels = np.array([2, 0, 3, 2, 1])
    assert_close(
        submission.one_hot(labels, 4),
        reference.one_hot(labels, 4),
        what=f"one_hot({labels.tolist()}, 4)",
    )


@pytest.mark.problem("one_hot")
@pytest.mark.points(1)
def test_one_hot_random(submission, reference, rng):
    c = int(rng.integers(2, 11))
    labels = rng.integers(c, size=int(rng.integers(1, 15)))
    assert_close(
        submission.one_hot(labels, c),
        reference.one_hot(labels, c),
        what=f"one_hot(labels, {c}) for random labels",
    )


# --- softmax_loss ------------------------------------------------------------


@pytest.mark.problem("softmax_loss")
@pytest.mark.points(1)
def test_softmax_loss_fixed(submission, reference):
    args = (FIXED_W, FIXED_B, FIXED_X, FIXED_Y)
    assert_close(
        number(submission.softmax_loss(*args)),
        reference.softmax_loss(*args),
        what="softmax_loss on the fixed minibatch",
    )


@pytest.mark.problem("softmax_loss")
@pytest.mark.points(1)
def test_softmax_loss_random(submission, reference, rng):
    args = _random_problem(rng)
    assert_close(
        number(submission.softmax_loss(*args)),
        reference.softmax_loss(*args),
        what=f"softmax_loss for a random minibatch of {args[2].shape[0]} examples (the MEAN loss)",
    )


@pytest.mark.problem("softmax_loss")
@pytest.mark.points(1)
def test_softmax_loss_is_a_plain_number(submission, rng):
    """The format, on its own: value tests accept a 1-element array, this one does not."""
    W, b, X, y = _random_problem(rng)
    loss = submission.softmax_loss(W, b, X, y)
    assert_number(loss, what="softmax_loss(W, b, X, y)")
    moved = W + rng.standard_normal(np.shape(W))
    other = np.asarray(submission.softmax_loss(moved, b, X, y), dtype=float).reshape(-1)
    if other.size == 1 and np.isclose(float(loss), float(other[0]), rtol=1e-12):
        raise Mismatch(
            "softmax_loss gives the same number for two different W",
            "softmax_loss returns the same number for two different W: a constant is a "
            "number, but not a loss",
        )


@pytest.mark.problem("softmax_loss")
@pytest.mark.points(1)
def test_softmax_loss_large_scores(submission, reference, rng):
    W, b, X, y = _random_problem(rng)
    W = 500.0 * W  # scores in the hundreds or thousands
    out = np.asarray(submission.softmax_loss(W, b, X, y), dtype=float)
    assert np.all(np.isfinite(out)), (
        f"softmax_loss is {out} for scores of order 1000 (compute log-probabilities stably)"
    )
    assert_close(
        out, reference.softmax_loss(W, b, X, y), what="softmax_loss for scores of order 1000"
    )


# --- softmax_grad ------------------------------------------------------------


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_W_fixed(submission, reference):
    args = (FIXED_W, FIXED_B, FIXED_X, FIXED_Y)
    dW, _ = _pair(submission.softmax_grad(*args), "softmax_grad")
    assert_close(
        dW, reference.softmax_grad(*args)[0], what="dW from softmax_grad on the fixed minibatch"
    )


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_W_random(submission, reference, rng):
    args = _random_problem(rng)
    dW, _ = _pair(submission.softmax_grad(*args), "softmax_grad")
    assert_close(
        dW,
        reference.softmax_grad(*args)[0],
        what="dW from softmax_grad for a random minibatch (shape (D, C), the MEAN)",
    )


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_b_fixed(submission, reference):
    args = (FIXED_W, FIXED_B, FIXED_X, FIXED_Y)
    _, db = _pair(submission.softmax_grad(*args), "softmax_grad")
    assert_close(
        db, reference.softmax_grad(*args)[1], what="db from softmax_grad on the fixed minibatch"
    )


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_b_random(submission, reference, rng):
    args = _random_problem(rng)
    _, db = _pair(submission.softmax_grad(*args), "softmax_grad")
    assert_close(
        db,
        reference.softmax_grad(*args)[1],
        what="db from softmax_grad for a random minibatch (shape (C,), the MEAN)",
    )


# --- sgd_step ----------------------------------------------------------------


@pytest.mark.problem("sgd_step")
@pytest.mark.points(1)
def test_sgd_step_uses_the_gradients(submission, rng):
    W, b, X, y = _random_problem(rng)
    lr = float(rng.uniform(0.05, 1.0))
    dW, db = _pair(submission.softmax_grad(W, b, X, y), "softmax_grad")
    step = [np.asarray(g, dtype=float) for g in (dW, db)]
    if not all(np.all(np.isfinite(g)) for g in step) or all(np.all(g == 0) for g in step):
        raise Mismatch(
            "softmax_grad returned zero or non-finite gradients",
            "your softmax_grad returns zeros (or inf/NaN), so a step along it proves nothing: "
            "this test pays once softmax_grad returns a real gradient",
        )
    W_new, b_new = _pair(submission.sgd_step(W, b, X, y, lr), "sgd_step")
    what = f"sgd_step(W, b, X, y, lr={lr:.3f}) compared with a step along your softmax_grad"
    assert_close(W_new, W - lr * np.asarray(dW, dtype=float), what=f"W_new of {what}")
    assert_close(b_new, b - lr * np.asarray(db, dtype=float), what=f"b_new of {what}")


# --- hinge -------------------------------------------------------------------


@pytest.mark.problem("hinge")
@pytest.mark.points(1)
def test_hinge_loss_fixed(submission, reference):
    args = (FIXED_W, FIXED_B, FIXED_X, FIXED_Y)
    assert_close(
        number(submission.hinge_loss(*args)),
        reference.hinge_loss(*args),
        what="hinge_loss on the fixed minibatch",
    )


@pytest.mark.problem("hinge")
@pytest.mark.points(1)
def test_hinge_loss_random(submission, reference, rng):
    args = _random_problem(rng)
    assert_close(
        number(submission.hinge_loss(*args)),
        reference.hinge_loss(*args),
        what="hinge_loss for a random minibatch (the MEAN)",
    )


@pytest.mark.problem("hinge")
@pytest.mark.points(1)
def test_hinge_grad_W(submission, reference, rng):
    args = _random_problem(rng)
    dW, _ = _pair(submission.hinge_grad(*args), "hinge_grad")
    assert_close(
        dW, reference.hinge_grad(*args)[0], what="dW from hinge_grad for a random minibatch"
    )


@pytest.mark.problem("hinge")
@pytest.mark.points(1)
def test_hinge_grad_b(submission, reference, rng):
    args = _random_problem(rng)
    _, db = _pair(submission.hinge_grad(*args), "hinge_grad")
    assert_close(
        db, reference.hinge_grad(*args)[1], what="db from hinge_grad for a random minibatch"
    )


# --- compare_losses ----------------------------------------------------------


def _check_compare(out, expected, what):
    if not isinstance(out, dict) or set(out) != {"hinge", "softmax"}:
        raise AssertionError(
            f"{what} should return a dict with keys 'hinge' and 'softmax', got {out!r:.120}"
        )
    for key in ("hinge", "softmax"):
        assert_close(out[key], expected[key], what=f"{what}[{key!r}]")


@pytest.mark.problem("compare_losses")
@pytest.mark.points(1)
def test_compare_losses_experiment(submission, reference):
    # The scores of the experiment in the problem text (class 0 is always the right one).
    scores = np.array(
        [[10.0, -2.0, 3.0], [10.0, 9.0, 9.0], [10.0, -100.0, -100.0], [3.0, 10.0, -2.0]]
    )
    y = np.array([0, 0, 0, 0])
    _check_compare(
        submission.compare_losses(scores, y),
        reference.compare_losses(scores, y),
        "compare_losses(experiment)",
    )


@pytest.mark.problem("compare_losses")
@pytest.mark.points(1)
def test_compare_losses_random(submission, reference, rng):
    n, c = int(rng.integers(2, 9)), int(rng.integers(2, 7))
    scores = 3.0 * rng.standard_normal((n, c))
    y = rng.integers(c, size=n)
    _check_compare(
        submission.compare_losses(scores, y),
        reference.compare_losses(scores, y),
        "compare_losses(scores, y)",
    )


# --- binary_code -------------------------------------------------------------


@pytest.mark.problem("binary_code")
@pytest.mark.points(1)
def test_class_to_bits(submission, reference, rng):
    labels = rng.permutation(10)
    assert_close(
        submission.class_to_bits(labels),
        reference.class_to_bits(labels),
        what=f"class_to_bits({labels.tolist()})",
    )


def _apply_binary_layer(submission, inputs):
    result = submission.binary_code_weights()
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError("binary_code_weights() should return a tuple (W, thresholds)")
    W, thresholds = (np.asarray(a, dtype=float) for a in result)
    assert W.shape == (10, 4), f"W should have shape (10, 4), got {W.shape}"
    assert thresholds.shape == (4,), f"thresholds should have shape (4,), got {thresholds.shape}"
    return (np.asarray(inputs) @ W > thresholds).astype(int)


@pytest.mark.problem("binary_code")
@pytest.mark.points(1)
def test_binary_code_one_hot(submission, reference):
    bits = _apply_binary_layer(submission, np.eye(10))
    expected = reference.class_to_bits(np.arange(10))
    wrong = [c for c in range(10) if not np.array_equal(bits[c], expected[c])]
    assert not wrong, (
        f"one-hot input of class {wrong[0]} gives bits {bits[wrong[0]].tolist()}, expected "
        f"{expected[wrong[0]].tolist()} (most significant bit first); "
        f"{len(wrong)} of 10 classes are wrong"
    )


@pytest.mark.problem("binary_code")
@pytest.mark.points(2)
def test_binary_code_noisy(submission, reference, rng):
    inputs, classes = [], []
    for c in range(10):
        for p in _noisy_distributions(rng, c):
            inputs.append(p)
            classes.append(c)
    inputs = np.array(inputs)
    bits = _apply_binary_layer(submission, inputs)
    expected = reference.class_to_bits(np.array(classes))
    wrong = [i for i in range(len(classes)) if not np.array_equal(bits[i], expected[i])]
    if wrong:
        i = wrong[0]
        p = ", ".join(f"{v:.3f}" for v in inputs[i])
        one_hot = _apply_binary_layer(submission, np.eye(10))
        if np.array_equal(one_hot, reference.class_to_bits(np.arange(10))):
            raise Mismatch(
                f"{len(wrong)} of {len(classes)} noisy inputs give the wrong bits; e.g. class "
                f"{classes[i]} with p = [{p}] gives {bits[i].tolist()}",
                f"right for one-hot inputs, wrong for {len(wrong)} of {len(classes)} noisy ones "
                "(most probability on one class, the rest spread over the others): a bit must "
                "not turn on from the small probabilities of other classes; look at the thresholds",
            )
        raise AssertionError(
            f"{len(wrong)} of {len(classes)} noisy inputs give the wrong bits; "
            f"e.g. class {classes[i]} with "
            f"p = [{p}] gives {bits[i].tolist()}, expected {expected[i].tolist()}"
        )
