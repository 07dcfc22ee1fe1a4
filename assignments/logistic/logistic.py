"""Homework `logistic`: logistic regression, and how it relates to a softmax classifier.

Write the body of every function below with NumPy only (no SciPy, no
deep-learning libraries). Each docstring states what the function receives
and what it must return; README.md has the formulas. Inputs are NumPy
arrays.

Shapes used throughout:
  n  number of examples in a batch,
  D  number of input features (there is no separate bias: add a column of
     ones to X if you want one),
  K  number of classes (multiclass part only).

Check your work with:  autograder check logistic logistic.py
"""

import numpy as np


def sigmoid(z):
    """The logistic function sigma(z) = 1 / (1 + exp(-z)), element by element.

    Input: `z`, a number or an array of any shape.
    Return: a float array of the same shape (a number in, a 0-d array or a
    float out), every entry in [0, 1].

    It must work for every float z, including |z| = 1e4: no overflow, no NaN,
    and the exact limits sigma(z) = 0.0 or 1.0 where the true value rounds to
    them. exp(-z) overflows for z < -709 and exp(z) for z > 709, so only ever
    exponentiate -|z|, which is never positive.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def logistic_loss(w, X, t):
    """Mean logistic cross-entropy of the weights `w` on a batch.

    Inputs: `w` shape (D,), `X` shape (n, D), `t` shape (n,) with targets in
    {0, 1} (1 = positive class).
    Return: a float, the MEAN over the n examples of
        L_i = -t_i log(y_i) - (1 - t_i) log(1 - y_i),   y_i = sigma(x_i . w).

    The loss must be finite for every finite input. Either use the identities
    -log(sigma(z)) = log(1 + exp(-z)) and -log(1 - sigma(z)) = log(1 + exp(z))
    with a stable log(1 + exp(.)) (see np.logaddexp), or clip y_i to
    [1e-12, 1 - 1e-12] before taking logs.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def logistic_grad(w, X, t):
    """Gradient of `logistic_loss` with respect to `w`: the MEAN, not the sum.

    Inputs as in `logistic_loss`.
    Return: a float array of shape (D,),
        grad = (1/n) * sum_i (y_i - t_i) x_i = X^T (y - t) / n,
    where y = sigma(X w).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def gd_step(w, X, t, lr):
    """One step of batch gradient descent on `logistic_loss`.

    Inputs as in `logistic_loss`, plus the learning rate `lr` (a float > 0).
    Return: the new weights, a float array of shape (D,),
        w_new = w - lr * logistic_grad(w, X, t).
    Do not modify `w` in place.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def softmax_to_logistic(w1, w2):
    """Logistic weights that reproduce a two-class softmax classifier.

    The softmax classifier has one weight vector per class, `w1` for class 1
    (the NEGATIVE class, t = 0) and `w2` for class 2 (the POSITIVE class,
    t = 1), both of shape (D,). Its probability of the positive class is
        P(class 2 | x) = exp(w2 . x) / (exp(w1 . x) + exp(w2 . x)).
    Return: a float array `w` of shape (D,) such that sigmoid(w . x) equals
    P(class 2 | x) for EVERY x in R^D.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def softmax_grad(W, X, T):
    """Gradient of the multiclass cross-entropy with respect to the weights.

    The scores of one example x (shape (D,)) are z = x @ W, with W of shape
    (D, K): column k is the weight vector w_k of class k. The prediction is
    y = softmax(z) and the loss is L = -sum_k t_k log(y_k) for a one-hot
    target t of shape (K,).

    Two forms of input:
      * one example: X shape (D,), T shape (K,)  -> return dL/dW, shape (D, K),
        entry [j, k] = x_j (y_k - t_k);
      * a batch: X shape (n, D), T shape (n, K), one one-hot row per example
        -> return the gradient of the MEAN loss over the batch, shape (D, K):
        X^T (Y - T) / n, where Y holds softmax(x_i @ W) in its rows.
    Compute the softmax stably (subtract each row's maximum score).
    """
    # YOUR CODE HERE
    raise NotImplementedError
