"""Hidden tests for the `softmax` homework.

Fixed-input and random-input checks are separate tests, so a submission can
lose one without the other. Expected values always come from `reference`,
except SEED_JACOBIAN: the matrix printed in the source material, the one
published fixture. Random logits are 3 * standard normal: moderate on
purpose, so only the tests named `..._extreme_...` probe overflow.
"""

import numpy as np
import pytest

from autograder.author import Mismatch, assert_close, assert_number, number

# Jacobian of softmax([5, 7, 8]) as printed (8 decimals) in the source material.
SEED_JACOBIAN = [
    [0.03388568, -0.00911326, -0.02477242],
    [-0.00911326, 0.19215805, -0.18304478],
    [-0.02477242, -0.18304478, 0.2078172],
]


# --- softmax -----------------------------------------------------------------


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_small_vector(submission, reference):
    x = np.array([1.0, 2.0, 3.0, 0.5])
    assert_close(submission.softmax(x), reference.softmax(x), what="softmax([1, 2, 3, 0.5])")


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_random_vector(submission, reference, rng):
    x = 3.0 * rng.standard_normal(int(rng.integers(2, 11)))
    assert_close(
        submission.softmax(x), reference.softmax(x), what="softmax(x) for a random vector x"
    )


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_random_batch(submission, reference, rng):
    x = 3.0 * rng.standard_normal((int(rng.integers(2, 7)), int(rng.integers(2, 7))))
    assert_close(
        submission.softmax(x),
        reference.softmax(x),
        what="softmax(X) row by row for a random batch X",
        inputs="a batch (one example per row)",
    )


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_nested_list_batch(submission, reference):
    x = [[0.0, 1.0, 2.0], [3.0, -1.0, 0.5]]
    assert_close(
        submission.softmax(x), reference.softmax(x), what="softmax of a nested Python list (2 rows)"
    )


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
@pytest.mark.parametrize(
    "x",
    [[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0]],
    ids=["large_positive", "large_negative"],
)
def test_softmax_extreme_logits(submission, reference, x):
    x = np.array(x)
    assert_close(
        submission.softmax(x),
        reference.softmax(x),
        what=f"softmax({x.tolist()})",
        inputs="logits near ±1000",
    )


# --- jacobian ----------------------------------------------------------------


@pytest.mark.problem("jacobian")
@pytest.mark.points(1)
def test_jacobian_iterative_seed_example(submission, reference):
    s = reference.softmax(np.array([5.0, 7.0, 8.0]))
    assert_close(
        submission.softmax_grad_iterative(s),
        SEED_JACOBIAN,
        rtol=0.0,
        atol=1e-6,
        what="softmax_grad_iterative(softmax([5, 7, 8]))",
    )


@pytest.mark.problem("jacobian")
@pytest.mark.points(1)
def test_jacobian_vectorized_seed_example(submission, reference):
    s = reference.softmax(np.array([5.0, 7.0, 8.0]))
    assert_close(
        submission.softmax_grad_vectorized(s),
        SEED_JACOBIAN,
        rtol=0.0,
        atol=1e-6,
        what="softmax_grad_vectorized(softmax([5, 7, 8]))",
    )


@pytest.mark.problem("jacobian")
@pytest.mark.points(2)
def test_jacobian_iterative_random(submission, reference, rng):
    s = reference.softmax(3.0 * rng.standard_normal(int(rng.integers(2, 9))))
    assert_close(
        submission.softmax_grad_iterative(s),
        reference.softmax_grad_iterative(s),
        what=f"softmax_grad_iterative(s) for a random s of length {s.size}",
    )


@pytest.mark.problem("jacobian")
@pytest.mark.points(2)
def test_jacobian_vectorized_random(submission, reference, rng):
    s = reference.softmax(3.0 * rng.standard_normal(int(rng.integers(2, 9))))
    assert_close(
        submission.softmax_grad_vectorized(s),
        reference.softmax_grad_vectorized(s),
        what=f"softmax_grad_vectorized(s) for a random s of length {s.size}",
    )


