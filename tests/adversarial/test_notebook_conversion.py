"""Notebooks built to hurt the grader before any sandbox limit applies.

The notebook is parsed and its IPython syntax converted in the grader, so each attack here
aims at that step: JSON nested 100,000 deep, a cell IPython's transformer gives up on,
cells that make the transformer's quadratic cost explode, too many cells. Each must end as
that student's clear ``error`` (or a note), never as a crash of the batch or of
``report``, and the honest student graded beside them keeps full marks.
"""

from __future__ import annotations

import json

import pytest

from adversarial.classroom import FULL_MARKS, HONEST, grade_class, honest_notebook
from adversarial.classroom import notebook_folder as put
from autograder.cli import main
from autograder.course import ipython_syntax
from autograder.course.ipython_syntax import MAX_IPYTHON_LINES, ConversionBudget, to_python
from autograder.course.notebooks import MAX_CELLS

SHELL_LINE = "!echo {}\n"


def shell_cell(lines: int) -> str:
    return "".join(SHELL_LINE.format(i) for i in range(lines))


def test_deeply_nested_json_is_an_error_of_that_student(arena):
    depth = 100_000
    put(arena, "nested_list", "[" * depth + "]" * depth)
    put(arena, "nested_cells", '{"nbformat": 4, "cells": ' + "[" * depth + "]" * depth + "}")
    put(arena, "nested_meta", '{"metadata": ' + '{"a": ' * depth + "1" + "}" * depth + "}")
    put(arena, "huge_number", '{"nbformat": 4, "cells": [], "x": ' + "9" * 50_000 + "}")
    results = grade_class(arena)
    for student in ("nested_list", "nested_cells", "nested_meta"):
        result = results[student]
        assert (result.status, result.score) == ("error", 0.0)
        assert "nested far deeper than any notebook" in result.message
    assert results["huge_number"].status == "error"
    assert "toy.ipynb is not a valid notebook" in results["huge_number"].message
    assert main(["--course", str(arena.root), "report", "toy", "--no-public"]) == 0


def test_a_cell_ipython_gives_up_on_fails_alone(arena):
    put(arena, "shell_501", honest_notebook(shell_cell(501)))
    put(arena, "shell_5000", honest_notebook(shell_cell(5000)))
    put(arena, "mixed", honest_notebook("x = 1\n" + shell_cell(MAX_IPYTHON_LINES + 1) + "y = 2\n"))
    results = grade_class(arena)
    for student, lines in (("shell_501", 501), ("shell_5000", 5000)):
        result = results[student]
        assert (result.status, result.score) == ("error", FULL_MARKS), result.message
        assert f"{lines} lines of IPython syntax" in result.message
        assert "toy.ipynb [cell 1]: SyntaxError" in result.message
    assert results["mixed"].score == FULL_MARKS
    assert main(["--course", str(arena.root), "report", "toy", "--no-public"]) == 0


def test_any_error_of_the_transformer_is_caught_per_cell(monkeypatch):
    class Exploding:
        def __init__(self, error):
            self.error = error

        def transform_cell(self, source):
            raise self.error

    for error in (RuntimeError("still changing"), RecursionError(), MemoryError(), KeyError(1)):
        monkeypatch.setattr(ipython_syntax, "_transformer", lambda e=error: Exploding(e))
        converted = to_python("%time x = 1\n")
        assert converted.source == "%time x = 1\n"  # runs as written, fails alone
        assert converted.notes == [
            f"IPython could not read this cell ({type(error).__name__}); it runs as written"
        ]


def test_quadratic_cells_spend_the_budget_then_run_as_written(arena):
    # 60 cells just under the per-cell cap: unbounded, this is minutes of grader time.
    cells = [shell_cell(MAX_IPYTHON_LINES - 1) for _ in range(60)]
    put(arena, "quadratic", honest_notebook(*cells))
    results = grade_class(arena)
    result = results["quadratic"]
    assert (result.status, result.score) == ("error", FULL_MARKS)
    assert "the notebook's budget for IPython syntax is spent" in result.message
    converted = result.message.count("shell command !echo 0 dropped")
    refused = result.message.count("budget for IPython syntax is spent")
    assert converted >= 1 and refused >= 1


def test_the_budget_is_charged_by_ipython_lines_times_cell_lines():
    budget = ConversionBudget(work=1_000)
    assert budget.refusal(10, 50) == ""
    assert budget.work == 500
    assert "budget for IPython syntax is spent" in budget.refusal(10, 51)
    assert budget.refusal(MAX_IPYTHON_LINES + 1, 1).startswith(f"{MAX_IPYTHON_LINES + 1} lines")
    assert (
        to_python(shell_cell(3), ConversionBudget(work=0))
        .notes[0]
        .startswith("not converted from IPython syntax")
    )


def test_too_many_cells_and_odd_metadata(arena):
    many = json.loads(honest_notebook())
    many["cells"] = many["cells"] * (MAX_CELLS + 1)
    put(arena, "many_cells", json.dumps(many))
    odd = json.loads(honest_notebook("x = 1\n"))
    odd["cells"][0]["metadata"]["nbgrader"] = {"grade_id": ["a", "list"], "grade": "yes"}
    odd["cells"][1]["metadata"]["nbgrader"] = {"grade_id": {"a": 1}, "solution": 1}
    put(arena, "odd_metadata", json.dumps(odd))
    results = grade_class(arena)
    assert (results["many_cells"].status, results["many_cells"].score) == ("error", 0.0)
    assert (
        f"has {MAX_CELLS + 1:,} cells; the limit is {MAX_CELLS:,}" in results["many_cells"].message
    )
    assert (results["odd_metadata"].status, results["odd_metadata"].score) == ("ok", FULL_MARKS)


def answered(answer: str) -> str:
    """A notebook whose answer cell for the essay holds ``answer`` (escaped in the JSON)."""
    notebook = json.loads(honest_notebook(answer))
    cell = notebook["cells"][0]
    cell.update(cell_type="markdown")
    cell.pop("outputs"), cell.pop("execution_count")
    cell["metadata"]["nbgrader"] = {"grade_id": "answer_essay", "grade": True}
    return json.dumps(notebook)


SHEET_ATTACKS = {
    "nested": "[" * 100_000 + "]" * 100_000,
    "shell_501": honest_notebook(shell_cell(501)),
    "surrogate": answered("\ud800 lone surrogate"),
}


@pytest.mark.parametrize("student", sorted(SHEET_ATTACKS))
def test_manual_sheet_survives_the_same_notebooks(arena, student, tmp_path):
    put(arena, student, SHEET_ATTACKS[student])
    arena.submit(HONEST, "honest")
    code = main(["--course", str(arena.root), "manual", "sheet", "toy", "--out", str(tmp_path)])
    assert code == 0
    sheet = (tmp_path / "toy" / "grading_sheet.csv").read_text()
    assert f"{student},essay" in sheet and "honest,essay" in sheet
