"""What can go wrong when the grader talks to a student's code.

These derive from ``BaseException`` on purpose: a hidden test that wraps a call in
``pytest.raises(Exception)`` must not swallow a timeout or a crash and award points.
"""

from __future__ import annotations


class SubmissionFault(BaseException):
    """A call into student code did not produce a value.

    ``status`` is the submission status this fault implies (``error``, ``timeout``,
    ``crashed``); ``message`` is written for the student.
    """

    status = "error"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message if not self.detail else f"{self.message}\n{self.detail}"


class StudentError(SubmissionFault):
    """The student's function raised an exception."""

    def __init__(self, message: str, *, exc_type: str, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.exc_type = exc_type


class MissingName(SubmissionFault):
    """The function or attribute the test asked for is not defined by the submission."""


class CallTimeout(SubmissionFault):
    """The call ran past its time limit and the worker was killed."""

    status = "timeout"


class WorkerCrashed(SubmissionFault):
    """The worker process ended (``os._exit``, a signal, memory exhausted, a broken reply)."""

    status = "crashed"
