"""Names the mistake behind a wrong array answer, without showing any expected value.

``diagnose(actual, expected)`` tries, in order, the slips students make with arrays
(transposed, sign flipped, scaled by a simple factor, off by a constant, normalized along
the wrong axis, right only on the diagonal, not finite, right values in the wrong shape,
right except on some rows). Each check must explain *every* entry (within tolerance), so
a random wrong answer gets no diagnosis. A sentence names the mistake, the received and
expected shapes and types, and counts; it never contains an expected number, so it can be
shown before the due date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

Check = Callable[[np.ndarray, np.ndarray, "Tolerance"], "str | None"]


class Tolerance:
    """The closeness rule of one comparison (numpy's ``isclose``)."""

    def __init__(self, rtol: float, atol: float) -> None:
        self.rtol, self.atol = rtol, atol

    def close(self, got: np.ndarray, want: np.ndarray) -> bool:
        return got.shape == want.shape and bool(
            np.all(np.isclose(got, want, rtol=self.rtol, atol=self.atol))
        )

    def entries(self, got: np.ndarray, want: np.ndarray) -> np.ndarray:
        return np.isclose(got, want, rtol=self.rtol, atol=self.atol)


def describe(value: Any) -> str:
    """The kind and shape of a value, as a student would name it: 'a list of shape (3,)'."""
    if value is None:
        return "None (does the function forget to return its result?)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}" if value.ndim else "a 0-d array"
    if isinstance(value, (list, tuple)):
        try:
            shape = np.asarray(value, dtype=float).shape
        except (TypeError, ValueError):
            return f"a ragged {type(value).__name__}"
        return f"a {type(value).__name__} of shape {shape}"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    return f"a {type(value).__name__}"


def diagnose(
    actual: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    sizes: Mapping[str, int] | None = None,
) -> str | None:
    """The named mistake that explains ``actual`` against ``expected``, or None.

    ``sizes`` names the sizes of the inputs (``{"the batch size": 12}``) so that a
    result scaled by one of them can be recognised.
    """
    try:
        got = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return None
    want = np.asarray(expected, dtype=float)
    tol = Tolerance(rtol, atol)
    if got.shape != want.shape:
        return _shape_mistake(got, want, tol)
    if tol.close(got, want) or want.size == 0:
        return None
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
        return _not_finite(got)
    for check in (_transposed, _sign, _all_zero):
        found = check(got, want, tol)
        if found:
            return found
    found = _scaled(got, want, tol, _factors(want, sizes or {}))
    if found:
        return found
    for check in (_complement, _constant, _row_constant, _wrong_axis, _diagonal, _rows):
        found = check(got, want, tol)
        if found:
            return found
    return None


def _shape_mistake(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    received, wanted = _shape_text(got.shape), _shape_text(want.shape)
    if got.ndim == 2 and got.T.shape == want.shape and tol.close(got.T, want):
        return f"your result is the transpose of the right one: shape {received}, expected {wanted}"
    if got.size == want.size and tol.close(got.reshape(want.shape), want):
        return (
            f"the values are right but the shape is not: {received} where {wanted} is "
            f"expected{_shape_hint(got.shape, want.shape)}"
        )
    return None


def _shape_hint(got: tuple, want: tuple) -> str:
    if want == () and got == (1,):
        return " (a 1-element array instead of a number: return float(...) or .item())"
    if got == () and want == (1,):
        return " (a number instead of a 1-element array)"
    if len(got) == 2 and got[1] == 1 and want == (got[0],):
        return " (a column instead of a 1-D array)"
    if len(got) == 2 and got[0] == 1 and want == (got[1],):
        return " (a row matrix instead of a 1-D array)"
    if len(want) == 2 and want[1] == 1 and got == (want[0],):
        return " (a 1-D array instead of a column)"
    if len(want) == 2 and want[0] == 1 and got == (want[1],):
        return " (a 1-D array instead of a row matrix of shape (1, n))"
    return ""


def _shape_text(shape: tuple) -> str:
    return "a number ()" if shape == () else str(tuple(shape))


def _not_finite(got: np.ndarray) -> str:
    bad = int((~np.isfinite(got)).sum())
    what = "the result is" if got.size == 1 else f"{bad} of {got.size} entries are"
    return (
        f"{what} inf or NaN where every expected value is finite: "
        "an exp that overflowed (subtract the maximum before exp) or a log of 0 "
        "(0 · log 0 counts as 0)"
    )


def _transposed(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    square = want.ndim == 2 and want.shape[0] == want.shape[1]
    if square and not tol.close(want, want.T) and tol.close(got, want.T):
        return "your matrix is transposed: entry [i, j] holds the value of entry [j, i]"
    return None


def _sign(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if tol.close(got, -want):
        return "every entry has the wrong sign (your result is minus the right one)"
    if want.ndim == 2 and want.shape[0] == want.shape[1] and want.shape[0] > 1:
        off = ~np.eye(want.shape[0], dtype=bool)
        flipped = np.where(off, -want, want)
        if tol.close(got, flipped):
            return "the diagonal is right but every off-diagonal entry has the wrong sign"
    return None


def _all_zero(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if np.all(got == 0) and not tol.close(np.zeros_like(want), want):
        return "your result is all zeros"
    return None


def _factors(want: np.ndarray, sizes: Mapping[str, int]) -> list[tuple[float, str]]:
    named: dict[str, int] = dict(sizes)
    if want.ndim >= 1 and "the number of rows" not in named:
        named.setdefault("the number of rows", want.shape[0])
    if want.ndim >= 2:
        named.setdefault("the number of columns", want.shape[-1])
    factors = [(2.0, "twice"), (0.5, "half")]
    for name, size in named.items():
        if size and size > 2:
            factors += [(float(size), f"{name} ({size}) times"), (1.0 / size, f"1/{name} times")]
    return factors


def _scaled(
    got: np.ndarray, want: np.ndarray, tol: Tolerance, factors: list[tuple[float, str]]
) -> str | None:
    if np.all(np.abs(want) <= tol.atol):
        return None
    for factor, name in factors:
        if tol.close(got, factor * want):
            hint = {"twice": " (a factor 2 too many, e.g. from the derivative of a square)"}
            return f"your result is {name} the right one{hint.get(name, '')}"
    return None


def _complement(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if np.all((want >= 0) & (want <= 1)) and tol.close(got, 1.0 - want):
        return (
            "your probabilities are those of the other class (1 - p): check which class is "
            "the positive one"
        )
    return None


def _constant(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if want.size < 2:
        return None
    shift = float(np.median(got - want))
    if shift != 0 and tol.close(got, want + shift):
        return "every entry is off by the same constant"
    return None


def _row_constant(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if want.ndim != 2 or want.shape[1] < 2:
        return None
    shift = np.median(got - want, axis=1, keepdims=True)
    if np.any(shift != 0) and tol.close(got, want + shift):
        return (
            "each row is off by a constant of its own (a per-row term such as the "
            "log-sum-exp is missing or wrong)"
        )
    return None


def _wrong_axis(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if want.ndim != 2 or min(want.shape) < 2 or np.any(want < 0):
        return None
    ones = Tolerance(1e-6, 1e-9)
    rows_sum_to_one = ones.close(want.sum(axis=1), np.ones(want.shape[0]))
    if not rows_sum_to_one:
        return None
    if ones.close(got.sum(axis=0), np.ones(want.shape[1])):
        return "your result is normalized along the wrong axis: its columns sum to 1, not its rows"
    if ones.close(np.asarray(got.sum()), np.asarray(1.0)):
        return "your result is normalized over the whole array instead of row by row"
    return None


def _diagonal(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if want.ndim != 2 or want.shape[0] != want.shape[1] or want.shape[0] < 2:
        return None
    close = tol.entries(got, want)
    diag = np.eye(want.shape[0], dtype=bool)
    if close[diag].all() and not close[~diag].any():
        return "the diagonal is right; every entry off the diagonal is wrong"
    if close[~diag].all() and not close[diag].any():
        return "the entries off the diagonal are right; the diagonal is wrong"
    return None


def _rows(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> str | None:
    if want.ndim != 2 or want.shape[0] < 2:
        return None
    right = tol.entries(got, want).all(axis=1)
    if right.any() and not right.all():
        wrong = [str(i) for i in np.flatnonzero(~right)]
        listed = ", ".join(wrong[:8]) + (", ..." if len(wrong) > 8 else "")
        return (
            f"{int(right.sum())} of {want.shape[0]} rows are right; rows {listed} are not "
            "(look for what those inputs have in common)"
        )
    return None
