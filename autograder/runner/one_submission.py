"""Grades one submission: hidden tests in the grader, student code in its worker.

The tests, the reference and every comparison run here, in the trusted process; the
``submission`` fixture forwards calls to the worker, which only returns plain data. No
score is ever read from the worker: a test passes when its function returns normally.
Every message that comes from the worker or from an exception is capped here, where it
enters the result (``untrusted_text.cap``), so no submission can make its results large.
"""

from __future__ import annotations

import time
import types
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from autograder.author.collector import TestCase, TestSuite
from autograder.author.mistakes import with_mistake
from autograder.author.recording import Recorder
from autograder.author.seeding import PUBLIC_SECRET, PUBLIC_STUDENT, rng_for
from autograder.course.paths import policy_for
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.submission import UnusableSubmission, missing_names_note, read_submission
from autograder.course.untrusted_text import SUMMARY_CHARS, cap, cap_items
from autograder.runner.replay import RecordingSession, ReplaySession
from autograder.runner.verdict import Verdict, run_case
from autograder.sandbox import (
    CallLog,
    CallTimeout,
    Launcher,
    LoadReport,
    Policy,
    Session,
    SubmissionProxy,
    default_launcher,
    open_session,
)
from autograder.sandbox.loading import MISSING_MODULE

MAX_PRINTED = 10_000  # characters of student output kept in results.json


