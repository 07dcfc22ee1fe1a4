"""Memory that ``RLIMIT_AS`` does not count: shared memory, memfd, a tmpfs of one's own.

Each attacker tries to hold 1.5 GB outside its address space and reports how much it got
in an exception message; every route must be refused before it holds anything. The
cgroup test (root only) shows the worker's memory is capped as a whole.
"""

from __future__ import annotations

import re

import pytest

from adversarial.arena import DOUBLE_POINTS, HONEST_DOUBLE, NORM_TESTS, failed, output_of
from autograder.author.collector import load_suite
from autograder.runner.one_submission import GradingContext
from autograder.sandbox.zygote_launcher import shared_server

HOARD = """
import ctypes
import os

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.shmat.restype = ctypes.c_void_p
MB = 1024 * 1024


def why():
    return os.strerror(ctypes.get_errno())
"""

ATTACKS = {
    "shm_attach_fill_detach": """
def norm(x):
    held = 0
    for _ in range(24):
        segment = LIBC.shmget(0, 64 * MB, 0o1600)
        if segment < 0:
            break
        address = LIBC.shmat(segment, None, 0)
        ctypes.memset(address, 1, 64 * MB)
        LIBC.shmdt(ctypes.c_void_p(address))
        held += 64
    raise RuntimeError(f"held {held} MB: {why()}")
""",
    "shm_in_a_new_ipc_namespace": """
def norm(x):
    made = LIBC.unshare(0x08000000)
    raise RuntimeError(f"held 0 MB: new IPC namespace {made}: {why()}")
""",
    "message_queues": """
def norm(x):
    queue = LIBC.msgget(0, 0o1600)
    raise RuntimeError(f"held 0 MB: message queue {queue}: {why()}")
""",
    "memfd_written_then_unmapped": """
def norm(x):
    held = 0
    try:
        for _ in range(24):
            fd = os.memfd_create("hoard")
            for _ in range(64):
                os.write(fd, b"z" * MB)
            held += 64
    except OSError as exc:
        raise RuntimeError(f"held {held} MB: {exc.strerror}")
    raise RuntimeError(f"held {held} MB")
""",
    "tmpfs_in_own_user_namespace": """
def norm(x):
    made = LIBC.unshare(0x10000000 | 0x00020000)
    if made != 0:
        raise RuntimeError(f"held 0 MB: unshare {why()}")
    mounted = LIBC.mount(b"hoard", b"/scratch", b"tmpfs", 0, b"size=2g")
    raise RuntimeError(f"held 0 MB: mount {mounted} {why()}")
""",
    "tmpfs_on_scratch_directly": """
def norm(x):
    mounted = LIBC.mount(b"hoard", b"/scratch", b"tmpfs", 0, b"size=2g")
    raise RuntimeError(f"held 0 MB: mount {mounted} {why()}")
""",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_memory_outside_address_space_is_refused(arena, attack):
    result = arena.grade(HONEST_DOUBLE + HOARD + ATTACKS[attack])
    assert (result.status, failed(result), result.score) == ("ok", NORM_TESTS, DOUBLE_POINTS)
    held = re.search(r"held (\d+) MB: (.*)", output_of(result, "test_norm"))
    assert held, output_of(result, "test_norm")
    assert int(held.group(1)) == 0
    assert "Operation not permitted" in held.group(2)


def test_the_cgroup_caps_all_processes_of_a_worker_together(toy_course):
    """Four children of 300 MB each fit their own address space limit (512 MB) but not
    the worker's cgroup (512 + 8 MB): never do two of them hold their memory at once."""
    from adversarial.arena import make_arena

    if "memory" in shared_server().report.get("missing", {}):
        pytest.skip(shared_server().report["missing"]["memory"])
    arena = make_arena(toy_course)
    spec_path = toy_course.solutions / "toy" / "assignment.toml"
    text = spec_path.read_text().replace("call_timeout = 3.0", "call_timeout = 60.0")
    spec_path.write_text(text.replace("submission_timeout = 20.0", "submission_timeout = 120.0"))
    arena.ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os
import select


def norm(x):
    ready_r, ready_w = os.pipe()
    index_of = {}
    for index in range(4):
        pid = os.fork()
        if pid == 0:
            block = bytearray(300 * 1024 * 1024)
            for at in range(0, len(block), 4096):
                block[at] = 1
            os.write(ready_w, bytes([index]))
            select.select([], [], [])
        index_of[pid] = index
    ready, dead, most = set(), set(), 0
    while len(ready | dead) < 4:  # each child either holds its memory or was killed
        select.select([ready_r], [], [], 0.05)
        if select.select([ready_r], [], [], 0)[0]:
            ready.update(os.read(ready_r, 4))
        while len(dead) < 4 and (pid := os.waitpid(-1, os.WNOHANG)[0]):
            dead.add(index_of[pid])
        most = max(most, len(ready - dead))
    raise RuntimeError(f"{most} children held 300 MB each at once")

"""
    )
    outcome = (result.status, failed(result), result.score)
    assert outcome == ("ok", NORM_TESTS, DOUBLE_POINTS), (result.message, result.output)
    holding = re.search(r"(\d) children held 300 MB each at once", output_of(result, "test_norm"))
    assert holding and int(holding.group(1)) <= 1, output_of(result, "test_norm")
    arena.assert_control_keeps_full_marks()
