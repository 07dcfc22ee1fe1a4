"""Score, diagnosis, details: what a student sees of a failed test, and when.

Before the due date a failed test shows its diagnosis (never an expected value) and, for
``after_due_date`` tests, not its details; after it, both. Without a due date the
diagnosis is shown and the details of later tests never are. The class report groups
the diagnoses with a count of students.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pandas as pd

from autograder.report.feedback import student_feedback
from autograder.report.item_analysis import class_mistakes

DUE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)


def _grade(student="ann"):
    return pd.Series(
        {
            "student_id": student,
            "status": "ok",
            "message": "",
            "score": 1.0,
            "max_score": 3.0,
            "submitted_at": pd.NaT,
            "attempts": 1,
            "pending": 0.0,
            "late_penalty": 0.0,
        }
    )


def _tests(student="ann", diagnosis="your matrix is transposed"):
    return pd.DataFrame(
        [
            {
                "student_id": student,
                "name": "test_jacobian_random",
                "problem": "double",
                "score": 0.0,
                "max_score": 2.0,
                "outcome": "failed",
                "message": "worst at [0, 1]: expected 0.1830447, got -0.009113",
                "visibility": "after_due_date",
                "diagnosis": diagnosis,
                "data": None,
            },
            {
                "student_id": student,
                "name": "test_norm",
                "problem": "norm",
                "score": 1.0,
                "max_score": 1.0,
                "outcome": "passed",
                "message": "",
                "visibility": "visible",
                "diagnosis": None,
                "data": None,
            },
        ]
    )


def _text(doc) -> str:
    """What the student reads: the markdown feedback (the HTML page says the same)."""
    return doc.markdown().replace("\\", "")


def test_before_the_due_date_the_diagnosis_shows_and_the_details_do_not(toy_course):
    spec = dataclasses.replace(toy_course.spec("toy"), due=DUE)
    text = _text(student_feedback(spec, _grade(), _tests(), now=DUE - timedelta(days=2)))
    assert "Diagnosis: your matrix is transposed" in text
    assert "0.1830447" not in text and "shown after the due date" in text


def test_after_the_due_date_both_show(toy_course):
    spec = dataclasses.replace(toy_course.spec("toy"), due=DUE)
    text = _text(student_feedback(spec, _grade(), _tests(), now=DUE + timedelta(days=1)))
    assert "Diagnosis: your matrix is transposed" in text and "0.1830447" in text


def test_without_a_due_date_the_diagnosis_shows_and_details_never(toy_course):
    spec = dataclasses.replace(toy_course.spec("toy"), due=None)
    text = _text(student_feedback(spec, _grade(), _tests(), now=DUE + timedelta(days=900)))
    assert "Diagnosis: your matrix is transposed" in text and "0.1830447" not in text


def test_a_failure_without_diagnosis_says_only_what_it_may(toy_course):
    spec = dataclasses.replace(toy_course.spec("toy"), due=DUE)
    early = DUE - timedelta(days=1)
    text = _text(student_feedback(spec, _grade(), _tests(diagnosis=None), now=early))
    assert "Diagnosis:" not in text and "0.1830447" not in text


def test_the_class_report_counts_students_per_diagnosis():
    frames = [
        _tests(f"s{i}", "your matrix is transposed (6 of 9 entries differ)") for i in range(3)
    ]
    frames.append(_tests("s9", "every entry has the wrong sign (9 of 9 entries differ)"))
    frames.append(_tests("s8", None))
    table = class_mistakes(pd.concat(frames, ignore_index=True))
    assert table.iloc[0]["students"] == 3 and "transposed" in table.iloc[0]["diagnosis"]
    assert table.iloc[1]["students"] == 1 and "wrong sign" in table.iloc[1]["diagnosis"]
    assert len(table) == 2
