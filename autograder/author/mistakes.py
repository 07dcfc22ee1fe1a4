"""Known mistakes of an assignment: wrong implementations an author writes next to the tests.

A ``mistakes.py`` beside the hidden tests holds plain functions, each a copy of one
reference function with one typical slip, marked with the sentence the student reads::

    from autograder.author.mistakes import known_mistake

    @known_mistake("softmax_grad_vectorized", "The off-diagonal entries have the wrong sign.")
    def jacobian_plus_outer(s):
        s = np.asarray(s, dtype=float)
        return np.diag(s) + np.outer(s, s)

When a hidden test fails, the grader runs the same test again with the reference's
function replaced by each mistake that touches a function the test called; if the test
then passes, the student made that mistake (the first match, in file order, is reported).
The target may be a method: ``"NetClassifier.cost_grad"``.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.course.spec import AssignmentSpec, SpecError

MISTAKES_FILE = "mistakes.py"
_MARK = "__known_mistake__"


@dataclass(frozen=True)
class KnownMistake:
    """One wrong implementation of ``target`` and what to tell a student who wrote it."""

    name: str
    target: str  # reference attribute path: "softmax" or "NetClassifier.cost_grad"
    message: str
    func: Callable[..., Any]
    shows_in: tuple[str, ...] = ()  # other student functions whose tests can show it

    def concerns(self, called: Sequence[str]) -> bool:
        """Whether a test that called these student functions can show this mistake."""
        names = (self.target, self.target.split(".")[0], *self.shows_in)
        return any(name in called for name in names)


def known_mistake(
    target: str | tuple[str, ...], message: str, *, shows_in: tuple[str, ...] = ()
) -> Callable[[Callable], Callable]:
    """Mark a function as a known wrong version of the reference's ``target``.

    A tuple of targets stands for the same slip in several functions (each is tried alone).
    ``shows_in`` names student functions other than the target whose tests compare with
    the target (``class_to_bits`` checks the layer of ``binary_code_weights``).
    """
    targets = (target,) if isinstance(target, str) else tuple(target)

    def mark(func: Callable) -> Callable:
        setattr(func, _MARK, (targets, message, tuple(shows_in)))
        return func

    return mark


def load_mistakes(spec: AssignmentSpec) -> list[KnownMistake]:
    """The catalogue in ``mistakes.py`` next to each hidden test file, in file order."""
    folders = dict.fromkeys(spec.path(p).parent for p in spec.hidden_tests)
    catalogue: list[KnownMistake] = []
    for folder in folders:
        path = folder / MISTAKES_FILE
        if path.is_file():
            catalogue += _collect(path, f"_autograder_mistakes_{spec.name}_{len(catalogue)}")
    return catalogue


def _collect(path: Path, module_name: str) -> list[KnownMistake]:
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[module_name] = module
    loader_spec.loader.exec_module(module)
    found = []
    for name, func in vars(module).items():
        marked = getattr(func, _MARK, None)
        if inspect.isfunction(func) and marked is not None:
            targets, message, shows_in = marked
            found += [KnownMistake(name, t, message, func, shows_in) for t in targets]
    return found


def check_targets(catalogue: Sequence[KnownMistake], reference: types.ModuleType) -> None:
    """Refuse a catalogue whose mistakes replace something the reference does not have."""
    for mistake in catalogue:
        try:
            _lookup(reference, mistake.target)
        except AttributeError:
            raise SpecError(
                f"{MISTAKES_FILE}::{mistake.name} replaces {mistake.target!r}, "
                "which the reference does not define"
            ) from None


def with_mistake(reference: types.ModuleType, mistake: KnownMistake) -> types.ModuleType:
    """A copy of the reference module in which ``mistake.target`` is the wrong version."""
    copy = types.ModuleType(reference.__name__)
    copy.__dict__.update(vars(reference))
    owner_path, _, attr = mistake.target.rpartition(".")
    if not owner_path:
        setattr(copy, attr, mistake.func)
        return copy
    owner = _lookup(reference, owner_path)
    if not isinstance(owner, type) or "." in owner_path:
        raise SpecError(f"{MISTAKES_FILE}: {mistake.target!r}: only Class.method targets work")
    original = inspect.getattr_static(owner, attr)
    wrapped = (
        staticmethod(mistake.func)
        if isinstance(original, staticmethod)
        else classmethod(mistake.func)
        if isinstance(original, classmethod)
        else mistake.func
    )
    setattr(copy, owner_path, type(owner.__name__, (owner,), {attr: wrapped}))
    return copy


def _lookup(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj
