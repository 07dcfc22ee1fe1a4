"""Builds an assignment's notebook from its reference script, in nbgrader's format.

The reference ``.py`` (with ``### BEGIN SOLUTION`` markers) stays the one source of truth:
each top-level function or class holding a solution region becomes an nbgrader solution
cell named after it, the code around them becomes locked cells, each code problem gets a
locked test cell (its public tests, plus its hidden tests in a ``### BEGIN HIDDEN TESTS``
region in the instructor's version), and each written problem gets its prompt and a
manually graded answer cell. :func:`source_notebook` is that instructor version (nbgrader's
``source/``); :func:`student_notebook` turns it into the student's with nbgrader's own
preprocessors, the pipeline ``nbgrader generate_assignment`` runs.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.author.collector import CONFTEST
from autograder.author.markers import holds_solution, solution_regions, without_markers
from autograder.course.files import ANSWER_STUB, answer_cell_id
from autograder.course.spec import AssignmentSpec, Tolerance
from autograder.course.submission import notebook_file
from autograder.errors import UserError
from autograder.release.student_text import notebook_intro

if TYPE_CHECKING:  # nbformat pulls in jsonschema (about a second): only notebooks pay for it
    from nbformat import NotebookNode

SCHEMA_VERSION = 3
PROBLEM_TEXT_ID = "problem_text"
INTRO_ID = "how_to_work_here"
CHECKS_MODULE = "autograder.author.notebook_checks"


class NotebookBuildError(UserError):
    """The reference or the tests cannot be laid out as a notebook; says where."""


@dataclass(frozen=True)
class CodePiece:
    """A run of the reference script that becomes one code cell."""

    kind: str  # "solution" (a function or class the student writes) or "setup" (kept as is)
    name: str  # the nbgrader grade_id
    source: str


@dataclass(frozen=True)
class TestPiece:
    """The test functions of one test file that score one problem, and what they need."""

    prelude: str  # the file's imports and helpers
    functions: tuple[str, ...]  # source of each test function, decorators included
    names: tuple[str, ...]


def split_reference(source: str, filename: str = "reference") -> list[CodePiece]:
    """Cut the reference into cells: one per solution function/class, setup code between."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise NotebookBuildError(f"{filename}:{exc.lineno}: {exc.msg}") from None
    regions = solution_regions(source, filename)
    lines = source.splitlines(keepends=True)
    pieces: list[CodePiece] = []
    pending: list[str] = []
    cursor = 0  # index of the first line not yet given to a cell
    for node in tree.body:
        end = _block_end(lines, node)
        text = "".join(lines[cursor:end])
        cursor = end
        solution = holds_solution(regions, node.lineno, end)
        if solution and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if pending:
                pieces.append(_setup(pending, len(pieces)))
                pending = []
            pieces.append(CodePiece("solution", node.name, text.strip("\n") + "\n"))
        elif solution:
            raise NotebookBuildError(
                f"{filename}:{node.lineno}: a solution region must sit inside a top-level "
                "function or class so that it can become a notebook solution cell"
            )
        else:
            pending.append(text)
    pending.append("".join(lines[cursor:]))
    if "".join(pending).strip():
        pieces.append(_setup(pending, len(pieces)))
    names = [p.name for p in pieces]
    if len(set(names)) != len(names):
        raise NotebookBuildError(f"{filename}: top-level names must be unique, got {names}")
    return pieces


def _block_end(lines: list[str], node: ast.stmt) -> int:
    """The node's last line, counting indented comments after it (``### END SOLUTION``)."""
    end, probe = node.end_lineno, node.end_lineno
    while probe < len(lines):
        line = lines[probe]
        if line.strip() and not line.lstrip().startswith("#"):
            break
        if line.strip() and len(line) - len(line.lstrip()) > node.col_offset:
            end = probe + 1
        elif line.strip():
            break
        probe += 1
    return end


def _setup(texts: list[str], index: int) -> CodePiece:
    return CodePiece("setup", f"setup_{index + 1}", "".join(texts).strip("\n") + "\n")


