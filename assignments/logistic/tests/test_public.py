"""Public tests for the `logistic` homework: properties any correct answer has.

Run them with:  autograder check logistic logistic.py
Passing them is a good sign, not a guarantee: the grader's hidden tests also compare
your values with the reference on fixed and random inputs.
"""

import numpy as np
import pytest

from autograder.author import assert_close, assert_gradient_matches


def _batch(rng, n=8, d=3):
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d)
    t = (rng.random(n) < 0.5).astype(float)
    return w, X, t


@pytest.mark.problem("sigmoid")
def test_sigmoid_symmetry_and_range(submission, rng):
    z = 4.0 * rng.standard_normal(10)
    s = np.asarray(submission.sigmoid(z), dtype=float)
    assert s.shape == z.shape, f"sigmoid changed the shape: {z.shape} -> {s.shape}"
    assert np.all((s >= 0) & (s <= 1)), f"sigmoid left [0, 1]: {s}"
    assert_close(submission.sigmoid(-z), 1.0 - s, what="sigmoid(-z) compared with 1 - sigmoid(z)")
    assert_close(submission.sigmoid(0.0), 0.5, what="sigmoid(0)")


@pytest.mark.problem("sigmoid")
def test_sigmoid_limits(submission):
    # The values printed in the problem text.
    assert_close(
        submission.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0], what="sigmoid([-1000, 1000])"
    )


@pytest.mark.problem("loss")
def test_loss_at_zero_weights_is_log_2(submission, rng):
    _, X, t = _batch(rng)
    assert_close(
        submission.logistic_loss(np.zeros(3), X, t), np.log(2.0), what="logistic_loss(0, X, t)"
    )


@pytest.mark.problem("loss")
def test_loss_is_finite_far_from_the_boundary(submission):
    X = np.array([[40.0, 1.0], [-40.0, 1.0]])
    w, t = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    loss = float(np.asarray(submission.logistic_loss(w, X, t), dtype=float))
    assert np.isfinite(loss) and loss > 27.0, f"two confidently wrong predictions gave loss {loss}"


@pytest.mark.problem("gradient")
def test_gradient_matches_finite_differences_of_your_loss(submission, rng):
    w, X, t = _batch(rng)
    assert_gradient_matches(
        lambda v: submission.logistic_loss(v, X, t),
        w,
        submission.logistic_grad(w, X, t),
        what="logistic_grad(w, X, t)",
    )


@pytest.mark.problem("gd_step")
def test_small_step_lowers_the_loss(submission, rng):
    w, X, t = _batch(rng)
    before = float(submission.logistic_loss(w, X, t))
    after = float(submission.logistic_loss(submission.gd_step(w, X, t, 0.01), X, t))
    assert after < before, f"a step with lr=0.01 did not lower the loss: {before} -> {after}"


@pytest.mark.problem("equivalence")
def test_only_the_difference_matters(submission, rng):
    w1, w2, v = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    w = np.asarray(submission.softmax_to_logistic(w1, w2), dtype=float)
    assert w.shape == (4,), f"expected shape (4,), got {w.shape}"
    assert_close(
        submission.softmax_to_logistic(w1 + v, w2 + v),
        w,
        what="the answer after adding v to w1 and w2",
    )


@pytest.mark.problem("softmax_grad")
def test_softmax_grad_shapes_and_row_sums(submission, rng):
    W = rng.standard_normal((3, 5))
    X = rng.standard_normal((4, 3))
    T = np.eye(5)[[0, 2, 4, 1]]
    g = np.asarray(submission.softmax_grad(W, X, T), dtype=float)
    assert g.shape == (3, 5), f"softmax_grad(W, X, T) should have W's shape (3, 5), got {g.shape}"
    # sum_k (y_k - t_k) = 0, so every row of dL/dW sums to zero
    assert_close(g.sum(axis=1), np.zeros(3), atol=1e-12, what="row sums of softmax_grad(W, X, T)")
    one = submission.softmax_grad(W, X[0], T[0])
    assert_close(
        one, submission.softmax_grad(W, X[:1], T[:1]), what="one example vs. a batch of one"
    )