# --- shift: logsumexp and log_softmax ---------------------------------------


@pytest.mark.problem("shift")
@pytest.mark.points(1)
def test_logsumexp_random_vector(submission, reference, rng):
    x = 3.0 * rng.standard_normal(int(rng.integers(2, 11)))
    assert_close(
        number(submission.logsumexp(x)),
        reference.logsumexp(x),
        what="logsumexp(x) for a random vector x",
    )


@pytest.mark.problem("shift")
@pytest.mark.points(1)
def test_logsumexp_random_batch(submission, reference, rng):
    x = 3.0 * rng.standard_normal((int(rng.integers(2, 7)), int(rng.integers(2, 7))))
    assert_close(
        submission.logsumexp(x),
        reference.logsumexp(x),
        what="logsumexp(X) per row of a random batch X",
    )


@pytest.mark.problem("shift")
@pytest.mark.points(1)
def test_logsumexp_extreme_logits(submission, reference):
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]])
    assert_close(
        submission.logsumexp(x),
        reference.logsumexp(x),
        what=f"logsumexp({x.tolist()})",
        inputs="logits near ±1000",
    )


@pytest.mark.problem("shift")
@pytest.mark.points(1)
def test_log_softmax_random_batch(submission, reference, rng):
    x = 3.0 * rng.standard_normal((int(rng.integers(2, 7)), int(rng.integers(2, 7))))
    assert_close(
        submission.log_softmax(x),
        reference.log_softmax(x),
        what="log_softmax(X) for a random batch X",
    )


@pytest.mark.problem("shift")
@pytest.mark.points(1)
def test_log_softmax_extreme_logits(submission, reference):
    x = np.array([[1000.0, 1001.0, 1002.0], [0.0, -1000.0, 5.0]])
    assert_close(
        submission.log_softmax(x),
        reference.log_softmax(x),
        what=f"log_softmax({x.tolist()})",
        inputs="logits near ±1000",
    )


# --- sigmoid_link ------------------------------------------------------------


@pytest.mark.problem("sigmoid_link")
@pytest.mark.points(1)
def test_sigmoid_random(submission, reference, rng):
    z = 4.0 * rng.standard_normal((int(rng.integers(1, 5)), int(rng.integers(2, 7))))
    assert_close(
        submission.sigmoid(z), reference.sigmoid(z), what="sigmoid(Z) for a random array Z"
    )


@pytest.mark.problem("sigmoid_link")
@pytest.mark.points(1)
def test_sigmoid_scalar_input(submission, reference, rng):
    z = float(4.0 * rng.standard_normal())
    assert_close(
        submission.sigmoid(z),
        reference.sigmoid(z),
        what=f"sigmoid({z}) (a number in, a number out)",
    )


@pytest.mark.problem("sigmoid_link")
@pytest.mark.points(1)
def test_sigmoid_extreme_values(submission, reference):
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    assert_close(
        submission.sigmoid(z),
        reference.sigmoid(z),
        what=f"sigmoid({z.tolist()})",
        inputs="|z| up to 1000",
    )


@pytest.mark.problem("sigmoid_link")
@pytest.mark.points(1)
def test_two_class_softmax_as_sigmoid_random(submission, reference, rng):
    n = int(rng.integers(2, 9))
    z0 = 3.0 * rng.standard_normal(n)
    z1 = 3.0 * rng.standard_normal(n)
    assert_close(
        submission.two_class_softmax_as_sigmoid(z0, z1),
        reference.two_class_softmax_as_sigmoid(z0, z1),
        what="two_class_softmax_as_sigmoid(z0, z1) for random logit vectors",
    )


@pytest.mark.problem("sigmoid_link")
@pytest.mark.points(1)
def test_two_class_softmax_as_sigmoid_extreme_logits(submission, reference):
    z0 = np.array([1000.0, -1000.0, 1000.0, 0.0])
    z1 = np.array([-1000.0, 1000.0, 1000.0, 30.0])
    assert_close(
        submission.two_class_softmax_as_sigmoid(z0, z1),
        reference.two_class_softmax_as_sigmoid(z0, z1),
        what=f"two_class_softmax_as_sigmoid({z0.tolist()}, {z1.tolist()})",
        inputs="logits near ±1000",
    )