def tests_by_problem(path: Path) -> dict[str, TestPiece]:
    """The tests of one pytest-style file (functions and ``Test*`` classes), grouped by
    problem: the function's or class's marker, else the module's ``pytestmark``. The
    prelude (the file's other code) starts with the ``conftest.py`` beside the file, so
    author fixtures work in the notebook's check cells too."""
    source = path.read_text(encoding="utf-8")
    conftest = path.parent / CONFTEST
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines(keepends=True)
    module_problem = next((_problem_in(n.value) for n in tree.body if _assigns_pytestmark(n)), None)
    prelude = [conftest.read_text(encoding="utf-8")] if conftest.is_file() else []
    grouped: dict[str, list[tuple[str, str]]] = {}
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        text = "".join(lines[start - 1 : node.end_lineno])
        problem = _problem_of(node) or module_problem
        if _is_test(node) and problem:
            grouped.setdefault(problem, []).append((node.name, text))
        else:
            prelude.append(text)
    return {
        problem: TestPiece(
            "\n".join(prelude).strip("\n"),
            tuple(t for _, t in found),
            tuple(n for n, _ in found),
        )
        for problem, found in grouped.items()
    }


def _is_test(node: ast.stmt) -> bool:
    if isinstance(node, ast.FunctionDef):
        return node.name.startswith("test")
    return isinstance(node, ast.ClassDef) and node.name.startswith("Test")


def _assigns_pytestmark(node: ast.stmt) -> bool:
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
    )


def _problem_of(node: ast.stmt) -> str | None:
    """The problem marker on a function or class, or (for a class) on its first method."""
    for decorator in getattr(node, "decorator_list", []):
        found = _problem_in(decorator)
        if found:
            return found
    if isinstance(node, ast.ClassDef):
        return next((p for item in node.body if (p := _problem_of(item))), None)
    return None


def _problem_in(expression: ast.expr) -> str | None:
    """The id in the first ``pytest.mark.problem("id")`` call within ``expression``."""
    for sub in ast.walk(expression):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "problem"
            and sub.args
            and isinstance(sub.args[0], ast.Constant)
        ):
            return str(sub.args[0].value)
    return None


def source_notebook(spec: AssignmentSpec, points: dict[str, float]) -> NotebookNode:
    """nbgrader's source version: solutions, public and hidden tests, answer cells.

    ``points`` gives each code problem's hidden-test points, the worth of its test cell.
    Instructor-only: it holds the reference code and the hidden tests.
    """
    from nbformat.v4 import new_code_cell, new_notebook

    reference = spec.path(spec.reference).read_text(encoding="utf-8")
    cells = [_locked_markdown(notebook_intro(spec, notebook_file(spec)), INTRO_ID)]
    if spec.problem_text:
        text = spec.path(spec.problem_text).read_text(encoding="utf-8")
        cells.append(_locked_markdown(text, PROBLEM_TEXT_ID))
    for piece in split_reference(reference, spec.reference):
        if piece.kind == "solution":
            cells.append(_cell(new_code_cell(piece.source), piece.name, solution=True))
        else:
            cells.append(_cell(new_code_cell(piece.source), piece.name, locked=True))
    public = [tests_by_problem(spec.path(p)) for p in spec.public_tests]
    hidden = [tests_by_problem(spec.path(p)) for p in spec.hidden_tests]
    stripped_reference = without_markers(reference)
    for problem in spec.problems:
        if problem.written:
            continue
        mine_public = [f[problem.id] for f in public if problem.id in f]
        mine_hidden = [f[problem.id] for f in hidden if problem.id in f]
        if not (mine_public or mine_hidden):
            continue
        cells.append(_locked_markdown(f"### Checks: {problem.title}", f"{problem.id}_checks_title"))
        source = _test_cell_source(
            problem.title, mine_public, mine_hidden, stripped_reference, spec.tolerance
        )
        cells.append(
            _cell(
                new_code_cell(source),
                test_cell_id(problem.id),
                grade=True,
                locked=True,
                points=points.get(problem.id, 0.0),
            )
        )
    cells += _answer_cells(spec)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _answer_cells(spec: AssignmentSpec) -> list[NotebookNode]:
    """For each written problem: its prompt, locked, then the cell the student answers in."""
    from nbformat.v4 import new_markdown_cell

    cells = []
    for problem in spec.written_problems:
        prompt = f"## {problem.title} ({problem.points:g} points)\n\n{problem.prompt.strip()}"
        cells.append(_locked_markdown(prompt, f"{problem.id}_prompt"))
        cells.append(
            _cell(
                new_markdown_cell(ANSWER_STUB),
                answer_cell_id(problem.id),
                grade=True,
                solution=True,
                points=problem.points,
            )
        )
    return cells


