"""The gradebook: every attempt, score and test result of every assignment, in one store.

A SQLite file (``reports/gradebook.sqlite``, in WAL mode) by default, or any SQLAlchemy
URL (say a PostgreSQL one) from ``--db`` or ``$AUTOGRADER_DB``. It stores what grading
concluded and what TAs scored, and answers queries; it computes no score itself. Writes
come in batches: one transaction for many students, rows inserted in bulk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from autograder.course.attempts import Attempt
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.spec import AssignmentSpec
from autograder.gradebook.queries import GradebookQueries, problem_pivot
from autograder.gradebook.schema import (
    DB_ENV,
    DB_FILE,
    assignments_table,
    gradebook_url,
    manual_table,
    metadata,
    students_table,
    submissions_table,
    tests_table,
    to_utc,
)

IN_CHUNK = 500  # ids per ``IN (...)``: well under every database's parameter limit

__all__ = ["DB_ENV", "DB_FILE", "AttemptRecord", "Gradebook", "StudentRecord", "problem_pivot"]


@dataclass(frozen=True)
class AttemptRecord:
    """One attempt as grading concluded it: stored exactly as given.

    ``result`` is None for an attempt not graded in this run (an earlier attempt under
    the "latest" policy): its earlier grading, if any, is kept.
    """

    attempt: Attempt
    result: SubmissionResult | None
    counted: bool = False
    due: datetime | None = None
    late_fraction: float = 0.0


@dataclass(frozen=True)
class StudentRecord:
    """Every attempt of one student at one assignment."""

    student_id: str
    attempts: Sequence[AttemptRecord]


class Gradebook(GradebookQueries):
    """One store of grades. Writes take finished records; reads return DataFrames."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = sa.create_engine(url)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._add_missing_columns()

    @classmethod
    def open(cls, reports: Path, url: str | None = None) -> Gradebook:
        return cls(gradebook_url(reports, url))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _add_missing_columns(self) -> None:
        """Give a gradebook written by an earlier version the columns added since."""
        inspector = sa.inspect(self.engine)
        for table, column in (("submissions", "public_tests"), ("test_results", "diagnosis")):
            if column not in {c["name"] for c in inspector.get_columns(table)}:
                with self.engine.begin() as conn:
                    conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} TEXT"))

    # ------------------------------------------------------------------ writing

    def record_assignment(self, spec: AssignmentSpec, max_score: float) -> None:
        """Store (or update) what the gradebook needs to know of an assignment."""
        row = {
            "title": spec.title,
            "due": to_utc(spec.due),
            "max_score": max_score,
            "attempts": spec.attempts,
            "grace_minutes": spec.late.grace_minutes,
            "penalty_per_day": spec.late.penalty_per_day,
            "max_days": spec.late.max_days,
        }
        with self.engine.begin() as conn:
            key = assignments_table.c.assignment == spec.name
            if conn.execute(sa.select(assignments_table.c.assignment).where(key)).first():
                conn.execute(assignments_table.update().where(key).values(**row))
            else:
                conn.execute(assignments_table.insert().values(assignment=spec.name, **row))

    def record_students(self, assignment: str, students: Sequence[StudentRecord]) -> None:
        """Store many students' attempts in one transaction.

        Graded attempts replace their earlier rows (and test rows); attempts not graded
        now keep their earlier grading; rows of attempts no longer handed in go.
        """
        if not students:
            return
        ids = [s.student_id for s in students]
        with self.engine.begin() as conn:
            self._ensure_students(conn, ids)
            existing = self._existing_attempts(conn, assignment, ids)
            kept, updates, inserts, graded = set(), [], [], []
            for student in students:
                for record in student.attempts:
                    row_id = existing.get((student.student_id, record.attempt.label))
                    if record.result is None and row_id is not None:
                        kept.add(row_id)
                        updates.append({"row_id": row_id, **_attempt_columns(record)})
                        continue
                    inserts.append(_submission_row(assignment, student.student_id, record))
                    if record.result is not None:
                        graded.append((student.student_id, record.attempt.label, record.result))
            dropped = [row_id for row_id in existing.values() if row_id not in kept]
            for chunk in _chunks(dropped):
                conn.execute(tests_table.delete().where(tests_table.c.submission_id.in_(chunk)))
                conn.execute(submissions_table.delete().where(submissions_table.c.id.in_(chunk)))
            if updates:
                conn.execute(
                    submissions_table.update()
                    .where(submissions_table.c.id == sa.bindparam("row_id"))
                    .values({k: sa.bindparam(k) for k in updates[0] if k != "row_id"}),
                    updates,
                )
            if inserts:
                conn.execute(submissions_table.insert(), inserts)
            new_ids = self._existing_attempts(conn, assignment, ids)
            test_rows = [
                row
                for student_id, label, result in graded
                for row in _test_rows(new_ids[(student_id, label)], result.tests)
            ]
            if test_rows:
                conn.execute(tests_table.insert(), test_rows)

    def record_manual(self, assignment: str, scores: pd.DataFrame) -> None:
        """Merge TAs' scores (student_id, problem, score, comment): a later score of the
        same student and problem replaces the earlier one."""
        rows = [
            {
                "assignment": assignment,
                "student_id": str(r.student_id),
                "problem": str(r.problem),
                "score": float(r.score),
                "comment": r.comment if isinstance(r.comment, str) else "",
            }
            for r in scores.itertuples(index=False)
        ]
        rows = list({(r["student_id"], r["problem"]): r for r in rows}.values())  # last wins
        if not rows:
            return
        with self.engine.begin() as conn:
            for row in rows:
                conn.execute(
                    manual_table.delete().where(
                        manual_table.c.assignment == assignment,
                        manual_table.c.student_id == row["student_id"],
                        manual_table.c.problem == row["problem"],
                    )
                )
            conn.execute(manual_table.insert(), rows)

    def _ensure_students(self, conn: sa.Connection, ids: list[str]) -> None:
        known: set[str] = set()
        for chunk in _chunks(ids):
            query = sa.select(students_table.c.student_id).where(
                students_table.c.student_id.in_(chunk)
            )
            known.update(r.student_id for r in conn.execute(query))
        new = [{"student_id": sid} for sid in dict.fromkeys(ids) if sid not in known]
        if new:
            conn.execute(students_table.insert(), new)

    def _existing_attempts(
        self, conn: sa.Connection, assignment: str, ids: list[str]
    ) -> dict[tuple[str, str], int]:
        found = {}
        for chunk in _chunks(ids):
            query = sa.select(
                submissions_table.c.id,
                submissions_table.c.student_id,
                submissions_table.c.attempt,
            ).where(
                submissions_table.c.assignment == assignment,
                submissions_table.c.student_id.in_(chunk),
            )
            found.update({(r.student_id, r.attempt): r.id for r in conn.execute(query)})
        return found


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL: readers never block the writer, and a commit costs one sync, not several."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _chunks(items: Sequence) -> Iterator[list]:
    for start in range(0, len(items), IN_CHUNK):
        yield list(items[start : start + IN_CHUNK])


