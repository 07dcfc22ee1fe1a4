"""Known mistakes of the `logistic` homework, tried when a hidden test fails.

Each function is a reference function with one slip students make; the sentence is what
a student who made it reads (before the due date too: it names no expected value).
"""

import numpy as np

from autograder.author import known_mistake


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


@known_mistake(
    "logistic_grad",
    "The gradient is the SUM over the examples; this assignment uses the mean loss, so "
    "divide by n, the number of rows of X.",
)
def grad_sum_not_mean(w, X, t):
    X = np.asarray(X, dtype=float)
    return X.T @ (_sigmoid(X @ np.asarray(w, dtype=float)) - np.asarray(t, dtype=float))


@known_mistake(
    "logistic_grad",
    "The gradient has the wrong sign: it is X^T (sigmoid(Xw) - t) / n, "
    "not X^T (t - sigmoid(Xw)) / n.",
)
def grad_flipped(w, X, t):
    X = np.asarray(X, dtype=float)
    y = _sigmoid(X @ np.asarray(w, dtype=float))
    return X.T @ (np.asarray(t, dtype=float) - y) / X.shape[0]


@known_mistake(
    "logistic_loss",
    "The loss is the SUM over the examples; this assignment uses the mean (divide by n).",
)
def loss_sum_not_mean(w, X, t):
    X, t = np.asarray(X, dtype=float), np.asarray(t, dtype=float)
    z = X @ np.asarray(w, dtype=float)
    return float(np.sum(t * np.logaddexp(0.0, -z) + (1 - t) * np.logaddexp(0.0, z)))


@known_mistake(
    "softmax_to_logistic",
    "The sign is flipped: the positive class is class 2, so w = w2 - w1, not w1 - w2.",
)
def logistic_weights_swapped(w1, w2):
    return np.asarray(w1, dtype=float) - np.asarray(w2, dtype=float)


@known_mistake(
    "softmax_grad",
    "The gradient is transposed: it has the shape (D, K) of W, column k for class k.",
)
def softmax_grad_transposed(W, X, T):
    X2, T2 = np.atleast_2d(np.asarray(X, dtype=float)), np.atleast_2d(np.asarray(T, dtype=float))
    Z = X2 @ np.asarray(W, dtype=float)
    Y = np.exp(Z - Z.max(axis=1, keepdims=True))
    Y /= Y.sum(axis=1, keepdims=True)
    return (Y - T2).T @ X2 / X2.shape[0]


@known_mistake(
    "softmax_grad",
    "The gradient is the SUM over the batch; this assignment uses the mean (divide by n).",
)
def softmax_grad_sum(W, X, T):
    X2, T2 = np.atleast_2d(np.asarray(X, dtype=float)), np.atleast_2d(np.asarray(T, dtype=float))
    Z = X2 @ np.asarray(W, dtype=float)
    Y = np.exp(Z - Z.max(axis=1, keepdims=True))
    Y /= Y.sum(axis=1, keepdims=True)
    return X2.T @ (Y - T2)
