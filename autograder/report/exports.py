"""Grade exports for learning-management systems, from the gradebook's final scores.

- ``canvas.csv``: Canvas's gradebook import: ``Student, ID, SIS User ID, SIS Login ID,
  Section`` then one column for the assignment, ``Title (canvas id)`` when the spec gives
  ``[lms] canvas_assignment_id`` (otherwise Canvas creates a new assignment on import);
  the first row after the header is ``Points Possible``.
- ``moodle.csv``: for Moodle's "Import grades from CSV": ``ID number``, ``Email address``
  and a grade column named after the assignment; map the first two to the user fields
  of the same names when importing.
- ``nbgrader_grades.csv``: the columns of ``nbgrader export`` (assignment, duedate,
  timestamp, student_id, last_name, first_name, email, raw_score, late_submission_penalty,
  score, max_score).

Names, e-mails and Canvas ids come from an optional roster CSV (``student_id`` plus any
of ``first_name, last_name, email, canvas_id, sis_login_id, section``). A student on the
roster who handed nothing in gets 0, as nbgrader does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autograder.course.csv_files import write_csv
from autograder.course.spec import AssignmentSpec
from autograder.errors import UserError

ROSTER_COLUMNS = ["first_name", "last_name", "email", "canvas_id", "sis_login_id", "section"]
NBGRADER_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class RosterError(UserError):
    """The roster file cannot be used; the message says why."""


def load_roster(path: Path | None) -> pd.DataFrame:
    """The roster indexed by student_id (empty when there is none)."""
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=ROSTER_COLUMNS, index=pd.Index([], name="student_id"))
    roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "student_id" not in roster.columns:
        raise RosterError(f"{path}: needs a 'student_id' column (found: {list(roster.columns)})")
    for column in ROSTER_COLUMNS:
        if column not in roster.columns:
            roster[column] = ""
    return roster.set_index("student_id")[ROSTER_COLUMNS]


def _with_roster(grades: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """One row per student in the grades or on the roster, roster fields filled in."""
    frame = grades.set_index("student_id")
    ids = list(dict.fromkeys([*frame.index, *roster.index]))
    frame = frame.reindex(ids)
    for column in ("raw_score", "late_penalty", "score"):
        frame[column] = frame[column].fillna(0.0)
    return frame.join(roster.reindex(ids).fillna(""), how="left").rename_axis("student_id")


def nbgrader_grades(
    spec: AssignmentSpec, grades: pd.DataFrame, roster: pd.DataFrame, max_score: float
) -> pd.DataFrame:
    """nbgrader's ``grades.csv`` layout, one row per student."""
    frame = _with_roster(grades, roster).reset_index()
    due = frame["due"] if "due" in frame else pd.Series(pd.NaT, index=frame.index)
    out = pd.DataFrame(
        {
            "assignment": spec.name,
            "duedate": due.map(lambda d: d.strftime(TIME_FORMAT) if pd.notna(d) else ""),
            "timestamp": frame["submitted_at"].map(
                lambda d: d.strftime(TIME_FORMAT) if pd.notna(d) else ""
            ),
            "student_id": frame["student_id"],
            "last_name": frame["last_name"],
            "first_name": frame["first_name"],
            "email": frame["email"],
            "raw_score": frame["raw_score"].round(4),
            "late_submission_penalty": frame["late_penalty"].round(4),
            "score": frame["score"].round(4),
            "max_score": max_score,
        }
    )
    return out[NBGRADER_COLUMNS]


def canvas_grades(
    spec: AssignmentSpec, grades: pd.DataFrame, roster: pd.DataFrame, max_score: float
) -> pd.DataFrame:
    """Canvas's gradebook import layout, ``Points Possible`` first."""
    frame = _with_roster(grades, roster).reset_index()
    canvas_id = spec.raw.get("lms", {}).get("canvas_assignment_id")
    column = f"{spec.title} ({canvas_id})" if canvas_id else spec.title
    names = [
        f"{last}, {first}" if last or first else sid
        for sid, first, last in zip(
            frame["student_id"], frame["first_name"], frame["last_name"], strict=True
        )
    ]
    students = pd.DataFrame(
        {
            "Student": names,
            "ID": frame["canvas_id"],
            "SIS User ID": frame["student_id"],
            "SIS Login ID": frame["sis_login_id"],
            "Section": frame["section"],
            column: frame["score"].round(2),
        }
    )
    points = pd.DataFrame([{"Student": "Points Possible", column: max_score}])
    return pd.concat([points, students], ignore_index=True)[students.columns].fillna("")


def moodle_grades(spec: AssignmentSpec, grades: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """Moodle's CSV grade import layout: user identifiers, then the grade."""
    frame = _with_roster(grades, roster).reset_index()
    return pd.DataFrame(
        {
            "ID number": frame["student_id"],
            "Email address": frame["email"],
            spec.title: frame["score"].round(2),
        }
    )


def write_exports(
    spec: AssignmentSpec, grades: pd.DataFrame, roster: pd.DataFrame, max_score: float, folder: Path
) -> list[Path]:
    """Write the three exports into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "canvas.csv": canvas_grades(spec, grades, roster, max_score),
        "moodle.csv": moodle_grades(spec, grades, roster),
        "nbgrader_grades.csv": nbgrader_grades(spec, grades, roster, max_score),
    }
    paths = []
    for name, frame in files.items():
        write_csv(frame, folder / name)
        paths.append(folder / name)
    return paths
