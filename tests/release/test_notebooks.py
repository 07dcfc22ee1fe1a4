"""Notebooks: released through nbgrader's machinery, graded cell by cell without a kernel."""

from __future__ import annotations

import ast
import io
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_output
from notebook_helpers import answered, release_toy, save

from autograder.author.collector import load_suite
from autograder.course import notebooks as notebook_reader
from autograder.release.notebook import notebook_text, source_notebook, split_reference
from autograder.runner.one_submission import GradingContext, grade_submission

DOUBLE = "def double(x):\n    return 2 * np.asarray(x, dtype=float)\n"
NORM = "def norm(x):\n    return float(np.linalg.norm(x))\n"
WRONG_NORM = "def norm(x):\n    return float(np.sum(np.abs(x)))\n"


@pytest.fixture
def released(toy_course):
    return release_toy(toy_course)


@pytest.fixture
def grade(toy_course):
    ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    root = toy_course.submissions / "toy"
    counter = iter(range(1000))

    def _grade(nb=None, *, script: str | None = None, raw: bytes | None = None):
        folder = root / f"s{next(counter)}"
        folder.mkdir(parents=True)
        if nb is not None:
            save(nb, folder)
        if raw is not None:
            (folder / "toy.ipynb").write_bytes(raw)
        if script is not None:
            (folder / "toy.py").write_text(script, encoding="utf-8")
        return grade_submission(folder, "s1", ctx)

    return _grade


def scores(result) -> dict[str, float]:
    return {t.name: t.score for t in result.tests}


# --------------------------------------------------------------------------- release


def test_released_notebook_has_nbgrader_cells_and_no_hidden_material(released):
    nb = nbformat.read(released, as_version=4)
    meta = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in nb.cells}
    assert meta["double"]["solution"] and not meta["double"]["grade"]
    assert meta["test_double"]["grade"] and meta["test_double"]["locked"]
    assert meta["test_double"]["points"] == 4  # the hidden tests' points of problem "double"
    assert meta["answer_essay"]["grade"] and meta["answer_essay"]["solution"]
    # the first cell tells a notebook student to hand in the notebook, not the script
    assert (
        nb.cells[0].cell_type == "markdown"
        and "Hand in this notebook, `toy.ipynb`**, not `toy.py`" in nb.cells[0].source
    )
    assert nb.cells[1].cell_type == "markdown" and "Double a vector" in nb.cells[1].source
    assert all(m["schema_version"] == 3 for m in meta.values())
    text = released.read_text()
    for secret in ("HIDDEN TESTS", "test_double_random", "np.sqrt(np.sum", "reference_module"):
        assert secret not in text


def test_release_is_reproducible(toy_course, released):
    first = released.read_bytes()
    assert release_toy(toy_course).read_bytes() == first


