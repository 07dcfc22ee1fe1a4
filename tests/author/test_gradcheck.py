"""The gradient-check helper used by hidden tests that grade gradients."""

import numpy as np
import pytest

from autograder.author.gradcheck import (
    assert_gradient_matches,
    numeric_gradient,
    relative_error,
    sample_indices,
)


def test_numeric_gradient_of_a_quadratic_matches_the_analytic_one():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)

    def f(v):
        return float(v @ A @ v)

    np.testing.assert_allclose(numeric_gradient(f, x), (A + A.T) @ x, rtol=1e-6)


def test_only_the_requested_indices_are_evaluated_and_x_is_not_modified():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    grad = numeric_gradient(lambda v: float(np.sum(v**2)), x, indices=np.array([0, 4]))
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad.flat[[0, 4]], 2 * x.flat[[0, 4]], atol=1e-6)
    assert np.isnan(grad.flat[[1, 2, 3, 5]]).all()
    np.testing.assert_array_equal(x, before)


def test_sample_indices_are_distinct_and_within_the_array():
    idx = sample_indices((5, 7), 10, np.random.default_rng(0))
    assert len(set(idx.tolist())) == 10 and idx.min() >= 0 and idx.max() < 35
    assert len(sample_indices((2, 2), 10, np.random.default_rng(0))) == 4


def test_relative_error_is_scale_free_and_zero_for_equal_arrays():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0
    assert relative_error(1000 * a, 1000 * (a + 1e-3)) == pytest.approx(relative_error(a, a + 1e-3))


def test_assert_gradient_matches_accepts_right_and_names_the_worst_wrong_coordinate():
    x = np.array([0.5, -1.0, 2.0])

    def f(v):
        return float(np.sum(np.sin(v)))

    assert_gradient_matches(f, x, np.cos(x))
    wrong = np.cos(x)
    wrong[2] += 0.5
    with pytest.raises(AssertionError) as info:
        assert_gradient_matches(f, x, wrong, what="d_w1")
    assert "d_w1" in str(info.value) and "[2]" in str(info.value)


def test_assert_gradient_matches_checks_the_shape_first():
    with pytest.raises(AssertionError, match="shape"):
        assert_gradient_matches(lambda v: float(v.sum()), np.zeros(3), np.zeros((3, 1)))
