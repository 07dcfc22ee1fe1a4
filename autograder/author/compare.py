"""Numeric comparison for hidden tests, with messages a student can act on.

``assert_close(actual, expected)`` is the one assertion most tests need. ``actual`` is
whatever came back from the student's code (an array, a nested list, a number, or
something wrong); it is converted with numpy, then checked for type, shape and values in
that order, so the message names the first thing that is wrong. NaN never equals anything.

Its default tolerances are the assignment's ``[tolerance]`` table (``rtol``, ``atol``):
whoever runs an assignment's tests (grading, ``check``, the pytest plugin, the notebook
check cells) sets them with :func:`default_tolerance` around each test.

A failure is a :class:`Mismatch`: its message is the *details* (values, the worst entry),
its ``diagnosis`` the part a student may read before the due date (the named mistake, the
received and expected shape, how many entries differ; never an expected value).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from autograder.author.diagnosis import describe, diagnose

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
_TOLERANCE: ContextVar[tuple[float, float]] = ContextVar(
    "assert_close_tolerance", default=(DEFAULT_RTOL, DEFAULT_ATOL)
)


@contextmanager
def default_tolerance(rtol: float, atol: float) -> Iterator[None]:
    """Within this block (and this thread), ``assert_close`` defaults to these tolerances."""
    token = _TOLERANCE.set((rtol, atol))
    try:
        yield
    finally:
        _TOLERANCE.reset(token)


class Mismatch(AssertionError):
    """A failed comparison: the message holds the details, ``diagnosis`` the safe summary."""

    def __init__(self, details: str, diagnosis: str = "") -> None:
        super().__init__(details)
        self.diagnosis = diagnosis


def number(value: Any) -> Any:
    """A 1-element array or list as the number it holds; anything else unchanged.

    Value tests of a function that returns a number wrap its answer in this, so that a
    format slip (``np.array([0.7])`` for ``0.7``) costs only the test of the format
    (:func:`assert_number`), not every test of the value.
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return value
        if array.size == 1:
            return float(array.reshape(-1)[0])
    return value


def assert_number(value: Any, *, what: str = "the result") -> None:
    """Fail unless ``value`` is a plain number (a Python or NumPy int or float)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        sentence = f"{what} should be a plain number, got {describe(value)}: return float(...)"
        raise Mismatch(sentence, sentence)


def as_numeric_array(value: Any, *, what: str = "the result") -> np.ndarray:
    """Convert a student's value to a float array, or fail saying what it was instead."""
    if value is None:
        raise AssertionError(f"{what} is None: did the function forget to return a value?")
    if isinstance(value, (str, bytes, dict)):
        raise AssertionError(
            f"{what} should be numbers, got a {type(value).__name__}: {value!r:.80}"
        )
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        raise AssertionError(
            f"{what} is not a rectangular array of numbers (ragged lists?)"
        ) from None
    if array.dtype.kind == "c":
        raise AssertionError(f"{what} has complex numbers; real numbers were expected")
    if array.dtype.kind not in "biuf":
        raise AssertionError(f"{what} should be numbers, got values of type {array.dtype}")
    return array.astype(float)


def assert_close(
    actual: Any,
    expected: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    what: str = "the result",
    sizes: Mapping[str, int] | None = None,
    inputs: str = "",
) -> None:
    """Fail unless ``actual`` has ``expected``'s shape and values within tolerance.

    ``sizes`` names input sizes (``{"the batch size": n}``) so that a result scaled by
    one of them is diagnosed as such. ``inputs`` says what kind of input this is, in words
    that give no value away ("large logits", "a batch"); the diagnosis starts with it.
    """
    try:
        _compare(actual, expected, rtol, atol, what, sizes)
    except Mismatch as failed:
        if inputs and failed.diagnosis:
            failed.diagnosis = f"for {inputs}: {failed.diagnosis}"
        raise


def _compare(
    actual: Any,
    expected: Any,
    rtol: float | None,
    atol: float | None,
    what: str,
    sizes: Mapping[str, int] | None,
) -> None:
    """``rtol``/``atol`` default to the assignment's ``[tolerance]`` (see the module doc)."""
    default_rtol, default_atol = _TOLERANCE.get()
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    want = np.asarray(expected, dtype=float)
    try:
        got = as_numeric_array(actual, what=what)
    except AssertionError as exc:
        raise Mismatch(str(exc), f"received {describe(actual)}, expected numbers") from None
    mistake = diagnose(got, want, rtol=rtol, atol=atol, sizes=sizes)
    if got.shape != want.shape:
        raise Mismatch(
            f"{what} has the wrong shape: expected {want.shape}, got {got.shape}",
            mistake or f"received {describe(actual)}, expected shape {want.shape}",
        )
    close = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=False)
    if close.all():
        return
    counts = f"{int((~close).sum())} of {want.size} entries differ"
    if mistake and (" entries " in mistake or want.size == 1):
        summary = mistake
    else:
        summary = f"{mistake} ({counts})" if mistake else f"{counts} ({describe(actual)})"
    bad_nan = np.isnan(got)
    if bad_nan.any():
        raise Mismatch(
            f"{what} contains NaN at {_index(np.argwhere(bad_nan)[0])} "
            f"({int(bad_nan.sum())} of {got.size} entries); check for overflow or division by zero",
            summary,
        )
    error = np.where(close, 0.0, np.abs(got - want))
    worst = np.unravel_index(int(np.nanargmax(np.nan_to_num(error, nan=np.inf))), want.shape)
    raise Mismatch(
        f"{what} is wrong in {int((~close).sum())} of {want.size} entries; "
        f"worst at {_index(worst)}: expected {want[worst]:.8g}, got {got[worst]:.8g} "
        f"(rtol={rtol:g}, atol={atol:g})",
        summary,
    )


def assert_shape(actual: Any, shape: tuple[int, ...], *, what: str = "the result") -> None:
    """Fail unless ``actual`` converts to an array of exactly ``shape``."""
    try:
        got = as_numeric_array(actual, what=what)
    except AssertionError as exc:
        raise Mismatch(str(exc), f"received {describe(actual)}, expected numbers") from None
    if got.shape != tuple(shape):
        message = f"{what} has the wrong shape: expected {tuple(shape)}, got {got.shape}"
        raise Mismatch(message, f"received shape {got.shape}, expected {tuple(shape)}")


def _index(index: Any) -> str:
    items = tuple(int(i) for i in np.atleast_1d(index))
    return "[" + ", ".join(map(str, items)) + "]" if items else "[]"
