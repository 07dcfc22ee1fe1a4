"""Finite-difference gradient checks for hidden tests.

A gradient a student returns can be checked two ways: against the reference's gradient,
or against central differences of a cost function. The second needs no reference, so it
can use the student's *own* cost: a gradient that is consistent with a cost written under
another (documented) convention still passes, and a test can give points for "your
gradient is the gradient of your cost" separately from "your cost is the right one".

Central differences cost two evaluations of ``f`` per coordinate, and each evaluation may
be a remote call into student code, so ``indices`` (see :func:`sample_indices`) restricts
the check to a few coordinates.

Nothing here knows about any course: ``f`` is any function of one array returning a
number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograder.author.compare import Mismatch
from autograder.author.diagnosis import diagnose

TINY = 1e-12  # floor of the denominator in relative_error, so that 0 vs 0 is 0, not 0/0


def sample_indices(shape: tuple[int, ...], count: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``count`` distinct flat indices into an array of ``shape``, sorted.

    All of them if the array has ``count`` entries or fewer. Use the ``rng`` fixture so a
    student gets the same coordinates at every regrade.
    """
    size = int(np.prod(shape, dtype=int))
    if size <= count:
        return np.arange(size)
    return np.sort(rng.choice(size, size=count, replace=False))


def numeric_gradient(
    f: Callable[[np.ndarray], Any],
    x: Any,
    *,
    eps: float = 1e-6,
    indices: Iterable[int] | None = None,
) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    Coordinate ``i`` (a flat index into ``x``) is ``(f(x + eps e_i) - f(x - eps e_i)) /
    (2 eps)``. Only the coordinates in ``indices`` are evaluated (all if None); the result
    has ``x``'s shape, float dtype, and NaN wherever nothing was evaluated, so a skipped
    coordinate can never be mistaken for a zero derivative. ``f`` always receives a fresh
    copy of ``x``, so it may keep or modify its argument without affecting the next call.
    """
    base = np.array(x, dtype=float)
    flat_indices = range(base.size) if indices is None else [int(i) for i in indices]
    grad = np.full(base.shape, np.nan)
    for i in flat_indices:
        if not 0 <= i < base.size:
            raise IndexError(f"flat index {i} is out of range for an array of shape {base.shape}")
        plus, minus = base.copy(), base.copy()
        plus.flat[i] += eps
        minus.flat[i] -= eps
        grad.flat[i] = (_scalar(f(plus)) - _scalar(f(minus))) / (2.0 * eps)
    return grad


def relative_error(a: Any, b: Any) -> float:
    """``max |a - b| / max(|a| + |b|)`` over all entries, with the denominator floored at TINY.

    One number for the whole array, scaled by its largest entries: a coordinate whose
    derivative is nearly zero does not blow the error up, as an entry-by-entry ratio
    would. Shapes must match (or broadcast); NaN anywhere gives NaN.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.size == 0 and b.size == 0:
        return 0.0
    diff = np.max(np.abs(a - b))
    scale = np.max(np.abs(a) + np.abs(b))
    if np.isnan(diff) or np.isnan(scale):
        return float("nan")
    return float(diff / max(scale, TINY))


def assert_gradient_matches(
    f: Callable[[np.ndarray], Any],
    x: Any,
    grad: Any,
    *,
    indices: Iterable[int] | None = None,
    tol: float = 1e-5,
    eps: float = 1e-6,
    what: str = "the gradient",
) -> None:
    """Fail unless ``grad`` matches central differences of ``f`` at ``x`` (see
    :func:`numeric_gradient`) at the coordinates ``indices`` (all if None).

    ``grad`` is checked first for being numbers of ``x``'s shape. The comparison uses
    :func:`relative_error` over the checked coordinates; the message names the worst
    coordinate with both values, so a student can see which entry is off and by how much.
    """
    x = np.asarray(x, dtype=float)
    got = _as_array(grad, what)
    if got.shape != x.shape:
        raise Mismatch(
            f"{what} has shape {got.shape}, but the parameter it belongs to has shape {x.shape}",
            f"the gradient has shape {got.shape}, its parameter {x.shape}",
        )
    checked = (
        np.arange(x.size) if indices is None else np.array([int(i) for i in indices], dtype=int)
    )
    if checked.size == 0:
        raise ValueError("assert_gradient_matches: no coordinates to check")
    numeric = numeric_gradient(f, x, eps=eps, indices=checked).ravel()[checked]
    analytic = got.ravel()[checked]
    positions = [_index(np.unravel_index(i, x.shape)) for i in checked]
    if not np.all(np.isfinite(numeric)):
        k = int(np.flatnonzero(~np.isfinite(numeric))[0])
        raise AssertionError(
            f"{what}: the cost is not finite near the point checked "
            f"(finite difference at {positions[k]} gave {numeric[k]})"
        )
    if not np.all(np.isfinite(analytic)):
        k = int(np.flatnonzero(~np.isfinite(analytic))[0])
        raise AssertionError(f"{what} is not finite at {positions[k]}: {analytic[k]}")
    error = relative_error(analytic, numeric)
    if error <= tol:
        return
    k = int(np.argmax(np.abs(analytic - numeric)))
    off = int((~np.isclose(analytic, numeric, rtol=1e-4, atol=1e-8)).sum())
    mistake = diagnose(analytic, numeric, rtol=1e-4, atol=1e-8)
    raise Mismatch(
        f"{what} does not match central finite differences of the cost "
        f"(eps={eps:g}, {checked.size} coordinates checked): worst at {positions[k]}, "
        f"analytic {analytic[k]:.8g}, numeric {numeric[k]:.8g}; "
        f"relative error {error:.3g} > {tol:g}",
        "your gradient does not match finite differences of your own cost "
        f"({max(off, 1)} of {checked.size} coordinates checked differ"
        + (f"; {mistake}" if mistake else "")
        + "): the gradient and the cost do not describe the same function",
    )


def _scalar(value: Any) -> float:
    array = np.asarray(value, dtype=float)
    if array.size != 1:
        raise AssertionError(
            f"the cost should be a single number, got an array of shape {array.shape}"
        )
    return float(array.reshape(()))


def _as_array(value: Any, what: str) -> np.ndarray:
    if value is None:
        raise AssertionError(f"{what} is None: did the function forget to return it?")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} is not an array of numbers: {value!r:.80}") from None
    return array


def _index(index: Any) -> str:
    items = tuple(int(i) for i in np.atleast_1d(index))
    return "[" + ", ".join(map(str, items)) + "]" if items else "[]"
