import math

import numpy as np


def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return np.maximum(z, 0.0)


def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    arr = np.asarray(x, dtype=float)
    e = np.exp(arr - arr.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _lse_1d(values):
    biggest = max(values)
    return biggest + math.log(sum(math.exp(v - biggest) for v in values))


def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1:
        return _lse_1d(arr.tolist())
    return np.array([_lse_1d(row) for row in arr.tolist()])


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    total = 0.0
    rows = np.asarray(logits, dtype=float).tolist()
    for row, label in zip(rows, labels):
        total += _lse_1d(row) - row[int(label)]
    return total / len(rows)


def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    X = np.asarray(X, dtype=float)
    gW1, gb1 = np.zeros_like(W1), np.zeros_like(b1)
    gW2, gb2 = np.zeros_like(W2), np.zeros_like(b2)
    n = len(X)
    for i in range(n):
        xi = X[i]
        a = xi @ W1 + b1
        h = relu(a)
        p = softmax(h @ W2 + b2)
        p[y[i]] -= 1.0
        gW2 += np.outer(h, p) / n
        gb2 += p / n
        back = (W2 @ p) * (a > 0)
        gW1 += np.outer(xi, back) / n
        gb1 += back / n
    return gW1, gb1, gW2, gb2
