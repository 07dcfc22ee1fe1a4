"""Every shipped assignment is sound, and its example submissions are graded as declared.

For each ``solutions/<name>/``: the release check passes (reference earns every point,
the untouched template none), and each example in ``examples.toml`` gets exactly the
status and the failing tests its author declared: a typical mistake loses the points of
its mistake and keeps the rest.
"""

from __future__ import annotations

import tomllib

import pytest

from autograder.grade.batch import student_folders
from autograder.release.package import release

from .conftest import ASSIGNMENTS, COURSE


def test_the_course_ships_assignments():
    assert "softmax" in ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_check_passes(name, tmp_path):
    report = release(COURSE.spec(name), tmp_path)
    assert report.reference.score == report.reference.max_score > 0
    assert report.template.score == 0
    assert (tmp_path / name / COURSE.spec(name).student_file).is_file()


def _examples():
    for name in ASSIGNMENTS:
        path = COURSE.solutions / name / "examples.toml"
        if path.is_file():
            for student, expected in tomllib.loads(path.read_text())["examples"].items():
                yield pytest.param(name, student, expected, id=f"{name}-{student}")


@pytest.mark.parametrize(("name", "student", "expected"), list(_examples()))
def test_example_is_graded_as_declared(graded, name, student, expected):
    result = graded(name).results[student]
    autograded = [t for t in result.tests if t.outcome in ("passed", "failed")]
    failing = {t.name for t in autograded if t.outcome == "failed"}
    declared = set(expected.get("fails", []))
    if declared == {"*"}:
        declared = {t.name for t in autograded}
    assert result.status == expected["status"], result.message
    surprises = {t.name: t.output for t in autograded if t.name in failing ^ declared}
    assert failing == declared, surprises
    lost = sum(t.max_score for t in autograded if t.name in declared)
    assert result.score == pytest.approx(sum(t.max_score for t in autograded) - lost)


def test_every_example_folder_is_declared():
    for name in ASSIGNMENTS:
        path = COURSE.solutions / name / "examples.toml"
        if path.is_file():
            declared = set(tomllib.loads(path.read_text())["examples"])
            present = {sid for sid, _ in student_folders(COURSE.submissions / name)}
            assert present == declared, f"{name}: folders and examples.toml disagree"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_released_package_is_up_to_date(name, tmp_path):
    """What is checked in under assignments/ is exactly what release makes today."""
    released = COURSE.assignments / name
    if not released.is_dir():
        pytest.skip(f"{name} has not been released into assignments/ yet")
    report = release(COURSE.spec(name), tmp_path)
    fresh = {p.relative_to(report.folder): p.read_text() for p in report.files}
    shipped = {p.relative_to(released): p.read_text() for p in released.rglob("*") if p.is_file()}
    assert shipped == fresh, "run `autograder release " + name + "` and commit assignments/"
