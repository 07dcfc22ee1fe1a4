"""Homework `softmax_classifier`: a linear softmax classifier, the multiclass SVM loss,
and a network that writes a class as a 4-bit binary code.

Write the body of every function below with NumPy only (no SciPy, no
deep-learning libraries). Each docstring states what the function receives
and what it must return; README.md has the formulas. Inputs are NumPy
arrays.

Shapes used throughout:
  n  number of examples in a minibatch,
  D  number of input features,
  C  number of classes.
  X  (n, D) inputs, one example per row;  y  (n,) integer labels in 0..C-1;
  W  (D, C) weights;  b  (C,) biases;  scores  S = X @ W + b, shape (n, C).

Check your work with:  autograder check softmax_classifier softmax_classifier.py
"""

import numpy as np


def one_hot(labels, num_classes):
    """One-hot encoding of integer labels.

    Inputs: `labels`, shape (n,), integers in 0..num_classes-1; `num_classes`, C.
    Return: a float array of shape (n, C) whose row i is all zeros except a
    1.0 in column labels[i].
    """
    ### BEGIN SOLUTION
    labels = np.asarray(labels, dtype=int)
    out = np.zeros((labels.shape[0], int(num_classes)))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out
    ### END SOLUTION


def softmax_loss(W, b, X, y):
    """Mean cross-entropy loss of the linear softmax classifier on a minibatch.

    Inputs: W (D, C), b (C,), X (n, D), y (n,) integer labels.
    Return: a float, the MEAN over the n examples of
        L_i = -log softmax(s_i)[y_i],   s_i = x_i @ W + b.
    Compute it stably: log softmax(s)[c] = s_c - max(s) - log(sum_k exp(s_k - max(s))).
    """
    ### BEGIN SOLUTION
    W, b, X = (np.asarray(a, dtype=float) for a in (W, b, X))
    y = np.asarray(y, dtype=int)
    S = X @ W + b
    S = S - S.max(axis=1, keepdims=True)
    log_probs = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(X.shape[0]), y]))
    ### END SOLUTION


def softmax_grad(W, b, X, y):
    """Gradients of `softmax_loss` (the MEAN loss) with respect to W and b.

    Inputs as in `softmax_loss`.
    Return: a tuple (dW, db) with dW of shape (D, C) and db of shape (C,):
        G  = (P - Y) / n,   P = softmax of each row of S,  Y = one_hot(y, C),
        dW = X^T G,         db = sum of the rows of G.
    """
    ### BEGIN SOLUTION
    W, b, X = (np.asarray(a, dtype=float) for a in (W, b, X))
    S = X @ W + b
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = (P - one_hot(y, W.shape[1])) / X.shape[0]
    return X.T @ G, G.sum(axis=0)
    ### END SOLUTION


def sgd_step(W, b, X, y, lr):
    """One minibatch stochastic-gradient-descent step on `softmax_loss`.

    Inputs as in `softmax_loss`, plus the learning rate `lr` (a float > 0);
    (X, y) is the minibatch.
    Return: a tuple (W_new, b_new) = (W - lr * dW, b - lr * db), with (dW, db)
    from `softmax_grad`. Do not modify W or b in place.
    """
    ### BEGIN SOLUTION
    dW, db = softmax_grad(W, b, X, y)
    return np.asarray(W, dtype=float) - lr * dW, np.asarray(b, dtype=float) - lr * db
    ### END SOLUTION


def hinge_loss(W, b, X, y):
    """Mean multiclass SVM (hinge) loss with margin 1.

    Inputs as in `softmax_loss`.
    Return: a float, the MEAN over the n examples of
        L_i = sum over j != y_i of max(0, s_ij - s_i,y_i + 1),   s_i = x_i @ W + b.
    """
    ### BEGIN SOLUTION
    W, b, X = (np.asarray(a, dtype=float) for a in (W, b, X))
    y = np.asarray(y, dtype=int)
    S = X @ W + b
    rows = np.arange(X.shape[0])
    margins = np.maximum(0.0, S - S[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    return float(margins.sum(axis=1).mean())
    ### END SOLUTION


def hinge_grad(W, b, X, y):
    """Gradients of `hinge_loss` (the MEAN loss) with respect to W and b.

    Inputs as in `softmax_loss`.
    Return: a tuple (dW, db), shapes (D, C) and (C,). For example i and a
    class j != y_i whose margin term is active (s_ij - s_i,y_i + 1 > 0), score
    s_ij gets +1 and score s_i,y_i gets -1; inactive terms (<= 0, including
    exactly 0) contribute nothing. With M the (n, C) matrix of these
    coefficients: dW = X^T M / n and db = (sum of the rows of M) / n.
    """
    ### BEGIN SOLUTION
    W, b, X = (np.asarray(a, dtype=float) for a in (W, b, X))
    y = np.asarray(y, dtype=int)
    S = X @ W + b
    rows = np.arange(X.shape[0])
    active = (S - S[rows, y][:, None] + 1.0) > 0
    active[rows, y] = False
    M = active.astype(float)
    M[rows, y] = -M.sum(axis=1)
    M /= X.shape[0]
    return X.T @ M, M.sum(axis=0)
    ### END SOLUTION


def compare_losses(scores, y):
    """Per-example hinge and softmax losses for given scores (no W or b).

    Inputs: `scores`, shape (n, C); `y`, shape (n,) integer labels.
    Return: a dict {"hinge": h, "softmax": s} of two float arrays of shape
    (n,): h[i] = sum over j != y_i of max(0, scores[i, j] - scores[i, y_i] + 1)
    and s[i] = -log softmax(scores[i])[y_i] (computed stably).
    """
    ### BEGIN SOLUTION
    S = np.asarray(scores, dtype=float)
    y = np.asarray(y, dtype=int)
    rows = np.arange(S.shape[0])
    margins = np.maximum(0.0, S - S[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    shifted = S - S.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return {"hinge": margins.sum(axis=1), "softmax": -log_probs[rows, y]}
    ### END SOLUTION


def class_to_bits(labels):
    """The 4-bit binary code of each class 0..9, MOST significant bit first.

    Input: `labels`, shape (n,), integers in 0..9.
    Return: an int array of shape (n, 4) whose row i holds the bits of
    labels[i], e.g. 6 -> [0, 1, 1, 0] and 9 -> [1, 0, 0, 1].
    """
    ### BEGIN SOLUTION
    labels = np.asarray(labels, dtype=int)
    return (labels[:, None] >> np.array([3, 2, 1, 0])) & 1
    ### END SOLUTION


def binary_code_weights():
    """Weights and thresholds of one layer that turns a class distribution into bits.

    Return: a tuple (W, thresholds) with W of shape (10, 4) and thresholds of
    shape (4,), such that for every class c in 0..9 and every probability
    vector p of length 10 (entries >= 0, summing to 1) with p[c] > 1/2,
        (p @ W > thresholds)  ==  class_to_bits([c])[0]   (as booleans),
    i.e. output k is on exactly when bit k (most significant first) of c is 1.
    This holds for the one-hot vector of c, and must also hold for a "noisy"
    p such as 0.6 on class c and 0.4 spread over the other classes.
    """
    ### BEGIN SOLUTION
    W = class_to_bits(np.arange(10)).astype(float)
    return W, np.full(4, 0.5)
    ### END SOLUTION
