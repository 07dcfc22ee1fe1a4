"""Collects an assignment's tests once per batch, by pytest's rules.

Test files are plain pytest modules: ``test*`` functions, and ``test*`` methods of
``Test*`` classes without ``__init__`` (a fresh instance per test); markers from the
function, its class and the module's ``pytestmark`` (see ``marks``); fixtures by argument
name, from the grader or from a ``conftest.py`` beside the tests (see ``fixtures``). Files
are loaded with pytest's assertion rewriting, so a bare ``assert a == b`` fails with both
values in the message; each parametrized case becomes its own test.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
import types
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _pytest.assertion.rewrite import rewrite_asserts
from _pytest.fixtures import getfixturemarker

from autograder.author import pytest_marks as marks
from autograder.author.fixtures import (
    PROVIDED,
    Fixture,
    call_with_fixtures,
    check_requests,
    find_fixtures,
)
from autograder.author.markers import expected_names
from autograder.author.mistakes import KnownMistake, check_targets, load_mistakes
from autograder.course.spec import AssignmentSpec, SpecError

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
CONFTEST = "conftest.py"


@dataclass(frozen=True)
class TestCase:
    """One runnable test: a function plus the parameters of one parametrize case."""

    __test__ = False  # not a pytest test class

    name: str
    func: Callable[..., Any]
    params: dict[str, Any]
    fixtures: tuple[str, ...]  # what the function asks for besides the parameters
    problem: str
    points: float
    visibility: str
    source: str
    author_fixtures: Mapping[str, Fixture] = field(default_factory=dict, repr=False)
    setup: tuple[str, ...] = ()  # usefixtures

    def run(self, provided: Mapping[str, Any]) -> None:
        """Call the test with ``provided`` (the grader's fixtures) and its own fixtures."""
        values = {**provided, **self.params}
        call_with_fixtures(
            self.func, (*self.params, *self.fixtures), self.author_fixtures, values, self.setup
        )


@dataclass
class TestSuite:
    """The tests of one assignment side (hidden or public) and, if hidden, the reference."""

    __test__ = False

    spec: AssignmentSpec
    tests: list[TestCase]
    reference: types.ModuleType | None = None
    problems: dict[str, float] = field(default_factory=dict)
    solution_names: tuple[str, ...] = ()  # the functions students write
    mistakes: list[KnownMistake] = field(default_factory=list)  # see author/mistakes.py

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)


def load_suite(spec: AssignmentSpec, kind: str = "hidden") -> TestSuite:
    """Load the reference (for hidden tests) and collect the tests of ``kind``.

    Hidden tests must give every code problem at least one test: an assignment whose
    problem no test scores cannot be graded, so it is refused here, for release and grade.
    """
    paths = spec.hidden_tests if kind == "hidden" else spec.public_tests
    if not paths:
        raise SpecError(f"{spec.name}: assignment.toml lists no {kind}_tests")
    reference = load_reference(spec) if kind == "hidden" else None
    allowed = PROVIDED if reference is not None else ("submission", "rng")
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
    if kind == "hidden":
        _require_coverage(spec, tests, problems)
    mistakes = load_mistakes(spec) if reference is not None else []
    check_targets(mistakes, reference)
    return TestSuite(spec, tests, reference, problems, tuple(expected_names(spec)), mistakes)


def _require_coverage(spec: AssignmentSpec, tests: list[TestCase], problems: dict) -> None:
    files = ", ".join(spec.hidden_tests)
    if not tests:
        raise SpecError(
            f"{spec.name}: no hidden test was collected from {files}; "
            "write test_* functions (or Test* classes) there"
        )
    bare = [p for p in problems if not any(t.problem == p for t in tests)]
    if bare:
        raise SpecError(
            f"{spec.name}: code problem(s) {', '.join(map(repr, bare))} have no hidden test, "
            f"so nobody could earn them; add a test marked @pytest.mark.problem({bare[0]!r}) "
            f"to {files}, or make the problem written (written = true, points = N)"
        )


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
    fixtures = conftest_fixtures(path.parent, spec)
    module = import_rewritten(path, f"_autograder_tests_{spec.name}_{path.stem}")
    fixtures.update(find_fixtures(vars(module), path.name))
    tests: list[TestCase] = []
    for item in test_items(vars(module), path.name):
        tests += _cases(item, path, spec, allowed, fixtures, visibility)
    return tests


def conftest_fixtures(folder: Path, spec: AssignmentSpec) -> dict[str, Fixture]:
    """Fixtures of every ``conftest.py`` from the assignment folder down to ``folder``;
    as in pytest, the one closer to the tests wins."""
    folder, root = folder.resolve(), spec.root.resolve()
    chain = [folder, *folder.parents]
    chain = chain[: chain.index(root) + 1] if root in chain else [folder]
    found: dict[str, Fixture] = {}
    for where in reversed(chain):
        path = where / CONFTEST
        if path.is_file():
            relative = path.relative_to(root) if root in path.parents else path
            name = "_".join(("_autograder_conftest", spec.name, *relative.parent.parts))
            module = import_rewritten(path, name)
            found.update(find_fixtures(vars(module), str(relative)))
    return found


def import_rewritten(path: Path, module_name: str) -> types.ModuleType:
    """Execute a test file as a module, its asserts rewritten the way pytest does.

    There is no quiet fallback: if pytest's rewriting cannot run, loading fails, because
    bare asserts would then fail with no message for the student.
    """
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    rewrite_asserts(tree, source.encode(), str(path), None)
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    exec(compile(tree, str(path), "exec"), module.__dict__)
    return module