def _attempt_columns(record: AttemptRecord) -> dict:
    return {
        "submitted_at": to_utc(record.attempt.submitted_at),
        "time_source": record.attempt.time_source,
        "folder": str(record.attempt.folder),
        "counted": record.counted,
    }


def _submission_row(assignment: str, student_id: str, record: AttemptRecord) -> dict:
    row = {
        "assignment": assignment,
        "student_id": student_id,
        "attempt": record.attempt.label,
        "graded": record.result is not None,
        **_attempt_columns(record),
    }
    result = record.result
    if result is None:  # every row carries every column: one bulk insert for all
        return row | dict.fromkeys(_GRADED_COLUMNS)
    row.update(
        status=result.status,
        message=result.message,
        raw_score=result.score,
        max_score=result.max_score,
        pending=result.pending,
        due=to_utc(record.due),
        days_late=result.days_late,
        late_fraction=record.late_fraction,
        late_penalty=result.late_penalty,
        score=result.final_score,
        digest=result.digest,
        graded_at=result.graded_at,
        public_tests=json.dumps(result.public) if result.public is not None else None,
    )
    return row


_GRADED_COLUMNS = (
    "status", "message", "raw_score", "max_score", "pending", "due", "days_late",
    "late_fraction", "late_penalty", "score", "digest", "graded_at", "public_tests",
)  # fmt: skip


def _test_rows(submission_id: int, tests: Sequence[TestResult]) -> list[dict]:
    return [
        {
            "submission_id": submission_id,
            "position": i,
            "name": t.name,
            "problem": t.problem,
            "score": t.score,
            "max_score": t.max_score,
            "outcome": t.outcome,
            "message": t.output,
            "visibility": t.visibility,
            "data": json.dumps(t.data) if t.data else None,
            "diagnosis": t.diagnosis or None,
        }
        for i, t in enumerate(tests)
    ]
