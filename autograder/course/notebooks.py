"""Reads a student's ``.ipynb`` as source chunks, one per code cell, without a kernel.

The file is parsed as JSON in the grader (never executed here); each code cell becomes a
chunk named ``<file> [cell N]`` so tracebacks point at the cell, IPython syntax is turned
into Python (see ``ipython_syntax``), and nbgrader's own test cells are left out (the
hidden tests grade instead). Anything wrong with the file itself is an
``UnusableSubmission`` whose message says what to do; smaller problems (a deleted or moved
cell, a dropped magic) become notes shown with the result.

The notebook is the student's, so reading it is bounded before any costly step: the file's
size (read through ``student_files``), JSON nesting, the number of cells and the code's
total size are checked first, and IPython's transformer (whose cost grows with the square
of a cell's length) gets a work budget; a cell it cannot convert, or that would exceed the
budget, runs as written and fails on its own, with a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course.ipython_syntax import ConversionBudget, to_python
from autograder.course.student_files import StudentFileError, read_student_file
from autograder.sandbox import Chunk

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_CODE_CHARS = 2 * 1024 * 1024
MAX_CELLS = 1000
RESAVE = "open it in Jupyter, save it, and submit it again"


class BadNotebook(Exception):
    """The notebook cannot be read; ``status`` and ``message`` are for the student."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class NotebookCode:
    chunks: list[Chunk]
    notes: list[str] = field(default_factory=list)
    digest_source: bytes = b""  # the bytes that were graded, for the submission digest


def read_notebook_bytes(path: Path) -> bytes:
    """The notebook file's bytes, read once, with the size cap; ``BadNotebook`` if refused."""
    try:
        size = path.lstat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise BadNotebook(
                "error",
                f"{path.name} is {size / 2**20:.1f} MB, over the "
                f"{MAX_NOTEBOOK_BYTES / 2**20:.0f} MB limit; this is almost always cell "
                "outputs (plots, printed arrays). Clear them (Edit > Clear Outputs of All "
                "Cells), save, and submit again.",
            )
        return read_student_file(path, MAX_NOTEBOOK_BYTES)
    except StudentFileError as exc:
        raise BadNotebook("missing" if exc.not_a_file else "error", str(exc)) from None
    except OSError as exc:
        raise BadNotebook("error", f"{path.name} cannot be read: {exc.strerror}") from None


