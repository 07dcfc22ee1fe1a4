import numpy as np
def relu(z):
    """Given: the rectified linear unit, elementwise."""
    return np.maximum(z, 0.0)
def softmax(x):
    """Softmax of a vector, or of each row of a batch, stable for large logits."""
    x=np.asarray(x,dtype=float); e=np.exp(x-x.max(axis=-1,keepdims=True))
    return e/e.sum(axis=-1,keepdims=True)
def logsumexp(x):
    """log(sum(exp(x))) over the last axis, stable for large logits."""
    x = np.asarray(
        x,
        dtype=float,
    )
    peak = np.max(
        x, axis=-1, keepdims=True
    )
    total = np.sum(
        np.exp(x - peak),
        axis=-1,
        keepdims=True,
    )
    return np.squeeze(peak + np.log(total), axis=-1)
def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels (m,) under softmax(logits), logits (m, k)."""
    logits = np.asarray(logits, dtype=float); rows = np.arange(logits.shape[0])
    log_probs = logits - logsumexp(logits)[:, np.newaxis]
    return -float(
        np.take_along_axis(
            log_probs,
            np.asarray(labels)[:, None],
            axis=1,
        ).mean()
    )
def mlp_grad(X, y, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of a two-layer ReLU network.

    H = relu(X @ W1 + b1), Z = H @ W2 + b2, loss = cross_entropy(Z, y).
    Return (dW1, db1, dW2, db2), each of the shape of its parameter.
    """
    X = np.asarray(X, dtype=float);   batch = len(X)
    pre = np.einsum('nd,dh->nh', X, W1) + b1;   hidden = relu(pre)
    probs = softmax(np.einsum('nh,hk->nk', hidden, W2)
                    + b2)
    targets = np.eye(W2.shape[1])[y]
    delta_out = (probs - targets) / batch
    grad_W2 = np.einsum('nh,nk->hk', hidden, delta_out); grad_b2 = np.einsum('nk->k', delta_out)
    gate = np.heaviside(pre, 0.)
    delta_hidden = np.einsum('nk,hk->nh',
                             delta_out,
                             W2) * gate
    grad_W1 = np.einsum('nd,nh->dh', X, delta_hidden)
    grad_b1 = np.einsum('nh->h', delta_hidden)
    return grad_W1, grad_b1, grad_W2, grad_b2
