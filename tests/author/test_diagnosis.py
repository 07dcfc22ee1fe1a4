"""Each engine-level diagnosis names its mistake, and only that mistake.

For every check: a case it must recognise, and a random wrong answer of the same shape
that it must not call by that name. No diagnosis may contain an expected value.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.author.compare import Mismatch, assert_close
from autograder.author.diagnosis import describe, diagnose

RNG = np.random.default_rng(20261201)


def _softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


X = RNG.normal(size=(4, 5))
P = _softmax_rows(X)
SQUARE = RNG.normal(size=(4, 4))
S = RNG.dirichlet(np.ones(4))
JACOBIAN = np.diag(S) - np.outer(S, S)


def _with_off_diagonal_flipped(m):
    off = ~np.eye(m.shape[0], dtype=bool)
    return np.where(off, -m, m)


def _one_row_wrong(m):
    out = m.copy()
    out[2] += 1.0 + np.abs(out[2])
    return out


def _columns_normalized(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=0, keepdims=True)


CASES = [
    ("transposed", SQUARE, SQUARE.T, "transposed"),
    ("sign", SQUARE, -SQUARE, "wrong sign"),
    ("off-diagonal sign", JACOBIAN, _with_off_diagonal_flipped(JACOBIAN), "off-diagonal"),
    ("zeros", SQUARE, np.zeros_like(SQUARE), "all zeros"),
    ("twice", SQUARE, 2 * SQUARE, "twice"),
    ("half", SQUARE, SQUARE / 2, "half"),
    ("rows factor", P, P * 4, "number of rows (4) times"),
    ("1/columns factor", P, P / 5, "1/the number of columns"),
    ("constant", SQUARE, SQUARE + 0.7, "same constant"),
    ("row constant", X, X + np.arange(4)[:, None] * 0.3 + 0.1, "constant of its own"),
    ("wrong axis", P, _columns_normalized(X), "wrong axis"),
    ("whole array", P, np.exp(X) / np.exp(X).sum(), "whole array"),
    ("diagonal only", JACOBIAN, np.diag(np.diag(JACOBIAN)), "diagonal is right"),
    ("rows", SQUARE, _one_row_wrong(SQUARE), "3 of 4 rows are right"),
    ("not finite", P, np.where(P > 0.2, np.nan, P), "inf or NaN"),
    ("complement", S, 1 - S, "other class"),
]


@pytest.mark.parametrize(("label", "expected", "actual", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_check_names_its_mistake(label, expected, actual, words):
    found = diagnose(actual, expected)
    assert found is not None and words in found, (label, found)


@pytest.mark.parametrize(("label", "expected", "actual", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_random_wrong_answer_gets_no_diagnosis(label, expected, actual, words):
    for seed in range(5):
        wrong = np.random.default_rng(seed).normal(size=np.shape(expected))
        assert diagnose(wrong, expected) is None, (label, seed)


def test_a_right_answer_gets_no_diagnosis():
    for _, expected, _, _ in CASES:
        assert diagnose(np.array(expected, copy=True), expected) is None


def test_symmetric_matrix_is_never_called_transposed():
    sym = SQUARE + SQUARE.T
    assert diagnose(sym.T * 3.1, sym) is None


@pytest.mark.parametrize(
    ("actual", "expected", "words"),
    [
        (np.array([1.5]), 1.5, "1-element array instead of a number"),
        (1.5, np.array([1.5]), "a number instead of a 1-element array"),
        (np.arange(3.0)[:, None], np.arange(3.0), "column instead of a 1-D array"),
        (np.arange(3.0)[None, :], np.arange(3.0), "row matrix instead of a 1-D array"),
        (np.arange(6.0).reshape(3, 2), np.arange(6.0).reshape(2, 3).T.T.reshape(2, 3), "shape"),
        (SQUARE[:3].T, SQUARE[:3], "transpose of the right one"),
    ],
)
def test_right_values_in_the_wrong_shape(actual, expected, words):
    found = diagnose(actual, expected)
    assert found is not None and words in found


def test_wrong_values_in_the_wrong_shape_get_no_diagnosis():
    assert diagnose(RNG.normal(size=(3, 1)), RNG.normal(size=3)) is None


def test_scalars_get_only_factor_and_sign_diagnoses():
    assert diagnose(3.0, 1.5).startswith("your result is twice the right one")
    assert "wrong sign" in diagnose(-1.5, 1.5)
    assert diagnose(1.6, 1.5) is None  # any two numbers differ by a constant: no diagnosis
    assert "batch size (12) times" in diagnose(18.0, 1.5, sizes={"the batch size": 12})


def test_describe_names_kind_and_shape():
    assert describe([[1, 2], [3, 4]]) == "a list of shape (2, 2)"
    assert describe(np.zeros((2, 3))) == "an array of shape (2, 3)"
    assert describe(2.0) == "a number"
    assert "forget to return" in describe(None)


def _numbers(text):
    return {float(m) for m in re.findall(r"-?\d+\.\d+", text)}


@pytest.mark.parametrize(("label", "expected", "actual", "words"), CASES, ids=[c[0] for c in CASES])
def test_the_diagnosis_never_shows_an_expected_value(label, expected, actual, words):
    with pytest.raises(Mismatch) as caught:
        assert_close(actual, expected)
    shown = _numbers(caught.value.diagnosis)
    assert not shown & {round(float(v), k) for v in np.ravel(expected) for k in range(1, 9)}
    assert words in caught.value.diagnosis


def test_assert_close_keeps_details_in_the_message():
    with pytest.raises(Mismatch) as caught:
        assert_close([0.25, 0.5], [0.5, 1.0], what="f(x)")
    assert "expected 1" in str(caught.value)
    assert "half" in caught.value.diagnosis


def test_the_kind_of_input_leads_the_diagnosis():
    with pytest.raises(Mismatch) as caught:
        assert_close([np.inf, 0.0], [0.5, 0.5], inputs="logits near ±1000")
    assert caught.value.diagnosis.startswith("for logits near ±1000: ")
    assert "inf or NaN" in caught.value.diagnosis
