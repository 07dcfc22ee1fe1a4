"""Attacks on resources: memory, output, files, disk, CPU. Limits come from the spec."""

from __future__ import annotations

import re

from adversarial.arena import (
    DOUBLE_POINTS,
    HONEST_DOUBLE,
    HONEST_NORM,
    NORM_TESTS,
    failed,
    make_arena,
    output_of,
)
from autograder.author.collector import load_suite
from autograder.runner.one_submission import GradingContext


def assert_only_norm_lost(result, status: str = "ok") -> None:
    assert result.status == status
    assert failed(result) == NORM_TESTS
    assert result.score == DOUBLE_POINTS


def test_one_huge_allocation_is_a_memory_error(arena):
    result = arena.grade(
        HONEST_DOUBLE + "\n\ndef norm(x):\n    return float(np.ones(2**33).sum())\n"
    )
    assert_only_norm_lost(result)
    assert "MemoryError" in output_of(result, "test_norm")


def test_growing_memory_until_it_breaks_is_a_memory_error(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """


def norm(x):
    hoard = []
    while True:
        hoard.append(np.empty(16 * 1024 * 1024, dtype=np.uint8))
"""
    )
    assert_only_norm_lost(result)
    assert "MemoryError" in output_of(result, "test_norm")


def test_output_flood_is_capped_and_never_blocks(arena):
    """70 MB printed within the call limit: the grader drains it without waiting, keeps
    the start and cuts the rest (``CapturedOutput`` itself is tested in tests/sandbox)."""
    result = arena.grade(
        """
import os
import sys

import numpy as np


def double(x):
    sys.stdout.write("x" * 50_000_000)
    sys.stdout.flush()
    os.write(2, b"y" * 20_000_000)
    return 2 * np.asarray(x, dtype=float)
"""
        + HONEST_NORM
    )
    assert result.status == "ok"
    assert result.score == result.max_score
    assert len(result.output) < 20_000
    printed = result.output.split("What your code printed:\n", 1)[1]
    assert printed.startswith("x" * 9_000)
    assert printed.endswith("[... cut]")


def test_writing_a_file_larger_than_allowed_fails(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """


def norm(x):
    with open("big.bin", "wb") as f:
        for _ in range(8):
            f.write(b"z" * 1024 * 1024)
            f.flush()
"""
    )
    assert_only_norm_lost(result)
    assert "File too large" in output_of(result, "test_norm")


def test_filling_the_scratch_folder_stops_at_its_size(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os


def norm(x):
    written = 0
    try:
        while True:
            with open(f"part{written}", "wb") as f:
                f.write(b"z" * 1024 * 1024)
            written += 1
    except OSError as exc:
        raise RuntimeError(f"wrote {written} MB in {os.getcwd()}, then: {exc.strerror}")
"""
    )
    assert_only_norm_lost(result)
    message = output_of(result, "test_norm")
    written = re.search(r"wrote (\d+) MB in /scratch, then: No space left on device", message)
    assert written and int(written.group(1)) <= 8  # scratch_mb in the arena's spec


def test_opening_files_without_end_stops_at_the_limit(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """


def norm(x):
    handles = []
    try:
        while True:
            handles.append(open("/dev/null"))
    except OSError as exc:
        raise RuntimeError(f"opened {len(handles)}, then: {exc.strerror}")
"""
    )
    assert_only_norm_lost(result)
    opened = re.search(r"opened (\d+), then: Too many open files", output_of(result, "test_norm"))
    assert opened and int(opened.group(1)) < 32  # max_open_files in the arena's spec


def test_cpu_time_limit_kills_a_busy_loop(toy_course):
    """With more wall time than CPU time allowed, RLIMIT_CPU is what stops the loop."""
    arena = make_arena(toy_course)
    spec_path = toy_course.solutions / "toy" / "assignment.toml"
    text = spec_path.read_text().replace("call_timeout = 3.0", "call_timeout = 15.0")
    spec_path.write_text(text.replace("cpu_seconds = 10", "cpu_seconds = 1"))
    arena.ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    result = arena.grade(HONEST_DOUBLE + "\n\ndef norm(x):\n    while True:\n        pass\n")
    assert_only_norm_lost(result, "crashed")
    assert "it used up its CPU time limit (1 s)" in output_of(result, "test_norm")
