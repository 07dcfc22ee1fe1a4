"""The class table: one row per student, built with pandas from the results files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autograder.course.csv_files import write_csv
from autograder.course.results import SubmissionResult
from autograder.course.spec import AssignmentSpec

GRADES_FILE = "grades.csv"


def grades_frame(spec: AssignmentSpec, results: list[SubmissionResult]) -> pd.DataFrame:
    """student_id, raw_score, days_late, late_penalty, score, max_score, percent, pending,
    one column per problem, status.

    ``raw_score`` is what the tests and TAs gave, ``score`` what counts after the late
    penalty (the names the report and the exports use). A written problem not yet graded
    is empty (NaN) in its column and counted in ``pending``.
    """
    problem_ids = [p.id for p in spec.problems]
    rows = []
    for result in sorted(results, key=lambda r: r.student_id):
        per_problem = result.problem_scores()
        row = {
            "student_id": result.student_id,
            "raw_score": result.score,
            "days_late": result.days_late,
            "late_penalty": result.late_penalty,
            "score": result.final_score,
            "max_score": result.max_score,
            "percent": 100.0 * result.final_score / result.max_score if result.max_score else 0.0,
            "pending": result.pending,
        }
        row.update({pid: per_problem.get(pid, 0.0) for pid in problem_ids})
        row["status"] = result.status
        rows.append(row)
    columns = ["student_id", "raw_score", "days_late", "late_penalty", "score", "max_score"]
    columns += ["percent", "pending", *problem_ids, "status"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["percent"] = frame["percent"].astype(float).round(1)
    return frame


def write_grades(frame: pd.DataFrame, folder: Path) -> Path:
    return write_csv(frame, folder / GRADES_FILE)
