"""Hidden tests for the `neural_net` homework.

How the tests are split, so that each mistake costs its own points and no others:

- `cost`, `gradients`: cost and each gradient at c = 0 against the reference.
- `regularization`: what the weight penalty adds, that is the student's value at c > 0
  MINUS their value at c = 0, against the reference's. A mistake in the data term
  (sum instead of mean, a wrong ReLU mask, ...) cancels in the difference and is not
  charged here again; a penalty under another convention is, and the message names the
  convention the student used.
- `gradient_check`: each gradient against central finite differences of the student's
  OWN cost at c > 0, on a random subset of coordinates. A gradient that is right for a
  cost written under another convention keeps these points.
- `gradient_shapes`: shapes only. The value tests accept a bias gradient of shape (h,)
  for (1, h), so a bias shape slip costs the shape point only.
- `training`: a short run of `fit` on well-separated synthetic data must lower the
  student's own training loss; `predict` and `score` are checked on given parameters.

Sizes are small (n <= 32, d <= 8, h <= 12, k <= 5) and d, h, k are distinct, so a
transposed weight gradient always has the wrong shape.
"""

import numpy as np
import pytest

from autograder.author import assert_close, assert_gradient_matches, sample_indices

GRADS = {"d_w1": "W1", "d_b1": "b1", "d_w2": "W2", "d_b2": "b2"}
CONVENTION = "mean NLL + c/(2n)·(ΣW1² + ΣW2²)"

FIXED_X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.4], [-0.7, 0.8, 0.1], [0.0, -1.2, -0.9]])
FIXED_Y = np.array([2, 0, 1, 2])
FIXED_PARAMS = {
    "W1": np.array(
        [[0.3, -0.5, 0.8, 0.1, -0.2], [0.6, 0.2, -0.4, 0.5, 0.9], [-0.1, 0.7, 0.3, -0.6, 0.4]]
    ),
    "b1": np.array([[0.1, -0.1, 0.0, 0.2, 0.05]]),
    "W2": np.array(
        [[0.5, -0.3, 0.2], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.7], [0.6, -0.5, 0.1], [0.3, 0.2, -0.4]]
    ),
    "b2": np.array([[0.0, 0.1, -0.1]]),
}


def _sizes(rng):
    k = int(rng.integers(3, 6))
    h = k + int(rng.integers(2, 8))  # h in 5..12, always > k
    d = int(rng.choice([s for s in range(2, 9) if s not in (h, k)]))
    return d, h, k


def _params(rng, d, h, k, scale=1.0, bias=1.0):
    """Weights giving pre-activations of order `scale`; every bias has a magnitude
    between 0.5 and 1.5 times `bias`, so that the biases move many ReLUs across the kink."""

    def biases(m):
        return bias * rng.choice([-1.0, 1.0], size=(1, m)) * rng.uniform(0.5, 1.5, size=(1, m))

    return {
        "W1": scale * rng.standard_normal((d, h)) / np.sqrt(d),
        "b1": biases(h),
        "W2": scale * rng.standard_normal((h, k)) / np.sqrt(h),
        "b2": biases(k),
    }


def _problem(rng):
    """A random batch and parameters, redrawn until every hidden pre-activation is at
    least 1e-3 away from the ReLU kink: a finite difference (eps = 1e-6) never
    straddles it, so the gradient check cannot fail a correct gradient."""
    d, h, k = _sizes(rng)
    n = int(rng.integers(12, 33))
    while True:
        X, params = rng.standard_normal((n, d)), _params(rng, d, h, k)
        if np.min(np.abs(X @ params["W1"] + params["b1"])) > 1e-3:
            return X, rng.integers(k, size=n), params


def _cost_grad(submission, X, y, params, c):
    result = submission.NetClassifier.cost_grad(X, y, params, c)
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[1], dict):
        raise AssertionError("cost_grad should return a tuple (cost, grads) with grads a dict")
    cost, grads = result
    missing = sorted(set(GRADS) - set(grads))
    if missing:
        raise AssertionError(
            f"the grads dict has no {missing}; it should have the keys {sorted(GRADS)}"
        )
    return float(np.asarray(cost, dtype=float)), grads


