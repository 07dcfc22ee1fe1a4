"""Known mistakes of the `softmax` homework, tried when a hidden test fails.

Each function is the reference's function with one slip students make; the sentence is
what a student who made it reads (before the due date too: it names no expected value).
"""

import numpy as np

from autograder.author import known_mistake

# The matrix printed in the source material: the Jacobian of softmax([5, 7, 8]).
PRINTED_JACOBIAN = np.array(
    [
        [0.03388568, -0.00911326, -0.02477242],
        [-0.00911326, 0.19215805, -0.18304478],
        [-0.02477242, -0.18304478, 0.2078172],
    ]
)


@known_mistake(
    ("softmax_grad_iterative", "softmax_grad_vectorized"),
    "The off-diagonal entries have the wrong sign: for i != j the derivative is -s_i s_j.",
)
def jacobian_plus_outer(s):
    s = np.asarray(s, dtype=float)
    return np.diag(s * (1 - s)) + np.outer(s, s) - np.diag(s * s)


@known_mistake(
    ("softmax_grad_iterative", "softmax_grad_vectorized"),
    "Only the diagonal s_i (1 - s_i) is filled in; the entries off the diagonal (-s_i s_j) "
    "are missing.",
)
def jacobian_diagonal_only(s):
    s = np.asarray(s, dtype=float)
    return np.diag(s * (1 - s))


@known_mistake(
    "softmax_grad_vectorized",
    "For a 1-D s, s @ s.T is a number (the sum of squares), not the outer product: "
    "use np.outer(s, s).",
)
def jacobian_dot_not_outer(s):
    s = np.asarray(s, dtype=float)
    return np.diag(s) - s @ s.T


@known_mistake(
    ("softmax_grad_iterative", "softmax_grad_vectorized"),
    "The Jacobian is the printed example for softmax([5, 7, 8]) whatever s is: it must be "
    "computed from s.",
)
def jacobian_hard_coded(s):
    return PRINTED_JACOBIAN


@known_mistake(
    "softmax",
    "Each column is normalized instead of each row: sum over the last axis (axis=-1).",
)
def softmax_columns(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=0, keepdims=True)


@known_mistake(
    "softmax",
    "A batch is normalized as one whole array: each row must sum to 1 on its own.",
)
def softmax_whole_array(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


@known_mistake(
    "cross_entropy_grad",
    "The gradient has the wrong sign: it is softmax(z) - y, not y - softmax(z).",
)
def ce_grad_flipped(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return np.asarray(y, dtype=float) - e / np.sum(e, axis=-1, keepdims=True)


@known_mistake(
    "cross_entropy_grad",
    "A batch's gradient is divided by the batch size: this function returns each row's "
    "own gradient softmax(z) - y.",
)
def ce_grad_mean(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    grad = e / np.sum(e, axis=-1, keepdims=True) - np.asarray(y, dtype=float)
    return grad / grad.shape[0] if grad.ndim == 2 else grad


@known_mistake(
    "two_class_softmax_as_sigmoid",
    "This is the probability of class 0: P(class 1) = sigmoid(z1 - z0), not sigmoid(z0 - z1).",
)
def two_class_swapped(z0, z1):
    t = np.asarray(z0, dtype=float) - np.asarray(z1, dtype=float)
    return np.exp(-np.logaddexp(0.0, -t))


@known_mistake(
    ("entropy", "cross_entropy"),
    "The logarithm is base 2: this assignment uses the natural logarithm (np.log).",
)
def log_base_two(p, q=None):
    p = np.asarray(p, dtype=float)
    used = p > 0
    if q is None:
        return float(-np.sum(p[used] * np.log2(p[used])))
    q = np.asarray(q, dtype=float)
    return float(-np.sum(p[used] * np.log2(q[used])))


@known_mistake(
    "kl_divergence",
    "The arguments are swapped: KL(p || q) sums p_i log(p_i / q_i), and KL is not symmetric.",
)
def kl_swapped(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(q * (np.log(q) - np.log(p))))


@known_mistake(
    "cross_entropy",
    "The arguments are swapped: H(p, q) = -sum p_i log q_i, with p the target.",
)
def cross_entropy_swapped(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(q * np.log(p)))
