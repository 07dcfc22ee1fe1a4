"""Fay, HW stable."""
from numpy import asarray, exp, log, max as npmax, zeros


def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return asarray(z, dtype=float).clip(min=0.0)


def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    t = asarray(x, dtype=float)
    t = exp(t - npmax(t, axis=-1, keepdims=True))
    t /= t.sum(axis=-1, keepdims=True)
    return t


def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    t = asarray(x, dtype=float)
    shift = npmax(t, axis=-1)
    inside = exp(t - shift[..., None]).sum(axis=-1)
    return shift + log(inside)


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    t = asarray(logits, dtype=float)
    lse = logsumexp(t)
    acc = 0.0
    for r, c in enumerate(labels):
        acc = acc + (lse[r] - t[r, c])
    return acc / t.shape[0]


def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    X = asarray(X, dtype=float)
    mask = (X @ W1 + b1) > 0
    hid = (X @ W1 + b1) * mask
    sm = softmax(hid @ W2 + b2)
    target = zeros(sm.shape)
    for r, c in enumerate(y):
        target[r, c] = 1.0
    upstream = (sm - target) * (1.0 / X.shape[0])
    back = (upstream @ W2.T) * mask
    return X.T @ back, back.sum(0), hid.T @ upstream, upstream.sum(0)