def test_notebook_code_cannot_drift_from_the_script(toy_course, released):
    spec = toy_course.spec("toy")
    template = (released.parent / "toy.py").read_text()
    nb = nbformat.read(released, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # every line of the script template is in the notebook, in the same order
    position = 0
    for line in (ln.strip() for ln in template.splitlines()):
        if line and "NotImplementedError" not in line:
            found = code.find(line, position)
            assert found >= 0, f"{line!r} is in toy.py but not (in order) in toy.ipynb"
            position = found
    names = [p.name for p in split_reference(spec.path(spec.reference).read_text())]
    assert names == ["setup_1", "double", "norm"]


def test_nbgrader_validate_accepts_the_answered_notebook_and_fails_the_template(
    toy_course, released, tmp_path
):
    from nbgrader.validator import Validator

    def validator(**options):
        found = Validator(**options)
        found.stream = io.StringIO()
        return found

    spec = toy_course.spec("toy")
    answers = {"double": DOUBLE, "norm": NORM, "answer_essay": "Because $2x = x + x$."}
    path = save(answered(released, answers), tmp_path / "answered")
    assert validator().validate(str(path)) == {}  # no failed, no changed cells
    template = validator(invert=True).validate(str(released))
    assert template == {}  # the template passes no test cell
    # and the instructor's version, hidden tests included, passes too
    source = tmp_path / "source" / "toy.ipynb"
    source.parent.mkdir()
    source.write_text(notebook_text(source_notebook(spec, {"double": 4, "norm": 1})))
    assert validator().validate(str(source)) == {}


# --------------------------------------------------------------------------- grading


def test_released_notebook_scores_zero(grade, released):
    result = grade(nbformat.read(released, as_version=4))
    assert result.score == 0 and result.status == "ok"
    assert "not implemented yet" in result.tests[0].output


@pytest.mark.parametrize(
    "answers",
    [{"double": DOUBLE, "norm": NORM}, {"double": DOUBLE, "norm": WRONG_NORM}, {"norm": NORM}],
    ids=["correct", "wrong-norm", "no-double"],
)
def test_notebook_and_script_with_the_same_code_get_the_same_scores(grade, released, answers):
    stub = "def double(x):\n    raise NotImplementedError\n"
    script = "import numpy as np\n\n" + answers.get("double", stub) + "\n" + answers["norm"]
    by_script = grade(script=script)
    by_notebook = grade(answered(released, answers))
    assert scores(by_notebook) == scores(by_script)
    assert by_notebook.status == by_script.status == "ok"


def test_both_files_present_grades_the_script_and_says_so(grade, released):
    result = grade(answered(released, {"double": DOUBLE, "norm": NORM}), script="x = 1\n")
    assert result.score == 0
    assert "toy.py is graded" in result.message


def test_a_failing_unrelated_cell_costs_nothing(grade, released):
    nb = answered(released, {"double": DOUBLE, "norm": NORM}, extra=[(3, "print(undefined)\n")])
    result = grade(nb)
    assert result.score == result.max_score
    assert result.status == "error"
    assert "toy.ipynb [cell 4]" in result.message and "NameError" in result.message


def test_a_cell_that_runs_too_long_is_skipped_and_later_cells_still_run(grade, released):
    training = "import time\nfor epoch in range(10**9):\n    time.sleep(0.01)\n"
    nb = answered(released, {"double": DOUBLE, "norm": NORM}, extra=[(3, training)])
    result = grade(nb)
    assert result.score == result.max_score  # double (before) and norm (after) both graded
    assert result.status == "timeout"
    assert "[cell 4]" in result.message and "skipped" in result.message


def test_a_cell_that_kills_the_process_is_skipped(grade, released):
    nb = answered(released, {"double": DOUBLE, "norm": NORM}, extra=[(3, "import os\nos._exit(3)")])
    result = grade(nb)
    assert result.score == result.max_score
    assert result.status == "crashed" and "[cell 4]" in result.message


def test_magics_and_shell_lines_are_handled_not_run(grade, released, tmp_path):
    marker = tmp_path / "pwned"
    cells = [
        (2, "%matplotlib inline\n%load_ext autoreload\n"),
        (3, f"!touch {marker}\nfiles = !ls\n%pip install numpy\n"),
        (4, "%time warm = double([1.0])\n"),
        (5, "%%time\ncheck = norm([3.0, 4.0])\n"),
    ]
    nb = answered(released, {"double": DOUBLE, "norm": NORM}, extra=cells)
    result = grade(nb)
    assert result.status == "ok", result.message
    assert result.score == result.max_score
    assert not marker.exists()
    assert "%matplotlib inline dropped" in result.message
    assert "shell command !touch" in result.message


def test_renamed_function_is_named_in_the_message(grade, released):
    renamed = NORM.replace("def norm(", "def norm2(")
    result = grade(answered(released, {"double": DOUBLE, "norm": renamed}))
    assert scores(result)["test_norm"] == 0 and scores(result)["test_double_fixed"] == 2
    assert "does not define norm (renamed to norm2?)" in result.message


def test_deleted_and_moved_cells_are_noted_and_code_still_graded(grade, released):
    nb = answered(released, {"double": DOUBLE, "norm": NORM})
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells}
    double_cell = cells["double"]
    nb.cells.remove(double_cell)
    result = grade(nb)
    assert "solution cell(s) double" in result.message and "missing" in result.message
    assert scores(result)["test_norm"] == 1 and scores(result)["test_double_fixed"] == 0
    position = nb.cells.index(cells["norm"]) + 1
    nb.cells.insert(position, double_cell)  # double now after norm: still graded
    result = grade(nb)
    assert result.score == result.max_score and "cells were moved" in result.message


def test_notebook_made_from_scratch_is_graded_with_a_note(grade):
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("import numpy as np\n" + DOUBLE + NORM)])
    result = grade(nb)
    assert result.score == result.max_score
    assert "none of the released notebook's cells" in result.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"cells": [', "JSON breaks at line 1"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "not a notebook"),
        (b'{"nbformat": 2, "worksheets": []}', "notebook format 2"),
        (b'{"nbformat": 4, "cells": [{"source": 3}]}', "cell 1 is malformed"),
    ],
    ids=["invalid-json", "non-utf8", "not-a-dict", "format-2", "malformed-cell"],
)
def test_unreadable_notebooks_get_an_error_status_and_a_clear_message(grade, raw, expected):
    result = grade(raw=raw)
    assert result.status == "error" and result.score == 0
    assert expected in result.message and "toy.ipynb" in result.message


