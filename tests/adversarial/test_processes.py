"""Attacks on process control: exits, signals, endless loops, threads, forks, daemons.

``arena.grade`` already proves after each one that no process of the sandbox survived.
"""

from __future__ import annotations

import re

from adversarial.arena import (
    DOUBLE_POINTS,
    HONEST_DOUBLE,
    HONEST_NORM,
    NORM_TESTS,
    failed,
    output_of,
)


def assert_only_norm_lost(result, status: str) -> None:
    assert result.status == status
    assert failed(result) == NORM_TESTS
    assert result.score == DOUBLE_POINTS


def test_os_exit_in_a_function_is_a_crash_of_that_call(arena):
    result = arena.grade(HONEST_DOUBLE + "\nimport os\n\n\ndef norm(x):\n    os._exit(0)\n")
    assert_only_norm_lost(result, "crashed")
    assert "exited with status 0" in output_of(result, "test_norm")


def test_system_exit_and_keyboard_interrupt_in_functions_are_plain_errors(arena):
    result = arena.grade(
        """
import os
import signal
import sys

import numpy as np


def double(x):
    if len(x) == 1:
        sys.exit(0)
    if len(x) == 4:
        os.kill(os.getpid(), signal.SIGINT)  # delivered as KeyboardInterrupt
    return 2 * np.asarray(x, dtype=float)


def norm(x):
    raise KeyboardInterrupt
"""
    )
    assert result.status == "ok"
    assert failed(result) == {"test_double_random[1]", "test_double_random[4]", "test_norm"}
    assert result.score == 2
    assert "SystemExit" in output_of(result, "test_double_random[1]")
    assert "KeyboardInterrupt" in output_of(result, "test_double_random[4]")


def test_endless_loop_ignoring_sigterm_and_sigint_is_killed(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import signal


def norm(x):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
"""
    )
    assert_only_norm_lost(result, "timeout")
    assert "time limit (3 s) exceeded while calling norm" in output_of(result, "test_norm")


def test_threads_left_running_do_not_change_the_score(arena):
    result = arena.grade(
        """
import threading
import time

import numpy as np

SPINNERS = []


def spin():
    while True:
        time.sleep(0.001)


def double(x):
    thread = threading.Thread(target=spin)
    thread.start()
    SPINNERS.append(thread)
    return 2 * np.asarray(x, dtype=float)
"""
        + HONEST_NORM
    )
    assert result.status == "ok"
    assert failed(result) == set()
    assert result.score == result.max_score


def test_fork_storm_stops_at_the_process_limit(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os
import time


def norm(x):
    children = 0
    while True:
        try:
            pid = os.fork()
        except OSError as exc:
            raise RuntimeError(f"forked {children} children, then: {exc.strerror}")
        if pid == 0:
            while True:
                time.sleep(1)
        children += 1
"""
    )
    assert_only_norm_lost(result, "ok")
    forked = re.search(
        r"forked (\d+) children, then: Resource temporarily", output_of(result, "test_norm")
    )
    assert forked and int(forked.group(1)) < 16  # max_processes in the arena's spec


def test_fork_bomb_is_a_timeout_and_leaves_nothing(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os


def norm(x):
    while True:
        try:
            os.fork()
        except OSError:
            pass
"""
    )
    assert_only_norm_lost(result, "timeout")


def test_many_processes_through_subprocess_are_capped(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import subprocess


def norm(x):
    started = []
    try:
        for _ in range(200):
            started.append(subprocess.Popen(["sleep", "1000"]))
    except OSError as exc:
        raise RuntimeError(f"started {len(started)}, then: {exc.strerror}")
    return float(len(started))
"""
    )
    assert_only_norm_lost(result, "ok")
    started = re.search(r"started (\d+), then", output_of(result, "test_norm"))
    assert started and int(started.group(1)) < 16


def test_daemonized_grandchild_dies_with_the_worker(arena):
    """Double fork + setsid, the classic escape from a process group: still killed."""
    result = arena.grade(
        HONEST_DOUBLE
        + HONEST_NORM
        + """
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in range(0, 64):
            try:
                os.close(fd)
            except OSError:
                pass
        while True:
            time.sleep(1)
    os._exit(0)
"""
    )
    assert result.status == "ok"
    assert result.score == result.max_score


def test_exception_escaping_the_worker_loop_ends_only_that_worker(arena):
    """Student code makes the worker's own reply raise: the forked child must die there,
    never fall back into the zygote's code (arena.grade would find it still running)."""
    result = arena.grade(
        HONEST_DOUBLE
        + """
import sys


def norm(x):
    def explode(*args, **kwargs):
        raise SystemExit("escaped")

    sys.modules["autograder.sandbox.worker"].write_message = explode
    return 0.0
"""
    )
    assert_only_norm_lost(result, "crashed")
    assert "exited with status 111" in output_of(result, "test_norm")
    assert arena.grade(HONEST_DOUBLE + HONEST_NORM, "bob").score == 5
