"""What the gradebook answers: every read, always as a pandas DataFrame."""

from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa

from autograder.gradebook.schema import (
    assignments_table,
    manual_table,
    submissions_table,
    tests_table,
)


class GradebookQueries:
    """The reads of :class:`~autograder.gradebook.store.Gradebook` (needs ``self.engine``)."""

    engine: sa.Engine

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
        """The written problems' scores: student_id, problem, score, comment."""
        query = sa.select(
            manual_table.c.student_id,
            manual_table.c.problem,
            manual_table.c.score,
            manual_table.c.comment,
        ).where(manual_table.c.assignment == assignment)
        return self._frame(query.order_by(manual_table.c.student_id, manual_table.c.problem))

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
    pending = tests.assign(pending=tests["outcome"] == "pending").pivot_table(
        index="student_id", columns="problem", values="pending", aggfunc="any"
    )
    return scores.mask(pending.reindex_like(scores).fillna(False).astype(bool))
