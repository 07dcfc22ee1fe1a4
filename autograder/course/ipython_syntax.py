"""Turns a notebook cell written in IPython's syntax into plain Python.

Students' notebooks hold ``%matplotlib inline``, ``%timeit f(x)``, ``!pip install ...``
and ``%%time`` cells. The grader runs no IPython kernel, so each of these is either
transformed into the Python it stands for (``%time stmt`` runs ``stmt``; a ``%%time`` or
``%%capture`` cell runs its body) or dropped with a note that says what was dropped and
why. Shell commands are never run. IPython's own transformer does the parsing, on the
grader's side, as text only.

That transformer makes one change per pass over the whole cell, so its cost grows with
(IPython lines) x (lines of the cell), and past 500 passes it raises ``RuntimeError``. It
runs in the grader, before any sandbox time limit, so each notebook gets a
``ConversionBudget``: a cell with more than ``MAX_IPYTHON_LINES`` IPython lines, or one
that would take the notebook past its work (or wall-clock) budget, is not converted but
runs as written (failing on its own, with a note), and any error of the transformer is
caught per cell the same way.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field

# Magics whose argument is Python code that should simply run once.
RUN_BODY_LINE_MAGICS = ("time", "timeit", "prun")
RUN_BODY_CELL_MAGICS = ("time", "timeit", "capture", "prun")

MAX_IPYTHON_LINES = 100  # per cell; honest cells hold a handful
WORK_BUDGET = 100_000  # sum over cells of IPython lines x cell lines (15-40 us each)
SECONDS_BUDGET = 10.0  # a backstop, should the cost per unit be far off on some machine


@dataclass
class Converted:
    """Plain Python for one cell, and a note per line that was changed or dropped."""

    source: str
    notes: list[str] = field(default_factory=list)
    refused: bool = False  # not converted at all: the notes say why


@dataclass
class ConversionBudget:
    """What one notebook may still spend on IPython's transformer."""

    work: int = WORK_BUDGET
    deadline: float = field(default_factory=lambda: time.monotonic() + SECONDS_BUDGET)

    def refusal(self, ipython_lines: int, lines: int) -> str:
        """Why a cell of this shape is not converted ("" if it is), charging the budget."""
        if ipython_lines > MAX_IPYTHON_LINES:
            return (
                f"{ipython_lines} lines of IPython syntax (the limit is {MAX_IPYTHON_LINES} "
                "per cell)"
            )
        cost = ipython_lines * lines
        if cost > self.work or time.monotonic() > self.deadline:
            return "the notebook's budget for IPython syntax is spent (too many such lines)"
        self.work -= cost
        return ""


def _transformer():
    """A new transformer per cell: cheap, and safe when threads grade side by side."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def to_python(cell_source: str, budget: ConversionBudget | None = None) -> Converted:
    """The cell as Python that runs without IPython; unchanged if it is plain Python."""
    ipython_lines = _ipython_line_count(cell_source)
    if not ipython_lines:
        return Converted(cell_source)
    refused = (budget or ConversionBudget()).refusal(ipython_lines, cell_source.count("\n") + 1)
    if refused:
        note = f"not converted from IPython syntax: {refused}; it runs as plain Python"
        return Converted(cell_source, [note], refused=True)
    try:
        transformed = _transformer().transform_cell(cell_source)
        tree = ast.parse(transformed)
    except SyntaxError:
        # Not valid even as IPython: run it as written so the student sees the real error.
        return Converted(cell_source)
    except Exception as exc:  # noqa: BLE001 - IPython raises RuntimeError and others
        note = f"IPython could not read this cell ({type(exc).__name__}); it runs as written"
        return Converted(cell_source, [note], refused=True)
    lines = transformed.splitlines(keepends=True)
    notes: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign)):
            continue
        call = _ipython_call(node.value) if node.value is not None else None
        if call is None:
            continue
        method, args = call
        indent = " " * node.col_offset
        text = _replacement(method, args, node, notes)
        replacements.append((node.lineno, node.end_lineno, _indented(text, indent)))
    for start, end, text in sorted(replacements, reverse=True):
        lines[start - 1 : end] = [text]
    notes.sort(key=lambda note: int(note.split(":")[0][5:]) if note.startswith("line ") else 0)
    return Converted("".join(lines), notes)


def _ipython_line_count(source: str) -> int:
    """How many lines may hold IPython syntax (magics, shell escapes, help requests)."""
    return sum(
        line.lstrip().startswith(("%", "!")) or line.rstrip().endswith("?")
        for line in source.splitlines()
    )


def _ipython_call(value: ast.expr) -> tuple[str, list[str]] | None:
    """``("run_line_magic", ["time", "f(x)"])`` for ``get_ipython().run_line_magic(...)``."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Call)
        and isinstance(value.func.value.func, ast.Name)
        and value.func.value.func.id == "get_ipython"
    ):
        return None
    args = [a.value for a in value.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return value.func.attr, args


def _replacement(method: str, args: list[str], node: ast.stmt, notes: list[str]) -> str:
    line = node.lineno
    if method == "run_line_magic" and len(args) >= 2:
        name, rest = args[0], args[1]
        if name in RUN_BODY_LINE_MAGICS and isinstance(node, ast.Expr) and _parses(rest):
            notes.append(f"line {line}: %{name} {rest}: ran the statement once, untimed")
            return rest + "\n"
        if name in ("pinfo", "pinfo2", "psearch"):
            notes.append(f"line {line}: help request ({rest}?) dropped")
        else:
            notes.append(f"line {line}: IPython magic %{name} {rest} dropped (no IPython here)")
        return _placeholder(node)
    if method == "run_cell_magic" and len(args) >= 3:
        name, body = args[0], args[2]
        if name in RUN_BODY_CELL_MAGICS and _parses(body):
            notes.append(f"%%{name} cell: ran its body once")
            return f"# %%{name} (ran once)\n" + body  # keeps the body's line numbers
        notes.append(f"%%{name} cell dropped (only %%time, %%timeit and %%capture cells run)")
        return "pass\n"
    if method in ("system", "getoutput"):
        command = args[0] if args else "?"
        notes.append(f"line {line}: shell command !{command} dropped (shell commands never run)")
        return _placeholder(node)
    notes.append(f"line {line}: IPython call get_ipython().{method} dropped")
    return _placeholder(node)


def _placeholder(node: ast.stmt) -> str:
    """``pass``, or ``x = None`` so that a name assigned from ``!cmd`` still exists."""
    if isinstance(node, ast.Assign):
        targets = " = ".join(ast.unparse(t) for t in node.targets)
        return f"{targets} = None\n"
    if isinstance(node, ast.AnnAssign):
        return f"{ast.unparse(node.target)} = None\n"
    return "pass\n"


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def _indented(text: str, indent: str) -> str:
    body = text if text.endswith("\n") else text + "\n"
    return "".join(indent + line if line.strip() else line for line in body.splitlines(True))