# --- ce_grad -----------------------------------------------------------------


@pytest.mark.problem("ce_grad")
@pytest.mark.points(1)
def test_cross_entropy_grad_small_example(submission, reference):
    z = np.array([2.0, -1.0, 0.5])
    y = np.array([0.0, 0.0, 1.0])
    assert_close(
        submission.cross_entropy_grad(z, y),
        reference.cross_entropy_grad(z, y),
        what=f"cross_entropy_grad({z.tolist()}, {y.tolist()})",
    )


@pytest.mark.problem("ce_grad")
@pytest.mark.points(1)
def test_cross_entropy_grad_random_vector(submission, reference, rng):
    n = int(rng.integers(2, 11))
    z = 3.0 * rng.standard_normal(n)
    y = np.eye(n)[rng.integers(n)]
    assert_close(
        submission.cross_entropy_grad(z, y),
        reference.cross_entropy_grad(z, y),
        what="cross_entropy_grad(z, y), random z, one-hot y",
    )


@pytest.mark.problem("ce_grad")
@pytest.mark.points(1)
def test_cross_entropy_grad_random_batch(submission, reference, rng):
    m, n = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    z = 3.0 * rng.standard_normal((m, n))
    y = np.eye(n)[rng.integers(n, size=m)]
    assert_close(
        submission.cross_entropy_grad(z, y),
        reference.cross_entropy_grad(z, y),
        what="cross_entropy_grad(Z, Y) for a random batch, one-hot rows",
        inputs="a batch (one example per row)",
    )


# --- kl ----------------------------------------------------------------------


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_entropy_random(submission, reference, rng):
    p = rng.dirichlet(np.ones(int(rng.integers(2, 11))))
    assert_close(
        number(submission.entropy(p)),
        reference.entropy(p),
        what="entropy(p) for a random distribution p",
    )


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_entropy_with_zero_probabilities(submission, reference, rng):
    p = rng.dirichlet(np.ones(6))
    p[rng.choice(6, size=2, replace=False)] = 0.0
    p = p / p.sum()
    assert_close(
        number(submission.entropy(p)),
        reference.entropy(p),
        what="entropy(p) where p has zeros (0 * log 0 = 0)",
    )


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_cross_entropy_random(submission, reference, rng):
    n = int(rng.integers(2, 11))
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    assert_close(
        number(submission.cross_entropy(p, q)),
        reference.cross_entropy(p, q),
        what="cross_entropy(p, q) for random distributions",
    )


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_kl_divergence_random(submission, reference, rng):
    n = int(rng.integers(2, 11))
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    assert_close(
        number(submission.kl_divergence(p, q)),
        reference.kl_divergence(p, q),
        what="kl_divergence(p, q) for random distributions",
    )


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_kl_divergence_with_zero_probabilities(submission, reference, rng):
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    p[rng.choice(6, size=2, replace=False)] = 0.0
    p = p / p.sum()
    assert_close(
        number(submission.kl_divergence(p, q)),
        reference.kl_divergence(p, q),
        what="kl_divergence(p, q) where p has zeros",
    )


@pytest.mark.problem("kl")
@pytest.mark.points(1)
def test_entropies_are_plain_numbers(submission, rng):
    """The format, on its own: value tests accept a 1-element array, this one does not."""
    p, q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    values = {}
    for name, args in (("entropy", (p,)), ("cross_entropy", (p, q)), ("kl_divergence", (p, q))):
        values[name] = getattr(submission, name)(*args)
        assert_number(values[name], what=f"{name}(...)")
    other = submission.entropy(rng.dirichlet(np.ones(5)))
    if np.isclose(float(values["entropy"]), float(other), rtol=1e-12, atol=0):
        raise Mismatch(
            "entropy gives the same number for two different distributions",
            "entropy returns the same number for two different distributions: a constant "
            "is a number, but not an entropy",
        )
