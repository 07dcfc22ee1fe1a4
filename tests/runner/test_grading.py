"""Grading one submission: scores come only from being right; faults get a status."""

from __future__ import annotations

import pytest
from toy_course import TOY_CORRECT

from autograder.author.collector import load_suite
from autograder.runner.one_submission import GradingContext, grade_submission

CORRECT = TOY_CORRECT


@pytest.fixture
def grade(toy_course, submit):
    suite = load_suite(toy_course.spec("toy"))
    ctx = GradingContext(suite, "secret")

    def _grade(source: str | None, student_id: str = "s1", filename: str = "toy.py"):
        return grade_submission(submit(student_id, source, filename), student_id, ctx)

    return _grade


def failed(result) -> set[str]:
    return {t.name for t in result.tests if t.outcome != "passed"}


def test_correct_submission_gets_every_point(grade):
    result = grade(CORRECT)
    assert result.status == "ok"
    assert result.score == result.max_score == 5
    assert {tuple(t.tags) for t in result.tests} == {("double",), ("norm",)}


def test_nested_lists_are_accepted(grade):
    result = grade(
        CORRECT.replace("return 2 * np.asarray(x, dtype=float)", "return [2 * v for v in x]")
    )
    assert failed(result) == set()


def test_hard_coded_answer_loses_the_random_input_points(grade):
    hard_coded = CORRECT.replace("return 2 * np.asarray(x, dtype=float)", "return [2.0, -4.0, 7.0]")
    result = grade(hard_coded)
    assert failed(result) == {"test_double_random[1]", "test_double_random[4]"}
    assert result.score == 3


def test_random_inputs_differ_per_student_and_repeat_on_regrade(toy_course, submit):
    spy = """
import numpy as np
SEEN = []
def double(x):
    SEEN.append(list(np.asarray(x)))
    raise ValueError(repr(SEEN[-1]))
def norm(x):
    return 0.0
"""
    ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")

    def inputs(student):
        result = grade_submission(submit(student, spy), student, ctx)
        return [t.output for t in result.tests if t.name.startswith("test_double_random")]

    assert inputs("amy") == inputs("amy")
    assert inputs("amy") != inputs("bob")


def test_wrong_shape_message_names_both_shapes(grade):
    result = grade(
        CORRECT.replace(
            "return 2 * np.asarray(x, dtype=float)", "return 2 * np.asarray(x)[None, :]"
        )
    )
    output = next(t.output for t in result.tests if t.name == "test_double_fixed")
    assert "expected (3,)" in output and "got (1, 3)" in output


def test_missing_file_is_reported_with_what_was_found(grade):
    result = grade("print('hi')", filename="toy_v2.py")
    assert result.status == "missing"
    assert "toy_v2.py" in result.message and result.score == 0


def test_syntax_error_gives_error_status_and_line(grade):
    result = grade("def double(x)\n    return x\n")
    assert result.status == "error"
    assert "SyntaxError" in result.message and "line 1" in result.message
    assert result.score == 0


def test_exception_at_import_keeps_what_was_defined_before_it(grade):
    result = grade(CORRECT + "\nprint(undefined_name)\n")
    assert result.status == "error"
    assert "NameError" in result.message
    assert result.score == result.max_score


def test_exception_before_definitions_scores_zero(grade):
    result = grade("raise RuntimeError('boom')\n" + CORRECT)
    assert result.status == "error" and "boom" in result.message
    assert result.score == 0


@pytest.mark.parametrize(
    "exit_call", ["import sys\nsys.exit(0)", "raise SystemExit(3)", "raise KeyboardInterrupt"]
)
def test_exit_at_import_is_an_error_not_a_crash_of_the_grader(grade, exit_call):
    result = grade(exit_call + "\n" + CORRECT)
    assert result.status == "error"
    assert result.score == 0


def test_endless_loop_at_import_times_out(grade):
    result = grade("while True:\n    pass\n" + CORRECT)
    assert result.status == "timeout"
    assert "time limit" in result.message and result.score == 0


def test_endless_loop_in_one_function_costs_only_that_function(grade):
    looping = CORRECT.replace("return float(np.linalg.norm(x))", "while True:\n        pass")
    result = grade(looping)
    assert result.status == "timeout"
    assert failed(result) == {"test_norm"}
    assert "time limit" in next(t.output for t in result.tests if t.name == "test_norm")


