"""The one parser of solution markers (``### BEGIN SOLUTION`` ... ``### END SOLUTION``).

A reference solution marks the code students must write with these two comment lines.
Release replaces each region by a stub, the notebook builder makes each top-level
function or class holding a region a solution cell, and grading names the functions a
student was asked to write; all three read the markers here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from autograder.course.spec import AssignmentSpec
from autograder.errors import UserError

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB = "{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError\n"


class MarkerError(UserError):
    """The solution markers of a reference are unbalanced; the message says where."""


@dataclass(frozen=True)
class Region:
    """One solution region: the line numbers (1-based) of its BEGIN and END markers."""

    begin: int
    end: int
    indent: str


def solution_regions(source: str, filename: str = "reference") -> list[Region]:
    """Every solution region of ``source``, in order; unbalanced markers are an error."""
    regions: list[Region] = []
    start, indent = 0, ""
    for number, line in enumerate(source.splitlines(), start=1):
        begin = BEGIN.match(line)
        if begin:
            if start:
                raise MarkerError(
                    f"{filename}:{number}: BEGIN SOLUTION inside the region opened on line {start}"
                )
            start, indent = number, begin.group(1)
        elif END.match(line):
            if not start:
                raise MarkerError(f"{filename}:{number}: END SOLUTION without a BEGIN SOLUTION")
            regions.append(Region(start, number, indent))
            start = 0
    if start:
        raise MarkerError(f"{filename}:{start}: BEGIN SOLUTION is never closed")
    return regions


def make_template(source: str, filename: str = "reference") -> str:
    """``source`` with each solution region replaced by a stub raising NotImplementedError."""
    regions = solution_regions(source, filename)
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0  # index of the first line not yet copied
    for region in regions:
        out += lines[cursor : region.begin - 1]
        out.append(STUB.format(indent=region.indent))
        cursor = region.end
    out += lines[cursor:]
    return "".join(out)


def without_markers(source: str) -> str:
    """``source`` with the marker lines removed and the solutions kept."""
    return "".join(
        line
        for line in source.splitlines(keepends=True)
        if not (BEGIN.match(line) or END.match(line))
    )


def holds_solution(regions: list[Region], first: int, last: int) -> bool:
    """Whether a solution region starts between lines ``first`` and ``last`` (inclusive)."""
    return any(first <= r.begin <= last for r in regions)


def solution_names(source: str, filename: str = "reference") -> list[str]:
    """Names of the top-level functions and classes that hold a solution region.

    These are what a student writes; grading names the ones a submission lacks.
    """
    regions = solution_regions(source, filename)
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise MarkerError(f"{filename}:{exc.lineno}: {exc.msg}") from None
    return [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and holds_solution(regions, node.lineno, node.end_lineno or node.lineno)
    ]


def expected_names(spec: AssignmentSpec) -> list[str]:
    """The functions and classes students of ``spec`` write: the reference's solution
    regions; none for a spec without a reference (the released, public one)."""
    if not spec.reference or not spec.path(spec.reference).is_file():
        return []
    source = spec.path(spec.reference).read_text(encoding="utf-8")
    return solution_names(source, spec.reference)
