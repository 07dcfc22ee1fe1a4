"""Fixtures of the adversarial suite (the arena itself lives in ``arena.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adversarial.arena import Arena, make_arena
from autograder.course.paths import Course
from autograder.runner.one_submission import GradingContext
from autograder.sandbox.zygote_launcher import shared_server


@pytest.fixture
def arena(toy_course: Course) -> Iterator[Arena]:
    """The toy course as an arena; fails loudly if this machine cannot isolate.

    After every attack, an honest submission is graded in the same arena (with the
    default sandbox again, whatever launcher the test used) and must keep full marks.
    """
    mode = shared_server().report["mode"]
    assert mode in ("root", "userns"), (
        f"the adversarial suite needs namespaces; this machine gives mode {mode!r} "
        "(run `autograder doctor`)"
    )
    arena = make_arena(toy_course)
    yield arena
    arena.ctx = GradingContext(arena.ctx.suite, arena.ctx.secret)
    arena.assert_control_keeps_full_marks()
