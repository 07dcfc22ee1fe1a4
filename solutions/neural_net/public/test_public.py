"""Public tests for the `neural_net` homework: properties any correct answer has.

Run them with:  autograder check neural_net net_classifier.py
Passing them is a good sign, not a guarantee: the grader's hidden tests also compare
your values with the reference on fixed and random inputs.
"""

import numpy as np
import pytest

from autograder.author import assert_close, assert_gradient_matches

KEYS = {"d_w1": "W1", "d_b1": "b1", "d_w2": "W2", "d_b2": "b2"}


def _problem(rng, n=10, d=3, h=6, k=4):
    params = {
        "W1": rng.standard_normal((d, h)),
        "b1": rng.standard_normal((1, h)),
        "W2": rng.standard_normal((h, k)),
        "b2": rng.standard_normal((1, k)),
    }
    return rng.standard_normal((n, d)), rng.integers(k, size=n), params


@pytest.mark.problem("relu")
def test_relu_splits_x(submission, rng):
    x = rng.standard_normal((3, 4))
    pos, neg = (
        np.asarray(submission.relu(x), dtype=float),
        np.asarray(submission.relu(-x), dtype=float),
    )
    assert np.all(pos >= 0), "relu returned a negative value"
    assert_close(pos - neg, x, what="relu(x) - relu(-x)")


@pytest.mark.problem("softmax")
def test_softmax_rows_sum_to_one(submission, rng):
    x = np.vstack([3.0 * rng.standard_normal((2, 5)), [1000.0, 1001.0, 999.0, 0.0, -1000.0]])
    out = np.asarray(submission.softmax(x), dtype=float)
    assert out.shape == x.shape and np.all(np.isfinite(out)), f"softmax gave {out}"
    assert_close(out.sum(axis=1), np.ones(3), what="row sums of softmax(X)")


@pytest.mark.problem("one_in_k")
def test_one_in_k_rows(submission):
    assert_close(
        submission.one_in_k_encoding(np.array([1, 0, 2]), 3),
        np.eye(3)[[1, 0, 2]],
        what="one_in_k_encoding([1, 0, 2], 3)",
    )


@pytest.mark.problem("cost")
def test_cost_of_zero_weights_is_log_k(submission, rng):
    X, y, params = _problem(rng)
    zero = {key: np.zeros_like(value) for key, value in params.items()}
    cost, _ = submission.NetClassifier.cost_grad(X, y, zero, 0.0)
    assert_close(cost, np.log(4.0), what="the cost with all parameters 0 (k = 4)")


@pytest.mark.problem("gradient_shapes")
def test_gradient_shapes(submission, rng):
    X, y, params = _problem(rng)
    _, grads = submission.NetClassifier.cost_grad(X, y, params, 0.1)
    for key, name in KEYS.items():
        assert np.shape(grads[key]) == params[name].shape, (
            f"{key} has shape {np.shape(grads[key])}, expected {params[name].shape}"
        )


@pytest.mark.problem("regularization")
def test_penalty_follows_the_convention(submission, rng):
    X, y, params = _problem(rng)
    c, n = 0.7, X.shape[0]
    cost_c, grads_c = submission.NetClassifier.cost_grad(X, y, params, c)
    cost_0, grads_0 = submission.NetClassifier.cost_grad(X, y, params, 0.0)
    penalty = c / (2 * n) * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    assert_close(
        cost_c - cost_0, penalty, what="cost(c) - cost(0), which should be c/(2n)·(ΣW1² + ΣW2²)"
    )
    assert_close(
        np.asarray(grads_c["d_w1"]) - np.asarray(grads_0["d_w1"]),
        c / n * params["W1"],
        what="d_w1(c) - d_w1(0)",
    )


@pytest.mark.problem("gradient_check")
def test_gradients_match_finite_differences_of_your_cost(submission, rng):
    X, y, params = _problem(rng)
    c = 0.3
    _, grads = submission.NetClassifier.cost_grad(X, y, params, c)
    for key, name in KEYS.items():

        def cost_at(value, name=name):
            return submission.NetClassifier.cost_grad(X, y, {**params, name: value}, c)[0]

        assert_gradient_matches(cost_at, params[name], grads[key], what=key)


@pytest.mark.problem("predict")
def test_score_is_the_accuracy_of_predict(submission, rng):
    X, y, params = _problem(rng)
    clf = submission.NetClassifier(params)
    pred = np.asarray(clf.predict(X))
    assert pred.shape == (10,), f"predict should return shape (10,), got {pred.shape}"
    assert_close(
        clf.score(X, y), np.mean(pred == y), what="score(X, y) compared with mean(predict(X) == y)"
    )


@pytest.mark.problem("training")
def test_fit_on_two_blobs(submission, rng):
    X = np.vstack([rng.normal(-2.0, 0.5, (20, 2)), rng.normal(2.0, 0.5, (20, 2))])
    y = np.repeat([0, 1], 20)
    init = {
        "W1": 0.5 * rng.standard_normal((2, 5)),
        "b1": np.zeros((1, 5)),
        "W2": 0.5 * rng.standard_normal((5, 2)),
        "b2": np.zeros((1, 2)),
    }
    history = submission.NetClassifier().fit(X, y, X, y, init, batch_size=10, lr=0.1, epochs=5)
    assert sorted(history) == ["train_acc", "train_loss", "val_acc", "val_loss"], (
        f"history keys: {sorted(history)}"
    )
    assert len(history["train_loss"]) == 5, "one history entry per epoch"
    assert history["train_loss"][-1] < history["train_loss"][0], (
        f"the training loss did not go down: {history['train_loss']}"
    )
