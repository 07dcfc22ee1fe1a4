"""Modules stay small enough to read in one sitting, functions small enough to hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))]


def test_no_module_is_over_the_limit():
    long = [
        f"{path.relative_to(PACKAGE)}: {len(text.splitlines())} lines"
        for path, text in _sources()
        if len(text.splitlines()) > MAX_MODULE_LINES
    ]
    assert long == [], f"split these modules (at most {MAX_MODULE_LINES} lines)"


def test_no_function_is_over_the_limit():
    long = []
    for path, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}: {size}")
    assert long == [], f"split these functions (at most {MAX_FUNCTION_LINES} lines)"
