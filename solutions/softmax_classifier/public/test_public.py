"""Public tests for the `softmax_classifier` homework: properties any correct answer has.

Run them with:  autograder check softmax_classifier softmax_classifier.py
Passing them is a good sign, not a guarantee: the grader's hidden tests also compare
your values with the reference on fixed and random inputs.
"""

import numpy as np
import pytest

from autograder.author import assert_close, assert_gradient_matches


def _problem(rng, n=6, d=3, c=4):
    return (
        rng.standard_normal((d, c)),
        0.5 * rng.standard_normal(c),
        rng.standard_normal((n, d)),
        rng.integers(c, size=n),
    )


@pytest.mark.problem("one_hot")
def test_one_hot_rows(submission, rng):
    labels = rng.integers(5, size=7)
    Y = np.asarray(submission.one_hot(labels, 5), dtype=float)
    assert Y.shape == (7, 5), (
        f"one_hot(labels, 5) for 7 labels should have shape (7, 5), got {Y.shape}"
    )
    assert_close(Y.sum(axis=1), np.ones(7), what="row sums of one_hot(labels, 5)")
    assert np.array_equal(Y.argmax(axis=1), labels), (
        "the 1 of each row is not in the column of its label"
    )


@pytest.mark.problem("softmax_loss")
def test_loss_of_zero_weights_is_log_C(submission, rng):
    _, _, X, y = _problem(rng)
    assert_close(
        submission.softmax_loss(np.zeros((3, 4)), np.zeros(4), X, y),
        np.log(4.0),
        what="softmax_loss with W = 0, b = 0",
    )


@pytest.mark.problem("softmax_grad")
def test_softmax_grad_matches_finite_differences_of_your_loss(submission, rng):
    W, b, X, y = _problem(rng)
    dW, db = submission.softmax_grad(W, b, X, y)
    assert_gradient_matches(lambda V: submission.softmax_loss(V, b, X, y), W, dW, what="dW")
    assert_gradient_matches(lambda v: submission.softmax_loss(W, v, X, y), b, db, what="db")


@pytest.mark.problem("sgd_step")
def test_small_step_lowers_the_loss(submission, rng):
    W, b, X, y = _problem(rng)
    before = float(submission.softmax_loss(W, b, X, y))
    W_new, b_new = submission.sgd_step(W, b, X, y, 0.01)
    after = float(submission.softmax_loss(W_new, b_new, X, y))
    assert after < before, f"a step with lr=0.01 did not lower the loss: {before} -> {after}"


@pytest.mark.problem("hinge")
def test_hinge_is_zero_with_a_margin(submission):
    # Scores x @ W = x: the correct class (the largest input) wins by 2 > 1 everywhere.
    X = np.array([[3.0, 1.0, 0.0], [0.0, 5.0, 3.0]])
    assert_close(
        submission.hinge_loss(np.eye(3), np.zeros(3), X, np.array([0, 1])),
        0.0,
        what="hinge_loss with all margins >= 1",
    )


@pytest.mark.problem("hinge")
def test_hinge_grad_matches_finite_differences_of_your_loss(submission, rng):
    W, b, X, y = _problem(rng)
    dW, db = submission.hinge_grad(W, b, X, y)
    assert_gradient_matches(
        lambda V: submission.hinge_loss(V, b, X, y), W, dW, what="dW of the hinge loss"
    )
    assert_gradient_matches(
        lambda v: submission.hinge_loss(W, v, X, y), b, db, what="db of the hinge loss"
    )


@pytest.mark.problem("compare_losses")
def test_compare_losses_shapes_and_signs(submission, rng):
    scores = 3.0 * rng.standard_normal((5, 4))
    out = submission.compare_losses(scores, rng.integers(4, size=5))
    assert isinstance(out, dict) and set(out) == {"hinge", "softmax"}, (
        f"expected a dict with keys 'hinge' and 'softmax', got {out!r:.100}"
    )
    hinge, soft = (np.asarray(out[k], dtype=float) for k in ("hinge", "softmax"))
    assert hinge.shape == soft.shape == (5,), (
        f"expected two arrays of shape (5,), got {hinge.shape} and {soft.shape}"
    )
    assert np.all(hinge >= 0) and np.all(soft > 0), (
        "the hinge loss is >= 0 and the softmax loss > 0"
    )


@pytest.mark.problem("binary_code")
def test_bits_printed_in_the_problem(submission):
    assert_close(
        submission.class_to_bits(np.array([6, 9])),
        [[0, 1, 1, 0], [1, 0, 0, 1]],
        what="class_to_bits([6, 9])",
    )


@pytest.mark.problem("binary_code")
def test_binary_code_on_one_hot_and_one_noisy_input(submission):
    W, thresholds = (np.asarray(a, dtype=float) for a in submission.binary_code_weights())
    bits = np.asarray(submission.class_to_bits(np.arange(10)), dtype=int)
    got = (np.eye(10) @ W > thresholds).astype(int)
    assert np.array_equal(got, bits), f"one-hot inputs give\n{got}\ninstead of\n{bits}"
    p = np.full(10, 0.4 / 9)
    p[3] = 0.6
    got3 = (p @ W > thresholds).astype(int)
    assert np.array_equal(got3, bits[3]), (
        f"0.6 on class 3 and 0.4/9 elsewhere gives {got3.tolist()}, not {bits[3].tolist()}"
    )
