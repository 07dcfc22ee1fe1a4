"""Homework `neural_net`: a two-layer neural network for multiclass classification.

Write the body of every function and method below with NumPy only (no SciPy,
no deep-learning libraries). Each docstring states what is received and what
must be returned; README.md has the formulas. Inputs are NumPy arrays.

The network, for a batch X of n examples with d features, h hidden units and
k classes:
    Z1 = X @ W1 + b1      (n, h)        W1 (d, h), b1 (1, h)
    A1 = relu(Z1)         (n, h)
    Z2 = A1 @ W2 + b2     (n, k)        W2 (h, k), b2 (1, k)
    P  = softmax(Z2)      (n, k)        row i: the predicted class probabilities
The parameters travel as a dict {"W1": ..., "b1": ..., "W2": ..., "b2": ...}.

Check your work with:  autograder check neural_net net_classifier.py
"""

import numpy as np


def relu(x):
    """Rectified linear unit, element by element: max(0, x).

    Input: an array of any shape. Return: a float array of the same shape.
    """
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(x, dtype=float), 0.0)
    ### END SOLUTION


def softmax(X):
    """Row-wise, numerically stable softmax.

    Input: X of shape (n, k) (or a single vector of shape (k,)).
    Return: a float array of the same shape; each row is exp(row) / sum(exp(row)),
    computed after subtracting the row's maximum so that exp cannot overflow.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    e = np.exp(X - X.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION


def one_in_k_encoding(vec, k):
    """One-in-k (one-hot) encoding.

    Input: vec of shape (n,), integer labels in 0..k-1, and k.
    Return: a float array of shape (n, k), row i all zeros except a 1.0 in column vec[i].
    """
    ### BEGIN SOLUTION
    vec = np.asarray(vec, dtype=int)
    out = np.zeros((vec.shape[0], int(k)))
    out[np.arange(vec.shape[0]), vec] = 1.0
    return out
    ### END SOLUTION


class NetClassifier:
    """A two-layer ReLU network trained with minibatch SGD on the cross-entropy."""

    def __init__(self, params=None):
        """Optionally start from given parameters (a dict as described above)."""
        self.params = (
            None
            if params is None
            else {key: np.array(value, dtype=float) for key, value in params.items()}
        )
        self.history = None

    def predict(self, X):
        """Predicted class of each row of X with the parameters in self.params.

        Return: an int array of shape (n,), the index of the largest score
        (equivalently, of the largest probability) of each example.
        """
        ### BEGIN SOLUTION
        p = self.params
        A1 = relu(np.asarray(X, dtype=float) @ p["W1"] + p["b1"])
        return np.argmax(A1 @ p["W2"] + p["b2"], axis=1)
        ### END SOLUTION

    def score(self, X, y):
        """Accuracy on (X, y): the fraction of examples whose prediction equals y, a float."""
        ### BEGIN SOLUTION
        return float(np.mean(self.predict(X) == np.asarray(y)))
        ### END SOLUTION

    @staticmethod
    def cost_grad(X, y, params, c=0.0):
        """Cost of the network on the batch (X, y), and its gradients.

        Inputs: X (n, d); y (n,) integer labels in 0..k-1; params, the dict of
        W1 (d, h), b1 (1, h), W2 (h, k), b2 (1, k); c >= 0, the weight decay.
        The cost is the MEAN negative log-likelihood plus a weight penalty that
        leaves the biases out, with n the number of rows of X:
            cost = -(1/n) sum_i log P[i, y_i]  +  c / (2n) * (sum(W1**2) + sum(W2**2))
        Return: (cost, grads), cost a float and grads the dict
            {"d_w1": dcost/dW1, "d_b1": dcost/db1, "d_w2": dcost/dW2, "d_b2": dcost/db2},
        each with the shape of its parameter (so d_b1 is (1, h), d_b2 is (1, k)).
        Compute log P stably (log-softmax), so the cost is finite for any scores.
        """
        ### BEGIN SOLUTION
        X = np.asarray(X, dtype=float)
        W1, b1, W2, b2 = (np.asarray(params[key], dtype=float) for key in ("W1", "b1", "W2", "b2"))
        n = X.shape[0]
        labels = one_in_k_encoding(y, W2.shape[1])

        Z1 = X @ W1 + b1
        A1 = relu(Z1)
        Z2 = A1 @ W2 + b2
        shifted = Z2 - Z2.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        cost = -np.sum(labels * log_p) / n + c / (2 * n) * (np.sum(W1**2) + np.sum(W2**2))

        d_z2 = (np.exp(log_p) - labels) / n
        d_w2 = A1.T @ d_z2 + c / n * W2
        d_b2 = d_z2.sum(axis=0, keepdims=True)
        d_z1 = (d_z2 @ W2.T) * (Z1 > 0)
        d_w1 = X.T @ d_z1 + c / n * W1
        d_b1 = d_z1.sum(axis=0, keepdims=True)
        return float(cost), {"d_w1": d_w1, "d_b1": d_b1, "d_w2": d_w2, "d_b2": d_b2}
        ### END SOLUTION

    def fit(
        self, X_train, y_train, X_val, y_val, init_params, batch_size=32, lr=0.1, c=1e-4, epochs=30
    ):
        """Minibatch SGD from init_params; keeps the result in self.params.

        Shuffle with ONE generator made at the start, rng = np.random.default_rng(0):
        at the start of every epoch take order = rng.permutation(n_train), then
        walk through it in minibatches of batch_size rows (the last one may be
        smaller). For each minibatch, compute (cost, grads) with cost_grad(...,
        c) and update every parameter: W1 -= lr * d_w1, and so on.
        After each epoch append to the history
            train_loss, val_loss: cost_grad(X, y, self.params, c)[0] on the whole set,
            train_acc,  val_acc:  self.score(X, y) on the whole set.
        Do not modify init_params. Set self.history and return it: a dict with
        the four keys above, each a list of `epochs` floats.
        """
        ### BEGIN SOLUTION
        X_train = np.asarray(X_train, dtype=float)
        y_train = np.asarray(y_train, dtype=int)
        params = {key: np.array(value, dtype=float) for key, value in init_params.items()}
        self.params = params
        history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
        rng = np.random.default_rng(0)
        n = X_train.shape[0]
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                batch = order[start : start + batch_size]
                _, grads = self.cost_grad(X_train[batch], y_train[batch], params, c)
                params["W1"] -= lr * grads["d_w1"]
                params["b1"] -= lr * grads["d_b1"]
                params["W2"] -= lr * grads["d_w2"]
                params["b2"] -= lr * grads["d_b2"]
            history["train_loss"].append(self.cost_grad(X_train, y_train, params, c)[0])
            history["train_acc"].append(self.score(X_train, y_train))
            history["val_loss"].append(self.cost_grad(X_val, y_val, params, c)[0])
            history["val_acc"].append(self.score(X_val, y_val))
        self.history = history
        return history
        ### END SOLUTION
