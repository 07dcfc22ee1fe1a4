"""Frank - homework 1 (softmax)."""

import numpy as np


def softmax(x):
    arr = np.asarray(x, dtype=float)
    arr = arr - arr.max(axis=-1, keepdims=True)
    ex = np.exp(arr)
    return ex / ex.sum(axis=-1, keepdims=True)


def softmax_grad_iterative(s):
    s = np.asarray(s, dtype=float)
    n = s.shape[0]
    grad = np.zeros((n, n))
    for i in range(n):
        grad[i, i] = s[i] * (1 - s[i])
        for j in range(i + 1, n):
            grad[i, j] = grad[j, i] = -s[i] * s[j]
    return grad


def softmax_grad_vectorized(s):
    s = np.asarray(s, dtype=float)
    return np.diag(s) - np.outer(s, s)


def logsumexp(x):
    arr = np.asarray(x, dtype=float)
    top = arr.max(axis=-1, keepdims=True)
    res = (top + np.log(np.exp(arr - top).sum(axis=-1, keepdims=True)))[..., 0]
    return float(res) if res.ndim == 0 else res


def log_softmax(x):
    arr = np.asarray(x, dtype=float)
    top = arr.max(axis=-1, keepdims=True)
    return arr - top - np.log(np.exp(arr - top).sum(axis=-1, keepdims=True))


def sigmoid(z):
    arr = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(arr))
    res = np.where(arr >= 0, 1 / (1 + e), e / (1 + e))
    return float(res) if res.ndim == 0 else res


def two_class_softmax_as_sigmoid(z0, z1):
    return sigmoid(np.asarray(z1, dtype=float) - np.asarray(z0, dtype=float))


def cross_entropy_grad(z, y):
    y_hat = softmax(z)
    # dL/dz = y - y_hat
    return np.asarray(y, dtype=float) - y_hat


def entropy(p):
    p = np.asarray(p, dtype=float)
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return float(-terms.sum())


def cross_entropy(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(q[p > 0])
    return float(-terms.sum())


def kl_divergence(p, q):
    return cross_entropy(p, q) - entropy(p)
