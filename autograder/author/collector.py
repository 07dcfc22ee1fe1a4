"""Collects an assignment's tests once per batch, the way pytest would write them.

Test files are plain pytest modules: module-level ``test_*`` functions, ``problem``,
``points``, ``visibility`` and ``parametrize`` markers, fixtures by argument name. They
are loaded here with pytest's assertion rewriting, so a bare ``assert a == b`` fails with
both values in the message, and each parametrized case becomes its own test.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import itertools
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.author.mistakes import KnownMistake, check_targets, load_mistakes
from autograder.course.spec import AssignmentSpec, SpecError

FIXTURES = ("submission", "reference", "rng", "record")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


@dataclass(frozen=True)
class TestCase:
    """One runnable test: a function plus the parameters of one parametrize case."""

    __test__ = False  # not a pytest test class

    name: str
    func: Callable[..., Any]
    params: dict[str, Any]
    fixtures: tuple[str, ...]
    problem: str
    points: float
    visibility: str
    source: str


@dataclass
class TestSuite:
    """The tests of one assignment side (hidden or public) and, if hidden, the reference."""

    __test__ = False

    spec: AssignmentSpec
    tests: list[TestCase]
    reference: types.ModuleType | None = None
    kind: str = "hidden"
    problems: dict[str, float] = field(default_factory=dict)
    mistakes: list[KnownMistake] = field(default_factory=list)  # see author/mistakes.py

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)


def load_suite(spec: AssignmentSpec, kind: str = "hidden") -> TestSuite:
    """Load the reference (for hidden tests) and collect the tests of ``kind``."""
    paths = spec.hidden_tests if kind == "hidden" else spec.public_tests
    if not paths:
        raise SpecError(f"{spec.name}: assignment.toml lists no {kind}_tests")
    reference = load_reference(spec) if kind == "hidden" else None
    allowed = FIXTURES if reference is not None else ("submission", "rng")
    # A hidden test's message can show expected values for the student's own inputs, so
    # unless a test says otherwise it is shown in full only after the due date.
    visibility = "after_due_date" if kind == "hidden" else "visible"
    tests: list[TestCase] = []
    for relative in paths:
        tests += collect_file(spec.path(relative), spec, allowed, visibility)
    names = [t.name for t in tests]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SpecError(f"{spec.name}: test names must be unique across files: {duplicated}")
    problems: dict[str, float] = {p.id: 0.0 for p in spec.problems if not p.written}
    for test in tests:
        problems[test.problem] += test.points
    mistakes = load_mistakes(spec) if reference is not None else []
    check_targets(mistakes, reference)
    return TestSuite(spec, tests, reference, kind, problems, mistakes)


def load_reference(spec: AssignmentSpec) -> types.ModuleType:
    """Import the reference solution under a private name (it runs in the grader only)."""
    if not spec.reference:
        raise SpecError(f"{spec.name}: assignment.toml has no 'reference'")
    path = spec.path(spec.reference)
    if not path.is_file():
        raise SpecError(f"{spec.name}: reference solution {path} does not exist")
    module_name = f"_autograder_reference_{spec.name}"
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[module_name] = module
    loader_spec.loader.exec_module(module)
    return module


def collect_file(
    path: Path, spec: AssignmentSpec, allowed: tuple[str, ...], visibility: str = "visible"
) -> list[TestCase]:
    """Every test case defined in one test file, in file order."""
    if not path.is_file():
        raise SpecError(f"{spec.name}: test file {path} does not exist")
    module = _import_rewritten(path, f"_autograder_tests_{spec.name}_{path.stem}")
    tests: list[TestCase] = []
    for name, func in vars(module).items():
        if name.startswith("test") and inspect.isfunction(func):
            tests += _cases(func, path, spec, allowed, visibility)
    return tests


def _import_rewritten(path: Path, module_name: str) -> types.ModuleType:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    try:
        from _pytest.assertion.rewrite import rewrite_asserts

        rewrite_asserts(tree, source.encode(), str(path), None)
    except ImportError:  # pragma: no cover - pytest is a dependency; plain asserts still work
        pass
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    exec(compile(tree, str(path), "exec"), module.__dict__)
    return module


def _marks(func: Callable) -> list:
    return list(getattr(func, "pytestmark", []))


def _cases(
    func: Callable, path: Path, spec: AssignmentSpec, allowed, default_visibility: str
) -> list[TestCase]:
    where = f"{path.name}::{func.__name__}"
    marks = _marks(func)
    problem = _single_arg(marks, "problem", where)
    if problem is None:
        raise SpecError(f"{where}: every test needs @pytest.mark.problem('<problem id>')")
    if spec.problem(problem).written:
        raise SpecError(f"{where}: problem {problem!r} is a written problem; tests cannot score it")
    points = float(_single_arg(marks, "points", where) or 1)
    visibility = _single_arg(marks, "visibility", where) or default_visibility
    if visibility not in VISIBILITIES:
        raise SpecError(f"{where}: visibility must be one of {VISIBILITIES}, got {visibility!r}")
    argnames = list(inspect.signature(func).parameters)
    cases = []
    for suffix, params in parametrize_cases(marks, where):
        fixtures = tuple(a for a in argnames if a not in params)
        unknown = [f for f in fixtures if f not in allowed]
        if unknown:
            raise SpecError(
                f"{where}: asks for fixture(s) {unknown}; tests here may use {list(allowed)}"
            )
        name = func.__name__ + (f"[{suffix}]" if suffix else "")
        cases.append(TestCase(name, func, params, fixtures, problem, points, visibility, str(path)))
    return cases


def _single_arg(marks: list, name: str, where: str) -> Any:
    found = [m for m in marks if m.name == name]
    if not found:
        return None
    if len(found) > 1 or len(found[0].args) != 1:
        raise SpecError(f"{where}: use @pytest.mark.{name}(value) exactly once")
    return found[0].args[0]


def parametrize_cases(marks: list, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Expand (possibly stacked) parametrize marks into (id, params) pairs."""
    axes = []
    for mark in reversed([m for m in marks if m.name == "parametrize"]):
        argnames, argvalues = mark.args[0], list(mark.args[1])
        names = (
            [n.strip() for n in argnames.split(",")]
            if isinstance(argnames, str)
            else list(argnames)
        )
        ids = mark.kwargs.get("ids")
        axis = []
        for index, entry in enumerate(argvalues):
            values, case_id = getattr(entry, "values", None), getattr(entry, "id", None)
            if values is None:
                values = entry if len(names) > 1 else (entry,)
            if len(values) != len(names):
                raise SpecError(f"{where}: parametrize case {index} does not match {names}")
            if ids is not None and index < len(ids):
                case_id = ids[index]
            params = dict(zip(names, values, strict=True))
            if case_id is None:
                case_id = "-".join(_value_id(v, n, index) for n, v in params.items())
            axis.append((str(case_id), params))
        axes.append(axis)
    if not axes:
        return [("", {})]
    combined = []
    for combo in itertools.product(*axes):
        combined.append(
            ("-".join(c[0] for c in combo), {k: v for c in combo for k, v in c[1].items()})
        )
    return combined


def _value_id(value: Any, name: str, index: int) -> str:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return str(value)
    return f"{name}{index}"