def _value(grads, key, shape):
    """The student's gradient as an array; a bias gradient of the right size is reshaped."""
    got = np.asarray(grads[key], dtype=float)
    if key.startswith("d_b") and got.size == int(np.prod(shape)):
        got = got.reshape(shape)
    return got


def _penalty_conventions(params, n, c):
    """(formula, remark, cost(c) - cost(0)) under each wrong convention seen in students' code."""
    w = float(np.sum(np.square(params["W1"])) + np.sum(np.square(params["W2"])))
    b = float(np.sum(np.square(params["b1"])) + np.sum(np.square(params["b2"])))
    return [
        ("c·ΣW²", "the convention mean NLL + c·ΣW², whose gradient adds 2c·W", c * w),
        ("c/2·ΣW²", "the convention mean NLL + c/2·ΣW², whose gradient adds c·W", c * w / 2),
        ("c/n·ΣW²", "", c * w / n),
        ("c/(2n)·(ΣW² + Σb²)", "the biases are penalized too", c * (w + b) / (2 * n)),
        ("c·(ΣW² + Σb²)", "the biases are penalized too", c * (w + b)),
        ("nothing", "the penalty term is missing", 0.0),
    ]


def _grad_conventions(W, n, c, name):
    """(formula, remark, gradient(c) - gradient(0)) under each wrong convention."""
    return [
        (f"2c·{name}", "the gradient of c·ΣW²", 2 * c * W),
        (f"c·{name}", "the gradient of c/2·ΣW²", c * W),
        (f"2c·{name}/n", "the gradient of c/n·ΣW²", 2 * c * W / n),
        ("nothing", "the penalty's gradient is missing", 0 * W),
    ]


def _which(value, candidates):
    """The first candidate that ``value`` matches, as 'formula (remark)', or None."""
    for formula, remark, candidate in candidates:
        if np.shape(value) == np.shape(candidate) and np.allclose(
            value, candidate, rtol=1e-6, atol=1e-10
        ):
            return f"{formula} ({remark})" if remark else formula
    return None


# --- relu, softmax, one_in_k -------------------------------------------------


@pytest.mark.problem("relu")
@pytest.mark.points(1)
def test_relu(submission, reference, rng):
    x = rng.standard_normal((int(rng.integers(2, 6)), int(rng.integers(2, 6))))
    x[0, 0] = 0.0
    assert_close(submission.relu(x), reference.relu(x), what="relu(x) for a random 2-D array x")


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_rows(submission, reference, rng):
    x = 3.0 * rng.standard_normal((int(rng.integers(2, 7)), int(rng.integers(2, 7))))
    assert_close(
        submission.softmax(x), reference.softmax(x), what="softmax(X) row by row for a random X"
    )


@pytest.mark.problem("softmax")
@pytest.mark.points(1)
def test_softmax_large_scores(submission, reference):
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -1002.0], [0.0, 800.0, -800.0]])
    out = np.asarray(submission.softmax(x), dtype=float)
    assert np.all(np.isfinite(out)), (
        f"softmax of scores near ±1000 is not finite: {out.tolist()} (subtract each row's max)"
    )
    assert_close(out, reference.softmax(x), what="softmax of scores near ±1000")


@pytest.mark.problem("one_in_k")
@pytest.mark.points(1)
def test_one_in_k_encoding(submission, reference, rng):
    k = int(rng.integers(2, 8))
    vec = rng.integers(k, size=int(rng.integers(3, 12)))
    assert_close(
        submission.one_in_k_encoding(vec, k),
        reference.one_in_k_encoding(vec, k),
        what=f"one_in_k_encoding(vec, {k})",
    )


# --- cost and gradients at c = 0 ---------------------------------------------


@pytest.mark.problem("cost")
@pytest.mark.points(1)
def test_cost_fixed(submission, reference):
    cost, _ = _cost_grad(submission, FIXED_X, FIXED_Y, FIXED_PARAMS, 0.0)
    assert_close(
        cost,
        reference.NetClassifier.cost_grad(FIXED_X, FIXED_Y, FIXED_PARAMS, 0.0)[0],
        what="the cost at c = 0 on the fixed batch (n=4, d=3, h=5, k=3)",
    )


