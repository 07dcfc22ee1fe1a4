"""The portal's only doors into the grading core: every call to another stage is here.

Keeping them in one module keeps the portal in step with the CLI (same engine, same
rules) and makes it cheap to follow when those stages change.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from autograder.course.paths import Course
from autograder.course.results import SubmissionResult
from autograder.course.spec import SPEC_FILE, AssignmentSpec
from autograder.portal.uploads import Limits

REPORT_FILE = "report.html"
EXPORTS_DIR = "exports"


def released(course: Course) -> list[str]:
    """Assignments students can see: released to ``assignments/`` and known to the instructor."""
    names = sorted(p.parent.name for p in course.assignments.glob(f"*/{SPEC_FILE}"))
    return [n for n in names if (course.solutions / n / SPEC_FILE).is_file()]


def authored(course: Course) -> list[str]:
    """Every assignment under ``solutions/``, released or not."""
    return sorted(p.parent.name for p in course.solutions.glob(f"*/{SPEC_FILE}"))


def instructor_spec(course: Course, name: str, extensions: dict[str, datetime]) -> AssignmentSpec:
    """The instructor's spec with the portal's extensions added to the spec's own."""
    spec = course.spec(name)
    merged = dict(spec.extensions)
    merged.update({sid: when.replace(tzinfo=UTC) for sid, when in extensions.items()})
    return dataclasses.replace(spec, extensions=tuple(sorted(merged.items())))


def portal_limits(spec: AssignmentSpec) -> Limits:
    """The spec's ``[portal]`` table: ``cooldown_seconds`` and ``max_attempts``."""
    return Limits(spec.portal.cooldown_seconds, spec.portal.max_attempts)


@lru_cache(maxsize=8)
def gradebook(url: str):
    """One gradebook (and connection pool) per URL for the server's life."""
    from autograder.gradebook.store import Gradebook

    return Gradebook(url)


@lru_cache(maxsize=32)
def _public_context(folder: str, _mtime: float):
    from autograder.check.public import public_context
    from autograder.course.spec import load_spec

    return public_context(load_spec(Path(folder)))


def grade_public(course: Course, name: str, folder: Path, student_id: str) -> SubmissionResult:
    """The public tests of ``name`` on one upload, in a sandbox worker."""
    from autograder.runner.one_submission import grade_submission

    released_folder = course.assignments / name
    ctx = _public_context(str(released_folder), (released_folder / SPEC_FILE).stat().st_mtime)
    return grade_submission(folder, student_id, ctx)


def grade_hidden(
    spec: AssignmentSpec, secret: str, submissions: Path, reports: Path, url: str, jobs: int
) -> int:
    """Grade every student folder under ``submissions`` on the hidden tests into the
    gradebook at ``url`` (as ``autograder grade`` does); how many students."""
    from autograder.author.collector import load_suite
    from autograder.grade.batch import grade_batch, student_folders
    from autograder.runner.one_submission import GradingContext

    folders = student_folders(submissions)
    ctx = GradingContext(load_suite(spec, "hidden"), secret)
    grade_batch(ctx, folders, reports, jobs=jobs, resume=True, gradebook=gradebook(url))
    return len(folders)


def release_assignment(course: Course, name: str) -> str:
    """Check and release ``name`` into ``assignments/``; a sentence saying what was done."""
    from autograder.release.package import release

    report = release(course.spec(name), course.assignments)
    return f"released {name} to {report.folder} ({len(report.files)} files)"


def student_package(course: Course, name: str) -> bytes:
    """The released folder of ``name`` as a zip (script, notebook, problem text, tests)."""
    folder = course.assignments / name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                archive.write(path, f"{name}/{path.relative_to(folder)}")
    return buffer.getvalue()


def written_answers(spec: AssignmentSpec, folder: Path) -> dict[str, str]:
    """``{problem_id: answer}`` from an upload's ``answers.md`` or notebook."""
    from autograder.course.answers import extract_answers

    answers, _where = extract_answers(folder, spec)
    return answers


def record_written_scores(
    spec: AssignmentSpec, reports: Path, url: str, scores: pd.DataFrame
) -> None:
    """Store TA scores (``student_id, problem, score, comment``) as ``manual import`` does."""
    import tempfile

    from autograder.course.csv_files import write_csv
    from autograder.manual.scores import import_scores, store_scores

    with tempfile.TemporaryDirectory() as tmp:
        sheet = write_csv(scores, Path(tmp) / "scores.csv")
        imported = import_scores(spec, sheet)
    book = gradebook(url)
    store_scores(spec, reports, book, imported.scores)


def student_feedback_html(spec: AssignmentSpec, url: str, student_id: str) -> str | None:
    """The feedback page of one student's hidden-test grading (visibility rules applied),
    or None when their work has not been graded on the hidden tests yet."""
    from autograder.report.feedback import student_feedback

    book = gradebook(url)
    graded = book.submissions(spec.name)
    if graded.empty or student_id not in set(graded["student_id"]):
        return None
    grades = book.grades(spec.name)
    if student_id not in set(grades["student_id"]):
        return None
    tests = book.tests(spec.name)
    row = grades[grades["student_id"] == student_id].iloc[0]
    mine = tests[tests["student_id"] == student_id]
    doc = student_feedback(spec, row, mine, now=datetime.now(UTC))
    return doc.html(f"{spec.title}: feedback")


def class_report(spec: AssignmentSpec, reports: Path, url: str, roster: Path) -> Path:
    """Build the class report (and the LMS exports, with the names of the roster file if
    there is one) from the gradebook; the report's path."""
    from autograder.report.build import build_report
    from autograder.report.exports import load_roster

    book = gradebook(url)
    return build_report(book, spec, reports, roster=load_roster(roster), public=False).html


def exports_folder(spec: AssignmentSpec, reports: Path) -> Path:
    """Where ``class_report`` wrote the LMS exports."""
    return reports / spec.name / EXPORTS_DIR
