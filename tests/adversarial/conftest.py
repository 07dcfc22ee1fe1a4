"""Fixtures of the adversarial suite (the arena itself lives in ``arena.py``)."""

from __future__ import annotations

import pytest

from adversarial.arena import Arena, make_arena
from autograder.course.paths import Course
from autograder.sandbox.zygote_launcher import shared_server


@pytest.fixture
def arena(toy_course: Course) -> Arena:
    """The toy course as an arena; fails loudly if this machine cannot isolate."""
    mode = shared_server().report["mode"]
    assert mode in ("root", "userns"), (
        f"the adversarial suite needs namespaces; this machine gives mode {mode!r} "
        "(run `autograder doctor`)"
    )
    return make_arena(toy_course)
