"""Runs one chunk of student code in the worker, loading as much of it as can be graded.

Two faults would otherwise cost a student every point of a file whose functions are fine:

- a syntax error anywhere: the chunk is cut into its top-level statements, each one that
  compiles on its own (or with the few statements after it) is run, and the error names
  its line and the definitions that could not be loaded;
- an ``import`` of a module the grader does not have (``torch``, ``sklearn``, a course
  helper): the module becomes a stand-in whose every use raises an error naming it, and
  the chunk runs again. Code that catches ``ImportError`` itself is left to do so.

Runs inside the worker only; the grader never executes any of this on student code.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import re
import sys
import types
from collections.abc import Callable
from typing import Any

MISSING_MODULE = "MissingModule"  # error type of a note: the chunk still loaded
MAX_STAND_INS = 20
MAX_JOIN = 12  # statements tried together when one does not compile alone
MAX_PIECES = 2_000  # a chunk cut into more top-level statements is not loaded piece by piece
_TOP = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]*)?=")
_CONTINUES = ("else", "elif", "except", "finally", ")", "]", "}")

Describe = Callable[[BaseException], dict]


class MissingModuleError(ImportError):
    """Raised when student code uses a module the grader does not have."""


def run_chunk(source: str, name: str, namespace: dict, describe: Describe) -> list[dict]:
    """Execute ``source`` into ``namespace``; return its errors and notes, in order."""
    try:
        code = compile(source, name, "exec")
    except SyntaxError as exc:
        return _run_pieces(source, name, namespace, describe, exc)
    return _run_with_stand_ins(code, name, namespace, describe)


def _run_with_stand_ins(code: Any, name: str, namespace: dict, describe: Describe) -> list[dict]:
    notes: list[dict] = []
    for _ in range(MAX_STAND_INS):
        try:
            exec(code, namespace)
            return notes
        except ModuleNotFoundError as exc:
            root = (exc.name or "").partition(".")[0]
            if not root or root in _StandInFinder.roots:
                return [*notes, describe(exc)]
            _StandInFinder.add(root)
            notes.append(_note(name, root))
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            return [*notes, describe(exc)]
    return notes


def _note(name: str, module: str) -> dict:
    return {
        "type": MISSING_MODULE,
        "message": (
            f"{name} imports {module!r}, which the grader does not have; your file was "
            f"loaded with a stand-in for it, and any function that uses {module!r} fails "
            "with an error naming it"
        ),
        "traceback": "",
    }


def _run_pieces(
    source: str, name: str, namespace: dict, describe: Describe, error: SyntaxError
) -> list[dict]:
    lines = source.splitlines(keepends=True)
    pieces = _statements(lines)
    report = describe(error)
    where = f"line {error.lineno}" if error.lineno else "an unknown line"
    if len(pieces) > MAX_PIECES:  # each piece is compiled up to MAX_JOIN times: stay linear
        report["message"] = (
            f"{error.msg} at {where}; with {len(pieces)} top-level statements it was not "
            "loaded around the error: fix that line"
        )
        return [report]
    compiled, lost = [], []
    i = 0
    while i < len(pieces):
        for j in range(i, min(i + MAX_JOIN, len(pieces))):
            start, end = pieces[i][0], pieces[j][1]
            try:
                code = _compile_at("".join(lines[start:end]), name, start)
            except (SyntaxError, ValueError):
                continue
            compiled.append(code)
            i = j + 1
            break
        else:
            lost += _names(lines[pieces[i][0] : pieces[i][1]])
            i += 1
    report["message"] = f"{error.msg} at {where}; everything else in the file was still loaded" + (
        f", but these could not be graded: {', '.join(lost)}" if lost else ""
    )
    errors = [report]
    for code in compiled:
        found = _run_with_stand_ins(code, name, namespace, describe)
        errors += found
        if any(e["type"] != MISSING_MODULE for e in found):
            break  # as in a file without syntax errors: an exception stops the loading
    return errors


def _compile_at(text: str, name: str, first_line: int) -> Any:
    """Compile lines of a chunk so that tracebacks give their lines in the whole chunk."""
    tree = ast.parse(text, name, "exec")
    ast.increment_lineno(tree, first_line)
    return compile(tree, name, "exec")


def _statements(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last + 1) line ranges of the top-level statements, decorators kept with
    what they decorate; a range may be cut wrongly, which joining neighbours repairs."""
    starts = []
    for index, line in enumerate(lines):
        if not line.strip() or line[0] in " \t#" or line.startswith(_CONTINUES):
            continue
        if (
            starts
            and lines[starts[-1]].startswith("@")
            and _only_decorators(lines, starts[-1], index)
        ):
            continue
        starts.append(index)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(lines)]
    return list(zip(starts, ends, strict=True))


def _only_decorators(lines: list[str], start: int, stop: int) -> bool:
    return all(not line.strip() or line[0] in "@ \t#" for line in lines[start:stop])


def _names(lines: list[str]) -> list[str]:
    for line in lines:
        match = _TOP.match(line)
        if match:
            return [match.group(1) or match.group(2)]
    return []


class _StandIn(types.ModuleType):
    """A module the grader lacks: every attribute is a placeholder that fails when used."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _placeholder(f"{self.__name__}.{attr}")


class _PlaceholderMeta(type):
    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _placeholder(f"{cls._what}.{attr}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        root = cls._what.partition(".")[0]
        raise MissingModuleError(
            f"{cls._what} is used, but the grader does not have the module {root!r}: "
            "write this with NumPy, as the assignment asks"
        )


def _placeholder(what: str) -> type:
    return _PlaceholderMeta(what.rpartition(".")[2] or what, (), {"_what": what})


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds stand-ins for the modules (and their submodules) named in ``roots``."""

    roots: set[str] = set()

    @classmethod
    def add(cls, root: str) -> None:
        if not any(isinstance(f, cls) for f in sys.meta_path):
            sys.meta_path.append(cls())
        cls.roots.add(root)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname.partition(".")[0] not in self.roots:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: Any) -> types.ModuleType:
        module = _StandIn(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None