def load_cells(path: Path, raw: bytes | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """The notebook's cells as nbformat 4 dicts, and notes; ``BadNotebook`` if unreadable."""
    name = path.name
    if raw is None:
        raw = read_notebook_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadNotebook(
            "error",
            f"{name} is not UTF-8 text (bad byte at offset {exc.start}); notebooks are always "
            f"UTF-8, so the file was changed outside Jupyter: {RESAVE}",
        ) from None
    data = _parse_json(text, name)
    if not isinstance(data, dict):
        raise BadNotebook("error", f"{name} is JSON but not a notebook: {RESAVE}")
    version = data.get("nbformat")
    notes = []
    if version == 3:
        data = _upgrade_v3(data, name)
        notes.append(f"{name} is in the old notebook format 3; it was converted to format 4")
    elif version != 4:
        raise BadNotebook(
            "error",
            f"{name} has notebook format {version!r}; only formats 3 and 4 (Jupyter since "
            f"2015) can be read: {RESAVE}",
        )
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise BadNotebook("error", f"{name} has no list of cells: {RESAVE}")
    if len(cells) > MAX_CELLS:
        raise BadNotebook(
            "error",
            f"{name} has {len(cells):,} cells; the limit is {MAX_CELLS:,}. Merge or delete "
            "cells, save, and submit again.",
        )
    return [_checked_cell(cell, number, name) for number, cell in enumerate(cells, 1)], notes


def _parse_json(text: str, name: str) -> Any:
    """The notebook's JSON; every way it can fail is a ``BadNotebook``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadNotebook(
            "error",
            f"{name} is not a valid notebook: its JSON breaks at line {exc.lineno}, column "
            f"{exc.colno} ({exc.msg}). It may be cut short or edited by hand: {RESAVE}",
        ) from None
    except RecursionError:
        raise BadNotebook(
            "error",
            f"{name} is not a notebook: its JSON is nested far deeper than any notebook "
            f"(Jupyter never writes that): {RESAVE}",
        ) from None
    except (ValueError, MemoryError) as exc:  # e.g. an integer of 5,000 digits
        raise BadNotebook(
            "error", f"{name} is not a valid notebook ({str(exc)[:200]}): {RESAVE}"
        ) from None


def _upgrade_v3(data: dict, name: str) -> dict:
    import nbformat

    try:
        return nbformat.convert(nbformat.from_dict(data), 4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for bad input
        raise BadNotebook(
            "error", f"{name} is in the old notebook format 3 and cannot be converted: {exc}"
        ) from None


def _checked_cell(cell: Any, number: int, name: str) -> dict[str, Any]:
    if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
        raise BadNotebook("error", f"{name}: cell {number} is malformed: {RESAVE}")
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise BadNotebook("error", f"{name}: cell {number} has no readable source: {RESAVE}")
    source = source.encode("utf-8", "replace").decode("utf-8")  # JSON may hold lone surrogates
    metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
    return {"cell_type": cell["cell_type"], "source": source, "nbgrader": _plain(nbgrader)}


def _plain(nbgrader: dict) -> dict[str, Any]:
    """The nbgrader fields we read, kept only when they have the type nbgrader writes
    (a list as ``grade_id`` must not reach a dict lookup or a set)."""
    kept: dict[str, Any] = {}
    if isinstance(nbgrader.get("grade_id"), str):
        kept["grade_id"] = nbgrader["grade_id"][:200]
    for key in ("grade", "solution", "locked", "task"):
        if isinstance(nbgrader.get(key), bool):
            kept[key] = nbgrader[key]
    return kept


def is_test_cell(cell: dict[str, Any]) -> bool:
    """An nbgrader "autograder tests" cell: graded, not written by the student."""
    meta = cell["nbgrader"]
    return bool(meta.get("grade")) and not meta.get("solution") and cell["cell_type"] == "code"


def read_notebook(path: Path, expected_cells: list[str] = ()) -> NotebookCode:
    """One chunk per code cell, in the notebook's order, plus notes for the student.

    ``expected_cells`` are the grade ids of the released notebook's solution cells, in
    order; cells deleted, duplicated or moved are noted (the code still runs as it is).
    """
    raw = read_notebook_bytes(path)
    cells, notes = load_cells(path, raw)
    code = [
        (number, cell["source"])
        for number, cell in enumerate(cells, 1)
        if cell["cell_type"] == "code" and not is_test_cell(cell) and cell["source"].strip()
    ]
    total = sum(len(source) for _, source in code)
    if total > MAX_CODE_CHARS:
        raise BadNotebook(
            "error",
            f"{path.name} holds {total:,} characters of code; the limit is {MAX_CODE_CHARS:,}",
        )
    budget = ConversionBudget()
    chunks, refused, changed = [], {}, []
    for number, source in code:
        converted = to_python(source, budget)
        label = f"{path.name} [cell {number}]"
        if converted.refused:  # one note per reason, naming the cells: read first
            refused.setdefault(converted.notes[0], []).append(number)
        else:
            changed += [f"{label}: {note}" for note in _fewer(converted.notes)]
        chunks.append(Chunk(label, converted.source))
    notes += [f"{path.name} {_cells(numbers)}: {note}" for note, numbers in refused.items()]
    notes += changed + structure_notes(cells, list(expected_cells), path.name)
    return NotebookCode(chunks, notes, raw)


def _fewer(notes: list[str], keep: int = 3) -> list[str]:
    """A cell's first notes, and how many more there were."""
    if len(notes) <= keep:
        return notes
    return [*notes[:keep], f"and {len(notes) - keep} more IPython line(s) dropped or run"]


def _cells(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"[cell {shown}{more}]" if len(numbers) == 1 else f"[cells {shown}{more}]"


def structure_notes(cells: list[dict[str, Any]], expected: list[str], name: str) -> list[str]:
    """Say which released solution cells are gone, copied or out of order."""
    if not expected:
        return []
    present = [c["nbgrader"].get("grade_id") for c in cells if c["nbgrader"].get("grade_id")]
    if not present:
        return [
            f"{name} has none of the released notebook's cells (made from scratch?); "
            "it is graded by the functions it defines"
        ]
    notes = []
    missing = [cell_id for cell_id in expected if cell_id not in present]
    if missing:
        notes.append(
            f"{name}: the solution cell(s) {', '.join(missing)} of the released notebook "
            "are missing (deleted, or their nbgrader metadata removed); the functions are "
            "looked for in the other cells"
        )
    copied = sorted({cell_id for cell_id in present if present.count(cell_id) > 1})
    if copied:
        notes.append(
            f"{name}: cell(s) {', '.join(copied)} appear more than once; all copies run, "
            "in order, and the last definition wins"
        )
    order = [cell_id for cell_id in present if cell_id in expected]
    if not copied and order != [cell_id for cell_id in expected if cell_id in present]:
        notes.append(
            f"{name}: cells were moved (released order: {', '.join(expected)}; yours: "
            f"{', '.join(order)}); they run in your notebook's order"
        )
    return notes
