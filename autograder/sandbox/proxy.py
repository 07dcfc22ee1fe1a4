"""What hidden tests hold: a stand-in for the student's module whose calls run remotely.

``submission.softmax(x)`` sends ``x`` to the worker, runs the student's ``softmax`` there
and returns the plain-data result. Attribute chains work (``submission.Net.cost_grad``),
calling a class returns a remote object whose methods work the same way. Every call is
recorded so a test's result can list the student functions it exercised.
"""

from __future__ import annotations

from typing import Any

from autograder.sandbox.protocol import Handle
from autograder.sandbox.session import Session


class CallLog:
    """The names of student functions called, per test."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def record(self, name: str) -> None:
        if name not in self.names:
            self.names.append(name)

    def take(self) -> list[str]:
        names, self.names = self.names, []
        return names


class RemoteRef:
    """A not-yet-resolved name in the student's code (or on a remote object)."""

    __slots__ = ("_session", "_log", "_handle", "_path")

    def __init__(self, session: Session, log: CallLog, handle: Handle | None, path: list[str]):
        self._session = session
        self._log = log
        self._handle = handle
        self._path = path

    def __getattr__(self, name: str) -> RemoteRef:
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteRef(self._session, self._log, self._handle, [*self._path, name])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._log.record(self._label())
        result = self._session.call(self._path, _unwrap(args), _unwrap(kwargs), self._handle)
        return _wrap(result, self._session, self._log)

    def _fetch(self) -> Any:
        self._log.record(self._label())
        return _wrap(self._session.get(self._path, self._handle), self._session, self._log)

    def _label(self) -> str:
        prefix = [self._handle.type_name] if self._handle is not None else []
        return ".".join(prefix + self._path)

    def __repr__(self) -> str:
        return f"<student {self._label() or 'module'}>"


class SubmissionProxy(RemoteRef):
    """The student's module as seen from a hidden test."""

    def __init__(self, session: Session, log: CallLog) -> None:
        super().__init__(session, log, None, [])


def fetch(ref: RemoteRef) -> Any:
    """Read a plain attribute of the student's code, e.g. ``fetch(model.history)``.

    A value that is not remote (a test run against the reference itself) is returned as is.
    """
    return ref._fetch() if isinstance(ref, RemoteRef) else ref


def _wrap(value: Any, session: Session, log: CallLog) -> Any:
    """Turn handles in a result into remote objects the test can call methods on."""
    if isinstance(value, Handle):
        return RemoteRef(session, log, value, [])
    if isinstance(value, list):
        return [_wrap(v, session, log) for v in value]
    if isinstance(value, tuple):
        return tuple(_wrap(v, session, log) for v in value)
    if isinstance(value, dict):
        return {k: _wrap(v, session, log) for k, v in value.items()}
    return value


def _unwrap(value: Any) -> Any:
    """Pass remote objects back to the worker by their handle."""
    if isinstance(value, RemoteRef):
        if value._handle is None or value._path:
            raise TypeError("only remote objects themselves can be passed to student code")
        return value._handle
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value