@pytest.mark.problem("cost")
@pytest.mark.points(1)
def test_cost_random(submission, reference, rng):
    X, y, params = _problem(rng)
    cost, _ = _cost_grad(submission, X, y, params, 0.0)
    assert_close(
        cost,
        reference.NetClassifier.cost_grad(X, y, params, 0.0)[0],
        what=f"the cost at c = 0, random batch of n={X.shape[0]} (the MEAN of the NLL)",
    )


@pytest.mark.problem("gradients")
@pytest.mark.points(1)
@pytest.mark.parametrize("key", list(GRADS))
def test_gradient(submission, reference, rng, key):
    X, y, params = _problem(rng)
    _, grads = _cost_grad(submission, X, y, params, 0.0)
    expected = reference.NetClassifier.cost_grad(X, y, params, 0.0)[1][key]
    assert_close(
        _value(grads, key, expected.shape),
        expected,
        what=f"{key} at c = 0 on a random batch of n={X.shape[0]}",
    )


@pytest.mark.problem("gradient_shapes")
@pytest.mark.points(1)
def test_gradient_shapes(submission, rng):
    X, y, params = _problem(rng)
    _, grads = _cost_grad(submission, X, y, params, 0.5)
    wrong = [
        f"{key} has shape {np.shape(grads[key])}, expected {params[name].shape}"
        for key, name in GRADS.items()
        if np.shape(grads[key]) != params[name].shape
    ]
    assert not wrong, "; ".join(wrong) + " (every gradient has the shape of its parameter)"


# --- regularization: the value at c minus the value at 0 ---------------------


def _regularized_problem(rng):
    X, y, params = _problem(rng)
    return X, y, params, float(rng.uniform(0.5, 2.0))


@pytest.mark.problem("regularization")
@pytest.mark.points(1)
def test_regularization_cost(submission, reference, rng):
    X, y, params, c = _regularized_problem(rng)
    n = X.shape[0]
    cost_0, _ = _cost_grad(submission, X, y, params, 0.0)
    cost_c, _ = _cost_grad(submission, X, y, params, c)
    ref_0 = reference.NetClassifier.cost_grad(X, y, params, 0.0)[0]
    ref_c = reference.NetClassifier.cost_grad(X, y, params, c)[0]
    added, expected = cost_c - cost_0, ref_c - ref_0
    if np.isclose(added, expected, rtol=1e-6, atol=1e-10):
        return
    label = _which(added, _penalty_conventions(params, n, c))
    if np.isclose(cost_0, ref_0, rtol=1e-6):
        data = "the mean negative log-likelihood"
    elif np.isclose(cost_0, n * ref_0, rtol=1e-6):
        data = "the SUM of the negative log-likelihoods (not the mean)"
    else:
        data = "its data term"
    how = label or "an amount that matches no usual penalty"
    raise AssertionError(
        f"with c={c:.4g} and n={n}, cost(c) - cost(0) = {added:.8g}, "
        f"expected {expected:.8g} = c/(2n)·ΣW²: "
        f"your cost adds {how} to {data}; this assignment uses {CONVENTION}"
    )


@pytest.mark.problem("regularization")
@pytest.mark.points(1)
@pytest.mark.parametrize("key", ["d_w1", "d_w2"])
def test_regularization_gradient(submission, reference, rng, key):
    X, y, params, c = _regularized_problem(rng)
    n, name = X.shape[0], GRADS[key]
    shape = params[name].shape
    added = _value(_cost_grad(submission, X, y, params, c)[1], key, shape) - _value(
        _cost_grad(submission, X, y, params, 0.0)[1], key, shape
    )
    expected = (
        reference.NetClassifier.cost_grad(X, y, params, c)[1][key]
        - reference.NetClassifier.cost_grad(X, y, params, 0.0)[1][key]
    )
    if added.shape == expected.shape and np.allclose(added, expected, rtol=1e-6, atol=1e-10):
        return
    label = _which(added, _grad_conventions(params[name], n, c, name))
    if label is not None:
        raise AssertionError(
            f"with c={c:.4g} and n={n}, the penalty adds {label} to your {key}; "
            f"this assignment uses {CONVENTION}, whose gradient adds c·{name}/n"
        )
    assert_close(
        added, expected, what=f"{key}(c={c:.4g}) - {key}(c=0), the penalty's part of the gradient"
    )


