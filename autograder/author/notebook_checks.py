"""Runs an assignment's pytest-style tests inside a Jupyter notebook's own kernel.

The released notebook's test cells (nbgrader "autograder tests" cells) hold the public
tests of one problem and end with ``run_checks(globals(), [...])``; nbgrader's source
version adds the hidden tests in a ``### BEGIN HIDDEN TESTS`` region. This lets a student
press "Validate" and lets ``nbgrader autograde`` score the notebook the nbgrader way (a
cell that raises earns nothing). The platform's own grader never runs these cells: it
grades notebooks with the hidden tests in an isolated worker like any ``.py`` file.

Tests are expanded, given fixtures and seeded exactly as ``autograder check`` does, so a
check cell and ``check`` see the same random inputs.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from typing import Any

from autograder.author.collector import expand, test_items, usefixtures
from autograder.author.compare import DEFAULT_ATOL, DEFAULT_RTOL, default_tolerance
from autograder.author.fixtures import call_with_fixtures, find_fixtures
from autograder.author.recording import Recorder
from autograder.author.seeding import PUBLIC_SECRET, PUBLIC_STUDENT, rng_for


def reference_module(source: str, name: str = "reference") -> types.ModuleType:
    """A module made from the reference source (only ever in nbgrader's source notebook)."""
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def run_checks(
    namespace: dict[str, Any],
    tests: Iterable[Callable[..., Any]],
    *,
    reference: types.ModuleType | None = None,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> None:
    """Run every case of ``tests`` (functions or test classes) against the notebook's
    names; raise if any fails. ``rtol``/``atol`` are the assignment's ``[tolerance]``.

    Prints one line per case so a student sees which check failed and why. Returns
    nothing on purpose: nbgrader reads a number shown by a test cell as partial credit.
    """
    submission = types.SimpleNamespace(**namespace)
    fixtures = find_fixtures(namespace, "notebook")
    wanted = {t.__name__ for t in tests}
    passed, failures = 0, []
    for item in test_items(namespace, "notebook", only=wanted):
        for name, params, requested in expand(item):
            provided = {
                "submission": submission,
                "reference": reference,
                "rng": rng_for(PUBLIC_SECRET, PUBLIC_STUDENT, name),
                "record": Recorder(),
                **params,
            }
            try:
                with default_tolerance(rtol, atol):
                    call_with_fixtures(
                        item.func, (*params, *requested), fixtures, provided, usefixtures(item)
                    )
            except Exception as exc:  # noqa: BLE001 - a failing check of any kind
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
                print(f"FAIL {name}: {type(exc).__name__}: {exc}")
            else:
                passed += 1
                print(f"ok   {name}")
    if failures:
        raise AssertionError(f"{len(failures)} check(s) failed:\n" + "\n".join(failures))
    print(f"All {passed} check(s) passed.")
