"""The spec's [tolerance] is what assert_close allows in that assignment's tests."""

from __future__ import annotations

import numpy as np
import pytest
from toy_course import TOY_REFERENCE

from autograder.author import assert_close
from autograder.author.collector import load_suite
from autograder.author.compare import default_tolerance
from autograder.author.notebook_checks import run_checks
from autograder.runner.one_submission import GradingContext, grade_submission

# Off by one part in a thousand: wrong at the default rtol=1e-6, right at rtol=1e-2.
SLIGHTLY_OFF = TOY_REFERENCE.replace("return 2 * np", "return 2.002 * np")


def double_scores(course, submit) -> list[str]:
    ctx = GradingContext(load_suite(course.spec("toy")), "secret")
    result = grade_submission(submit("ada", SLIGHTLY_OFF), "ada", ctx)
    return [t.outcome for t in result.tests if t.problem == "double"]


def test_grading_uses_the_default_without_a_tolerance_table(toy_course, submit):
    assert double_scores(toy_course, submit) == ["failed"] * 3


def test_grading_uses_the_spec_tolerance(toy_course, submit):
    spec = toy_course.solutions / "toy" / "assignment.toml"
    spec.write_text(spec.read_text().replace("[limits]", "[tolerance]\nrtol = 1e-2\n\n[limits]"))
    assert double_scores(toy_course, submit) == ["passed"] * 3


def test_an_explicit_tolerance_in_a_test_still_wins():
    with default_tolerance(1e-2, 0.0):
        assert_close([1.001], [1.0])
        with pytest.raises(AssertionError, match="rtol=1e-06"):
            assert_close([1.001], [1.0], rtol=1e-6)
    with pytest.raises(AssertionError, match="rtol=1e-06"):
        assert_close([1.001], [1.0])  # the block is over: back to the default


def test_notebook_check_cells_use_the_tolerance_they_are_given(capsys):
    def test_close(submission):
        assert_close(submission.value, np.array([1.0]))

    namespace = {"value": np.array([1.001]), "test_close": test_close}
    run_checks(namespace, [test_close], rtol=1e-2)
    with pytest.raises(AssertionError, match="1 check"):
        run_checks(namespace, [test_close])