def test_cell_id(problem_id: str) -> str:
    return f"test_{problem_id}"


def _test_cell_source(
    title: str,
    public: list[TestPiece],
    hidden: list[TestPiece],
    reference: str,
    tolerance: Tolerance,
) -> str:
    parts = [f"# Checks for {title}: run this cell to test your code above."]
    tol = f"rtol={tolerance.rtol!r}, atol={tolerance.atol!r}"
    names: list[str] = []
    for piece in public:
        parts += [piece.prelude, *piece.functions]
        names += piece.names
    parts.append(f"from {CHECKS_MODULE} import run_checks")
    parts.append(f"run_checks(globals(), [{', '.join(names)}], {tol})")
    if hidden:
        hidden_names: list[str] = []
        parts.append("### BEGIN HIDDEN TESTS")
        parts.append(f"from {CHECKS_MODULE} import reference_module")
        parts.append(f"_reference = reference_module({reference!r})")
        for piece in hidden:
            parts += [piece.prelude, *piece.functions]
            hidden_names += piece.names
        parts.append(
            f"run_checks(globals(), [{', '.join(hidden_names)}], reference=_reference, {tol})"
        )
        parts.append("### END HIDDEN TESTS")
    return "\n\n".join(p for p in parts if p.strip()) + "\n"


def _locked_markdown(text: str, grade_id: str) -> NotebookNode:
    from nbformat.v4 import new_markdown_cell

    return _cell(new_markdown_cell(text.strip() + "\n"), grade_id, locked=True)


def _cell(
    cell: NotebookNode,
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> NotebookNode:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
    }
    if grade:
        meta["points"] = points if points is not None else 0
    cell.metadata["nbgrader"] = meta
    cell["id"] = grade_id.replace(".", "-")[:64]
    return cell


def student_notebook(source: NotebookNode) -> NotebookNode:
    """The student's notebook, made by nbgrader's preprocessors from the source version.

    The same steps as ``nbgrader generate_assignment`` minus its database: lock cells,
    replace solutions by stubs, clear outputs, check metadata, checksum, drop hidden
    tests, checksum again.
    """
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    nb = copy.deepcopy(source)
    resources: dict = {}
    for step in (
        LockCells,
        ClearSolutions,
        ClearOutput,
        CheckCellMetadata,
        ComputeChecksums,
        ClearHiddenTests,
        ComputeChecksums,
        CheckCellMetadata,
    ):
        nb, resources = step().preprocess(nb, resources)
    return nb


def filled_notebook(student: NotebookNode, source: NotebookNode) -> NotebookNode:
    """The student notebook with every solution cell answered by the reference.

    What a perfect student would hand in: same metadata and checksums as released, only
    solution cells changed.
    """
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = copy.deepcopy(student)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = without_markers(answers[meta["grade_id"]])
        elif meta.get("solution"):
            cell.source = "An answer written by the reference student."
    return nb


def notebook_text(nb: NotebookNode) -> str:
    """The notebook as written to disk (stable, so a re-release gives the same bytes)."""
    import nbformat

    return nbformat.writes(nb, version=4) + "\n"
