"""Hand-graded (written) problems: pending until a TA's score is imported.

Scores live in ``reports/<assignment>/manual_scores.csv`` (student_id, problem, score,
comment). ``import_scores`` checks each row of a TA's CSV against the spec and the class,
merges the good rows in (a later import of the same student and problem replaces the
earlier one) and names every row it refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from autograder.course.csv_files import restore_cell, write_csv
from autograder.course.results import TestResult
from autograder.course.spec import AssignmentSpec
from autograder.errors import UserError

COLUMNS = ["student_id", "problem", "score", "comment"]
SCORES_FILE = "manual_scores.csv"


class ManualScoreError(UserError):
    """A row of an imported score sheet is unusable; the message names the row."""


def load_scores(folder: Path) -> pd.DataFrame:
    path = folder / SCORES_FILE
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    scores = pd.read_csv(path, dtype={"student_id": str, "problem": str, "comment": str})
    scores["comment"] = scores["comment"].map(restore_cell)
    return scores


@dataclass
class Imported:
    """What an import did: how many scores it merged, and each row it refused, with why."""

    count: int
    refused: list[str] = field(default_factory=list)


def import_scores(
    spec: AssignmentSpec, csv_path: Path, folder: Path, students: set[str] | None = None
) -> Imported:
    """Merge a TA's CSV into the stored scores, row by row.

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
    merged = pd.concat([load_scores(folder), sheet], ignore_index=True)
    merged = merged.drop_duplicates(subset=["student_id", "problem"], keep="last")
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(merged, folder / SCORES_FILE)
    return Imported(len(sheet), refused)


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


def written_results(
    spec: AssignmentSpec, scores: pd.DataFrame, student_id: str
) -> list[TestResult]:
    """One result per written problem: graded if a score exists, else pending."""
    mine = scores[scores["student_id"] == student_id].set_index("problem")
    results = []
    for problem in spec.written_problems:
        name = f"Written: {problem.title}"
        if problem.id in mine.index:
            row = mine.loc[problem.id]
            comment = row["comment"] if isinstance(row["comment"], str) else ""
            results.append(
                TestResult(name, problem.id, float(row["score"]), problem.points, "graded", comment)
            )
        else:
            results.append(
                TestResult(
                    name, problem.id, 0.0, problem.points, "pending", "Pending manual grading."
                )
            )
    return results
