"""Grades one submission: hidden tests in the grader, student code in its worker.

The tests, the reference and every comparison run here, in the trusted process; the
``submission`` fixture forwards calls to the worker, which only returns plain data. No
score is ever read from the worker: a test passes when its function returns normally.
Every message that comes from the worker or from an exception is capped here, where it
enters the result (``untrusted_text.cap``), so no submission can make its results large.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from autograder.author.collector import TestCase, TestSuite
from autograder.author.compare import default_tolerance
from autograder.author.recording import Recorder
from autograder.author.seeding import rng_for
from autograder.course.paths import policy_for
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.submission import UnusableSubmission, missing_names_note, read_submission
from autograder.course.untrusted_text import SUMMARY_CHARS, cap, cap_items
from autograder.sandbox import (
    CallLog,
    Launcher,
    LoadReport,
    Session,
    SubmissionFault,
    SubmissionProxy,
    open_session,
)

MAX_PRINTED = 10_000  # characters of student output kept in results.json


@dataclass(frozen=True)
class GradingContext:
    """What grading needs besides the submission: the suite, secret and worker launcher.

    Without a launcher, workers come from the sandboxed zygote, under the policy of
    :func:`policy_for` (the spec's limits, the course folder hidden).
    """

    suite: TestSuite
    secret: str
    launcher: Launcher | None = None
    fresh_inputs: bool = True  # new random inputs for each attempt (see author.seeding)


def grade_submission(folder: Path, student_id: str, ctx: GradingContext) -> SubmissionResult:
    """Run every test of ``ctx.suite`` against the code in ``folder``."""
    spec = ctx.suite.spec
    started = time.monotonic()
    try:
        source = read_submission(folder, spec, ctx.suite.solution_names)
    except UnusableSubmission as bad:
        return _finish(
            spec.name,
            student_id,
            bad.status,
            bad.message,
            _all_failed(ctx.suite, bad.message),
            started,
        )
    with open_session(
        policy_for(spec), spec.module_name, source.chunks, launcher=ctx.launcher
    ) as session:
        report = session.start()
        if report.fault is not None:
            message = f"{spec.student_file} could not be loaded: {cap(report.fault.message)}"
            tests = _all_failed(ctx.suite, message)
            status = report.fault.status
        else:
            message = _load_message(report, source.path.name)
            attempt = source.digest if ctx.fresh_inputs else ""
            seed = (ctx.secret, student_id, attempt)
            tests = [_run_test(case, session, seed, ctx) for case in ctx.suite.tests]
            status = _status(report, session)
            if status != "ok" and not message:
                message = cap(session.faults[0].message)
            notes = list(source.notes)
            if len(source.chunks) > 1 or not report.chunk_errors:  # else the error says why
                notes += missing_names_note(source, report.defined)
            message = "\n".join(part for part in (message, *cap_items(notes)) if part)
    result = _finish(spec.name, student_id, status, message, tests, started, session.output())
    result.digest = source.digest
    return result


def _run_test(
    case: TestCase, session: Session, seed: tuple[str, str, str], ctx: GradingContext
) -> TestResult:
    log = CallLog()
    recorder = Recorder()
    secret, student_id, attempt = seed
    provided = {
        "submission": SubmissionProxy(session, log),
        "reference": ctx.suite.reference,
        "rng": rng_for(secret, student_id, case.name, attempt),
        "record": recorder,
    }
    tolerance = ctx.suite.spec.tolerance
    started = time.monotonic()
    try:
        with default_tolerance(tolerance.rtol, tolerance.atol):
            case.run(provided)
        outcome, output = "passed", ""
    except AssertionError as exc:
        outcome, output = "failed", str(exc) or "assertion failed"
    except SubmissionFault as fault:
        outcome, output = "failed", str(fault)
    except Exception as exc:  # the test could not even compare: usually a wrong return type
        outcome, output = "failed", f"could not check the answer: {type(exc).__name__}: {exc}"
    output = cap(_without_instructor_paths(output, ctx.suite.spec.root))
    return TestResult(
        name=case.name,
        problem=case.problem,
        score=case.points if outcome == "passed" else 0.0,
        max_score=case.points,
        outcome=outcome,
        output=output,
        visibility=case.visibility,
        tags=log.take(),
        duration=time.monotonic() - started,
        data=recorder.data,
    )


def _without_instructor_paths(message: str, root: Path) -> str:
    """Hide where the instructor's files live: pytest's assertion messages can show the
    reference module's path, and students read these messages."""
    for path in {str(root), str(root.resolve())}:
        message = message.replace(path, "<solutions>")
    return message


def _all_failed(suite: TestSuite, message: str) -> list[TestResult]:
    message = cap(message)
    return [
        TestResult(t.name, t.problem, 0.0, t.points, "failed", message, t.visibility)
        for t in suite.tests
    ]


def _load_message(report: LoadReport, filename: str) -> str:
    if not report.chunk_errors:
        return ""
    first = report.chunk_errors[0]
    where = cap(str(first.get("traceback", "")).strip())
    if len(report.chunk_errors) == 1 and first.get("name") in (filename, None):
        return cap(f"{filename} failed while loading: {first['type']}: {first['message']}") + (
            f"\n{where}" if where else ""
        )
    lines = [f"{len(report.chunk_errors)} cell(s) of {filename} failed; the others still ran:"]
    lines += cap_items([f"  {e['name']}: {e['type']}: {e['message']}" for e in report.chunk_errors])
    return "\n".join(lines) + (f"\nFirst failure:\n{where}" if where else "")


def _status(report: LoadReport, session: Session) -> str:
    if report.chunk_errors:
        return report.chunk_errors[0].get("status", "error")
    for fault in session.faults:
        return fault.status
    return "ok"


def _finish(
    assignment: str,
    student_id: str,
    status: str,
    message: str,
    tests: list[TestResult],
    started: float,
    output: str = "",
) -> SubmissionResult:
    message = cap(message, SUMMARY_CHARS)
    summary = message or "Your code loaded and every test ran."
    if output.strip():
        printed = output if len(output) <= MAX_PRINTED else output[:MAX_PRINTED] + "\n[... cut]"
        summary += f"\n\nWhat your code printed:\n{printed}"
    return SubmissionResult(
        assignment=assignment,
        student_id=student_id,
        status=status,
        message=message,
        tests=tests,
        execution_time=time.monotonic() - started,
        output=summary,
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
