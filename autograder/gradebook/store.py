"""The gradebook: every attempt, score and test result of every assignment, in one store.

A SQLite file (``reports/gradebook.sqlite``) by default, or any SQLAlchemy URL (say a
PostgreSQL one) from ``--db`` or ``$AUTOGRADER_DB``. ``grade`` and ``manual import`` write
into it; ``report`` reads it, always as pandas DataFrames. Times are stored in UTC.

Tables: ``students``, ``assignments``, ``submissions`` (one row per attempt: when it was
handed in, whether it was graded, raw score, late penalty, final score, and ``counted``
for the attempt the assignment's policy picks), ``test_results`` (one row per test of a
graded attempt, written problems included) and ``manual_scores``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from autograder.course.attempts import Attempt, counted_index
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.spec import AssignmentSpec
from autograder.grade.late import assess
from autograder.manual.scores import written_results

DB_ENV = "AUTOGRADER_DB"
DB_FILE = "gradebook.sqlite"
WRITTEN_OUTCOMES = ("pending", "graded")

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


def _utc(moment: datetime | None) -> datetime | None:
    """Naive UTC, the one form every database stores alike."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _add_diagnosis_column(engine: sa.Engine) -> None:
    """Give a gradebook made before diagnoses existed its ``test_results.diagnosis`` column."""
    columns = {c["name"] for c in sa.inspect(engine).get_columns(tests_table.name)}
    if "diagnosis" not in columns:
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE test_results ADD COLUMN diagnosis TEXT"))


