"""My softmax classifier homework (a correct solution, written independently of the reference)."""

import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels).astype(int)
    return (labels[:, None] == np.arange(num_classes)[None, :]).astype(float)


def _scores(W, b, X):
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)


def _log_softmax(S):
    m = S.max(axis=1, keepdims=True)
    return S - m - np.log(np.sum(np.exp(S - m), axis=1, keepdims=True))


def softmax_loss(W, b, X, y):
    S = _scores(W, b, X)
    Y = one_hot(y, S.shape[1])
    return float(-np.sum(Y * _log_softmax(S)) / S.shape[0])


def softmax_grad(W, b, X, y):
    # MISTAKE (on purpose): no gradient at all
    return np.zeros(np.shape(W)), np.zeros(np.shape(b))


def sgd_step(W, b, X, y, lr):
    # MISTAKE (on purpose): a step along the zero gradients is no step
    return np.asarray(W, dtype=float), np.asarray(b, dtype=float)


def _margins(S, y):
    y = np.asarray(y).astype(int)
    correct = S[np.arange(len(y)), y]
    M = S - correct[:, None] + 1.0
    M[np.arange(len(y)), y] = 0.0
    return np.maximum(M, 0.0)


def hinge_loss(W, b, X, y):
    S = _scores(W, b, X)
    return float(np.mean(np.sum(_margins(S, y), axis=1)))


def hinge_grad(W, b, X, y):
    X = np.asarray(X, dtype=float)
    S = _scores(W, b, X)
    y = np.asarray(y).astype(int)
    n = S.shape[0]
    rows = np.arange(n)
    coef = (S - S[rows, y][:, None] + 1.0 > 0).astype(float)  # active margin terms
    coef[rows, y] = 0.0
    coef[rows, y] = -np.sum(coef, axis=1)
    return X.T @ coef / n, coef.sum(axis=0) / n


def compare_losses(scores, y):
    S = np.asarray(scores, dtype=float)
    y = np.asarray(y).astype(int)
    hinge = np.sum(_margins(S, y), axis=1)
    soft = -_log_softmax(S)[np.arange(len(y)), y]
    return {"hinge": hinge, "softmax": soft}


def class_to_bits(labels):
    labels = np.asarray(labels).astype(int)
    bits = np.zeros((len(labels), 4), dtype=int)
    for i, c in enumerate(labels):
        for k in range(4):
            bits[i, k] = (c >> (3 - k)) & 1
    return bits


def binary_code_weights():
    # Output k adds up the probabilities of the classes whose bit k is 1. If
    # p[c] > 1/2 and bit k of c is 1, the sum exceeds 1/2; if bit k of c is 0,
    # the sum is at most 1 - p[c] < 1/2. So the threshold 1/2 separates them.
    W = np.array([
        [0, 0, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 1, 0],
        [0, 0, 1, 1],
        [0, 1, 0, 0],
        [0, 1, 0, 1],
        [0, 1, 1, 0],
        [0, 1, 1, 1],
        [1, 0, 0, 0],
        [1, 0, 0, 1],
    ], dtype=float)
    thresholds = np.array([0.5, 0.5, 0.5, 0.5])
    return W, thresholds
