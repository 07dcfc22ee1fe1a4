"""The pytest plugin: an instructor's `pytest solutions/<a>/tests` grades like `grade`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from toy_course import TOY_REFERENCE, write

from autograder.author.collector import load_suite
from autograder.course.results import read_results
from autograder.course.timestamps import write_timestamp
from autograder.grade.batch import grade_batch
from autograder.runner.one_submission import GradingContext

RECORDS_INPUTS = """

import json as _json
import os as _os


def _keep(name, x, record):
    record(name, x)
    if _os.environ.get("SEEN_FILE"):
        with open(_os.environ["SEEN_FILE"], "a") as seen:
            seen.write(_json.dumps([name, list(x)]) + "\\n")


@pytest.mark.problem("norm")
def test_inputs(submission, rng, record):
    _keep("function", rng.normal(size=3), record)


@pytest.mark.problem("norm")
class TestInputs:
    @pytest.mark.parametrize("n", [2])
    def test_inputs(self, submission, rng, record, n):
        _keep("method", rng.normal(size=n), record)
"""


def run_pytest(course, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=course.root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_hidden_tests_pass_on_the_reference_and_fail_on_a_wrong_submission(toy_course, submit):
    passed = run_pytest(toy_course, "solutions/toy/tests")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "4 passed" in passed.stdout
    submit("bob", TOY_REFERENCE.replace("np.linalg.norm(x)", "np.sum(np.abs(x))"))
    failed = run_pytest(toy_course, "solutions/toy/tests", "--submission", "submissions/toy/bob")
    assert failed.returncode == 1
    assert "1 failed, 3 passed" in failed.stdout and "test_norm" in failed.stdout


@pytest.mark.slow
def test_the_plugin_draws_the_inputs_grading_draws_for_that_attempt(toy_course, tmp_path):
    hidden = toy_course.solutions / "toy" / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text() + RECORDS_INPUTS)
    folder = toy_course.submissions / "toy" / "ada"
    write(folder / "toy.py", TOY_REFERENCE)
    write_timestamp(folder, datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    ctx = GradingContext(load_suite(toy_course.spec("toy")), toy_course.secret())
    grade_batch(ctx, [("ada", folder)], toy_course.reports)
    graded = read_results(toy_course.reports / "toy" / "ada" / "results.json")
    by_grading = {k: v for t in graded.tests for k, v in t.data.items()}
    seen = tmp_path / "seen.jsonl"
    run = run_pytest(
        toy_course,
        "solutions/toy/tests",
        "--submission",
        "submissions/toy/ada",
        env={"SEEN_FILE": str(seen)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    by_plugin = dict(json.loads(line) for line in seen.read_text().splitlines())
    assert set(by_plugin) == {"function", "method"}
    assert by_plugin == by_grading
    # Another student's inputs differ: the seed really is the student's.
    seen.unlink()
    run_pytest(
        toy_course,
        "solutions/toy/tests",
        "--submission",
        "submissions/toy/ada",
        "--student-id",
        "somebody_else",
        env={"SEEN_FILE": str(seen)},
    )
    other = dict(json.loads(line) for line in seen.read_text().splitlines())
    assert other["function"] != by_grading["function"]


def test_a_marker_typo_fails_the_pytest_run_too(toy_course):
    hidden = toy_course.solutions / "toy" / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text().replace("points(2)", "point(2)"))
    run = run_pytest(toy_course, "solutions/toy/tests")
    assert run.returncode != 0
    assert "unknown marker @pytest.mark.point" in run.stdout + run.stderr


@pytest.mark.slow
def test_the_spec_tolerance_applies_under_the_plugin(toy_course):
    write(
        toy_course.solutions / "toy" / "tests" / "test_tolerance.py",
        """
        import pytest

        from autograder.author import assert_close

        @pytest.mark.problem("norm")
        def test_close_enough():
            assert_close(1.001, 1.0)
        """,
    )
    spec = toy_course.solutions / "toy" / "assignment.toml"
    assert run_pytest(toy_course, "solutions/toy/tests/test_tolerance.py").returncode == 1
    spec.write_text(spec.read_text().replace("[limits]", "[tolerance]\nrtol = 1e-2\n\n[limits]"))
    run = run_pytest(toy_course, "solutions/toy/tests/test_tolerance.py")
    assert run.returncode == 0, run.stdout


STACKED = """
import pytest


@pytest.mark.problem("double")
@pytest.mark.parametrize("a", [1, 2])
@pytest.mark.parametrize("b", ["u", None])
def test_stacked(submission, a, b):
    pass


@pytest.mark.problem("norm")
@pytest.mark.parametrize("a", [0.5])
class TestNamed:
    @pytest.mark.parametrize("b", [(1, 2), pytest.param(3, id="three")])
    def test_g(self, submission, a, b):
        pass
"""


def test_grading_names_tests_exactly_as_pytest_does(toy_course):
    """The seed includes the test's name, so the plugin and grading must agree on it."""
    write(toy_course.solutions / "toy" / "tests" / "test_stacked.py", STACKED)
    spec = toy_course.solutions / "toy" / "assignment.toml"
    spec.write_text(
        spec.read_text().replace(
            '"tests/test_hidden.py"', '"tests/test_hidden.py", "tests/test_stacked.py"'
        )
    )
    ours = {t.name for t in load_suite(toy_course.spec("toy")).tests}
    run = run_pytest(toy_course, "--collect-only", "solutions/toy/tests")
    theirs = {line.split(".py::", 1)[1] for line in run.stdout.splitlines() if ".py::" in line}
    assert "test_stacked[u-1]" in theirs and "TestNamed::test_g[three-0.5]" in theirs
    assert ours == theirs
