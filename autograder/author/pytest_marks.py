"""The markers a graded test may carry, read the way pytest reads them.

Marks come from the test function, then its class, then the module's ``pytestmark``; for
a single-valued marker (``problem``, ``points``, ``visibility``) the closest one wins.
Any marker not listed in ``MARKERS`` is an error naming the file, the test and the
marker, so that a typo such as ``@pytest.mark.point(3)`` cannot quietly give 1 point.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from typing import Any

from autograder.course.spec import SpecError

# Every marker the grader understands, and what it does there.
MARKERS = {
    "problem": "the spec problem the test scores (required)",
    "points": "what the test is worth (default 1)",
    "visibility": "when students see the result (Gradescope's visibility values)",
    "parametrize": "one test per case, each worth the test's points",
    "usefixtures": "fixtures to set up without naming them as arguments",
    "skip": "the test is not collected and counts for nothing, as in pytest",
    "filterwarnings": "accepted and ignored: warnings never change a grade",
}
# pytest markers whose meaning a score cannot carry.
REFUSED = {
    "skipif": "a condition would make the maximum score depend on the machine; use skip",
    "xfail": "a test either earns its points or not; remove the test or mark it skip",
}


def marks_of(*owners: Any) -> list[list[Any]]:
    """The marks of each owner (function, class, module), closest first."""
    levels = []
    for owner in owners:
        marks = getattr(owner, "pytestmark", []) if owner is not None else []
        marks = marks if isinstance(marks, (list, tuple)) else [marks]
        levels.append([getattr(m, "mark", m) for m in marks])  # a MarkDecorator holds a Mark
    return levels


def check_names(levels: Sequence[Sequence[Any]], where: str) -> None:
    """Refuse any marker the grader does not understand, suggesting the close match."""
    for mark in itertools.chain.from_iterable(levels):
        if mark.name in MARKERS:
            continue
        if mark.name in REFUSED:
            raise SpecError(
                f"{where}: @pytest.mark.{mark.name} is not allowed in graded tests: "
                f"{REFUSED[mark.name]}"
            )
        close = difflib.get_close_matches(mark.name, list(MARKERS), n=1)
        hint = f" (did you mean @pytest.mark.{close[0]}?)" if close else ""
        raise SpecError(
            f"{where}: unknown marker @pytest.mark.{mark.name}{hint}; "
            f"markers graded tests may use: {', '.join(MARKERS)}"
        )


def closest(levels: Sequence[Sequence[Any]], name: str, where: str) -> Any:
    """The one argument of the closest ``name`` marker, or None if no level has it."""
    for marks in levels:
        found = [m for m in marks if m.name == name]
        if not found:
            continue
        if len(found) > 1 or len(found[0].args) != 1 or found[0].kwargs:
            raise SpecError(f"{where}: use @pytest.mark.{name}(value) exactly once")
        return found[0].args[0]
    return None


def all_named(levels: Sequence[Sequence[Any]], name: str) -> list[Any]:
    """Every ``name`` marker over all levels (parametrize, usefixtures stack)."""
    return [m for marks in levels for m in marks if m.name == name]


def parametrize_cases(marks: list, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Expand (possibly stacked) parametrize marks into (id, params) pairs.

    ``marks`` run from the function outwards (its decorators bottom-up, then its class's,
    then the module's), which is also the order of pytest's ids: ``test[b-a]``.
    """
    axes = []
    for mark in [m for m in marks if m.name == "parametrize"]:
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
    return [
        ("-".join(c[0] for c in combo), {k: v for c in combo for k, v in c[1].items()})
        for combo in itertools.product(*axes)
    ]


def _value_id(value: Any, name: str, index: int) -> str:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return str(value)
    return f"{name}{index}"