@pytest.mark.problem("regularization")
@pytest.mark.points(1)
def test_biases_not_regularized(submission, rng):
    X, y, params, c = _regularized_problem(rng)
    _, grads_c = _cost_grad(submission, X, y, params, c)
    _, grads_0 = _cost_grad(submission, X, y, params, 0.0)
    for key in ("d_b1", "d_b2"):
        shape = params[GRADS[key]].shape
        added = _value(grads_c, key, shape) - _value(grads_0, key, shape)
        assert_close(
            added,
            np.zeros(shape),
            what=f"{key}(c={c:.4g}) - {key}(c=0): biases are not penalized, c must not change it",
        )


# --- gradient check against the student's own cost ---------------------------


@pytest.mark.problem("gradient_check")
@pytest.mark.points(1)
@pytest.mark.parametrize("key", list(GRADS))
def test_gradient_check(submission, rng, key):
    X, y, params, c = _regularized_problem(rng)
    name = GRADS[key]
    _, grads = _cost_grad(submission, X, y, params, c)

    def cost_at(value):
        return _cost_grad(submission, X, y, {**params, name: value}, c)[0]

    assert_gradient_matches(
        cost_at,
        params[name],
        _value(grads, key, params[name].shape),
        indices=sample_indices(params[name].shape, 10, rng),
        what=f"{key} (c={c:.4g}), against finite differences of your own cost",
    )


# --- training, predict, score ------------------------------------------------


def _blobs(rng, n_per_class, centers):
    k, d = centers.shape
    X = np.concatenate([centers[j] + 0.5 * rng.standard_normal((n_per_class, d)) for j in range(k)])
    y = np.repeat(np.arange(k), n_per_class)
    return X, y


@pytest.mark.problem("training")
@pytest.mark.points(2)
def test_fit_lowers_the_training_loss(submission, rng, record):
    k, d, h, epochs = 3, 4, 8, 8
    centers = 3.0 * np.eye(k, d) * rng.choice([-1.0, 1.0], size=(k, 1))
    X_train, y_train = _blobs(rng, 16, centers)
    X_val, y_val = _blobs(rng, 8, centers)
    init = _params(rng, d, h, k, scale=0.5, bias=0.15)
    clf = submission.NetClassifier()
    history = clf.fit(
        X_train, y_train, X_val, y_val, init, batch_size=8, lr=0.1, c=1e-4, epochs=epochs
    )
    if not isinstance(history, dict):
        raise AssertionError(f"fit should return the history dict, got {type(history).__name__}")
    record("history", history)  # drawn in the report's training-curve figure
    for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert key in history, f"the history has no {key!r}"
        values = np.asarray(history[key], dtype=float)
        assert values.shape == (epochs,), (
            f"history[{key!r}] should have one entry per epoch ({epochs}), got shape {values.shape}"
        )
        assert np.all(np.isfinite(values)), f"history[{key!r}] is not finite: {values.tolist()}"
    losses = history["train_loss"]
    assert losses[-1] < losses[0], (
        f"after {epochs} epochs on well-separated data the training loss did not go down: "
        f"{float(losses[0]):.6g} after the first epoch, {float(losses[-1]):.6g} after the last"
    )


@pytest.mark.problem("predict")
@pytest.mark.points(1)
def test_predict(submission, reference, rng):
    X, _, params = _problem(rng)
    got = submission.NetClassifier(params).predict(X)
    assert_close(
        got, reference.NetClassifier(params).predict(X), what="NetClassifier(params).predict(X)"
    )


@pytest.mark.problem("predict")
@pytest.mark.points(1)
def test_score(submission, reference, rng):
    X, y, params = _problem(rng)
    got = submission.NetClassifier(params).score(X, y)
    assert_close(
        got, reference.NetClassifier(params).score(X, y), what="NetClassifier(params).score(X, y)"
    )
