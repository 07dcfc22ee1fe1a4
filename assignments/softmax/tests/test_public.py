"""Public tests for the `softmax` homework: properties any correct answer has.

Run them with:  autograder check softmax softmax.py
Passing them is a good sign, not a guarantee: the grader's hidden tests also
compare your values with the reference on fixed and random inputs, and try
extreme logits.
"""

import numpy as np
import pytest

from autograder.author import assert_close


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_rows_are_distributions(submission, rng):
    for shape in [(5,), (4, 3)]:
        x = 3.0 * rng.standard_normal(shape)
        out = np.asarray(submission.softmax(x), dtype=float)
        assert out.shape == x.shape, (
            f"softmax changed the shape: input {x.shape}, output {out.shape}"
        )
        assert np.all(out > 0), f"softmax returned entries <= 0: {out}"
        assert_close(out.sum(axis=-1), np.ones(shape[:-1]), what="sum of each softmax row")


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_accepts_nested_lists(submission):
    out = np.asarray(submission.softmax([[0.0, 1.0], [2.0, 2.0]]), dtype=float)
    assert_close(out.sum(axis=-1), np.ones(2), what="row sums of softmax of a nested list")


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_ignores_constant_shift(submission, rng):
    x = 3.0 * rng.standard_normal(6)
    c = float(rng.uniform(-20.0, 20.0))
    assert_close(
        submission.softmax(x + c),
        submission.softmax(x),
        what="softmax(x + c) compared with softmax(x)",
    )


@pytest.mark.problem("jacobian")
@pytest.mark.points(1)
def test_jacobian_seed_example(submission):
    printed = [
        [0.03388568, -0.00911326, -0.02477242],
        [-0.00911326, 0.19215805, -0.18304478],
        [-0.02477242, -0.18304478, 0.2078172],
    ]
    x = np.array([5.0, 7.0, 8.0])
    s = np.exp(x - x.max()) / np.exp(x - x.max()).sum()  # softmax(x), whatever yours returns
    for name in ["softmax_grad_iterative", "softmax_grad_vectorized"]:
        jac = getattr(submission, name)(s)
        assert_close(jac, printed, rtol=0.0, atol=1e-6, what=f"{name}(softmax([5, 7, 8]))")


@pytest.mark.problem("jacobian")
@pytest.mark.points(1)
def test_jacobian_symmetric_rows_sum_to_zero(submission, rng):
    s = rng.dirichlet(np.ones(5))
    for name in ["softmax_grad_iterative", "softmax_grad_vectorized"]:
        jac = np.asarray(getattr(submission, name)(s), dtype=float)
        assert jac.shape == (5, 5), f"{name}: expected shape (5, 5), got {jac.shape}"
        assert_close(jac, jac.T, what=f"{name}(s) against its transpose")
        assert_close(jac.sum(axis=1), np.zeros(5), atol=1e-12, what=f"row sums of {name}(s)")


@pytest.mark.problem("shift")
@pytest.mark.points(1)
def test_log_softmax_agrees_with_logsumexp(submission, rng):
    x = 3.0 * rng.standard_normal((3, 4))
    lse = np.asarray(submission.logsumexp(x), dtype=float)
    assert lse.shape == (3,), f"logsumexp of a (3, 4) batch should have shape (3,), got {lse.shape}"
    assert_close(
        submission.log_softmax(x), x - lse[:, None], what="log_softmax(x) against x - logsumexp(x)"
    )
    assert_close(
        np.exp(submission.log_softmax(x)).sum(axis=1),
        np.ones(3),
        what="row sums of exp(log_softmax(x))",
    )


@pytest.mark.problem("sigmoid_link")
@pytest.mark.points(1)
def test_two_class_softmax_is_a_sigmoid(submission, rng):
    z0, z1 = 3.0 * rng.standard_normal(4), 3.0 * rng.standard_normal(4)
    p1 = np.asarray(submission.two_class_softmax_as_sigmoid(z0, z1), dtype=float)
    probs = np.asarray(submission.softmax(np.stack([z0, z1], axis=1)), dtype=float)
    assert_close(p1, probs[:, 1], what="P(class 1) against softmax of the pairs [z0, z1]")
    assert_close(submission.sigmoid(0.0), 0.5, what="sigmoid(0)")


@pytest.mark.problem("ce_grad")
@pytest.mark.points(1)
def test_cross_entropy_grad_rows_sum_to_zero(submission, rng):
    z = 3.0 * rng.standard_normal((4, 5))
    y = np.eye(5)[rng.integers(5, size=4)]
    grad = np.asarray(submission.cross_entropy_grad(z, y), dtype=float)
    assert grad.shape == z.shape, f"expected shape {z.shape}, got {grad.shape}"
    assert_close(
        grad.sum(axis=1), np.zeros(4), atol=1e-12, what="row sums of cross_entropy_grad(z, y)"
    )
    assert np.all((grad < 0) == (y == 1)), (
        "the gradient should be negative exactly at the true class"
    )


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_kl_properties(submission, rng):
    p, q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    assert_close(submission.kl_divergence(p, p), 0.0, atol=1e-12, what="kl_divergence(p, p)")
    assert submission.kl_divergence(p, q) >= 0.0, "KL divergence must not be negative"
    assert_close(
        submission.kl_divergence(p, q),
        submission.cross_entropy(p, q) - submission.entropy(p),
        what="kl_divergence(p, q) against cross_entropy(p, q) - entropy(p)",
    )
