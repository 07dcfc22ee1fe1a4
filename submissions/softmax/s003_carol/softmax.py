"""Carol: softmax homework."""

import numpy as np


def softmax(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_grad_iterative(s):
    s = np.asarray(s, dtype=float)
    n = len(s)
    J = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                J[i, j] = s[i] * (1 - s[i])
            else:
                J[i, j] = s[i] * s[j]
    return J


def softmax_grad_vectorized(s):
    s = np.asarray(s, dtype=float)
    J = np.outer(s, s)
    np.fill_diagonal(J, s * (1 - s))
    return J


def logsumexp(x):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=-1)
    out = m + np.log(np.sum(np.exp(x - m[..., None]), axis=-1))
    return float(out) if out.ndim == 0 else out


def log_softmax(x):
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    return float(out) if out.ndim == 0 else out


def two_class_softmax_as_sigmoid(z0, z1):
    return sigmoid(np.asarray(z1, dtype=float) - np.asarray(z0, dtype=float))


def cross_entropy_grad(z, y):
    return softmax(z) - np.asarray(y, dtype=float)


def entropy(p):
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def cross_entropy(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    mask = p > 0
    return float(-np.sum(p[mask] * np.log(q[mask])))


def kl_divergence(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))
