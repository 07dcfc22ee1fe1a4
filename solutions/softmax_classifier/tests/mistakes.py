"""Known mistakes of the `softmax_classifier` homework, tried when a hidden test fails.

Each function is a reference function with one slip students make; the sentence is what
a student who made it reads (before the due date too: it names no expected value).
"""

import numpy as np

from autograder.author import known_mistake


def _probabilities(W, b, X):
    S = np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)
    P = np.exp(S - S.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


def _one_hot(y, k):
    return np.eye(k)[np.asarray(y, dtype=int)]


@known_mistake(
    "softmax_grad",
    "The labels are used as integers (P - y) instead of one-hot vectors (P - one_hot(y)).",
)
def raw_labels(W, b, X, y):
    X = np.asarray(X, dtype=float)
    G = (_probabilities(W, b, X) - np.asarray(y, dtype=float)[:, None]) / X.shape[0]
    return X.T @ G, G.sum(axis=0)


@known_mistake(
    "softmax_grad",
    "The gradients are SUMS over the minibatch; the loss is the mean, so divide by n.",
)
def grad_sum_not_mean(W, b, X, y):
    X = np.asarray(X, dtype=float)
    G = _probabilities(W, b, X) - _one_hot(y, np.shape(W)[1])
    return X.T @ G, G.sum(axis=0)


@known_mistake(
    "softmax_grad",
    "The bias gradient db is missing (zeros): it is the mean over the rows of P - one_hot(y).",
)
def no_bias_grad(W, b, X, y):
    X = np.asarray(X, dtype=float)
    G = (_probabilities(W, b, X) - _one_hot(y, np.shape(W)[1])) / X.shape[0]
    return X.T @ G, np.zeros(np.shape(W)[1])


@known_mistake(
    "softmax_grad",
    "dW is transposed: it has the shape (D, C) of W.",
)
def transposed_dw(W, b, X, y):
    X = np.asarray(X, dtype=float)
    G = (_probabilities(W, b, X) - _one_hot(y, np.shape(W)[1])) / X.shape[0]
    return G.T @ X, G.sum(axis=0)


def _hinge_margins(S, y):
    S, y = np.asarray(S, dtype=float), np.asarray(y, dtype=int)
    return np.maximum(0.0, S - S[np.arange(S.shape[0]), y][:, None] + 1.0)


@known_mistake(
    "hinge_loss",
    "The sum also counts the true class j = y_i, whose margin term is always 1: leave it out.",
)
def hinge_counts_true_class(W, b, X, y):
    S = np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)
    return float(_hinge_margins(S, y).sum(axis=1).mean())


@known_mistake(
    "compare_losses",
    "The hinge sum also counts the true class j = y_i (always 1): leave it out.",
)
def compare_counts_true_class(scores, y):
    S, y = np.asarray(scores, dtype=float), np.asarray(y, dtype=int)
    rows = np.arange(S.shape[0])
    shifted = S - S.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return {"hinge": _hinge_margins(S, y).sum(axis=1), "softmax": -log_probs[rows, y]}


@known_mistake(
    "class_to_bits",
    "The bits are in the wrong order: the most significant bit comes first (class 1 is 0001).",
    shows_in=("binary_code_weights",),
)
def least_significant_first(labels):
    labels = np.asarray(labels, dtype=int)
    return (labels[:, None] >> np.array([0, 1, 2, 3])) & 1
