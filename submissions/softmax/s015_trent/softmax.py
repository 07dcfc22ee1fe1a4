"""Trent's softmax homework: every function returns zeros (or 0.0) of the right shape."""

import numpy as np


def _zeros(x):
    x = np.asarray(x, dtype=float)
    return np.zeros_like(x)


def softmax(x):
    return _zeros(x)


def softmax_grad_iterative(s):
    n = np.asarray(s).shape[0]
    return np.zeros((n, n))


def softmax_grad_vectorized(s):
    return softmax_grad_iterative(s)


def logsumexp(x):
    x = np.asarray(x, dtype=float)
    return 0.0 if x.ndim == 1 else np.zeros(x.shape[0])


def log_softmax(x):
    return _zeros(x)


def sigmoid(z):
    return 0.0 if np.ndim(z) == 0 else _zeros(z)


def two_class_softmax_as_sigmoid(z0, z1):
    return 0.0 if np.ndim(z0) == 0 else _zeros(z0)


def cross_entropy_grad(z, y):
    return _zeros(z)


def entropy(p):
    return 0.0


def cross_entropy(p, q):
    return 0.0


def kl_divergence(p, q):
    return 0.0
