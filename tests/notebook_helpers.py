"""Builds student notebooks for tests from the toy assignment's released notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from autograder.release.package import release

DOUBLE = "import numpy as np\n\ndef double(x):\n    return 2 * np.asarray(x, dtype=float)\n"
NORM = "def norm(x):\n    return float(np.linalg.norm(x))\n"


def release_toy(course) -> Path:
    """Release the toy assignment; return the released notebook's path."""
    report = release(course.spec("toy"), course.assignments)
    return report.folder / "toy.ipynb"


def answered(released: Path, answers: dict[str, str], extra: list[tuple[int, str]] = ()):
    """The released notebook with solution cells replaced and extra code cells inserted."""
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    for position, source in sorted(extra, reverse=True):
        nb.cells.insert(position, new_code_cell(source))
    return nb


def save(nb, folder: Path, name: str = "toy.ipynb") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path