def test_format_3_notebook_is_converted_and_graded(grade):
    code = "import numpy as np\n" + DOUBLE + NORM
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "toy"},
        "worksheets": [
            {"cells": [{"cell_type": "code", "input": code, "language": "python", "outputs": []}]}
        ],
    }
    result = grade(raw=json.dumps(v3).encode())
    assert result.score == result.max_score
    assert "format 3" in result.message


def test_enormous_outputs_are_refused_with_advice(grade, released, monkeypatch):
    monkeypatch.setattr(notebook_reader, "MAX_NOTEBOOK_BYTES", 200_000)
    nb = answered(released, {"double": DOUBLE, "norm": NORM})
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="0.123456789\n" * 30_000)]
    result = grade(nb)
    assert result.status == "error" and "Clear them" in result.message


def test_outputs_below_the_limit_are_ignored(grade, released):
    nb = answered(released, {"double": DOUBLE, "norm": NORM})
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="x\n" * 10_000)]
    assert grade(nb).score == 5


# --------------------------------------------------------------------------- the real slice

SOFTMAX_SAME = [
    "s001_alice",
    "s002_bob",
    "s003_carol",
    "s004_dave",
    "s005_erin",
    "s006_frank",
    "s012_niaj",
]
SOFTMAX_LENIENT = ["s008_heidi", "s009_ivan"]


def as_notebook(script: str) -> nbformat.NotebookNode:
    """A student's script as a notebook, one code cell per top-level statement."""
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return nbformat.v4.new_notebook(cells=[new_code_cell(script)])
    lines = script.splitlines(keepends=True)
    starts = [
        min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))]) for n in tree.body
    ]
    bounds = zip([1, *starts[1:]], [*starts[1:], len(lines) + 1], strict=True)
    cells = [new_code_cell("".join(lines[a - 1 : b - 1])) for a, b in bounds]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def softmax_grader():
    from toy_course import REPO

    from autograder.course.paths import Course

    course = Course(REPO)
    ctx = GradingContext(load_suite(course.spec("softmax")), "notebook-secret")
    return course, ctx


@pytest.mark.parametrize("student", SOFTMAX_SAME + SOFTMAX_LENIENT)
def test_softmax_examples_score_the_same_as_notebooks(softmax_grader, student, tmp_path):
    course, ctx = softmax_grader
    script_folder = course.submissions / "softmax" / student
    by_script = grade_submission(script_folder, student, ctx)
    folder = tmp_path / student
    save(as_notebook((script_folder / "softmax.py").read_text()), folder, "softmax.ipynb")
    by_notebook = grade_submission(folder, student, ctx)
    if student in SOFTMAX_SAME:
        assert scores(by_notebook) == scores(by_script)
        assert by_notebook.status == by_script.status
    else:  # an error at import: in a notebook only that cell fails, later cells still count
        assert by_notebook.status == by_script.status == "error"
        assert all(scores(by_notebook)[t] >= s for t, s in scores(by_script).items())
        assert by_notebook.score > by_script.score


def test_students_can_check_their_notebook_with_the_public_tests(toy_course, released, tmp_path):
    from autograder.check.public import find_public_spec, run_check

    spec = find_public_spec("toy", released, toy_course)
    path = save(answered(released, {"double": DOUBLE, "norm": NORM}), tmp_path / "mine")
    result = run_check(spec, path)
    assert [t.outcome for t in result.tests] == ["passed", "passed"]
    assert run_check(spec, released).score == 0


def test_ipython_syntax_becomes_python_that_keeps_line_numbers():
    from autograder.course.ipython_syntax import to_python

    converted = to_python("if True:\n    %timeit f(1)\nnp?\nout = !ls\n")
    assert converted.source == "if True:\n    f(1)\npass\nout = None\n"
    assert [n.split(":")[0] for n in converted.notes] == ["line 2", "line 3", "line 4"]
    cell = to_python("%%time\nx = 1\ny = 1 / 0\n")
    assert cell.source.splitlines()[2] == "y = 1 / 0"  # still line 3, as in the notebook
    assert to_python("%%bash\nrm -rf /\n").source.strip() == "pass"
    assert to_python("def f(:\n").source == "def f(:\n"  # left for the real SyntaxError
