"""Hand-graded (written) problems: a TA's CSV of scores, checked row by row.

``import_scores`` checks each row against the spec and the class and names every row it
refused; the good rows are stored in the gradebook (their one store of record; a later
import of the same student and problem replaces the earlier one) and folded into the
results by the grading stage. ``reports/<assignment>/manual_scores.csv`` is an export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from autograder.course.csv_files import restore_cell, write_csv
from autograder.course.results import SubmissionResult
from autograder.course.spec import AssignmentSpec
from autograder.errors import UserError
from autograder.grade.rescore import rescore
from autograder.gradebook.store import Gradebook

COLUMNS = ["student_id", "problem", "score", "comment"]
SCORES_FILE = "manual_scores.csv"


class ManualScoreError(UserError):
    """A row of an imported score sheet is unusable; the message names the row."""


@dataclass
class Imported:
    """The scores an import accepted (student_id, problem, score, comment), and each row
    it refused, with why."""

    scores: pd.DataFrame
    refused: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.scores)


def import_scores(
    spec: AssignmentSpec, csv_path: Path, students: set[str] | None = None
) -> Imported:
    """The rows of a TA's CSV that can be stored, and the ones refused.

    The CSV may be the grading sheet (``autograder manual sheet``): extra columns are
    ignored and rows with an empty score are left pending. A row naming a student not in
    ``students`` (when given), a problem that is not written, or a score out of range is
    refused with a message naming its line; the other rows are imported.
    """
    sheet = _read_sheet(csv_path)
    written = {p.id: p.points for p in spec.written_problems}
    keep, refused = [], []
    for row_number, row in zip(sheet.index + 2, sheet.itertuples(index=False), strict=True):
        problem = _row_problem(spec, written, row, students)
        if problem:
            refused.append(f"{csv_path.name} line {row_number}: {problem}; row not imported")
        else:
            keep.append(row_number - 2)
    sheet = sheet.loc[keep]
    sheet["score"] = pd.to_numeric(sheet["score"])
    return Imported(sheet, refused)


def store_scores(
    spec: AssignmentSpec, reports: Path, book: Gradebook, scores: pd.DataFrame
) -> list[SubmissionResult]:
    """Record TAs' scores in the gradebook (the store of record), score every student
    again, and refresh the ``manual_scores.csv`` export; the counted results come back."""
    book.record_manual(spec.name, scores)
    results = rescore(spec, reports, book)
    export_scores(book.manual(spec.name), reports / spec.name)
    return results


def export_scores(scores: pd.DataFrame, folder: Path) -> Path:
    """Write the stored scores to ``manual_scores.csv``: a copy for people, not read back."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SCORES_FILE
    write_csv(scores[COLUMNS], path)
    return path


def _read_sheet(csv_path: Path) -> pd.DataFrame:
    """The CSV's graded rows (score filled in), with the columns we need."""
    try:
        sheet = pd.read_csv(csv_path, dtype={"student_id": str, "problem": str, "comment": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ManualScoreError(f"{csv_path}: cannot read it as CSV: {exc}") from None
    missing = [c for c in ("student_id", "problem", "score") if c not in sheet.columns]
    if missing:
        raise ManualScoreError(
            f"{csv_path}: missing column(s) {missing}; expected {', '.join(COLUMNS)}"
        )
    if "comment" not in sheet.columns:
        sheet["comment"] = ""
    # A grading sheet row whose score is still empty has not been graded: skip it.
    blank = sheet["score"].isna() | (sheet["score"].astype(str).str.strip() == "")
    sheet = sheet[~blank][COLUMNS].copy()
    sheet["comment"] = sheet["comment"].fillna("").map(restore_cell)
    return sheet


def _row_problem(
    spec: AssignmentSpec, written: dict[str, float], row, students: set[str] | None
) -> str:
    """Why a row cannot be imported ("" if it can)."""
    if students is not None and row.student_id not in students:
        return f"no student {row.student_id!r} has submitted or been graded for {spec.name}"
    if row.problem not in written:
        return (
            f"{row.problem!r} is not a written problem of {spec.name} "
            f"(written problems: {', '.join(written) or 'none'})"
        )
    score = pd.to_numeric(row.score, errors="coerce")
    if pd.isna(score) or not 0 <= score <= written[row.problem]:
        return (
            f"score {row.score!r} for {row.problem} must be a number "
            f"from 0 to {written[row.problem]:g}"
        )
    return ""
