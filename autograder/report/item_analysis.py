"""Item analysis: which tests (or problems) tell students apart, and what the class got wrong.

For each item (a test, or a problem) over the students analysed:

- difficulty ``p``: the mean share of the item's points earned. For an all-or-nothing
  test this is its pass rate; for a problem it is the mean score fraction.
- discrimination: the point-biserial correlation of the item's score with the REST of the
  score (the total less the item itself, so an item is not correlated with itself). It is
  Pearson's r, and is NaN when the item or the rest score is the same for every student:
  a correlation needs spread on both sides.

Items are flagged when nobody or everybody earns them (they sort nobody), and when the
discrimination is negative (students who do well elsewhere do worse here: check the test).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from autograder.course.results import WRITTEN_OUTCOMES

FLAG_NOBODY = "nobody passes"
FLAG_EVERYBODY = "everybody passes"
FLAG_NO_SPREAD = "no spread in the rest score"
FLAG_NEGATIVE = "negative discrimination: check the test"
FLAG_TOO_FEW = "fewer than 3 students"
STAT_COLUMNS = [
    "item",
    "students",
    "max_points",
    "mean_score",
    "difficulty",
    "full_marks",
    "discrimination",
    "flag",
]


def point_biserial(item: np.ndarray, rest: np.ndarray) -> float:
    """Pearson's r of ``item`` and ``rest``; NaN when either is constant."""
    item = np.asarray(item, dtype=float)
    rest = np.asarray(rest, dtype=float)
    if np.ptp(item) == 0 or np.ptp(rest) == 0:
        return math.nan
    x, y = item - item.mean(), rest - rest.mean()
    return float((x * y).sum() / math.sqrt((x * x).sum() * (y * y).sum()))


def item_statistics(scores: pd.DataFrame, max_points: pd.Series) -> pd.DataFrame:
    """Difficulty and discrimination of each column of ``scores`` (students x items, points).

    ``max_points`` gives each item's points. Returns one row per item: ``students``,
    ``max_points``, ``mean_score``, ``difficulty``, ``full_marks`` (share earning every
    point), ``discrimination`` and ``flag`` (empty when nothing stands out).
    """
    total = scores.sum(axis=1).to_numpy(dtype=float)
    rows = []
    for item in scores.columns:
        points = scores[item].to_numpy(dtype=float)
        top = float(max_points[item])
        share = points / top if top else np.zeros_like(points)
        difficulty = float(share.mean()) if len(share) else math.nan
        r = point_biserial(points, total - points)
        rows.append(
            {
                "item": item,
                "students": len(points),
                "max_points": top,
                "mean_score": float(points.mean()) if len(points) else math.nan,
                "difficulty": difficulty,
                "full_marks": float(np.mean(np.isclose(points, top))) if len(points) else math.nan,
                "discrimination": r,
                "flag": _flag(difficulty, r, len(points)),
            }
        )
    return pd.DataFrame(rows, columns=STAT_COLUMNS)


def _flag(difficulty: float, r: float, students: int) -> str:
    if students < 3:
        return FLAG_TOO_FEW
    if difficulty == 0:
        return FLAG_NOBODY
    if difficulty == 1:
        return FLAG_EVERYBODY
    if math.isnan(r):
        return FLAG_NO_SPREAD
    if r < 0:
        return FLAG_NEGATIVE
    return ""


def matrix_by_test(tests: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Students x tests (points) and each test's points, from gradebook test rows.

    Written problems are left out: their scores are entered by hand, often later.
    """
    auto = tests[~tests["outcome"].isin(WRITTEN_OUTCOMES)]
    order = list(dict.fromkeys(auto["name"]))
    scores = auto.pivot_table(index="student_id", columns="name", values="score", aggfunc="sum")
    maxima = auto.groupby("name")["max_score"].max()
    return scores.reindex(columns=order).fillna(0.0), maxima


def matrix_by_problem(tests: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Students x code problems (points) and each problem's points."""
    auto = tests[~tests["outcome"].isin(WRITTEN_OUTCOMES)]
    order = list(dict.fromkeys(auto["problem"]))
    scores = auto.pivot_table(index="student_id", columns="problem", values="score", aggfunc="sum")
    per_student = auto.groupby(["student_id", "problem"])["max_score"].sum()
    maxima = per_student.groupby("problem").max()
    return scores.reindex(columns=order).fillna(0.0), maxima


def common_failures(tests: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The tests failed by most students, each with its most typical message.

    Messages hold each student's own numbers, so they are grouped with every number
    replaced by ``#``; the message shown is a real one from the largest group.
    """
    failed = tests[tests["outcome"] == "failed"]
    students = tests["student_id"].nunique()
    rows = []
    for name, group in failed.groupby("name", sort=False):
        shapes = group["message"].fillna("").map(_message_shape)
        typical = shapes.value_counts().index[0]
        example = group["message"].fillna("")[shapes == typical].iloc[0]
        rows.append(
            {
                "test": name,
                "problem": group["problem"].iloc[0],
                "failed": len(group),
                "failed_share": len(group) / students if students else math.nan,
                "same_message": int((shapes == typical).sum()),
                "typical_message": example[:600] + (" [...]" if len(example) > 600 else ""),
            }
        )
    columns = ["test", "problem", "failed", "failed_share", "same_message", "typical_message"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("failed", ascending=False, kind="stable").head(top)


MISSING_FUNCTION = "your code does not define a function the tests call"


def _mistake_key(diagnosis: str) -> str:
    """Diagnoses that differ only in numbers, or only in which function is missing, are one."""
    if diagnosis.startswith("your code does not define"):
        return MISSING_FUNCTION
    return _message_shape(_without_input_kind(diagnosis))


def _without_input_kind(diagnosis: str) -> str:
    """The diagnosis without the kind of input it names (``assert_close(inputs=...)``) and
    without its count of differing entries."""
    return re.sub(r" \(\d+ of \d+ entries differ\)$", "", re.sub(r"^for [^:]*: ", "", diagnosis))


def class_mistakes(tests: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """What the class got wrong, by diagnosis: '31 students: Jacobian transposed'.

    Diagnoses name a mistake, not a test, so one row can gather several tests (the same
    slip in a function that many tests call). Numbers (counts, shapes) are replaced by
    ``#`` before grouping; the wording shown is a real one from the group.
    """
    columns = ["students", "diagnosis", "problems", "tests"]
    if "diagnosis" not in tests.columns:
        return pd.DataFrame(columns=columns)
    failed = tests[(tests["outcome"] == "failed") & tests["diagnosis"].fillna("").ne("")]
    if failed.empty:
        return pd.DataFrame(columns=columns)
    failed = failed.assign(key=failed["diagnosis"].map(_mistake_key))
    rows = []
    for key, group in failed.groupby("key", sort=False):
        shown = key if key == MISSING_FUNCTION else _without_input_kind(group["diagnosis"].iloc[0])
        rows.append(
            {
                "students": group["student_id"].nunique(),
                "diagnosis": shown[:400],
                "problems": ", ".join(dict.fromkeys(group["problem"])),
                "tests": ", ".join(dict.fromkeys(group["name"]))[:400],
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("students", ascending=False, kind="stable").head(top)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _message_shape(message: str) -> str:
    return _NUMBER.sub("#", message.strip().splitlines()[0] if message.strip() else "")
