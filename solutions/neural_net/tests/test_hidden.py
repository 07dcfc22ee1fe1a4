"""Hidden tests for the `neural_net` homework.

How the tests are split, so that each mistake costs its own points and no others:

- `cost`, `gradients`: cost and each gradient at c = 0 against the reference. The cost
  may come back as a number or a 1-element array everywhere; that it is a plain number
  is `test_cost_is_a_number`'s concern alone. `test_cost_large_scores` asks for a finite
  cost when the scores are near ±1000 (log-sum-exp, not log(softmax)).
- `regularization`: what the weight penalty adds, that is the student's value at c > 0
  MINUS their value at c = 0, against the reference's. A mistake in the data term
  (sum instead of mean, a wrong ReLU mask, ...) cancels in the difference and is not
  charged here again; a penalty under another convention is, and the message names the
  convention the student used.
- `gradient_check`: each gradient against central finite differences of the student's
  OWN cost at c > 0, on a random subset of coordinates. A gradient that is right for a
  cost written under another convention keeps these points; a degenerate cost (not
  finite, not positive, or the same whatever the parameter) earns none.
- `gradient_shapes`: shapes only. The value tests accept a bias gradient of shape (h,)
  for (1, h), so a bias shape slip costs the shape point only.
- `training`: a short run of `fit` on well-separated synthetic data must lower the
  student's own training loss AND the reference's cost at the parameters `fit` stored in
  `self.params` (a made-up history earns nothing); `predict` and `score` are checked on
  given parameters.
- Tests that judge the student only against their own code (`gradient_shapes`,
  `test_biases_not_regularized`, `gradient_check`, `training`) first ask that the answer
  is not empty: gradients not all zero, a penalty that exists, a cost that depends on the
  parameters.

Sizes are small (n <= 32, d <= 8, h <= 12, k <= 5) and d, h, k are distinct, so a
transposed weight gradient always has the wrong shape.
"""

import numpy as np
import pytest

from autograder.author import Mismatch, assert_close, assert_gradient_matches, sample_indices
from autograder.sandbox import fetch

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
    return _number(cost), grads


