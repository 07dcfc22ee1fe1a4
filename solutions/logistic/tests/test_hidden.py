"""Hidden tests for the `logistic` homework.

Each function has fixed-input and random-input tests, so a submission can lose one
without the other. Expected values come from `reference`, or are computed here from
their definition (the two-class softmax probability). Random inputs are moderate
(|w . x| of order 10 at most) on purpose: only the tests named `..._large_...` probe
overflow, so an unstable formula loses those points and no others.

`gd_step` is checked against the student's OWN `logistic_grad`: its problem grades the
update rule, and a wrong gradient is already paid for in the `gradient` problem.
"""

import numpy as np
import pytest

from autograder.author import Mismatch, assert_close, assert_number, number

FIXED_X = np.array(
    [
        [1.0, 0.5, -1.0],
        [1.0, -1.5, 2.0],
        [1.0, 2.0, 0.0],
        [1.0, -0.3, -0.7],
        [1.0, 1.1, 1.9],
    ]
)
FIXED_W = np.array([0.2, -0.8, 0.5])
FIXED_T = np.array([1.0, 0.0, 0.0, 1.0, 1.0])


def _random_problem(rng, n_low=5, n_high=21, d_low=2, d_high=7):
    """A random batch (X, t) and weights w with |w . x| of order a few units."""
    n = int(rng.integers(n_low, n_high))
    d = int(rng.integers(d_low, d_high))
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d)
    t = (rng.random(n) < 0.5).astype(float)
    return w, X, t


def _two_class_softmax_positive(w1, w2, X):
    """P(class 2 | x) for the rows of X, straight from the softmax definition."""
    scores = np.stack([X @ w1, X @ w2], axis=1)
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e[:, 1] / e.sum(axis=1)


def _random_multiclass(rng, batch):
    d = int(rng.integers(2, 6))
    k = d + int(rng.integers(1, 3))  # K != D, so a transposed gradient has the wrong shape
    W = rng.standard_normal((d, k))
    if batch:
        n = int(rng.integers(3, 11))
        return W, rng.standard_normal((n, d)), np.eye(k)[rng.integers(k, size=n)]
    return W, rng.standard_normal(d), np.eye(k)[rng.integers(k)]


# --- sigmoid -----------------------------------------------------------------


@pytest.mark.problem("sigmoid")
@pytest.mark.points(1)
def test_sigmoid_fixed(submission, reference):
    z = np.array([-5.0, -1.0, -0.1, 0.0, 0.3, 2.0, 8.0])
    assert_close(submission.sigmoid(z), reference.sigmoid(z), what=f"sigmoid({z.tolist()})")


@pytest.mark.problem("sigmoid")
@pytest.mark.points(1)
def test_sigmoid_random(submission, reference, rng):
    z = 4.0 * rng.standard_normal((int(rng.integers(1, 5)), int(rng.integers(2, 7))))
    assert_close(
        submission.sigmoid(z), reference.sigmoid(z), what="sigmoid(Z) for a random 2-D array Z"
    )
    s = float(4.0 * rng.standard_normal())
    assert_close(submission.sigmoid(s), reference.sigmoid(s), what=f"sigmoid({s}) (a number in)")


@pytest.mark.problem("sigmoid")
@pytest.mark.points(1)
def test_sigmoid_large_inputs(submission, reference, rng):
    magnitudes = rng.uniform(700.0, 1e4, size=4)
    z = np.concatenate(
        [[-1e4, -800.0, -710.0, -50.0, 0.0, 50.0, 710.0, 800.0, 1e4], magnitudes, -magnitudes]
    )
    assert_close(
        submission.sigmoid(z),
        reference.sigmoid(z),
        what="sigmoid(z) for |z| up to 1e4",
        inputs="|z| from 700 to 10000",
    )


# --- loss --------------------------------------------------------------------


@pytest.mark.problem("loss")
@pytest.mark.points(1)
def test_loss_fixed(submission, reference):
    assert_close(
        number(submission.logistic_loss(FIXED_W, FIXED_X, FIXED_T)),
        reference.logistic_loss(FIXED_W, FIXED_X, FIXED_T),
        what="logistic_loss(w, X, t) on the fixed 5-example batch",
    )


@pytest.mark.problem("loss")
@pytest.mark.points(1)
def test_loss_random(submission, reference, rng):
    w, X, t = _random_problem(rng)
    assert_close(
        number(submission.logistic_loss(w, X, t)),
        reference.logistic_loss(w, X, t),
        what=f"logistic_loss(w, X, t) for a random batch of {X.shape[0]} examples (the MEAN loss)",
    )


@pytest.mark.problem("loss")
@pytest.mark.points(1)
def test_loss_large_margins(submission, rng):
    # X = [[z_i, 1]] and w = [1, 0], so the scores w . x_i are exactly z_i.
    z = np.array([50.0, 300.0, 1000.0, -60.0, -700.0]) * rng.uniform(1.0, 1.5)
    X = np.stack([z, np.ones_like(z)], axis=1)
    w = np.array([1.0, 0.0])
    right = (z > 0).astype(float)  # every prediction confidently right
    loss = float(np.asarray(submission.logistic_loss(w, X, right), dtype=float))
    _finite_loss(loss, "right")
    assert abs(loss) <= 1e-9, (
        f"logistic_loss should be about 0 when every prediction is confidently right, got {loss}"
    )
    wrong = 1.0 - right  # every prediction confidently wrong
    loss = float(np.asarray(submission.logistic_loss(w, X, wrong), dtype=float))
    _finite_loss(loss, "wrong")
    assert loss >= 27.0, (
        f"logistic_loss is {loss} when every prediction is confidently wrong (|z| >= 50); "
        "it should be at least -log(1e-12) = 27.6"
    )


