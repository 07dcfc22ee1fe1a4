"""Grades one submission: hidden tests in the grader, student code in its worker.

The tests, the reference and every comparison run here, in the trusted process; the
``submission`` fixture forwards calls to the worker, which only returns plain data. No
score is ever read from the worker: a test passes when its function returns normally.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import types
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from autograder.author.collector import TestCase, TestSuite
from autograder.author.mistakes import with_mistake
from autograder.author.recording import Recorder
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.spec import AssignmentSpec
from autograder.course.submission import UnusableSubmission, missing_names_note, read_submission
from autograder.runner.replay import RecordingSession, ReplaySession
from autograder.runner.verdict import Verdict, run_case
from autograder.sandbox.loading import MISSING_MODULE
from autograder.sandbox.proxy import CallLog, SubmissionProxy
from autograder.sandbox.session import Launcher, LoadReport, Session
from autograder.sandbox.zygote_launcher import default_launcher

MAX_PRINTED = 10_000  # characters of student output kept in results.json


@dataclass(frozen=True)
class GradingContext:
    """What grading needs besides the submission: the suite, secret and worker launcher.

    Without a launcher, workers come from the sandboxed zygote (``default_launcher``),
    with the spec's resource limits and the course folder hidden.
    """

    suite: TestSuite
    secret: str
    launcher: Launcher | None = None


def rng_for(secret: str, student_id: str, test_name: str) -> np.random.Generator:
    """The per-student random generator of one test: stable across regrades."""
    digest = hashlib.sha256(f"{secret}\0{student_id}\0{test_name}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def course_paths(spec: AssignmentSpec) -> tuple[Path, ...]:
    """Folders student code must never see: the assignment's and its course's."""
    root = spec.root.resolve()
    return (root, root.parents[1]) if len(root.parents) > 2 else (root,)


def grade_submission(folder: Path, student_id: str, ctx: GradingContext) -> SubmissionResult:
    """Run every test of ``ctx.suite`` against the code in ``folder``."""
    spec = ctx.suite.spec
    started = time.monotonic()
    try:
        source = read_submission(folder, spec)
    except UnusableSubmission as bad:
        return _finish(
            spec.name,
            student_id,
            bad.status,
            bad.message,
            _all_failed(ctx.suite, bad.message),
            started,
        )
    scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
    session = Session(
        ctx.launcher or default_launcher(spec.limits, course_paths(spec)),
        scratch,
        spec.module_name,
        source.chunks,
        call_timeout=spec.limits.call_timeout,
        total_timeout=spec.limits.submission_timeout,
    )
    try:
        report = session.start()
        if report.fault is not None:
            message = f"{spec.student_file} could not be loaded: {report.fault.message}"
            tests = _all_failed(ctx.suite, message)
            status = report.fault.status
        else:
            message = _load_message(report, source.path.name)
            tests = [_run_test(case, session, student_id, ctx) for case in ctx.suite.tests]
            status = _status(report, session, tests)
            if status == "grader-error":
                message = _grader_error_message(tests, message)
            elif status != "ok" and not message:
                message = session.faults[0].message
            notes = list(source.notes)
            if len(source.chunks) > 1 or not _errors(report):  # else the error says why
                notes += missing_names_note(source, report.defined)
            message = "\n".join(part for part in (message, *notes) if part)
    finally:
        session.close()
        shutil.rmtree(scratch, ignore_errors=True)
    result = _finish(spec.name, student_id, status, message, tests, started, session.output())
    result.digest = source.digest
    return result


def _run_test(case: TestCase, session: Session, student_id: str, ctx: GradingContext) -> TestResult:
    log = CallLog()
    recording = RecordingSession(session)
    recorder = Recorder()
    reference = ctx.suite.reference
    started = time.monotonic()
    rng = rng_for(ctx.secret, student_id, case.name)
    verdict = run_case(case, SubmissionProxy(recording, log), reference, rng, recorder)
    tags = log.take()
    if verdict.outcome == "failed" and reference is not None:
        named = find_known_mistake(case, recording, reference, ctx, student_id, tags)
        if named:
            verdict = Verdict("failed", verdict.details, named)
    root = ctx.suite.spec.root
    return TestResult(
        name=case.name,
        problem=case.problem,
        score=case.points if verdict.outcome == "passed" else 0.0,
        max_score=case.points,
        outcome=verdict.outcome,
        output=_without_instructor_paths(verdict.details, root),
        visibility=case.visibility,
        tags=tags,
        duration=time.monotonic() - started,
        data=recorder.data,
        diagnosis=_without_instructor_paths(verdict.diagnosis, root),
    )


def find_known_mistake(
    case: TestCase,
    recording: RecordingSession,
    reference: types.ModuleType,
    ctx: GradingContext,
    student_id: str,
    called: list[str],
) -> str:
    """The sentence of the first known mistake under which this failed test passes.

    Only tests that compare with the reference can tell a mistake; others are not rerun.
    """
    if "reference" not in case.fixtures:
        return ""
    for mistake in ctx.suite.mistakes:
        if not mistake.concerns(called):
            continue
        proxy = SubmissionProxy(ReplaySession(recording), CallLog())
        variant = with_mistake(reference, mistake)
        rng = rng_for(ctx.secret, student_id, case.name)
        if run_case(case, proxy, variant, rng, Recorder()).outcome == "passed":
            return mistake.message
    return ""


def _without_instructor_paths(message: str, root: Path) -> str:
    """Hide where the instructor's files live: pytest's assertion messages can show the
    reference module's path, and students read these messages. Only absolute paths are
    replaced: a relative root such as ``.`` would garble every message."""
    path = str(root.resolve())
    if len(path) > 1:
        message = message.replace(path, "<solutions>")
    return message


def _grader_error_message(tests: list[TestResult], message: str) -> str:
    broken = [t.name for t in tests if t.outcome == "grader-error"]
    note = (
        f"the grader failed in {len(broken)} test(s) on its own side ({', '.join(broken)}); "
        "those are not counted against you and will be regraded once the instructor fixes them"
    )
    return "\n".join(part for part in (note, message) if part)


def _all_failed(suite: TestSuite, message: str) -> list[TestResult]:
    """Every test failed for one reason of the student's own (no file, a load that ran out
    of time): that reason, first line, is also each test's diagnosis."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return [
        TestResult(
            t.name, t.problem, 0.0, t.points, "failed", message, t.visibility, diagnosis=first
        )
        for t in suite.tests
    ]


