"""Grading a whole class in the arena: attackers beside honest students, one batch.

Attacks on the grader's own reading of files (notebooks, timestamps, links, names) are
judged in a batch, because the harm they aim at is to the rest of the class: every test
that uses :func:`grade_class` also checks that an honest student graded beside the
attackers keeps full marks.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from adversarial.arena import HONEST_DOUBLE, HONEST_NORM, Arena
from autograder.course.results import SubmissionResult
from autograder.grade.batch import grade_batch, student_folders

HONEST = HONEST_DOUBLE + HONEST_NORM
FULL_MARKS = 5.0  # the toy's automatic points; the written essay stays pending


def honest_notebook(*extra_cells: str) -> str:
    """A notebook that defines the right functions, after ``extra_cells``, as JSON text."""
    cells = [new_code_cell(source) for source in extra_cells]
    cells.append(new_code_cell(HONEST))
    return nbformat.writes(new_notebook(cells=cells))


def grade_class(arena: Arena, problems: list[str] | None = None) -> dict[str, SubmissionResult]:
    """Grade every folder of the arena's class, with an honest control student added."""
    arena.submit(HONEST, "honest")
    folders = student_folders(arena.course.submissions / "toy", problems)
    results = grade_batch(arena.ctx, folders, arena.course.reports, jobs=2)
    by_id = {r.student_id: r for r in results}
    control = by_id["honest"]
    assert (control.status, control.score) == ("ok", FULL_MARKS), control.message
    return by_id


def results_size(arena: Arena, student: str) -> int:
    """Bytes of the student's results.json (which must also be valid JSON)."""
    path = arena.course.reports / "toy" / student / "results.json"
    json.loads(path.read_text(encoding="utf-8"))
    return path.stat().st_size


def notebook_folder(arena: Arena, student: str, text: str) -> Path:
    """A student folder holding ``toy.ipynb`` with ``text``."""
    folder = arena.folder(student)
    (folder / "toy.ipynb").write_text(text, encoding="utf-8")
    return folder
