"""The gradebook's tables, where it lives, and the one form times are stored in.

Tables: ``students``, ``assignments``, ``submissions`` (one row per attempt: when it was
handed in, whether it was graded, raw score, late penalty, final score, ``counted`` for
the attempt the assignment's policy picks, and the public tests' outcome for feedback),
``test_results`` (one row per test of a graded attempt, written problems included) and
``manual_scores`` (the TAs' scores for written problems: their one store of record).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

DB_ENV = "AUTOGRADER_DB"
DB_FILE = "gradebook.sqlite"

metadata = sa.MetaData()
students_table = sa.Table(
    "students",
    metadata,
    sa.Column("student_id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("email", sa.Text),
)
assignments_table = sa.Table(
    "assignments",
    metadata,
    sa.Column("assignment", sa.String(200), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("due", sa.DateTime),
    sa.Column("max_score", sa.Float),
    sa.Column("attempts", sa.String(20)),
    sa.Column("grace_minutes", sa.Float),
    sa.Column("penalty_per_day", sa.Float),
    sa.Column("max_days", sa.Float),
)
submissions_table = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "assignment", sa.String(200), sa.ForeignKey("assignments.assignment"), nullable=False
    ),
    sa.Column("student_id", sa.String(200), sa.ForeignKey("students.student_id"), nullable=False),
    sa.Column("attempt", sa.String(40), nullable=False),
    sa.Column("submitted_at", sa.DateTime),
    sa.Column("time_source", sa.String(40)),
    sa.Column("folder", sa.Text),
    sa.Column("graded", sa.Boolean, nullable=False, default=False),
    sa.Column("counted", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(40)),
    sa.Column("message", sa.Text),
    sa.Column("raw_score", sa.Float),
    sa.Column("max_score", sa.Float),
    sa.Column("pending", sa.Float),
    sa.Column("due", sa.DateTime),
    sa.Column("days_late", sa.Integer),
    sa.Column("late_fraction", sa.Float),
    sa.Column("late_penalty", sa.Float),
    sa.Column("score", sa.Float),
    sa.Column("digest", sa.String(64)),
    sa.Column("graded_at", sa.String(40)),
    sa.Column("public_tests", sa.Text),  # JSON: the public tests' outcome, for feedback
    sa.UniqueConstraint("assignment", "student_id", "attempt"),
)
tests_table = sa.Table(
    "test_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), index=True),
    sa.Column("position", sa.Integer),
    sa.Column("name", sa.Text),
    sa.Column("problem", sa.String(200)),
    sa.Column("score", sa.Float),
    sa.Column("max_score", sa.Float),
    sa.Column("outcome", sa.String(20)),
    sa.Column("message", sa.Text),
    sa.Column("visibility", sa.String(20)),
    sa.Column("data", sa.Text),  # JSON recorded by the test (``record`` fixture), or NULL
    sa.Column("diagnosis", sa.Text),  # the named mistake, shown to the student before the due date
)
manual_table = sa.Table(
    "manual_scores",
    metadata,
    sa.Column("assignment", sa.String(200), primary_key=True),
    sa.Column("student_id", sa.String(200), primary_key=True),
    sa.Column("problem", sa.String(200), primary_key=True),
    sa.Column("score", sa.Float),
    sa.Column("comment", sa.Text),
)


def gradebook_url(reports: Path, url: str | None = None) -> str:
    """``url`` if given, else ``$AUTOGRADER_DB``, else the SQLite file in ``reports``."""
    chosen = url or os.environ.get(DB_ENV)
    if chosen:
        return chosen
    return f"sqlite:///{(Path(reports) / DB_FILE).resolve()}"


def to_utc(moment: datetime | None) -> datetime | None:
    """Naive UTC, the one form every database stores alike."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
