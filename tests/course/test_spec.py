"""The spec is strict: unknown keys and wrong types are named, with what is allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course.spec import SpecError, parse_spec

BASE = {
    "name": "hw",
    "student_file": "hw.py",
    "problems": [{"id": "p", "title": "P"}, {"id": "w", "written": True, "points": 2}],
}


def parse(**changes):
    return parse_spec({**BASE, **changes}, Path("."), source="hw/assignment.toml")


def refused(data: dict) -> str:
    with pytest.raises(SpecError) as error:
        parse_spec(data, Path("."), source="hw/assignment.toml")
    return str(error.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({**BASE, "tittle": "x"}, "unknown key 'tittle' in the top level (did you mean 'title'?)"),
        ({**BASE, "limits": {"call_timout": 1}}, "'call_timout' in [limits] (did you mean"),
        ({**BASE, "late": {"grace": 5}}, "'grace' in [late] (did you mean 'grace_minutes'?)"),
        ({**BASE, "tolerance": {"rtl": 1e-3}}, "'rtl' in [tolerance] (did you mean 'rtol'?)"),
        ({**BASE, "lms": {"canvas_id": 3}}, "'canvas_id' in [lms]"),
        (
            {**BASE, "problems": [{"id": "p", "tilte": "P"}]},
            "'tilte' in [[problems]] entry 1 (did you mean 'title'?)",
        ),
    ],
)
def test_unknown_keys_anywhere_are_named_with_the_close_match(data, words):
    message = refused(data)
    assert message.startswith("hw/assignment.toml: ")
    assert words in message and "allowed:" in message


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ({"id": "w", "written": "false", "points": 2}, "'written' must be true or false"),
        ({"id": "w", "written": True, "points": -2}, "'points' must be a number >= 0"),
        ({"id": "w", "written": True, "points": 0}, "needs 'points' above 0"),
        ({"id": "w", "written": True, "points": "2"}, "'points' must be a number"),
        ({"id": "w", "written": True}, "missing required key 'points'"),
        ({"id": "my problem"}, "id 'my problem' may hold only letters, digits"),
        ({"id": 3}, "may hold only letters"),
        ({"id": "c", "points": 3}, "'points' is only for written problems"),
        ({"id": "c", "title": 5}, "title' must be a non-empty string"),
    ],
)
def test_wrong_types_in_a_problem_are_named(problem, words):
    assert words in refused({**BASE, "problems": [problem]})


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"hidden_tests": "tests/t.py"}, "'hidden_tests' must be a list of file paths"),
        ({"tolerance": {"rtol": "1e-3"}}, "[tolerance] rtol must be a number"),
        ({"tolerance": {"atol": -1}}, "[tolerance] atol must be a number >= 0"),
        ({"limits": 3}, "'limits' must be a table"),
        ({"name": "two words"}, "name 'two words' may hold only"),
        ({"problems": []}, "at least one [[problems]]"),
        ({"reference": 1}, "'reference' must be a non-empty string"),
    ],
)
def test_wrong_types_elsewhere_are_named(changes, words):
    assert words in refused({**BASE, **changes})


def test_a_correct_spec_still_reads_and_tolerance_is_kept():
    spec = parse(tolerance={"rtol": 1e-3, "atol": 0}, settings={"loss": "free notes"})
    assert (spec.tolerance.rtol, spec.tolerance.atol) == (1e-3, 0.0)
    assert [p.written for p in spec.problems] == [False, True]
    assert parse().tolerance.rtol == 1e-6


def test_every_bundled_spec_passes_the_strict_rules():
    from autograder.course.spec import load_spec

    root = Path(__file__).resolve().parents[2]
    for folder in [*root.glob("solutions/*/"), *root.glob("assignments/*/")]:
        load_spec(folder)


def test_release_of_a_bad_spec_names_the_key_without_a_traceback(toy_course):
    spec = toy_course.solutions / "toy" / "assignment.toml"
    spec.write_text(spec.read_text().replace('id = "essay"', 'id = "my essay"'))
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "--course", str(toy_course.root), "release", "toy"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    assert "assignment.toml" in run.stderr and "'my essay'" in run.stderr
