"""One shard of a batch: a few students graded in whichever process or machine runs it.

A shard needs only a :class:`ShardJob` (picklable) and the student folders. The process
running it loads the tests and the reference once and keeps its own fork server, so the
same function runs inline, in a local grader process, or on a Dask worker. It writes
nothing: the batch that receives the outcome scores and stores it, once.
"""

from __future__ import annotations

import os
import socket
import threading
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder.author.collector import load_suite
from autograder.course.attempts import ATTEMPTS_DIR, Attempt, find_attempts, to_grade
from autograder.course.results import SubmissionResult, read_results
from autograder.course.spec import AssignmentSpec
from autograder.course.submission import UnusableSubmission, read_submission
from autograder.course.untrusted_text import SUMMARY_CHARS, cap
from autograder.runner.one_submission import GradingContext, grade_submission

RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class ShardJob:
    """What every shard of one batch shares: small enough to send to another machine."""

    spec: AssignmentSpec
    secret: str
    out: Path  # the reports folder (results of a resumed batch are read from it)
    resume: bool = False
    public: bool = True  # run the public tests too, for the feedback


@dataclass
class GradedStudent:
    """A student's attempts, each with its result when the policy grades it."""

    student_id: str
    attempts: list[tuple[Attempt, SubmissionResult | None]]
    reused: int = 0  # results taken unchanged from an earlier grading (``resume``)


@dataclass
class ShardOutcome:
    """What a shard sends back, and where it ran."""

    students: list[GradedStudent]
    worker: str = ""
    sandbox_note: str = ""  # "" when every sandbox guarantee holds on that worker
    notes: list[str] = field(default_factory=list)


def results_path(out: Path, spec: AssignmentSpec, student_id: str, attempt: Attempt) -> Path:
    """Where one attempt's results.json lives: per attempt only under the "best" policy."""
    folder = out / spec.name / student_id
    if spec.attempts == "best":
        folder = folder / ATTEMPTS_DIR / attempt.label
    return folder / RESULTS_FILE


def grade_shard(
    job: ShardJob, students: list[tuple[str, Path]], ctx: GradingContext | None = None
) -> ShardOutcome:
    """Grade every attempt the policy asks for, for each ``(student_id, folder)``."""
    ctx = ctx or context_for(job)
    graded = []
    for student_id, folder in students:
        try:
            graded.append(_grade_student(job, ctx, student_id, folder))
        except Exception:  # one student's files must not stop the class's grading
            failure = grade_failure(job.spec, student_id, traceback.format_exc())
            attempt = Attempt(folder, datetime.now(UTC), "grading time", latest=True)
            graded.append(GradedStudent(student_id, [(attempt, failure)]))
    return ShardOutcome(graded, f"{socket.gethostname()}:{os.getpid()}", sandbox_note(ctx))


def _grade_student(
    job: ShardJob, ctx: GradingContext, student_id: str, folder: Path
) -> GradedStudent:
    spec = job.spec
    attempts = find_attempts(folder, spec)
    chosen = {a.label for a in to_grade(attempts, spec.attempts)}
    done = GradedStudent(student_id, [])
    for attempt in attempts:
        if attempt.label not in chosen:
            done.attempts.append((attempt, None))
            continue
        target = results_path(job.out, spec, student_id, attempt)
        result = up_to_date(spec, attempt.folder, target) if job.resume else None
        if result is not None:
            done.reused += 1
        else:
            try:
                result = grade_submission(attempt.folder, student_id, ctx)
            except Exception:  # a bug of ours must not stop the class's grading
                result = grade_failure(spec, student_id, traceback.format_exc())
        done.attempts.append((attempt, result))
    return done


def grade_failure(spec: AssignmentSpec, student_id: str, trace: str) -> SubmissionResult:
    """The record kept when the grader itself failed on a submission."""
    return SubmissionResult(
        spec.name,
        student_id,
        "grader-error",
        "The grader failed on this submission; your instructor has been given the details.",
        [],
        output=cap(trace, SUMMARY_CHARS),
    )


def up_to_date(spec: AssignmentSpec, folder: Path, results: Path) -> SubmissionResult | None:
    """The stored result if the code it graded is still what is in ``folder``."""
    if not results.is_file():
        return None
    try:
        previous = read_results(results)
        current = read_submission(folder, spec).digest
    except (UnusableSubmission, ValueError, KeyError, OSError):
        return None
    return previous if previous.digest == current and previous.status != "grader-error" else None


_contexts: dict[tuple, GradingContext] = {}
_contexts_lock = threading.Lock()


def context_for(job: ShardJob) -> GradingContext:
    """This process's grading context for ``job``: tests and reference loaded once."""
    spec = job.spec
    key = (str(spec.root), spec.name, job.secret, job.public)
    with _contexts_lock:
        if key not in _contexts:
            public = load_suite(spec, "public") if job.public and spec.public_tests else None
            _contexts[key] = GradingContext(load_suite(spec, "hidden"), job.secret, public=public)
        return _contexts[key]


def sandbox_note(ctx: GradingContext) -> str:
    """What this process's sandbox lacks, in one line ("" when every guarantee holds)."""
    if ctx.launcher is not None:  # the caller chose the launcher and knows what it is
        return ""
    launcher = ctx.worker_launcher
    server = getattr(launcher, "server", None)
    if server is None:
        return f"no fork server here: workers start through the {launcher.name} launcher"
    missing = server.report.get("missing", {})
    if not missing:
        return ""
    lacking = "; ".join(f"{name} ({why})" for name, why in sorted(missing.items()))
    return f"sandbox guarantees missing: {lacking}; run `autograder doctor` there"
