"""Grading names known mistakes, charges our faults to us, and loads what can be loaded."""

from __future__ import annotations

import pytest
from toy_course import write

from autograder.author.collector import load_suite
from autograder.course.spec import SpecError
from autograder.runner.one_submission import (
    GradingContext,
    _without_instructor_paths,
    grade_submission,
)
from autograder.runner.reference_check import (
    BrokenReference,
    inert_mistakes,
    require_sound_reference,
)

MISTAKES = """
import numpy as np
from autograder.author.mistakes import known_mistake


@known_mistake("double", "You tripled x instead of doubling it.")
def triple(x):
    return 3 * np.asarray(x, dtype=float)


@known_mistake("norm", "You returned the squared norm: take the square root.")
def squared(x):
    return float(np.sum(np.asarray(x, dtype=float) ** 2))
"""

GOOD_NORM = "def norm(x):\n    return float(np.linalg.norm(x))\n"


@pytest.fixture
def grade(toy_course, submit):
    def _grade(source, student_id="s1", filename="toy.py"):
        ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
        return grade_submission(submit(student_id, source, filename), student_id, ctx)

    return _grade


def _by_name(result):
    return {t.name: t for t in result.tests}


def test_a_known_mistake_is_named_in_the_diagnosis(toy_course, grade):
    write(toy_course.solutions / "toy" / "tests" / "mistakes.py", MISTAKES)
    source = "import numpy as np\ndef double(x):\n    return 3 * np.asarray(x)\n" + GOOD_NORM
    tests = _by_name(grade(source))
    for name in ("test_double_fixed", "test_double_random[1]", "test_double_random[4]"):
        assert tests[name].outcome == "failed"
        assert tests[name].diagnosis == "You tripled x instead of doubling it."
    assert tests["test_norm"].outcome == "passed" and not tests["test_norm"].diagnosis


def test_an_unknown_wrong_answer_gets_the_engine_diagnosis_or_none(toy_course, grade):
    write(toy_course.solutions / "toy" / "tests" / "mistakes.py", MISTAKES)
    source = "import numpy as np\ndef double(x):\n    return -2 * np.asarray(x)\n" + GOOD_NORM
    assert "wrong sign" in _by_name(grade(source))["test_double_fixed"].diagnosis
    odd = "import numpy as np\ndef double(x):\n    return np.asarray(x) ** 3 + 1\n" + GOOD_NORM
    diagnosis = _by_name(grade(odd, "s2"))["test_double_fixed"].diagnosis
    assert "tripled" not in diagnosis and "entries differ" in diagnosis


def test_a_mistake_for_a_name_the_reference_lacks_is_refused(toy_course):
    write(
        toy_course.solutions / "toy" / "tests" / "mistakes.py",
        MISTAKES.replace('known_mistake("norm"', 'known_mistake("nrom"'),
    )
    with pytest.raises(SpecError, match="nrom"):
        load_suite(toy_course.spec("toy"))


def test_a_broken_reference_is_a_grader_error_never_the_students(toy_course, grade):
    reference = toy_course.solutions / "toy" / "toy.py"
    reference.write_text(reference.read_text().split("def norm")[0])  # norm deleted
    correct = "import numpy as np\ndef double(x):\n    return 2 * np.asarray(x)\n" + GOOD_NORM
    result = grade(correct)
    norm = _by_name(result)["test_norm"]
    assert norm.outcome == "grader-error"
    assert "not counted against you" in norm.output
    assert result.status == "grader-error" and "test_norm" in result.message
    assert all(t.outcome == "passed" for t in result.tests if t.name != "test_norm")


def test_grade_refuses_a_reference_that_fails_its_own_tests(toy_course):
    reference = toy_course.solutions / "toy" / "toy.py"
    reference.write_text(reference.read_text().split("def norm")[0])  # norm deleted
    ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    with pytest.raises(BrokenReference, match="test_norm"):
        require_sound_reference(ctx)


def test_a_sound_reference_passes_the_check(toy_course):
    require_sound_reference(GradingContext(load_suite(toy_course.spec("toy")), "secret"))


def test_a_syntax_error_keeps_the_other_definitions(grade):
    source = (
        "import numpy as np\n\n"
        "def double(x):\n    return 2 * np.asarray(x, dtype=float)\n\n"
        "def broken(x)\n    return x\n\n" + GOOD_NORM
    )
    result = grade(source)
    assert result.status == "error"
    assert "line 6" in result.message and "broken" in result.message
    assert result.score == result.max_score  # double and norm both load and score


def test_a_syntax_error_below_thousands_of_statements_is_reported_without_piecing(grade):
    from autograder.sandbox.loading import MAX_PIECES

    filler = "".join(f"value_{i} = {i}\n" for i in range(MAX_PIECES + 1))
    result = grade(filler + "def broken(x)\n    return x\n")
    assert result.status == "error" and result.score == 0
    assert "was not loaded around the error" in result.message


def test_a_module_the_grader_lacks_becomes_a_stand_in(grade):
    source = (
        "import numpy as np\nimport torch\nfrom sklearn.metrics import accuracy_score\n\n"
        "def double(x):\n    return 2 * np.asarray(x, dtype=float)\n\n"
        "def norm(x):\n    return float(torch.linalg.norm(torch.tensor(x)))\n"
    )
    result = grade(source)
    tests = _by_name(result)
    assert result.status == "ok"
    assert "'torch'" in result.message and "'sklearn'" in result.message
    assert tests["test_double_fixed"].outcome == "passed"
    assert tests["test_norm"].outcome == "failed"
    assert "does not have the module 'torch'" in tests["test_norm"].diagnosis


def test_code_that_handles_a_missing_import_itself_is_left_alone(grade):
    source = (
        "try:\n    import torch\nexcept ImportError:\n    torch = None\n"
        "import numpy as np\n"
        "def double(x):\n    assert torch is None\n    return 2 * np.asarray(x, dtype=float)\n"
        + GOOD_NORM
    )
    result = grade(source)
    assert result.status == "ok" and not result.message
    assert result.score == result.max_score


@pytest.mark.parametrize("root", [".", "softmax", "a/b"])
def test_relative_roots_never_garble_messages(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = 'expected -0.18304478, File "softmax.py", line 3 in ./softmax.py'
    from pathlib import Path

    absolute = str((tmp_path / root).resolve())
    assert _without_instructor_paths(message, Path(root)) == message
    assert _without_instructor_paths(f"{absolute}/ref.py", Path(root)) == "<solutions>/ref.py"


def test_a_mistake_no_test_can_tell_from_the_reference_is_reported(toy_course):
    inert = MISTAKES + (
        '\n\n@known_mistake("double", "Same as the reference.")\n'
        "def same_as_reference(x):\n    return 2 * np.asarray(x, dtype=float)\n"
    )
    write(toy_course.solutions / "toy" / "tests" / "mistakes.py", inert)
    ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    found = inert_mistakes(ctx)
    assert len(found) == 1 and "same_as_reference" in found[0]


def test_a_hidden_test_with_a_bug_of_its_own_is_a_grader_error(toy_course, grade):
    hidden = toy_course.solutions / "toy" / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text().replace("reference.norm(x))", "referense.norm(x))"))
    correct = "import numpy as np\ndef double(x):\n    return 2 * np.asarray(x)\n" + GOOD_NORM
    result = grade(correct)
    assert _by_name(result)["test_norm"].outcome == "grader-error"
    assert result.status == "grader-error"