def test_os_exit_in_a_function_is_a_crash_of_that_call_only(grade):
    crashing = CORRECT.replace("return float(np.linalg.norm(x))", "import os; os._exit(7)")
    result = grade(crashing)
    assert result.status == "crashed"
    assert failed(result) == {"test_norm"}
    assert "status 7" in next(t.output for t in result.tests if t.name == "test_norm")


def test_student_exception_is_shown_with_the_students_own_traceback(grade):
    result = grade(CORRECT.replace("return float(np.linalg.norm(x))", "return 1 / 0"))
    output = next(t.output for t in result.tests if t.name == "test_norm")
    assert "ZeroDivisionError" in output and 'toy.py", line' in output
    assert "autograder" not in output


def test_stub_says_not_implemented(grade):
    result = grade(CORRECT.replace("return float(np.linalg.norm(x))", "raise NotImplementedError"))
    assert "norm is not implemented yet" in next(
        t.output for t in result.tests if t.name == "test_norm"
    )


def test_printed_output_is_kept_but_capped(grade):
    flood = CORRECT + "\nprint('x' * 5_000_000)\nprint('hello from the student')\n"
    result = grade(flood)
    assert result.score == result.max_score
    assert len(result.output) < 20_000
    assert "cut" in result.output


def test_printing_a_fake_score_changes_nothing(grade):
    liar = """
print('{"score": 100}')
print('100/100')
def double(x):
    return 0
def norm(x):
    return 0
"""
    result = grade(liar)
    assert result.score == 0


def test_returning_an_object_instead_of_numbers_fails_cleanly(grade):
    result = grade(CORRECT.replace("return float(np.linalg.norm(x))", "return object()"))
    test = next(t for t in result.tests if t.name == "test_norm")
    assert test.outcome == "failed" and "object" in test.output


def test_failure_messages_do_not_reveal_where_the_instructor_files_are(grade, toy_course):
    result = grade(CORRECT.replace("return float(np.linalg.norm(x))", "return -1.0"))
    output = next(t.output for t in result.tests if t.name == "test_norm")
    assert output  # pytest's rewritten assert explains the comparison ...
    assert str(toy_course.solutions) not in output  # ... without the reference's location


def test_hidden_results_are_shown_after_the_due_date_unless_a_test_says_otherwise(toy_course):
    hidden = toy_course.solutions / "toy" / "tests" / "test_hidden.py"
    hidden.write_text(
        hidden.read_text().replace(
            "def test_norm(", '@pytest.mark.visibility("visible")\ndef test_norm('
        )
    )
    spec = toy_course.spec("toy")
    by_name = {t.name: t.visibility for t in load_suite(spec, "hidden").tests}
    assert by_name.pop("test_norm") == "visible"
    assert set(by_name.values()) == {"after_due_date"}
    assert {t.visibility for t in load_suite(spec, "public").tests} == {"visible"}


def test_a_function_that_timed_out_is_not_called_again(grade):
    """Three tests call ``double``; its endless loop costs the time limit once, and the
    other two fail at once saying why. ``norm`` is still graded."""
    looping = CORRECT.replace("return 2 * np.asarray(x, dtype=float)", "while True:\n        pass")
    result = grade(looping)
    doubles = [t for t in result.tests if t.problem == "double"]
    assert result.status == "timeout"
    assert len(doubles) == 3 and all(t.outcome == "failed" for t in doubles)
    assert "time limit" in doubles[0].output and "not called again" not in doubles[0].output
    for later in doubles[1:]:
        assert "double was not called again" in later.output
    assert [t.score for t in result.tests if t.problem == "norm"] == [1.0]


def test_public_tests_are_recorded_when_a_context_asks_for_them(toy_course, submit):
    spec = toy_course.spec("toy")
    ctx = GradingContext(load_suite(spec), "secret", public=load_suite(spec, "public"))
    wrong_norm = CORRECT.replace("return float(np.linalg.norm(x))", "return 1.0")
    result = grade_submission(submit("s1", wrong_norm), "s1", ctx)
    public = {t["name"]: t["outcome"] for t in result.public["tests"]}
    assert public == {"test_double_shape": "passed", "test_norm_of_zero": "failed"}
    assert result.max_score == 5  # public tests are feedback, never points
    assert GradingContext(load_suite(spec), "secret").public is None
