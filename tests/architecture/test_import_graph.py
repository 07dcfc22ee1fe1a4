"""The package's import graph follows the flow: no stage reaches back to a later one.

Layers (errors, sandbox, course, gradebook) sit beneath every stage; stages come in the
order a course uses them. A module may import its own package, a layer below it, or an
earlier stage, never a later one: the report reads what grading stored and never grades,
storage never recomputes scoring, and the sandbox knows nothing of courses.
"""

from __future__ import annotations

import ast
from pathlib import Path

import autograder

ORDER = [
    # layers
    "errors",
    "sandbox",
    "course",
    "gradebook",
    "pages",  # the one stylesheet and frame of every HTML page
    # stages, in flow order
    "author",
    "runner",
    "release",
    "check",
    "collect",
    "grade",
    "manual",
    "report",
    "similarity",
    "portal",
    # the faces on top
    "console",
    "cli_parser",
    "cli_output",
    "cli",
    "__main__",
]
PACKAGE = Path(autograder.__file__).parent
PACKAGE_CONSTANTS = {"__version__", "DISTRIBUTION"}  # names in autograder/__init__.py


def _part(module: str) -> str | None:
    """The top-level part of ``autograder.<part>...``, or None for other modules."""
    pieces = module.split(".")
    if pieces[0] != "autograder" or len(pieces) < 2:
        return None
    return pieces[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "autograder":  # from autograder import sandbox
                found += [(node.lineno, f"autograder.{a.name}") for a in node.names]
    return found


def backward_arrows() -> list[str]:
    """Every import that points from a part of the package to a later one."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        here = relative.parts[0].removesuffix(".py")
        if here == "__init__":
            continue
        for line, module in _imports(path):
            there = _part(module)
            if there is None or there == here or there in PACKAGE_CONSTANTS:
                continue
            if ORDER.index(there) > ORDER.index(here):
                wrong.append(f"{relative}:{line} ({here}) imports {module} ({there})")
    return wrong


def test_every_part_of_the_package_has_a_place_in_the_flow():
    parts = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    parts -= {"__init__", "py.typed"}
    assert parts <= set(ORDER), f"place {sorted(parts - set(ORDER))} in ORDER"


def test_no_import_points_from_an_earlier_stage_to_a_later_one():
    assert backward_arrows() == []
