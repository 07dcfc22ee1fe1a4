"""Every example mistake is named in its feedback before the due date; check equals grade.

``examples.toml`` gives each example with failing tests a ``diagnosis``: words that its
feedback, as a student reads it before the due date, must contain; and every test it
fails has a diagnosis of its own. A correct example gets no diagnosis at all. The public tests give the same outcome and message whether a
student runs ``autograder check`` inside the released folder or the grader runs them.
"""

from __future__ import annotations

import shutil
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autograder.check.public import find_public_spec, public_context, run_check
from autograder.gradebook.store import Gradebook
from autograder.report.feedback import student_feedback
from autograder.runner.one_submission import grade_submission

from .conftest import ASSIGNMENTS, COURSE


def _examples():
    for name in ASSIGNMENTS:
        path = COURSE.solutions / name / "examples.toml"
        for student, expected in tomllib.loads(path.read_text())["examples"].items():
            yield pytest.param(name, student, expected, id=f"{name}-{student}")


def _before_due(spec) -> datetime:
    return spec.due - timedelta(days=1) if spec.due else datetime.now(UTC)


def _feedback_text(name: str, student: str, reports) -> str:
    spec = COURSE.spec(name)
    with Gradebook.open(reports) as book:
        grades, tests = book.grades(name), book.tests(name)
    row = grades[grades["student_id"] == student].iloc[0]
    doc = student_feedback(spec, row, tests[tests["student_id"] == student], now=_before_due(spec))
    return "\n".join(str(part) for block in doc.blocks for part in block[1:])


@pytest.mark.parametrize(("name", "student", "expected"), list(_examples()))
def test_feedback_before_the_due_date_names_the_mistake(graded, name, student, expected):
    examples = graded(name)
    result = examples.results[student]
    text = _feedback_text(name, student, examples.reports)
    if not expected.get("fails"):
        assert all(t.outcome == "passed" for t in result.tests if t.outcome != "pending")
        assert not [t.diagnosis for t in result.tests if t.diagnosis]
        assert "Diagnosis:" not in text
        return
    undiagnosed = [t.name for t in result.tests if t.outcome == "failed" and not t.diagnosis]
    assert not undiagnosed, f"failed without a diagnosis: {undiagnosed}"
    phrase = expected.get("diagnosis")
    assert phrase, f"examples.toml: {name}/{student} needs a `diagnosis` its feedback must show"
    assert phrase in text, text


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_check_in_the_released_folder_agrees_with_the_grader(name, tmp_path, monkeypatch):
    """Same file, same public tests: `check` (relative paths, released spec) and the
    grader's run (instructor spec) give the same outcomes and messages."""
    released = COURSE.assignments / name
    if not released.is_dir():
        pytest.skip(f"{name} is not released")
    spec = COURSE.spec(name)
    folder = tmp_path / "released"
    shutil.copytree(released, folder)
    for student, _ in list(_examples_of(name))[:4]:
        source = COURSE.submissions / name / student
        if not (source / spec.student_file).is_file():
            continue
        shutil.copyfile(source / spec.student_file, folder / spec.student_file)
        monkeypatch.chdir(folder)
        checked = run_check(
            find_public_spec(name, Path(spec.student_file), COURSE),
            Path(spec.student_file),
        )
        graded_public = grade_submission(source, "student", public_context(spec))
        assert [(t.name, t.outcome, t.output) for t in checked.tests] == [
            (t.name, t.outcome, t.output) for t in graded_public.tests
        ]


def _examples_of(name):
    path = COURSE.solutions / name / "examples.toml"
    return tomllib.loads(path.read_text())["examples"].items()
