"""Scores again what grading stored, after TAs' written scores changed: no code runs."""

from __future__ import annotations

from pathlib import Path

from autograder.course.attempts import Attempt
from autograder.course.results import SubmissionResult, read_results
from autograder.course.spec import AssignmentSpec
from autograder.grade.scoring import manual_index, score_student, write_scored
from autograder.grade.shard import results_path
from autograder.grade.table import grades_frame, write_grades
from autograder.gradebook.store import Gradebook


def rescore(spec: AssignmentSpec, out: Path, book: Gradebook) -> list[SubmissionResult]:
    """Fold the gradebook's manual scores into every stored result, apply the late and
    attempts policies again, and write results.json, grades.csv and the gradebook."""
    manual = manual_index(book.manual(spec.name))
    rows = book.submissions(spec.name)
    records, counted = [], []
    for student_id, mine in rows.groupby("student_id", sort=True):
        attempts = []
        for row in mine.itertuples(index=False):
            attempt = Attempt(
                Path(row.folder), row.submitted_at.to_pydatetime(), row.time_source, False
            )
            owns_file = spec.attempts == "best" or bool(row.counted)
            path = results_path(out, spec, student_id, attempt)
            result = read_results(path) if owns_file and path.is_file() else None
            attempts.append((attempt, result))
        scored = score_student(spec, manual, student_id, attempts)
        write_scored(spec, out, student_id, attempts, scored)
        records.append(scored.record)
        if scored.counted is not None:
            counted.append(scored.counted)
    book.record_students(spec.name, records)
    write_grades(grades_frame(spec, counted), out / spec.name)
    return counted