def _load_message(report: LoadReport, filename: str) -> str:
    notes = [e["message"] for e in report.chunk_errors if e.get("type") == MISSING_MODULE]
    errors = _errors(report)
    message = _error_message(errors, filename) if errors else ""
    return "\n".join([*notes, message] if message else notes)


def _errors(report: LoadReport) -> list[dict]:
    """The load errors that are faults (not notes about stand-in modules)."""
    return [e for e in report.chunk_errors if e.get("type") != MISSING_MODULE]


def _error_message(chunk_errors: list[dict], filename: str) -> str:
    first = chunk_errors[0]
    where = first.get("traceback", "").strip()
    if len(chunk_errors) == 1 and first.get("name") in (filename, None):
        return f"{filename} failed while loading: {first['type']}: {first['message']}" + (
            f"\n{where}" if where else ""
        )
    lines = [f"{len(chunk_errors)} cell(s) of {filename} failed; the others still ran:"]
    lines += [f"  {e['name']}: {e['type']}: {e['message']}" for e in chunk_errors]
    return "\n".join(lines) + (f"\nFirst failure:\n{where}" if where else "")


def _status(report: LoadReport, session: Session, tests: list[TestResult]) -> str:
    if any(t.outcome == "grader-error" for t in tests):
        return "grader-error"
    if _errors(report):
        return _errors(report)[0].get("status", "error")
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
