"""Rubrics for written answers: items with points and a reusable comment, and TA marks.

A mark is the set of items a TA ticked for one student's answer, plus a free comment.
Its score is the sum of the ticked items' points, kept between 0 and the problem's
points. Marks go to the gradebook through the same path as ``autograder manual import``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from autograder.portal.tables import rubric_items, rubric_marks


@dataclass(frozen=True)
class Mark:
    item_ids: tuple[int, ...]
    comment: str
    score: float
    graded_by: str


def items(conn: sa.Connection, assignment: str, problem: str) -> list:
    """The rubric of one written problem, in the order it was written."""
    return list(
        conn.execute(
            sa.select(rubric_items)
            .where(rubric_items.c.assignment == assignment, rubric_items.c.problem == problem)
            .order_by(rubric_items.c.id)
        )
    )


def add_item(conn: sa.Connection, assignment: str, problem: str, points: float, text: str) -> None:
    conn.execute(
        rubric_items.insert().values(
            assignment=assignment, problem=problem, points=points, text=text
        )
    )


def marks(conn: sa.Connection, assignment: str, problem: str) -> dict[str, Mark]:
    """``{student_id: mark}`` for one written problem."""
    rows = conn.execute(
        sa.select(rubric_marks).where(
            rubric_marks.c.assignment == assignment, rubric_marks.c.problem == problem
        )
    )
    return {
        r.student_id: Mark(
            tuple(int(i) for i in r.item_ids.split()), r.comment, r.score, r.graded_by
        )
        for r in rows
    }


def score_of(chosen: list, max_points: float) -> float:
    """The points the ticked items add up to, kept between 0 and ``max_points``."""
    return min(max_points, max(0.0, sum(item.points for item in chosen)))


def save_mark(
    conn: sa.Connection,
    assignment: str,
    problem: str,
    student_id: str,
    chosen: list,
    comment: str,
    max_points: float,
    grader: str,
) -> Mark:
    """Store (or replace) one student's mark on one written problem."""
    mark = Mark(tuple(i.id for i in chosen), comment, score_of(chosen, max_points), grader)
    key = (
        (rubric_marks.c.assignment == assignment)
        & (rubric_marks.c.student_id == student_id)
        & (rubric_marks.c.problem == problem)
    )
    conn.execute(rubric_marks.delete().where(key))
    conn.execute(
        rubric_marks.insert().values(
            assignment=assignment,
            student_id=student_id,
            problem=problem,
            item_ids=" ".join(str(i) for i in mark.item_ids),
            comment=comment,
            score=mark.score,
            graded_by=grader,
        )
    )
    return mark


def score_sheet(conn: sa.Connection, assignment: str) -> pd.DataFrame:
    """Every mark of an assignment as ``student_id, problem, score, comment`` rows, the
    comment made of the ticked items' texts and the TA's own words."""
    texts = {
        r.id: r.text
        for r in conn.execute(
            sa.select(rubric_items).where(rubric_items.c.assignment == assignment)
        )
    }
    rows = []
    for r in conn.execute(sa.select(rubric_marks).where(rubric_marks.c.assignment == assignment)):
        said = [texts[int(i)] for i in r.item_ids.split() if int(i) in texts]
        comment = "; ".join([*said, *([r.comment] if r.comment else [])])
        rows.append((r.student_id, r.problem, r.score, comment))
    return pd.DataFrame(rows, columns=["student_id", "problem", "score", "comment"])