@dataclass(frozen=True)
class GradingContext:
    """What grading needs besides the submission: the suite, secret and worker launcher.

    Without a launcher, workers come from the sandboxed zygote (``default_launcher``),
    with the spec's resource limits and the course folder hidden. With ``public``, the
    public tests also run (after the hidden ones, in the same worker, seeded as ``check``
    seeds them) and their outcome is kept for the student's feedback. What can be worked
    out once per batch (policy, launcher, paths) is, here, and cached.
    """

    suite: TestSuite
    secret: str
    launcher: Launcher | None = None
    fresh_inputs: bool = True  # new random inputs for each attempt (see author.seeding)
    public: TestSuite | None = None

    @cached_property
    def policy(self) -> Policy:
        """The sandbox policy of every worker of the batch."""
        return policy_for(self.suite.spec)

    @cached_property
    def worker_launcher(self) -> Launcher:
        """The launcher every submission of the batch uses (started once)."""
        return self.launcher or default_launcher(self.policy)


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
    public = None
    with open_session(
        ctx.policy, spec.module_name, source.chunks, launcher=ctx.worker_launcher
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
            calls = OnceTimedOut(session)
            tests = [_run_test(case, calls, seed, ctx) for case in ctx.suite.tests]
            status = _status(report, session, tests)
            public = _run_public(calls, ctx) if ctx.public is not None else None
            if status == "grader-error":
                message = _grader_error_message(tests, message)
            elif status != "ok" and not message:
                message = cap(session.faults[0].message)
            notes = list(source.notes)
            if len(source.chunks) > 1 or not _errors(report):  # else the error says why
                notes += missing_names_note(source, report.defined)
            message = "\n".join(part for part in (message, *cap_items(notes)) if part)
    result = _finish(spec.name, student_id, status, message, tests, started, session.output())
    result.digest = source.digest
    result.public = public
    return result


class OnceTimedOut:
    """The session as tests see it, except that a function that ran out of time is not
    called again: its later tests fail at once, so an endless loop costs its time limit
    once per submission, not once per test."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.timed_out: dict[str, str] = {}

    def call(self, path: list[str], args: tuple, kwargs: dict, handle: Any = None) -> Any:
        name = ".".join(([handle.type_name] if handle is not None else []) + path)
        if name in self.timed_out:
            raise CallTimeout(
                f"{name} was not called again: it already ran past its time limit "
                f"in an earlier test ({self.timed_out[name]})"
            )
        try:
            return self.session.call(path, args, kwargs, handle)
        except CallTimeout as timeout:
            self.timed_out[name] = str(timeout)
            raise

    def get(self, path: list[str], handle: Any = None) -> Any:
        """Read a plain attribute (``fetch``): nothing runs, nothing to remember."""
        return self.session.get(path, handle)


def _run_public(calls: OnceTimedOut, ctx: GradingContext) -> dict:
    """The public tests as ``check`` runs them (same seed), for the student's feedback."""
    seed = (PUBLIC_SECRET, PUBLIC_STUDENT, "")
    tests = [_run_test(case, calls, seed, ctx) for case in ctx.public.tests]
    fields = ("name", "outcome", "output", "diagnosis")
    return {"tests": [{f: getattr(t, f) for f in fields} for t in tests]}


def _run_test(
    case: TestCase, session: OnceTimedOut, seed: tuple[str, str, str], ctx: GradingContext
) -> TestResult:
    log = CallLog()
    recording = RecordingSession(session)
    recorder = Recorder()
    reference = ctx.suite.reference
    started = time.monotonic()
    rng = rng_for(*seed[:2], case.name, seed[2])
    tolerance = ctx.suite.spec.tolerance
    provided = {"submission": SubmissionProxy(recording, log), "rng": rng, "record": recorder}
    verdict = run_case(case, {**provided, "reference": reference}, tolerance)
    tags = log.take()
    if verdict.outcome == "failed" and reference is not None:
        named = find_known_mistake(case, recording, reference, ctx, seed, tags)
        if named:
            verdict = Verdict("failed", verdict.details, named)
    root = ctx.suite.spec.root
    return TestResult(
        name=case.name,
        problem=case.problem,
        score=case.points if verdict.outcome == "passed" else 0.0,
        max_score=case.points,
        outcome=verdict.outcome,
        output=cap(_without_instructor_paths(verdict.details, root)),
        visibility=case.visibility,
        tags=tags,
        duration=time.monotonic() - started,
        data=recorder.data,
        diagnosis=cap(_without_instructor_paths(verdict.diagnosis, root)),
    )


def find_known_mistake(
    case: TestCase,
    recording: RecordingSession,
    reference: types.ModuleType,
    ctx: GradingContext,
    seed: tuple[str, str, str],
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
        provided = {
            "submission": SubmissionProxy(ReplaySession(recording), CallLog()),
            "reference": with_mistake(reference, mistake),
            "rng": rng_for(*seed[:2], case.name, seed[2]),
            "record": Recorder(),
        }
        if run_case(case, provided, ctx.suite.spec.tolerance).outcome == "passed":
            return mistake.message
    return ""


def _without_instructor_paths(message: str, root: Path) -> str:
    """Hide where the instructor's files live: pytest's assertion messages can show the
    reference module's path, and students read these messages. Only absolute paths are
    replaced: a relative root such as ``.`` would garble every message."""
    path = _resolved(root) if root.is_absolute() else str(root.resolve())
    if len(path) > 1:
        message = message.replace(path, "<solutions>")
    return message


@lru_cache(maxsize=16)
def _resolved(root: Path) -> str:
    """An absolute root resolved once per batch, not once per test (each costs stat calls)."""
    return str(root.resolve())


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
    message = cap(message)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return [
        TestResult(
            t.name, t.problem, 0.0, t.points, "failed", message, t.visibility, diagnosis=first
        )
        for t in suite.tests
    ]


def _load_message(report: LoadReport, filename: str) -> str:
    notes = [cap(e["message"]) for e in report.chunk_errors if e.get("type") == MISSING_MODULE]
    errors = _errors(report)
    message = _error_message(errors, filename) if errors else ""
    return "\n".join([*notes, message] if message else notes)


def _errors(report: LoadReport) -> list[dict]:
    """The load errors that are faults (not notes about stand-in modules)."""
    return [e for e in report.chunk_errors if e.get("type") != MISSING_MODULE]


def _error_message(chunk_errors: list[dict], filename: str) -> str:
    first = chunk_errors[0]
    where = cap(str(first.get("traceback", "")).strip())
    if len(chunk_errors) == 1 and first.get("name") in (filename, None):
        return cap(f"{filename} failed while loading: {first['type']}: {first['message']}") + (
            f"\n{where}" if where else ""
        )
    lines = [f"{len(chunk_errors)} cell(s) of {filename} failed; the others still ran:"]
    lines += cap_items([f"  {e['name']}: {e['type']}: {e['message']}" for e in chunk_errors])
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