@pytest.mark.problem("loss")
@pytest.mark.points(1)
def test_loss_is_a_plain_number(submission, rng):
    """The format, on its own: value tests accept a 1-element array, this one does not."""
    w, X, t = _random_problem(rng)
    loss = submission.logistic_loss(w, X, t)
    assert_number(loss, what="logistic_loss(w, X, t)")
    other = submission.logistic_loss(w + rng.standard_normal(np.shape(w)), X, t)
    if np.isclose(float(loss), float(np.asarray(other, dtype=float).reshape(-1)[0]), rtol=1e-12):
        raise Mismatch(
            "logistic_loss gives the same number for two different w",
            "logistic_loss returns the same number for two different w: a constant is a "
            "number, but not a loss",
        )


def _finite_loss(loss, how):
    if not np.isfinite(loss):
        raise Mismatch(
            f"logistic_loss is {loss} when every score is confidently {how} (|z| >= 50)",
            f"your loss is inf or NaN when every prediction is confidently {how}: log(sigmoid) "
            "reaches log(0); write it with np.logaddexp or clip the probabilities",
        )


# --- gradient ----------------------------------------------------------------


@pytest.mark.problem("gradient")
@pytest.mark.points(1)
def test_grad_fixed(submission, reference):
    assert_close(
        submission.logistic_grad(FIXED_W, FIXED_X, FIXED_T),
        reference.logistic_grad(FIXED_W, FIXED_X, FIXED_T),
        what="logistic_grad(w, X, t) on the fixed 5-example batch",
    )


@pytest.mark.problem("gradient")
@pytest.mark.points(2)
def test_grad_random(submission, reference, rng):
    w, X, t = _random_problem(rng)
    assert_close(
        submission.logistic_grad(w, X, t),
        reference.logistic_grad(w, X, t),
        what=f"logistic_grad(w, X, t), random batch of {X.shape[0]} examples (the MEAN gradient)",
    )


# --- gd_step -----------------------------------------------------------------


@pytest.mark.problem("gd_step")
@pytest.mark.points(1)
def test_gd_step_uses_the_gradient(submission, rng):
    w, X, t = _random_problem(rng)
    lr = float(rng.uniform(0.05, 1.0))
    grad = np.asarray(submission.logistic_grad(w, X, t), dtype=float)
    assert grad.shape == w.shape, (
        f"logistic_grad returned shape {grad.shape}; w has shape {w.shape}"
    )
    if not np.all(np.isfinite(grad)) or np.all(grad == 0):
        raise Mismatch(
            "logistic_grad returned zero or non-finite values",
            "your logistic_grad returns zeros (or inf/NaN), so a step along it proves nothing: "
            "this test pays once logistic_grad returns a real gradient",
        )
    assert_close(
        submission.gd_step(w, X, t, lr),
        w - lr * grad,
        what=f"gd_step(w, X, t, lr={lr:.3f}), compared with w - lr * (your logistic_grad)",
    )


# --- equivalence -------------------------------------------------------------


@pytest.mark.problem("equivalence")
@pytest.mark.points(1)
def test_softmax_to_logistic_fixed(submission, reference):
    w1, w2 = np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.4, -1.0])
    assert_close(
        submission.softmax_to_logistic(w1, w2),
        reference.softmax_to_logistic(w1, w2),
        what=f"softmax_to_logistic(w1={w1.tolist()}, w2={w2.tolist()})",
    )


@pytest.mark.problem("equivalence")
@pytest.mark.points(2)
def test_softmax_to_logistic_random(submission, reference, rng):
    d = int(rng.integers(2, 7))
    w1, w2 = rng.standard_normal(d), rng.standard_normal(d)
    X = 2.0 * rng.standard_normal((20, d))
    w = np.asarray(submission.softmax_to_logistic(w1, w2), dtype=float)
    assert w.shape == (d,), f"softmax_to_logistic returned shape {w.shape}; expected ({d},)"
    assert_close(
        reference.sigmoid(X @ w),
        _two_class_softmax_positive(w1, w2, X),
        what="sigmoid(x . w) compared with the softmax probability of class 2 (the positive class)",
    )


# --- softmax_grad ------------------------------------------------------------


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_one_example(submission, reference, rng):
    W, x, t = _random_multiclass(rng, batch=False)
    assert_close(
        submission.softmax_grad(W, x, t),
        reference.softmax_grad(W, x, t),
        what=f"softmax_grad(W, x, t) for one example (D={W.shape[0]}, K={W.shape[1]})",
    )


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_batch_fixed(submission, reference):
    W = np.array([[0.5, -1.0, 0.2, 0.0], [1.5, 0.3, -0.7, 0.4]])
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]])
    T = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    assert_close(
        submission.softmax_grad(W, X, T),
        reference.softmax_grad(W, X, T),
        what="softmax_grad(W, X, T) on the fixed batch (n=3, D=2, K=4)",
    )


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(1)
def test_softmax_grad_batch_random(submission, reference, rng):
    W, X, T = _random_multiclass(rng, batch=True)
    assert_close(
        submission.softmax_grad(W, X, T),
        reference.softmax_grad(W, X, T),
        what=f"softmax_grad(W, X, T), random batch (n={X.shape[0]}, D={W.shape[0]}, "
        f"K={W.shape[1]}; the MEAN)",
    )
