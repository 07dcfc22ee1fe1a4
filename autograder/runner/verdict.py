"""Runs one test function once and says what its outcome means, in three layers.

The *outcome* is passed, failed or grader-error; the *details* are the full message
(values of the test's inputs and expected results, shown per the test's visibility); the
*diagnosis* is what a student may always read: the named mistake, the received and
expected shape or type, the kind of error their code raised. An error that starts in the
reference (a function it lacks, an exception in its code) is ours, never the student's.
"""

from __future__ import annotations

import traceback
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autograder.author.collector import TestCase
from autograder.author.compare import default_tolerance
from autograder.course.spec import Tolerance
from autograder.sandbox import StudentError, SubmissionFault

REFERENCE_PREFIX = "_autograder_reference_"
MAX_DIAGNOSIS = 400


@dataclass(frozen=True)
class Verdict:
    """What one run of a test concluded."""

    outcome: str  # passed | failed | grader-error
    details: str = ""
    diagnosis: str = ""


def run_case(case: TestCase, provided: Mapping[str, Any], tolerance: Tolerance) -> Verdict:
    """Run the test with the grader's fixtures (``submission``, ``reference``, ``rng``,
    ``record``) and its own, under the assignment's tolerance, and classify how it ended."""
    try:
        with default_tolerance(tolerance.rtol, tolerance.atol):
            case.run(provided)
    except AssertionError as exc:
        diagnosis = _cap(getattr(exc, "diagnosis", ""))
        return Verdict("failed", str(exc) or "assertion failed", diagnosis)
    except SubmissionFault as fault:
        return Verdict("failed", str(fault), _cap(_fault_diagnosis(fault)))
    except Exception as exc:  # the test could not compare: usually a wrong return type
        if _from_reference(exc):
            return Verdict("grader-error", _grader_message(exc))
        return Verdict(
            "failed",
            f"could not check the answer: {type(exc).__name__}: {exc}",
            "the test could not use what your code returned "
            f"({type(exc).__name__}): check the type and shape the problem asks for",
        )
    return Verdict("passed")


def _fault_diagnosis(fault: SubmissionFault) -> str:
    """The fault's first line: the student's own function name and error, or the limit hit."""
    first = fault.message.strip().splitlines()[0] if fault.message.strip() else ""
    if isinstance(fault, StudentError) and not first:
        return f"your code raised {fault.exc_type}"
    return first


def _from_reference(exc: BaseException) -> bool:
    """Whether the error is ours: a name the reference lacks, an error raised in its code,
    or a test that cannot run at all (a name or import it gets wrong: no answer causes that)."""
    if isinstance(exc, (NameError, ImportError, SyntaxError)):
        return True
    if isinstance(exc, AttributeError):
        owner = getattr(exc, "obj", None)
        if isinstance(owner, types.ModuleType) and owner.__name__.startswith(REFERENCE_PREFIX):
            return True
    return any(
        str(frame.f_globals.get("__name__", "")).startswith(REFERENCE_PREFIX)
        for frame, _ in traceback.walk_tb(exc.__traceback__)
    )


def _grader_message(exc: BaseException) -> str:
    return (
        "this test failed on the grader's side, not yours (the reference solution raised "
        f"{type(exc).__name__}: {exc}); it is not counted against you, and the instructor "
        "must fix the assignment"
    )


def _cap(text: str) -> str:
    return text if len(text) <= MAX_DIAGNOSIS else text[:MAX_DIAGNOSIS] + " [...]"
