import numpy as np


def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return np.maximum(z, 0.0)


def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    # subtract the max for stability
    logits = np.asarray(x, dtype=float)
    ex = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return ex / ex.sum(axis=-1, keepdims=True)


def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        c = x.max()
        return c + np.log(np.sum(np.exp(x - c)))
    out = []
    for row in x:
        c = row.max()
        out.append(c + np.log(np.sum(np.exp(row - c))))
    return np.array(out)


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    z = np.array(logits, dtype=float)
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-logp[range(n), labels].sum() / n)


def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    X = np.array(X, dtype=float)
    n = X.shape[0]
    z1 = X.dot(W1) + b1
    h = relu(z1)
    scores = h.dot(W2) + b2
    d = softmax(scores)
    d[range(n), y] = d[range(n), y] - 1
    d = d / n
    dW2 = h.T.dot(d)
    db2 = np.sum(d, axis=0)
    dh = d.dot(W2.T)
    dh[z1 <= 0] = 0
    dW1 = X.T.dot(dh)
    db1 = np.sum(dh, axis=0)
    return dW1, db1, dW2, db2
