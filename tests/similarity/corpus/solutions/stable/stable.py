"""Homework `stable`: a stable softmax, log-sum-exp, cross-entropy and backpropagation.

Use NumPy only. Every function accepts lists as well as arrays.
"""

import numpy as np


def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return np.maximum(z, 0.0)


def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION


def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    top = x.max(axis=-1)
    return top + np.log(np.exp(x - top[..., None]).sum(axis=-1))
    ### END SOLUTION


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    picked = logits[np.arange(len(labels)), labels]
    return float(np.mean(logsumexp(logits) - picked))
    ### END SOLUTION


def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    m = X.shape[0]
    A = X @ W1 + b1
    H = relu(A)
    P = softmax(H @ W2 + b2)
    P[np.arange(m), y] -= 1.0
    dZ = P / m
    dW2 = H.T @ dZ
    db2 = dZ.sum(axis=0)
    dA = (dZ @ W2.T) * (A > 0)
    return X.T @ dA, dA.sum(axis=0), dW2, db2
    ### END SOLUTION
