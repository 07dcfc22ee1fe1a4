import numpy as np


# softmax straight from the definition
def softmax(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_grad_iterative(s):
    s = np.asarray(s, dtype=float)
    n = s.size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i][j] = s[i] * (1 - s[j]) if i == j else -s[i] * s[j]
    return out


def softmax_grad_vectorized(s):
    s = np.asarray(s, dtype=float)
    return np.diag(s) - np.outer(s, s)


def logsumexp(x):
    x = np.asarray(x, dtype=float)
    out = np.log(np.exp(x).sum(axis=-1))
    return float(out) if out.ndim == 0 else out


def log_softmax(x):
    return np.log(softmax(x))


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = 0.5 * (1.0 + np.tanh(0.5 * z))
    return float(out) if out.ndim == 0 else out


def two_class_softmax_as_sigmoid(z0, z1):
    return sigmoid(np.asarray(z1, dtype=float) - np.asarray(z0, dtype=float))


def cross_entropy_grad(z, y):
    return softmax(z) - np.asarray(y, dtype=float)


def entropy(p):
    p = np.asarray(p, dtype=float)
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum())


def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    k = p > 0
    return float(-(p[k] * np.log(q[k])).sum())


def kl_divergence(p, q):
    return cross_entropy(p, q) - entropy(p)
