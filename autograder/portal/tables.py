"""The portal's own tables, on their own metadata so they never clash with the gradebook's.

They live in the same database as the gradebook (one URL), beside its tables: people and
their sessions, every upload, the grading queue, the public-test result of each upload,
regrade requests, extensions, and the rubric TAs grade written answers with.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

metadata = sa.MetaData()

ROLES = ("student", "ta", "instructor")

users = sa.Table(
    "portal_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("course", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
)
sessions = sa.Table(
    "portal_sessions",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id"), nullable=False),
    sa.Column("expires", sa.DateTime, nullable=False),
)
sign_in_failures = sa.Table(
    "portal_sign_in_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(200), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
)
uploads = sa.Table(
    "portal_uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment", sa.String(200), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False, index=True),
    sa.Column("folder", sa.Text, nullable=False),  # server-chosen, under the data folder
    sa.Column("files", sa.Text, nullable=False),  # "name sha256 size" per line
    sa.Column("original_names", sa.Text, nullable=False),  # as the browser sent them
    sa.Column("uploaded_at", sa.DateTime, nullable=False),
)
jobs = sa.Table(
    "portal_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),  # public | hidden | release
    sa.Column("assignment", sa.String(200), nullable=False),
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("portal_uploads.id"), unique=True),
    sa.Column("state", sa.String(20), nullable=False),  # queued | running | done | failed
    sa.Column("runs", sa.Integer, nullable=False, default=0),
    sa.Column("worker", sa.String(100)),
    sa.Column("queued_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("note", sa.Text),
)
public_results = sa.Table(
    "portal_public_results",
    metadata,
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("portal_uploads.id"), primary_key=True),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("results_json", sa.Text, nullable=False),  # Gradescope schema
    sa.Column("graded_at", sa.DateTime, nullable=False),
)
extensions = sa.Table(
    "portal_extensions",
    metadata,
    sa.Column("assignment", sa.String(200), primary_key=True),
    sa.Column("student_id", sa.String(200), primary_key=True),
    sa.Column("due", sa.DateTime, nullable=False),
)
regrades = sa.Table(
    "portal_regrade_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment", sa.String(200), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False, index=True),
    sa.Column("item", sa.Text, nullable=False),  # a test name or a written problem id
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("asked_at", sa.DateTime, nullable=False),
    sa.Column("answer", sa.Text),
    sa.Column("answered_by", sa.String(200)),
    sa.Column("answered_at", sa.DateTime),
)
rubric_items = sa.Table(
    "portal_rubric_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment", sa.String(200), nullable=False),
    sa.Column("problem", sa.String(200), nullable=False),
    sa.Column("points", sa.Float, nullable=False),  # earned when the item applies
    sa.Column("text", sa.Text, nullable=False),  # the reusable comment
)
rubric_marks = sa.Table(
    "portal_rubric_marks",
    metadata,
    sa.Column("assignment", sa.String(200), primary_key=True),
    sa.Column("student_id", sa.String(200), primary_key=True),
    sa.Column("problem", sa.String(200), primary_key=True),
    sa.Column("item_ids", sa.Text, nullable=False, default=""),  # space-separated
    sa.Column("comment", sa.Text, nullable=False, default=""),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("graded_by", sa.String(200), nullable=False),
)


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url`` with the portal's tables migrated to the current schema;
    SQLite gets a busy timeout so worker threads and requests wait for each other."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _wal(dbapi_conn, _record) -> None:  # readers do not wait for the writer
            dbapi_conn.execute("PRAGMA journal_mode=WAL")

    else:
        engine = sa.create_engine(url, pool_size=10, max_overflow=20)
    from autograder.portal.migrate import upgrade

    upgrade(engine)
    return engine
