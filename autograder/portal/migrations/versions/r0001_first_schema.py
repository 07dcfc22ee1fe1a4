"""The portal's first schema: people, sessions, uploads, the queue, results, rubric.

Revision ID: r0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

NAME = sa.String(200)


def upgrade() -> None:
    _people()
    _work()
    _grading()


def _people() -> None:
    op.create_table(
        "portal_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", NAME, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("course", NAME, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id"), nullable=False),
        sa.Column("expires", sa.DateTime, nullable=False),
    )
    op.create_table(
        "portal_sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", NAME, nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )


def _work() -> None:
    op.create_table(
        "portal_uploads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assignment", NAME, nullable=False),
        sa.Column("student_id", NAME, nullable=False, index=True),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("original_names", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "portal_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("assignment", NAME, nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("portal_uploads.id"), unique=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("runs", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(100)),
        sa.Column("queued_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "portal_public_results",
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("portal_uploads.id"), primary_key=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("results_json", sa.Text, nullable=False),
        sa.Column("graded_at", sa.DateTime, nullable=False),
    )


def _grading() -> None:
    op.create_table(
        "portal_extensions",
        sa.Column("assignment", NAME, primary_key=True),
        sa.Column("student_id", NAME, primary_key=True),
        sa.Column("due", sa.DateTime, nullable=False),
    )
    op.create_table(
        "portal_regrade_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assignment", NAME, nullable=False),
        sa.Column("student_id", NAME, nullable=False, index=True),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", NAME),
        sa.Column("answered_at", sa.DateTime),
    )
    op.create_table(
        "portal_rubric_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assignment", NAME, nullable=False),
        sa.Column("problem", NAME, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "portal_rubric_marks",
        sa.Column("assignment", NAME, primary_key=True),
        sa.Column("student_id", NAME, primary_key=True),
        sa.Column("problem", NAME, primary_key=True),
        sa.Column("item_ids", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("graded_by", NAME, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "portal_rubric_marks",
        "portal_rubric_items",
        "portal_regrade_requests",
        "portal_extensions",
        "portal_public_results",
        "portal_jobs",
        "portal_uploads",
        "portal_sign_in_failures",
        "portal_sessions",
        "portal_users",
    ):
        op.drop_table(table)
