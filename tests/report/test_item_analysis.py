"""Item analysis numbers, checked against a small case worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from autograder.report.item_analysis import (
    FLAG_EVERYBODY,
    FLAG_NEGATIVE,
    FLAG_NOBODY,
    common_failures,
    item_statistics,
    matrix_by_problem,
    matrix_by_test,
)

# Four students, three all-or-nothing items (1 = passed):
#
#        i1 i2 i3 | total
#   A     1  1  1 |   3
#   B     1  1  0 |   2
#   C     0  1  0 |   1
#   D     0  0  0 |   0
#
# i1: p = 2/4 = 0.5. item = (1,1,0,0), rest = i2+i3 = (2,1,1,0).
#     item - mean = (.5,.5,-.5,-.5); rest - mean(1) = (1,0,0,-1)
#     sum of products = .5+0+0+.5 = 1; sum sq item = 1; sum sq rest = 2
#     r = 1 / sqrt(1*2) = 0.70710678
# i2: p = 3/4 = 0.75. item = (1,1,1,0), rest = i1+i3 = (2,1,0,0).
#     item - .75 = (.25,.25,.25,-.75); rest - .75 = (1.25,.25,-.75,-.75)
#     products: .3125 + .0625 - .1875 + .5625 = .75
#     sum sq item = 3*.0625 + .5625 = .75; sum sq rest = 1.5625+.0625+.5625+.5625 = 2.75
#     r = .75 / sqrt(.75*2.75) = sqrt(.75/2.75) = 0.52223297
# i3: p = 1/4 = 0.25. item = (1,0,0,0), rest = i1+i2 = (2,2,1,0).
#     item - .25 = (.75,-.25,-.25,-.25); rest - 1.25 = (.75,.75,-.25,-1.25)
#     products: .5625 - .1875 + .0625 + .3125 = .75
#     sum sq item = .5625 + 3*.0625 = .75; sum sq rest = .5625+.5625+.0625+1.5625 = 2.75
#     r = 0.52223297
HAND = pd.DataFrame(
    {"i1": [1, 1, 0, 0], "i2": [1, 1, 1, 0], "i3": [1, 0, 0, 0]},
    index=["A", "B", "C", "D"],
    dtype=float,
)
ONE_POINT = pd.Series({"i1": 1.0, "i2": 1.0, "i3": 1.0})


def test_difficulty_and_discrimination_match_the_hand_computation():
    stats = item_statistics(HAND, ONE_POINT).set_index("item")
    assert stats["difficulty"].tolist() == [0.5, 0.75, 0.25]
    assert stats["discrimination"].tolist() == pytest.approx([0.70710678, 0.52223297, 0.52223297])
    assert stats["students"].tolist() == [4, 4, 4]
    assert (stats["flag"] == "").all()


def test_points_scale_the_difficulty_but_not_the_items_own_correlation():
    # i1 worth 2 points: its p is still a share (0.5) and its r is unchanged (r is
    # scale-free). i2's rest score becomes 2*i1 + i3 = (3,2,0,0), mean 1.25:
    #   rest - mean = (1.75,.75,-1.25,-1.25); item - .75 = (.25,.25,.25,-.75)
    #   products: .4375 + .1875 - .3125 + .9375 = 1.25
    #   sum sq rest = 3.0625+.5625+1.5625+1.5625 = 6.75; sum sq item = .75
    #   r = 1.25 / sqrt(.75 * 6.75) = 1.25 / 2.25 = 0.5555556
    doubled = HAND.assign(i1=HAND["i1"] * 2)
    points = pd.Series({"i1": 2.0, "i2": 1.0, "i3": 1.0})
    stats = item_statistics(doubled, points).set_index("item")
    assert stats.loc["i1", "difficulty"] == 0.5
    assert stats.loc["i1", "mean_score"] == 1.0
    assert stats.loc["i1", "discrimination"] == pytest.approx(0.70710678)
    assert stats.loc["i2", "discrimination"] == pytest.approx(0.5555556)


def test_items_nobody_or_everybody_passes_are_flagged_and_have_no_correlation():
    table = HAND.assign(all=1.0, none=0.0)
    points = pd.concat([ONE_POINT, pd.Series({"all": 1.0, "none": 1.0})])
    stats = item_statistics(table, points).set_index("item")
    assert stats.loc["all", "flag"] == FLAG_EVERYBODY and math.isnan(
        stats.loc["all", "discrimination"]
    )
    assert stats.loc["none", "flag"] == FLAG_NOBODY and math.isnan(
        stats.loc["none", "discrimination"]
    )
    # constant items add the same to every rest score: the others' r does not move
    assert stats.loc["i1", "discrimination"] == pytest.approx(0.70710678)


def test_an_item_that_weaker_students_pass_is_flagged_negative():
    table = HAND.assign(odd=[0.0, 0.0, 1.0, 1.0])
    stats = item_statistics(table, pd.concat([ONE_POINT, pd.Series({"odd": 1.0})]))
    odd = stats.set_index("item").loc["odd"]
    assert odd["discrimination"] < 0 and odd["flag"] == FLAG_NEGATIVE


def _rows(student, outcomes):
    return [
        {
            "student_id": student,
            "status": "ok",
            "name": name,
            "problem": problem,
            "score": points if outcome == "passed" else 0.0,
            "max_score": points,
            "outcome": outcome,
            "message": message,
        }
        for name, problem, points, outcome, message in outcomes
    ]


def test_matrices_from_gradebook_rows_leave_written_problems_out():
    rows = []
    for student, (a, b) in {"A": ("passed", "passed"), "B": ("failed", "passed")}.items():
        rows += _rows(
            student,
            [
                ("t_a", "p1", 2.0, a, ""),
                ("t_b", "p1", 1.0, b, ""),
                ("Written: essay", "essay", 3.0, "pending", ""),
            ],
        )
    tests = pd.DataFrame(rows)
    by_test, test_points = matrix_by_test(tests)
    assert list(by_test.columns) == ["t_a", "t_b"]
    assert by_test.loc["B"].tolist() == [0.0, 1.0]
    assert test_points.to_dict() == {"t_a": 2.0, "t_b": 1.0}
    by_problem, problem_points = matrix_by_problem(tests)
    assert list(by_problem.columns) == ["p1"]
    assert by_problem["p1"].to_dict() == {"A": 3.0, "B": 1.0}
    assert problem_points.to_dict() == {"p1": 3.0}


def test_common_failures_group_messages_that_differ_only_in_numbers():
    rows = []
    for student, got in {"A": 1.5, "B": 2.25, "C": None, "D": None}.items():
        message = (
            "softmax(x) is missing"
            if got is None and student == "D"
            else f"softmax(x) is wrong in 3 of 3 entries; worst at [0]: expected 0.1, got {got}"
        )
        outcome = "passed" if student == "C" else "failed"
        rows += _rows(student, [("test_softmax", "softmax", 1.0, outcome, message)])
        rows += _rows(student, [("test_other", "softmax", 1.0, "failed", "boom")])
    failures = common_failures(pd.DataFrame(rows)).set_index("test")
    assert failures.loc["test_softmax", "failed"] == 3
    assert failures.loc["test_softmax", "failed_share"] == 0.75
    assert failures.loc["test_softmax", "same_message"] == 2
    assert "worst at [0]" in failures.loc["test_softmax", "typical_message"]
    assert list(failures.index) == ["test_other", "test_softmax"]  # most failed first
