# Bob: every function hands back plain Python lists (or a float).
import numpy as np


def softmax(x):
    a = np.asarray(x, dtype=float)
    a = a - np.max(a, axis=-1, keepdims=True)
    e = np.exp(a)
    return (e / e.sum(axis=-1, keepdims=True)).tolist()


def softmax_grad_iterative(s):
    s = [float(v) for v in s]
    n = len(s)
    jac = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                jac[i][j] = s[i] - s[i] ** 2
            else:
                jac[i][j] = -(s[i] * s[j])
    return jac


def softmax_grad_vectorized(s):
    s = np.asarray(s, dtype=float)
    return (np.diag(s) - np.outer(s, s)).tolist()


def logsumexp(x):
    a = np.asarray(x, dtype=float)
    c = np.max(a, axis=-1, keepdims=True)
    out = np.log(np.sum(np.exp(a - c), axis=-1, keepdims=True)) + c
    out = out[..., 0]
    return out.tolist()


def log_softmax(x):
    a = np.asarray(x, dtype=float)
    c = np.max(a, axis=-1, keepdims=True)
    return (a - c - np.log(np.sum(np.exp(a - c), axis=-1, keepdims=True))).tolist()


def sigmoid(z):
    a = np.asarray(z, dtype=float)
    # sigmoid(z) = exp(-log(1 + exp(-z))), and logaddexp never overflows
    return np.exp(-np.logaddexp(0.0, -a)).tolist()


def two_class_softmax_as_sigmoid(z0, z1):
    return sigmoid(np.asarray(z1, dtype=float) - np.asarray(z0, dtype=float))


def cross_entropy_grad(z, y):
    return (np.asarray(softmax(z)) - np.asarray(y, dtype=float)).tolist()


def entropy(p):
    total = 0.0
    for pi in p:
        if pi > 0:
            total -= pi * np.log(pi)
    return float(total)


def cross_entropy(p, q):
    total = 0.0
    for pi, qi in zip(p, q):
        if pi > 0:
            total -= pi * np.log(qi)
    return float(total)


def kl_divergence(p, q):
    total = 0.0
    for pi, qi in zip(p, q):
        if pi > 0:
            total += pi * np.log(pi / qi)
    return float(total)
