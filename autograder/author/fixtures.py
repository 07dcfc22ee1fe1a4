"""Author fixtures: ``@pytest.fixture`` functions in a ``conftest.py`` or in the test file.

The grader provides ``submission``, ``reference``, ``rng`` and ``record``; an author may
build on them with fixtures of their own, as in pytest: a fixture asks for other fixtures
by argument name, may ``yield`` (the code after the yield runs after the test, whatever
happened), and ``autouse=True`` sets it up for every test that can see it. Every fixture
is function-scoped: it is built afresh for each test, so no state leaks from one student
to the next. Other scopes and ``params`` are refused with a message, never ignored.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from _pytest.fixtures import getfixturemarker

from autograder.course.spec import SpecError

PROVIDED = ("submission", "reference", "rng", "record")


@dataclass(frozen=True)
class Fixture:
    """One author fixture, unwrapped from pytest's decorator."""

    name: str
    func: Callable[..., Any]
    argnames: tuple[str, ...]
    autouse: bool
    where: str


def find_fixtures(namespace: Mapping[str, Any], where: str) -> dict[str, Fixture]:
    """The fixtures defined in a module's namespace, checked for what grading supports."""
    found: dict[str, Fixture] = {}
    for attr, value in namespace.items():
        marker = getfixturemarker(value)
        if marker is None:
            continue
        name = marker.name or attr
        here = f"{where}::{name}"
        if name in PROVIDED:
            raise SpecError(
                f"{here}: the grader provides the fixture {name!r}; give yours another name"
            )
        if marker.scope != "function":
            raise SpecError(
                f"{here}: scope={marker.scope!r} is not supported; graded fixtures are built "
                "for each test (drop the scope argument)"
            )
        if marker.params is not None:
            raise SpecError(f"{here}: fixture params are not supported; use parametrize")
        func = _unwrapped(value)
        argnames = tuple(inspect.signature(func).parameters)
        found[name] = Fixture(name, func, argnames, bool(marker.autouse), here)
    return found


def _unwrapped(value: Any) -> Callable[..., Any]:
    getter = getattr(value, "_get_wrapped_function", None)  # pytest >= 8.4
    if getter is not None:
        return getter()
    wrapped = getattr(value, "__pytest_wrapped__", None)  # older pytest
    return wrapped.obj if wrapped is not None else value


def check_requests(
    requested: Iterable[str],
    fixtures: Mapping[str, Fixture],
    provided: Iterable[str],
    where: str,
) -> None:
    """Fail at collection, not while grading, if a fixture is unknown or needs itself."""
    provided = tuple(provided)

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in provided:
            return
        if name in chain:
            raise SpecError(
                f"{where}: fixtures depend on each other in a loop: " + " -> ".join((*chain, name))
            )
        if name not in fixtures:
            known = sorted({*provided, *fixtures})
            raise SpecError(
                f"{where}: asks for fixture {name!r}, which does not exist here; available: {known}"
            )
        for arg in fixtures[name].argnames:
            visit(arg, (*chain, name))

    for name in requested:
        visit(name, ())


def call_with_fixtures(
    func: Callable[..., Any],
    requested: Iterable[str],
    fixtures: Mapping[str, Fixture],
    values: Mapping[str, Any],
    also: Iterable[str] = (),
) -> None:
    """Set up the fixtures ``func`` needs (autouse ones first), call it, tear them down.

    ``values`` holds what needs no setting up: the provided fixtures and the parameters
    of a parametrize case (which, as in pytest, take the place of a fixture of that name).
    ``also`` names fixtures set up without being passed (``usefixtures``).
    """
    ready = dict(values)
    with contextlib.ExitStack() as teardown:

        def get(name: str) -> Any:
            if name not in ready:
                fixture = fixtures[name]
                result = fixture.func(**{a: get(a) for a in fixture.argnames})
                if inspect.isgenerator(result):
                    ready[name] = next(result)
                    teardown.callback(_finish, result, fixture.where)
                else:
                    ready[name] = result
            return ready[name]

        for fixture in fixtures.values():
            if fixture.autouse:
                get(fixture.name)
        for name in also:
            get(name)
        func(**{name: get(name) for name in requested})


def _finish(generator: Any, where: str) -> None:
    try:
        next(generator)
    except StopIteration:
        return
    raise RuntimeError(f"{where}: a fixture may yield only once")
