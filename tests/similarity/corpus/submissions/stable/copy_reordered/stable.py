import numpy
from numpy import einsum


def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    X = numpy.asarray(X, dtype=float)
    batch = len(X)
    pre = einsum("nd,dh->nh", X, W1) + b1
    hidden = relu(pre)
    probs = softmax(einsum("nh,hk->nk", hidden, W2) + b2)
    targets = numpy.eye(W2.shape[1])[y]
    delta_out = (probs - targets) / batch
    grad_W2 = einsum("nh,nk->hk", hidden, delta_out)
    grad_b2 = einsum("nk->k", delta_out)
    gate = numpy.heaviside(pre, 0.0)
    delta_hidden = einsum("nk,hk->nh", delta_out, W2) * gate
    grad_W1 = einsum("nd,nh->dh", X, delta_hidden)
    grad_b1 = einsum("nh->h", delta_hidden)
    return grad_W1, grad_b1, grad_W2, grad_b2


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    logits = numpy.asarray(logits, dtype=float)
    rows = numpy.arange(logits.shape[0])
    log_probs = logits - logsumexp(logits)[:, numpy.newaxis]
    return -float(numpy.take_along_axis(log_probs, numpy.asarray(labels)[:, None], axis=1).mean())


def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    x = numpy.asarray(x, dtype=float)
    peak = numpy.max(x, axis=-1, keepdims=True)
    # shift by the peak so that exp never overflows
    total = numpy.sum(numpy.exp(x - peak), axis=-1, keepdims=True)
    return numpy.squeeze(peak + numpy.log(total), axis=-1)


def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    x = numpy.asarray(x, dtype=float)
    e = numpy.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return numpy.maximum(z, 0.0)