@dataclass(frozen=True)
class TestItem:
    """A test function as pytest would collect it, with where its marks come from."""

    __test__ = False

    name: str  # the function's name; a method's is ``TestClass::test_name``
    func: Callable[..., Any]  # calls the test; for a method, on a fresh instance
    argnames: tuple[str, ...]
    levels: list[list[Any]]  # marks: function, class, module
    where: str


def test_items(
    namespace: Mapping[str, Any], filename: str, only: Collection[str] | None = None
) -> Iterator[TestItem]:
    """The tests of a module namespace in definition order: ``test*`` functions and the
    ``test*`` methods of ``Test*`` classes (pytest's default naming rules); ``only``
    keeps the functions and classes of those names."""
    module_marks = namespace.get("pytestmark")
    holder = types.SimpleNamespace(pytestmark=module_marks or [])
    for name, value in list(namespace.items()):
        if (only is not None and name not in only) or getattr(value, "__test__", True) is False:
            continue
        if name.startswith("test") and inspect.isfunction(value):
            levels = marks.marks_of(value, None, holder)
            yield TestItem(name, value, _argnames(value), levels, f"{filename}::{name}")
        elif name.startswith("Test") and inspect.isclass(value):
            yield from _class_items(value, holder, filename)


def _class_items(cls: type, holder: Any, filename: str) -> Iterator[TestItem]:
    where = f"{filename}::{cls.__name__}"
    if cls.__init__ is not object.__init__ or cls.__new__ is not object.__new__:
        raise SpecError(
            f"{where}: a test class cannot have __init__ or __new__ (pytest would not "
            "collect it either, and unittest classes are not supported); set things up "
            "in a fixture instead"
        )
    inside = [n for k in cls.__mro__ for n, v in vars(k).items() if getfixturemarker(v)]
    if inside:
        raise SpecError(
            f"{where}: fixtures inside a test class are not supported; move {inside[0]!r} "
            "to the test file's top level or to conftest.py"
        )
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if name in seen or not name.startswith("test"):
                continue
            seen.add(name)
            qualified, here = f"{cls.__name__}::{name}", f"{where}::{name}"
            if isinstance(value, staticmethod):
                func = value.__func__
                levels = marks.marks_of(func, cls, holder)
                yield TestItem(qualified, func, _argnames(func), levels, here)
            elif inspect.isfunction(value):
                levels = marks.marks_of(value, cls, holder)
                call = _method_caller(cls, name)
                yield TestItem(qualified, call, _argnames(value)[1:], levels, here)


def _method_caller(cls: type, name: str) -> Callable[..., Any]:
    def call(**kwargs: Any) -> Any:
        return getattr(cls(), name)(**kwargs)

    call.__name__ = name
    return call


def _argnames(func: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(inspect.signature(func).parameters)


def expand(item: TestItem) -> list[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Each parametrize case of ``item``: (name, params, fixtures it asks for)."""
    flat = [m for level in item.levels for m in level]
    cases = []
    for suffix, params in marks.parametrize_cases(flat, item.where):
        name = item.name + (f"[{suffix}]" if suffix else "")
        cases.append((name, params, tuple(a for a in item.argnames if a not in params)))
    return cases


def usefixtures(item: TestItem) -> tuple[str, ...]:
    """The fixtures an item's ``usefixtures`` markers name."""
    return tuple(n for m in marks.all_named(item.levels, "usefixtures") for n in m.args)


def _cases(
    item: TestItem,
    path: Path,
    spec: AssignmentSpec,
    allowed: tuple[str, ...],
    fixtures: dict[str, Fixture],
    default_visibility: str,
) -> list[TestCase]:
    """The runnable cases of one item, or none if it is marked ``skip``."""
    marks.check_names(item.levels, item.where)
    if marks.all_named(item.levels, "skip"):
        return []
    problem, points, visibility = _scoring(item, spec, default_visibility)
    setup = usefixtures(item)
    autouse = [f.name for f in fixtures.values() if f.autouse]
    cases = []
    for name, params, wanted in expand(item):
        check_requests([*wanted, *setup, *autouse], fixtures, (*allowed, *params), item.where)
        cases.append(
            TestCase(name, item.func, params, wanted, problem, points, visibility, str(path),
                     fixtures, setup)
        )  # fmt: skip
    return cases


def _scoring(item: TestItem, spec: AssignmentSpec, default_visibility: str) -> tuple:
    """(problem, points, visibility) from an item's closest markers, each checked."""
    where = item.where
    problem = marks.closest(item.levels, "problem", where)
    if problem is None:
        raise SpecError(f"{where}: every test needs @pytest.mark.problem('<problem id>')")
    if problem not in {p.id for p in spec.problems}:
        known = ", ".join(p.id for p in spec.problems)
        raise SpecError(f"{where}: problem {problem!r} is not in assignment.toml (known: {known})")
    if spec.problem(problem).written:
        raise SpecError(f"{where}: problem {problem!r} is a written problem; tests cannot score it")
    points = marks.closest(item.levels, "points", where)
    points = 1.0 if points is None else points
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise SpecError(f"{where}: @pytest.mark.points needs a positive number, got {points!r}")
    visibility = marks.closest(item.levels, "visibility", where) or default_visibility
    if visibility not in VISIBILITIES:
        raise SpecError(f"{where}: visibility must be one of {VISIBILITIES}, got {visibility!r}")
    return problem, float(points), visibility
