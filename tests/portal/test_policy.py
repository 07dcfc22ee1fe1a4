"""The spec's ``[portal]`` table: checked like every other table, read by the portal."""

from __future__ import annotations

import pytest
from toy_course import TOY_SPEC

from autograder.course.spec import SpecError, parse_spec
from autograder.portal.engine import portal_limits


def spec_with(portal: str):
    import tomllib
    from pathlib import Path

    return parse_spec(tomllib.loads(TOY_SPEC + "\n[portal]\n" + portal), Path("."))


def test_the_portal_table_sets_the_cooldown_and_the_attempt_limit():
    limits = portal_limits(spec_with("cooldown_seconds = 30\nmax_attempts = 5\n"))
    assert (limits.cooldown_seconds, limits.max_attempts) == (30.0, 5)


def test_without_it_attempts_are_a_minute_apart_and_unlimited():
    limits = portal_limits(spec_with(""))
    assert (limits.cooldown_seconds, limits.max_attempts) == (60.0, None)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("cooldown_seconds = -1\n", "cooldown_seconds must be a number >= 0"),
        ("max_attempts = 0\n", "max_attempts must be a whole number of at least 1"),
        ("max_attempts = 2.5\n", "max_attempts must be a whole number"),
        ("cooldown = 10\n", "did you mean 'cooldown_seconds'"),
    ],
)
def test_a_wrong_portal_table_is_refused_with_a_reason(text, says):
    with pytest.raises(SpecError, match=says):
        spec_with(text)
