"""Records a test's calls into the student's worker and answers them again from memory.

Diagnosing a failed test re-runs it against variants of the reference (the known
mistakes). The student's answers do not change between those runs, so each call the
test repeats with the same arguments is answered from the first run: the worker is not
asked twice and the student's code is not charged the time again. A call with other
arguments (say, an input computed from a replaced reference function) means that mistake
does not apply, and the worker is not asked at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.sandbox.errors import SubmissionFault
from autograder.sandbox.protocol import Handle


class RecordingSession:
    """Forwards calls to a session and keeps (request, answer) pairs in order."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.calls: list[tuple[tuple, Any, SubmissionFault | None]] = []

    def call(self, path: list[str], args: tuple, kwargs: dict, handle: Handle | None = None) -> Any:
        return self._forward(("call", list(path), args, kwargs, handle))

    def get(self, path: list[str], handle: Handle | None = None) -> Any:
        return self._forward(("get", list(path), (), {}, handle))

    def _forward(self, request: tuple) -> Any:
        kind, path, args, kwargs, handle = request
        request = (kind, path, _fresh(args), _fresh(kwargs), handle)
        try:
            if kind == "call":
                value = self.session.call(path, args, kwargs, handle)
            else:
                value = self.session.get(path, handle)
        except SubmissionFault as fault:
            self.calls.append((request, None, fault))
            raise
        self.calls.append((request, _fresh(value), None))
        return value


class NotRecorded(Exception):
    """A replayed test made a call its first run did not make."""


class ReplaySession:
    """Answers repeated requests from a recording; a request never seen raises NotRecorded.

    Never reaching the worker keeps a diagnosis from costing the student time or faults.
    """

    def __init__(self, recording: RecordingSession) -> None:
        self.calls = list(recording.calls)

    def call(self, path: list[str], args: tuple, kwargs: dict, handle: Handle | None = None) -> Any:
        return self._answer(("call", list(path), args, kwargs, handle))

    def get(self, path: list[str], handle: Handle | None = None) -> Any:
        return self._answer(("get", list(path), (), {}, handle))

    def _answer(self, request: tuple) -> Any:
        for index, (recorded, value, fault) in enumerate(self.calls):
            if same(recorded, request):
                del self.calls[index]
                if fault is not None:
                    raise fault
                return _fresh(value)
        raise NotRecorded(f"{'.'.join(request[1])} was not called with these arguments before")


def same(a: Any, b: Any) -> bool:
    """Deep equality of plain data and arrays (NaN equal to NaN, dtype and shape exact)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def _fresh(value: Any) -> Any:
    """A copy, so that a test that changes a returned array in place sees the original."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_fresh(v) for v in value)
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    return value