def _number(cost):
    """The cost as a float: a number or any 1-element array counts (its format is
    test_cost_is_a_number's concern only)."""
    try:
        value = np.asarray(cost, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(
            f"the cost should be a number, got {type(cost).__name__}",
            f"cost_grad's cost is a {type(cost).__name__}, not a number",
        ) from None
    if value.size != 1:
        raise Mismatch(
            f"the cost should be a number, got an array of shape {value.shape}",
            f"cost_grad's cost has shape {value.shape}: return one number (the mean over rows)",
        )
    return float(value.reshape(-1)[0])


def _cost_depends_on(submission, X, y, params, name, c, rng):
    """Refuse to pay a self-consistency test for a degenerate cost."""
    cost = _cost_grad(submission, X, y, params, c)[0]
    moved = {**params, name: params[name] + rng.standard_normal(params[name].shape)}
    other = _cost_grad(submission, X, y, moved, c)[0]
    if not (np.isfinite(cost) and cost > 0 and not np.isclose(cost, other, rtol=1e-9, atol=0)):
        raise Mismatch(
            f"your cost is {cost!r}, and {other!r} after {name} changes",
            f"your cost is degenerate (not finite, not positive, or unchanged when {name} "
            "changes): this test checks your gradients against your own cost, so it needs "
            "a real one",
        )


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


@pytest.mark.problem("cost")
@pytest.mark.points(1)
def test_cost_is_a_number(submission, rng):
    X, y, params = _problem(rng)
    cost = submission.NetClassifier.cost_grad(X, y, params, 0.0)[0]
    if not isinstance(cost, (int, float)) or isinstance(cost, bool):
        raise Mismatch(
            f"cost_grad's cost is {type(cost).__name__} {np.shape(cost)}, not a number",
            f"cost_grad's cost is a {type(cost).__name__} of shape {np.shape(cost)}; "
            "return a plain number: float(...)",
        )
    # a constant is a number too, but earns nothing: the cost must depend on the weights
    _cost_depends_on(submission, X, y, params, "W2", 0.0, rng)


@pytest.mark.problem("cost")
@pytest.mark.points(1)
def test_cost_large_scores(submission, reference):
    # scores up to about ±1800; a true class ~1500 below the best: its softmax underflows to 0
    params = {**FIXED_PARAMS, "W2": 2000.0 * FIXED_PARAMS["W2"]}
    cost, _ = _cost_grad(submission, FIXED_X, FIXED_Y, params, 0.0)
    expected = reference.NetClassifier.cost_grad(FIXED_X, FIXED_Y, params, 0.0)[0]
    if np.isclose(cost, len(FIXED_Y) * expected, rtol=1e-6):
        return  # the sum convention: test_cost_* charge it, this test is about stability
    assert_close(
        cost,
        expected,
        what="the cost at c = 0 when the scores are in the thousands",
        inputs="scores in the thousands",
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
    if all(np.all(np.asarray(grads[key], dtype=float) == 0) for key in GRADS):
        raise Mismatch("every gradient is all zeros", "every gradient is all zeros")
    wrong = [
        f"{key} has shape {np.shape(grads[key])}, expected {params[name].shape}"
        for key, name in GRADS.items()
        if np.shape(grads[key]) != params[name].shape
    ]
    if wrong:
        message = "; ".join(wrong) + " (every gradient has the shape of its parameter)"
        raise Mismatch(message, message)


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
    raise Mismatch(
        f"with c={c:.4g} and n={n}, cost(c) - cost(0) = {added:.8g}, "
        f"expected {expected:.8g} = c/(2n)·ΣW²: "
        f"your cost adds {how} to {data}; this assignment uses {CONVENTION}",
        f"your cost adds {how} to {data}; this assignment uses {CONVENTION}",
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
        sentence = (
            f"the penalty adds {label} to your {key}; "
            f"this assignment uses {CONVENTION}, whose gradient adds c·{name}/n"
        )
        raise Mismatch(f"with c={c:.4g} and n={n}, {sentence}", sentence)
    assert_close(
        added, expected, what=f"{key}(c={c:.4g}) - {key}(c=0), the penalty's part of the gradient"
    )


@pytest.mark.problem("regularization")
@pytest.mark.points(1)
def test_biases_not_regularized(submission, rng):
    X, y, params, c = _regularized_problem(rng)
    cost_c, grads_c = _cost_grad(submission, X, y, params, c)
    cost_0, grads_0 = _cost_grad(submission, X, y, params, 0.0)
    if np.isclose(cost_c, cost_0, rtol=1e-12, atol=0):
        raise Mismatch(
            f"cost(c={c:.4g}) equals cost(0) = {cost_0!r}",
            "your cost has no penalty at all (cost(c) = cost(0)), so there is nothing to "
            "keep off the biases",
        )
    for key in ("d_b1", "d_b2"):
        shape = params[GRADS[key]].shape
        added = _value(grads_c, key, shape) - _value(grads_0, key, shape)
        if not np.allclose(added, 0.0, rtol=0, atol=1e-10):
            raise Mismatch(
                f"{key}(c={c:.4g}) - {key}(c=0) = {added.tolist()}",
                f"c changes your {key}: the penalty must not touch the biases",
            )


# --- gradient check against the student's own cost ---------------------------


@pytest.mark.problem("gradient_check")
@pytest.mark.points(1)
@pytest.mark.parametrize("key", list(GRADS))
def test_gradient_check(submission, rng, key):
    X, y, params, c = _regularized_problem(rng)
    name = GRADS[key]
    _cost_depends_on(submission, X, y, params, name, c, rng)
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
def test_fit_lowers_the_training_loss(submission, reference, rng, record):
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
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]  # costs as 1-element arrays: test_cost_is_a_number's concern
        assert values.shape == (epochs,), (
            f"history[{key!r}] should have one entry per epoch ({epochs}), got shape {values.shape}"
        )
        assert np.all(np.isfinite(values)), f"history[{key!r}] is not finite: {values.tolist()}"
    losses = history["train_loss"]
    assert losses[-1] < losses[0], (
        f"after {epochs} epochs on well-separated data the training loss did not go down: "
        f"{float(losses[0]):.6g} after the first epoch, {float(losses[-1]):.6g} after the last"
    )
    trained = fetch(clf.params)
    if not isinstance(trained, dict) or set(trained) != set(init):
        raise Mismatch(
            "fit should store the trained parameters in self.params",
            "fit does not store the trained parameters in self.params (a dict W1, b1, W2, b2)",
        )
    trained = {key: np.asarray(value, dtype=float) for key, value in trained.items()}
    wrong = [key for key in init if trained[key].shape != init[key].shape]
    if wrong:
        raise Mismatch(
            f"self.params after fit has the wrong shape for {wrong}",
            f"after fit, self.params[{wrong[0]!r}] has shape {trained[wrong[0]].shape}, "
            f"expected {init[wrong[0]].shape}",
        )
    before = reference.NetClassifier.cost_grad(X_train, y_train, init, 0.0)[0]
    after = reference.NetClassifier.cost_grad(X_train, y_train, trained, 0.0)[0]
    if not after < before:
        raise Mismatch(
            f"the cross-entropy at the parameters fit stored is {after:.6g}, "
            f"at the initial ones {before:.6g}",
            "the parameters fit stores in self.params are no better than the initial ones: "
            "the history says the loss went down, but the network did not learn",
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
