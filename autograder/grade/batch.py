"""Grades a folder of submissions: side by side, each result saved as soon as it exists.

One ``<student_id>/`` folder per student. Each finished submission's ``results.json`` is
written before the next one is reported, so stopping a batch half way loses nothing, and
``resume=True`` skips students whose code has not changed since their last grading.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path

from autograder.course.attempts import ATTEMPTS_DIR, Attempt, counted_index, find_attempts, to_grade
from autograder.course.results import SubmissionResult, read_results, write_results
from autograder.course.spec import AssignmentSpec
from autograder.course.student_ids import student_id_problem
from autograder.course.submission import UnusableSubmission, read_submission
from autograder.course.untrusted_text import SUMMARY_CHARS, cap
from autograder.grade.late import stamp_lateness
from autograder.grade.table import grades_frame, write_grades
from autograder.gradebook.store import Gradebook
from autograder.manual.scores import load_scores, written_results
from autograder.runner.one_submission import GradingContext, grade_submission

RESULTS_FILE = "results.json"


def student_folders(submissions: Path, problems: list[str] | None = None) -> list[tuple[str, Path]]:
    """``(student_id, folder)`` for every non-hidden sub-folder, sorted by id.

    A folder whose name cannot be a student id (see ``student_ids``: e.g. ``grades.csv``)
    is left out, and why goes into ``problems`` when given.
    """
    if not submissions.is_dir():
        raise FileNotFoundError(f"submissions folder {submissions} does not exist")
    found = []
    for path in sorted(submissions.iterdir()):
        if not path.is_dir() or path.is_symlink() or path.name.startswith((".", "_")):
            continue
        problem = student_id_problem(path.name)
        if problem:
            if problems is not None:
                problems.append(f"{path}: {problem}; not graded")
            continue
        found.append((path.name, path))
    return found


def grade_batch(
    ctx: GradingContext,
    folders: Iterable[tuple[str, Path]],
    out: Path,
    *,
    jobs: int = 1,
    resume: bool = False,
    on_done: Callable[[SubmissionResult], None] | None = None,
    gradebook: Gradebook | None = None,
) -> list[SubmissionResult]:
    """Grade every folder with ``jobs`` workers at once; write each results.json at once.

    The spec's ``attempts`` policy decides what is graded: the top folder ("latest"), or
    every attempt ("best", each attempt's results in ``<sid>/attempts/<label>/``, the best
    one after late penalty also in ``<sid>/results.json``). Every attempt's time, and each
    graded attempt, goes into the gradebook (``out/gradebook.sqlite`` unless one is given).
    """
    spec = ctx.suite.spec
    folder_out = out / spec.name
    manual = load_scores(folder_out)
    book = gradebook or Gradebook.open(out)
    book.record_assignment(spec, ctx.suite.max_score + sum(p.points for p in spec.written_problems))

    def grade_attempt(student_id: str, attempt: Attempt, target: Path) -> SubmissionResult:
        previous = _up_to_date(spec, attempt.folder, target) if resume else None
        if previous is not None:
            return previous
        try:
            result = grade_submission(attempt.folder, student_id, ctx)
        except Exception:  # a bug of ours must not stop the class's grading
            result = grade_failure(spec, student_id, traceback.format_exc())
        result.tests += written_results(spec, manual, student_id)
        stamp_lateness(result, spec, attempt.submitted_at)
        write_results(result, target)
        return result

    def one(student_id: str, folder: Path) -> tuple[SubmissionResult, list]:
        try:
            return graded_student(student_id, folder)
        except Exception:  # one student's files must not stop the class's grading
            return _failed_student(spec, folder_out, student_id, folder)

    def graded_student(student_id: str, folder: Path) -> tuple[SubmissionResult, list]:
        attempts = find_attempts(folder, spec)
        graded = {}
        for attempt in to_grade(attempts, spec.attempts):
            target = folder_out / student_id / RESULTS_FILE
            if spec.attempts == "best":
                target = folder_out / student_id / ATTEMPTS_DIR / attempt.label / RESULTS_FILE
            graded[attempt.label] = grade_attempt(student_id, attempt, target)
        chosen = list(graded.values())[
            counted_index([r.final_score for r in graded.values()], spec.attempts)
        ]
        if spec.attempts == "best":
            write_results(chosen, folder_out / student_id / RESULTS_FILE)
        return chosen, [(a, graded.get(a.label)) for a in attempts]

    results = []
    folders = [(sid, folder) for sid, folder in folders if not student_id_problem(sid)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, sid, folder): sid for sid, folder in folders}
        for future in as_completed(futures):
            result, attempts = future.result()
            book.record_student(spec, futures[future], attempts)
            results.append(result)
            if on_done:
                on_done(result)
    if gradebook is None:
        book.close()
    write_grades(grades_frame(spec, results), folder_out)
    return sorted(results, key=lambda r: r.student_id)


def _failed_student(
    spec: AssignmentSpec, folder_out: Path, student_id: str, folder: Path
) -> tuple[SubmissionResult, list]:
    """Record a failure of ours on one student (inside an ``except``), as its only attempt."""
    result = grade_failure(spec, student_id, traceback.format_exc())
    write_results(result, folder_out / student_id / RESULTS_FILE)
    attempt = Attempt(folder, datetime.now(UTC), "grading time", latest=True)
    return result, [(attempt, result)]


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


def refresh(spec: AssignmentSpec, out: Path) -> list[SubmissionResult]:
    """Re-apply manual scores to every saved result and rebuild grades.csv."""
    folder_out = out / spec.name
    manual = load_scores(folder_out)
    results = []
    for path in sorted(folder_out.glob(f"*/{RESULTS_FILE}")):
        result = read_results(path)
        result.tests = [t for t in result.tests if t.outcome not in ("pending", "graded")]
        result.tests += written_results(spec, manual, result.student_id)
        if result.submitted_at:  # the penalty is a share of the raw score, which changed
            stamp_lateness(result, spec, datetime.fromisoformat(result.submitted_at))
        write_results(result, path)
        results.append(result)
    write_grades(grades_frame(spec, results), folder_out)
    return results


def _up_to_date(spec: AssignmentSpec, folder: Path, results_path: Path) -> SubmissionResult | None:
    if not results_path.is_file():
        return None
    try:
        previous = read_results(results_path)
        current = read_submission(folder, spec).digest
    except (UnusableSubmission, ValueError, KeyError, OSError):
        return None
    return previous if previous.digest == current and previous.status != "grader-error" else None
