"""Homework `stable`: a stable softmax, log-sum-exp, cross-entropy and backpropagation.

Use NumPy only. Every function accepts lists as well as arrays.
"""

import numpy as np


def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return np.maximum(z, 0.0)


def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    # YOUR CODE HERE
    raise NotImplementedError


def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    # YOUR CODE HERE
    raise NotImplementedError


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    # YOUR CODE HERE
    raise NotImplementedError


def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    # YOUR CODE HERE
    raise NotImplementedError