class Gradebook:
    """One store of grades. Writes take a spec; reads return DataFrames."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = sa.create_engine(url)
        metadata.create_all(self.engine)
        _add_diagnosis_column(self.engine)

    @classmethod
    def open(cls, reports: Path, url: str | None = None) -> Gradebook:
        return cls(gradebook_url(reports, url))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def record_assignment(self, spec: AssignmentSpec, max_score: float) -> None:
        """Store (or update) what the gradebook needs to know of an assignment."""
        row = {
            "title": spec.title,
            "due": _utc(spec.due),
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

    def record_student(
        self,
        spec: AssignmentSpec,
        student_id: str,
        attempts: Sequence[tuple[Attempt, SubmissionResult | None]],
    ) -> None:
        """Store every attempt of one student (with its result when it was graded now).

        Attempts not graded now keep any grading stored earlier; rows for attempts that
        are no longer in the student's folder are removed; ``counted`` is set again.
        """
        labels = [attempt.label for attempt, _ in attempts]
        with self.engine.begin() as conn:
            self._ensure_student(conn, student_id)
            for attempt, result in attempts:
                self._write_attempt(conn, spec, student_id, attempt, result)
            stale = sa.select(submissions_table.c.id).where(
                submissions_table.c.assignment == spec.name,
                submissions_table.c.student_id == student_id,
                submissions_table.c.attempt.not_in(labels),
            )
            stale_ids = [r.id for r in conn.execute(stale)]
            if stale_ids:
                conn.execute(tests_table.delete().where(tests_table.c.submission_id.in_(stale_ids)))
                conn.execute(
                    submissions_table.delete().where(submissions_table.c.id.in_(stale_ids))
                )
            self._choose_counted(conn, spec, student_id)

    def record_manual(self, spec: AssignmentSpec, scores: pd.DataFrame) -> None:
        """Store the hand-entered scores and re-score every graded attempt with them."""
        with self.engine.begin() as conn:
            conn.execute(manual_table.delete().where(manual_table.c.assignment == spec.name))
            rows = [
                {
                    "assignment": spec.name,
                    "student_id": str(r.student_id),
                    "problem": str(r.problem),
                    "score": float(r.score),
                    "comment": r.comment if isinstance(r.comment, str) else "",
                }
                for r in scores.itertuples(index=False)
            ]
            if rows:
                conn.execute(manual_table.insert(), rows)
            graded = conn.execute(
                sa.select(submissions_table).where(
                    submissions_table.c.assignment == spec.name,
                    submissions_table.c.graded.is_(True),
                )
            ).all()
            for sub in graded:
                conn.execute(
                    tests_table.delete().where(
                        tests_table.c.submission_id == sub.id,
                        tests_table.c.outcome.in_(WRITTEN_OUTCOMES),
                    )
                )
                written = written_results(spec, scores, sub.student_id)
                start = conn.execute(
                    sa.select(sa.func.count()).where(tests_table.c.submission_id == sub.id)
                ).scalar_one()
                self._insert_tests(conn, sub.id, written, start)
                self._rescore(conn, sub)
            for student_id in {sub.student_id for sub in graded}:
                self._choose_counted(conn, spec, student_id)

    def _ensure_student(self, conn: sa.Connection, student_id: str) -> None:
        found = conn.execute(
            sa.select(students_table.c.student_id).where(students_table.c.student_id == student_id)
        ).first()
        if not found:
            conn.execute(students_table.insert().values(student_id=student_id))

    def _write_attempt(
        self,
        conn: sa.Connection,
        spec: AssignmentSpec,
        student_id: str,
        attempt: Attempt,
        result: SubmissionResult | None,
    ) -> None:
        key = (
            (submissions_table.c.assignment == spec.name)
            & (submissions_table.c.student_id == student_id)
            & (submissions_table.c.attempt == attempt.label)
        )
        row = {
            "submitted_at": _utc(attempt.submitted_at),
            "time_source": attempt.time_source,
            "folder": str(attempt.folder),
        }
        if result is not None:
            lateness = assess(spec, student_id, attempt.submitted_at)
            row.update(
                graded=True,
                status=result.status,
                message=result.message,
                raw_score=result.score,
                max_score=result.max_score,
                pending=result.pending,
                due=_utc(lateness.due),
                days_late=lateness.days_late,
                late_fraction=lateness.fraction,
                late_penalty=lateness.penalty(result.score),
                score=result.score - lateness.penalty(result.score),
                digest=result.digest,
                graded_at=result.graded_at,
            )
        existing = conn.execute(sa.select(submissions_table.c.id).where(key)).first()
        if existing is None:
            inserted = conn.execute(
                submissions_table.insert().values(
                    assignment=spec.name, student_id=student_id, attempt=attempt.label, **row
                )
            )
            submission_id = inserted.inserted_primary_key[0]
        else:
            submission_id = existing.id
            conn.execute(
                submissions_table.update()
                .where(submissions_table.c.id == submission_id)
                .values(**row)
            )
        if result is not None:
            conn.execute(tests_table.delete().where(tests_table.c.submission_id == submission_id))
            self._insert_tests(conn, submission_id, result.tests, 0)

    def _insert_tests(
        self, conn: sa.Connection, submission_id: int, tests: Sequence[TestResult], start: int
    ) -> None:
        rows = [
            {
                "submission_id": submission_id,
                "position": start + i,
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
        if rows:
            conn.execute(tests_table.insert(), rows)

    def _rescore(self, conn: sa.Connection, sub: sa.Row) -> None:
        """Recompute an attempt's totals from its test rows (after manual scores changed)."""
        rows = conn.execute(
            sa.select(tests_table.c.score, tests_table.c.max_score, tests_table.c.outcome).where(
                tests_table.c.submission_id == sub.id
            )
        ).all()
        raw = sum(r.score for r in rows)
        penalty = raw * (sub.late_fraction or 0.0)
        conn.execute(
            submissions_table.update()
            .where(submissions_table.c.id == sub.id)
            .values(
                raw_score=raw,
                max_score=sum(r.max_score for r in rows),
                pending=sum(r.max_score for r in rows if r.outcome == "pending"),
                late_penalty=penalty,
                score=raw - penalty,
            )
        )

    def _choose_counted(self, conn: sa.Connection, spec: AssignmentSpec, student_id: str) -> None:
        where = (submissions_table.c.assignment == spec.name) & (
            submissions_table.c.student_id == student_id
        )
        rows = conn.execute(
            sa.select(submissions_table.c.id, submissions_table.c.graded, submissions_table.c.score)
            .where(where)
            .order_by(submissions_table.c.submitted_at, submissions_table.c.id)
        ).all()
        chosen = counted_index([r.score if r.graded else None for r in rows], spec.attempts)
        conn.execute(submissions_table.update().where(where).values(counted=False))
        if chosen is not None:
            conn.execute(
                submissions_table.update()
                .where(submissions_table.c.id == rows[chosen].id)
                .values(counted=True)
            )

    # ------------------------------------------------------------------ reading

    def _frame(self, query: sa.Select) -> pd.DataFrame:
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        for column in ("submitted_at", "due"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    def assignments(self) -> pd.DataFrame:
        """One row per assignment graded so far."""
        return self._frame(sa.select(assignments_table).order_by(assignments_table.c.assignment))

    def submissions(self, assignment: str | None = None) -> pd.DataFrame:
        """Every attempt (graded or not), oldest first within each student."""
        query = sa.select(submissions_table).order_by(
            submissions_table.c.assignment,
            submissions_table.c.student_id,
            submissions_table.c.submitted_at,
        )
        if assignment is not None:
            query = query.where(submissions_table.c.assignment == assignment)
        return self._frame(query)

    def grades(self, assignment: str | None = None) -> pd.DataFrame:
        """One row per student and assignment: the counted attempt, with ``attempts``
        (how many were handed in) and ``late`` (True when a penalty day applied)."""
        frame = self.submissions(assignment)
        counts = frame.groupby(["assignment", "student_id"]).size().rename("attempts")
        counted = frame[frame["counted"].astype(bool)].drop(columns=["counted", "graded"])
        counted = counted.join(counts, on=["assignment", "student_id"])
        counted["late"] = counted["days_late"].fillna(0) > 0
        return counted.reset_index(drop=True)

    def tests(self, assignment: str) -> pd.DataFrame:
        """The test rows of every student's counted attempt; ``data`` parsed from JSON."""
        query = (
            sa.select(
                submissions_table.c.student_id,
                submissions_table.c.status,
                tests_table.c.position,
                tests_table.c.name,
                tests_table.c.problem,
                tests_table.c.score,
                tests_table.c.max_score,
                tests_table.c.outcome,
                tests_table.c.message,
                tests_table.c.visibility,
                tests_table.c.data,
                tests_table.c.diagnosis,
            )
            .join(tests_table, tests_table.c.submission_id == submissions_table.c.id)
            .where(
                submissions_table.c.assignment == assignment, submissions_table.c.counted.is_(True)
            )
            .order_by(submissions_table.c.student_id, tests_table.c.position)
        )
        frame = self._frame(query)
        frame["data"] = [json.loads(t) if isinstance(t, str) else None for t in frame["data"]]
        return frame

    def problem_scores(self, assignment: str) -> pd.DataFrame:
        """Student x problem scores of the counted attempts (NaN: written answer pending)."""
        return problem_pivot(self.tests(assignment))

    def manual(self, assignment: str) -> pd.DataFrame:
        query = sa.select(manual_table).where(manual_table.c.assignment == assignment)
        return self._frame(query)

    def students(self) -> pd.DataFrame:
        return self._frame(sa.select(students_table).order_by(students_table.c.student_id))

    def class_table(self) -> pd.DataFrame:
        """Student x assignment final scores across the whole course."""
        grades = self.grades()
        if grades.empty:
            return pd.DataFrame()
        return grades.pivot(index="student_id", columns="assignment", values="score")


def problem_pivot(tests: pd.DataFrame) -> pd.DataFrame:
    """Student x problem points from test rows; NaN where a written answer is pending."""
    if tests.empty:
        return pd.DataFrame(index=pd.Index([], name="student_id"))
    scores = tests.pivot_table(index="student_id", columns="problem", values="score", aggfunc="sum")
    for row in tests[tests["outcome"] == "pending"].itertuples(index=False):
        scores.loc[row.student_id, row.problem] = float("nan")
    return scores
