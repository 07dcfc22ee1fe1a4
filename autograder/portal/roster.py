"""Roster import: a CSV of students (ours, or an LMS export) becomes portal accounts.

The student id comes from the first column found among ``student_id``, ``SIS Login ID``
(Canvas), ``Username``, ``ID number`` (Moodle) and ``login``; names from ``name``,
``Student`` (Canvas) or ``first_name`` + ``last_name``. New students get a random
password, shown once to the instructor; students already there keep theirs. The file is
kept (``roster.csv``, our columns) for the LMS exports.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from autograder.course.csv_files import write_csv
from autograder.errors import UserError
from autograder.portal.accounts import add_user
from autograder.portal.tables import users

ID_COLUMNS = ("student_id", "SIS Login ID", "Username", "ID number", "login")
MAX_ROWS = 5000


class RosterRefused(UserError):
    """The roster file cannot be used; the message says why."""


def read_roster(content: bytes) -> pd.DataFrame:
    """The roster as a frame with ``student_id`` and ``name`` (and any other columns)."""
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise RosterRefused(f"the roster is not a readable CSV file: {exc}") from None
    column = next((c for c in ID_COLUMNS if c in frame.columns), None)
    if column is None:
        raise RosterRefused(
            f"the roster needs a student id column, one of {', '.join(ID_COLUMNS)}; "
            f"it has {', '.join(map(str, frame.columns))[:300]}."
        )
    if len(frame) > MAX_ROWS:
        raise RosterRefused(f"the roster has {len(frame)} rows; at most {MAX_ROWS} are read.")
    frame = frame.rename(columns={column: "student_id"})
    frame["student_id"] = frame["student_id"].str.strip()
    frame = frame[frame["student_id"] != ""]
    # Canvas puts a "Points Possible" row under the header
    frame = frame[~frame["student_id"].str.contains("Points Possible", na=False)]
    if "name" not in frame.columns:
        if "Student" in frame.columns:
            frame["name"] = frame["Student"]
        else:
            first = frame.get("first_name", pd.Series("", index=frame.index))
            last = frame.get("last_name", pd.Series("", index=frame.index))
            frame["name"] = (first + " " + last).str.strip()
    return frame


def import_roster(
    conn: sa.Connection, frame: pd.DataFrame, course: str, keep: Path
) -> list[tuple[str, str]]:
    """Create an account for each new student; ``[(login, one-time password)]``."""
    existing = {r.login for r in conn.execute(sa.select(users.c.login))}
    created = []
    for row in frame.itertuples(index=False):
        if row.student_id in existing:
            continue
        password = secrets.token_urlsafe(9)
        add_user(conn, row.student_id, password, "student", course, row.name)
        created.append((row.student_id, password))
    write_csv(frame, keep)  # for the LMS exports; no cell a spreadsheet would run
    return created
