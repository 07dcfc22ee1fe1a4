"""The spec's [limits] table: defaults, derived values and readable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course.spec import Limits, SpecError, parse_spec
from autograder.sandbox import Limits as SandboxLimits

BASE = {"name": "x", "student_file": "x.py", "problems": [{"id": "p"}]}


def limits_of(table: dict) -> Limits:
    return parse_spec({**BASE, "limits": table}, Path("/course/solutions/x")).limits


def test_resource_limits_default_to_safe_values_and_cpu_follows_the_wall_clock():
    limits = limits_of({"submission_timeout": 30.5})
    assert limits.cpu_seconds == 31
    assert (limits.memory_mb, limits.max_processes, limits.max_open_files) == (1024, 8, 64)
    assert limits.resources()["cpu_seconds"] == 31


def test_the_spec_holds_the_sandbox_limits_themselves():
    assert Limits is SandboxLimits


def test_every_resource_limit_can_be_set():
    table = {
        "memory_mb": 2048,
        "cpu_seconds": 5,
        "max_processes": 4,
        "max_open_files": 100,
        "max_file_mb": 3,
        "scratch_mb": 10,
    }
    assert limits_of(table).resources() == table


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"memory_mb": 100}, "memory_mb must be a whole number of at least 256"),
        ({"max_processes": 0}, "max_processes must be a whole number of at least 1"),
        ({"max_file_mb": 1.5}, "max_file_mb must be a whole number"),
        ({"cpu_seconds": True}, "cpu_seconds must be a whole number"),
        ({"call_timeout": -1}, "call_timeout must be a positive number of seconds"),
        ({"memory": 10}, "unknown key 'memory' in [limits] (did you mean 'memory_mb'?)"),
    ],
)
def test_bad_limits_are_refused_with_the_field_named(table, words):
    with pytest.raises(SpecError) as error:
        limits_of(table)
    assert words in str(error.value)
