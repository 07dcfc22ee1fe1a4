"""Homework `softmax`: the softmax function, its Jacobian and cross-entropy.

Write the body of every function below with NumPy only (no SciPy, no
deep-learning libraries). Each docstring states what the function receives
and what it must return. Inputs are NumPy arrays; `softmax` must also accept
plain Python lists (nested lists for a batch).

Check your work with:  autograder check softmax softmax.py
"""

import numpy as np


def softmax(x):
    """Numerically stable softmax.

    Input: `x`, the logits, either
      * a vector of shape (n,), or
      * a batch of shape (m, n): each of the m rows is one vector of logits.
    Return: a float array of the same shape as `x`. For a vector,
    out[i] = exp(x[i]) / sum_k exp(x[k]); for a batch, apply this to each
    row on its own, so that every row of the result sums to 1.

    Subtract the largest logit (of each row) before calling exp: softmax does
    not change under a constant shift, and after the shift no exponent is
    positive, so exp cannot overflow and the denominator is at least 1.
    Logits such as [1000, 1001, 1002] or [-1000, -1000] must give finite
    results.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1, keepdims=True)
    ### END SOLUTION


def softmax_grad_iterative(s):
    """Jacobian of the softmax, built entry by entry with Python loops.

    Input: `s`, shape (n,), a softmax OUTPUT s = softmax(x) (not the logits).
    Return: the (n, n) float array J with J[i, j] = d s_i / d x_j, that is
      J[i, i] = s_i * (1 - s_i)      (diagonal)
      J[i, j] = -s_i * s_j           (i != j)
    Fill J with two nested `for` loops over i and j.
    """
    ### BEGIN SOLUTION
    s = np.asarray(s, dtype=float)
    n = s.shape[0]
    jac = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                jac[i, j] = s[i] * (1.0 - s[i])
            else:
                jac[i, j] = -s[i] * s[j]
    return jac
    ### END SOLUTION


def softmax_grad_vectorized(s):
    """Jacobian of the softmax without Python loops.

    Input and output exactly as in `softmax_grad_iterative`: `s` of shape
    (n,) is a softmax output, the result is the (n, n) Jacobian. Write it as
    one matrix expression: a diagonal matrix built from s minus the outer
    product of s with itself (see `np.diag` and `np.outer`).
    """
    ### BEGIN SOLUTION
    s = np.asarray(s, dtype=float)
    return np.diag(s) - np.outer(s, s)
    ### END SOLUTION


def logsumexp(x):
    """Stable log(sum(exp(x))), the log of the softmax denominator.

    Input: `x` of shape (n,) or (m, n).
    Return: for a vector, the float log(sum_k exp(x[k])); for a batch, a
    float array of shape (m,) holding that value for each row.

    Use the shift identity logsumexp(x) = c + logsumexp(x - c) with c the
    largest entry (of each row), so that [1000, 1001, 1002] gives about
    1002.41 and [-1000, -1000] gives -1000 + log(2), not inf or -inf.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    top = np.max(x, axis=-1, keepdims=True)
    out = np.squeeze(top, axis=-1) + np.log(np.sum(np.exp(x - top), axis=-1))
    return float(out) if out.ndim == 0 else out
    ### END SOLUTION


def log_softmax(x):
    """Stable log of the softmax: log_softmax(x)[i] = x[i] - logsumexp(x).

    Input: `x` of shape (n,) or (m, n) (rows are independent, as in
    `softmax`).
    Return: a float array of the same shape as `x`.

    Do not take np.log of a softmax output: a probability that underflows
    to 0 would give -inf, while the exact answer is finite (for
    x = [0, -1000] it is about [0, -1000]).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    ### END SOLUTION


def sigmoid(z):
    """Numerically stable logistic sigmoid, 1 / (1 + exp(-z)), elementwise.

    Input: a number or an array-like of any shape.
    Return: a float for a number, otherwise a float array of the same shape.
    It must stay finite and accurate for large |z| (for example z = -1000
    or z = 1000) without producing nan: choose, for each sign of z, a form
    in which exp never receives a positive argument.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))  # exponent <= 0: cannot overflow
    out = np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    return float(out) if out.ndim == 0 else out
    ### END SOLUTION


def two_class_softmax_as_sigmoid(z0, z1):
    """P(class 1) of a two-class softmax, written as a sigmoid.

    Input: `z0` and `z1`, the logits of class 0 and class 1: two numbers, or
    two array-likes of the same shape (one pair of logits per position).
    Return: softmax([z0, z1])[1] = exp(z1) / (exp(z0) + exp(z1)), computed as
    the sigmoid of a single number built from z0 and z1 (derive which one in
    the written question `derive_sigmoid_link`). A float for numbers, else a
    float array of the inputs' shape. Must stay finite for logits like
    z0 = z1 = 1000.
    """
    ### BEGIN SOLUTION
    return sigmoid(np.asarray(z1, dtype=float) - np.asarray(z0, dtype=float))
    ### END SOLUTION


def cross_entropy_grad(z, y):
    """Gradient of the cross-entropy loss with respect to the logits.

    Inputs: `z`, logits of shape (n,) or (m, n); `y`, the one-hot targets,
    same shape as `z` (each row has a single 1).
    The loss of one row is L = -sum_i y_i * log(softmax(z)_i).
    Return: dL/dz, a float array of the same shape as `z`; for a batch,
    row r is the gradient of row r's own loss (no averaging over rows).
    The closed form is softmax(z) - y (derive it in `derive_ce_grad`).
    """
    ### BEGIN SOLUTION
    return softmax(z) - np.asarray(y, dtype=float)
    ### END SOLUTION


def entropy(p):
    """Shannon entropy H(p) = -sum_i p_i * log(p_i), in nats (natural log).

    Input: `p`, shape (n,), a probability vector (entries >= 0, sum 1).
    Return: a float. Convention: a term with p_i = 0 counts as 0
    (0 * log 0 = 0), so zeros in p must not produce nan.
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=float)
    used = p > 0
    return float(-np.sum(p[used] * np.log(p[used])))
    ### END SOLUTION


def cross_entropy(p, q):
    """Cross-entropy H(p, q) = -sum_i p_i * log(q_i), in nats.

    Inputs: `p` (the target distribution) and `q` (the model's
    distribution), both of shape (n,).
    Return: a float. Terms with p_i = 0 count as 0, whatever q_i is. (If
    q_i = 0 where p_i > 0 the true value is +inf; this case is not graded.)
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    used = p > 0
    with np.errstate(divide="ignore"):
        return float(-np.sum(p[used] * np.log(q[used])))
    ### END SOLUTION


def kl_divergence(p, q):
    """Kullback-Leibler divergence KL(p || q) = sum_i p_i * log(p_i / q_i).

    Inputs: `p` and `q`, probability vectors of shape (n,).
    Return: a float, in nats. Terms with p_i = 0 count as 0 (same
    convention as `entropy`). Note KL(p || q) = H(p, q) - H(p).
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    used = p > 0
    with np.errstate(divide="ignore"):
        return float(np.sum(p[used] * (np.log(p[used]) - np.log(q[used]))))
    ### END SOLUTION
