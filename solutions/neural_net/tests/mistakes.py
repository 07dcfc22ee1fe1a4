"""Known mistakes of the `neural_net` homework, tried when a hidden test fails.

Every mistake is the reference's `NetClassifier.cost_grad` with one slip, written once
here as `_cost_grad(..., slip)`; the sentence is what a student who made it reads.
"""

import numpy as np

from autograder.author import known_mistake


def _cost_grad(X, y, params, c, slip=""):
    X = np.asarray(X, dtype=float)
    W1, b1, W2, b2 = (np.asarray(params[key], dtype=float) for key in ("W1", "b1", "W2", "b2"))
    n = X.shape[0]
    labels = np.eye(W2.shape[1])[np.asarray(y, dtype=int)]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    scale = 1.0 if slip == "sum" else 1.0 / n
    squares = np.sum(W1**2) + np.sum(W2**2)
    biases = np.sum(b1**2) + np.sum(b2**2)
    penalty, factor = {
        "c_sum_squares": (c * squares, 2 * c),
        "c_half_sum_squares": (c / 2 * squares, c),
        "biases_penalized": (c / (2 * n) * (squares + biases), c / n),
        "no_penalty": (0.0, 0.0),
    }.get(slip, (c / (2 * n) * squares, c / n))
    cost = -np.sum(labels * log_p) * scale + penalty
    d_z2 = (np.exp(log_p) - labels) * scale
    grad_factor = 0.0 if slip == "no_penalty_grad" else factor
    d_w2 = A1.T @ d_z2 + grad_factor * W2
    d_b2 = d_z2.sum(axis=0, keepdims=True)
    mask = X @ W1 > 0 if slip == "mask_without_bias" else Z1 > 0
    d_z1 = (d_z2 @ W2.T) * mask
    d_w1 = X.T @ d_z1 + grad_factor * W1
    d_b1 = d_z1.sum(axis=0, keepdims=True)
    if slip == "biases_penalized":
        d_b1, d_b2 = d_b1 + factor * b1, d_b2 + factor * b2
    if slip == "no_bias_grad":
        d_b1, d_b2 = np.zeros_like(b1), np.zeros_like(b2)
    if slip == "transposed":
        d_w2 = d_w2.T
    return float(cost), {"d_w1": d_w1, "d_b1": d_b1, "d_w2": d_w2, "d_b2": d_b2}


@known_mistake(
    "NetClassifier.cost_grad",
    "The cost and gradients SUM the negative log-likelihood over the batch; this assignment "
    "uses the MEAN (divide by n, the number of rows of X).",
)
def sum_not_mean(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "sum")


@known_mistake(
    "NetClassifier.cost_grad",
    "The bias gradients d_b1 and d_b2 are missing (zeros): each is the sum over the rows of "
    "the gradient with respect to that layer's pre-activation.",
)
def no_bias_grad(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "no_bias_grad")


@known_mistake(
    "NetClassifier.cost_grad",
    "d_w2 is transposed: every gradient has the shape of its parameter, W2 is (h, k).",
)
def transposed_w2(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "transposed")


@known_mistake(
    "NetClassifier.cost_grad",
    "The cost has the penalty but the weight gradients lack its part c·W/n.",
)
def no_penalty_grad(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "no_penalty_grad")


@known_mistake(
    "NetClassifier.cost_grad",
    "Your penalty follows the convention c·ΣW² (gradient 2c·W); this assignment uses "
    "c/(2n)·(ΣW1² + ΣW2²), whose gradient is c·W/n.",
)
def c_sum_squares(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "c_sum_squares")


@known_mistake(
    "NetClassifier.cost_grad",
    "Your penalty follows the convention c/2·ΣW² (gradient c·W); this assignment divides by "
    "n too: c/(2n)·(ΣW1² + ΣW2²), gradient c·W/n.",
)
def c_half_sum_squares(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "c_half_sum_squares")


@known_mistake(
    "NetClassifier.cost_grad",
    "The biases are regularized too: the penalty covers the weights W1 and W2 only.",
)
def biases_penalized(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "biases_penalized")


@known_mistake(
    "NetClassifier.cost_grad",
    "The cost has no weight penalty: add c/(2n)·(ΣW1² + ΣW2²).",
)
def no_penalty(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "no_penalty")


@known_mistake(
    "NetClassifier.cost_grad",
    "The ReLU derivative is masked where X @ W1 > 0, without the bias: the mask is "
    "Z1 = X @ W1 + b1 > 0.",
)
def mask_without_bias(X, y, params, c=0.0):
    return _cost_grad(X, y, params, c, "mask_without_bias")
