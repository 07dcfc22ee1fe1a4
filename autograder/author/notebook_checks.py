"""Runs an assignment's pytest-style tests inside a Jupyter notebook's own kernel.

The released notebook's test cells (nbgrader "autograder tests" cells) hold the public
tests of one problem and end with ``run_checks(globals(), [...])``; nbgrader's source
version adds the hidden tests in a ``### BEGIN HIDDEN TESTS`` region. This lets a student
press "Validate" and lets ``nbgrader autograde`` score the notebook the nbgrader way (a
cell that raises earns nothing). The platform's own grader never runs these cells: it
grades notebooks with the hidden tests in an isolated worker like any ``.py`` file.
"""

from __future__ import annotations

import hashlib
import inspect
import types
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograder.author.collector import parametrize_cases


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
) -> None:
    """Run every case of ``tests`` against the notebook's names; raise if any fails.

    Prints one line per case so a student sees which check failed and why. Returns
    nothing on purpose: nbgrader reads a number shown by a test cell as partial credit.
    """
    submission = types.SimpleNamespace(**namespace)
    passed, failures = 0, []
    for func in tests:
        marks = list(getattr(func, "pytestmark", []))
        for suffix, params in parametrize_cases(marks, func.__name__):
            name = func.__name__ + (f"[{suffix}]" if suffix else "")
            fixtures = {
                "submission": submission,
                "reference": reference,
                "rng": np.random.default_rng(_seed(name)),
            }
            wanted = [a for a in inspect.signature(func).parameters if a not in params]
            try:
                func(**params, **{a: fixtures[a] for a in wanted})
            except Exception as exc:  # noqa: BLE001 - a failing check of any kind
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
                print(f"FAIL {name}: {type(exc).__name__}: {exc}")
            else:
                passed += 1
                print(f"ok   {name}")
    if failures:
        raise AssertionError(f"{len(failures)} check(s) failed:\n" + "\n".join(failures))
    print(f"All {passed} check(s) passed.")


def _seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
