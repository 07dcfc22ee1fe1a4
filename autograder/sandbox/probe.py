"""What ``autograder doctor`` runs as student code, and the bait it sets out first.

The probe tries what a hostile submission would, and reports what happened; it asserts
nothing. Before it runs, the grader plants things the probe must not reach: a System V
shared memory segment and a key in its session keyring, both with random names, and a
marker file in the temporary folder. Risky attempts (mount, unshare) run in a forked
child, so one that succeeds cannot change what the rest of the probe sees.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from autograder.sandbox import seccomp

PROBE = """
import ctypes, os, resource, socket

LIBC = ctypes.CDLL(None, use_errno=True)
MB = 1024 * 1024


def refused():
    return "refused: " + os.strerror(ctypes.get_errno())


def in_child(attempt):
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if attempt() == 0 else min(ctypes.get_errno(), 255) or 1)
        except BaseException:
            os._exit(254)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    return "allowed" if code == 0 else "refused: " + os.strerror(code)


def files(paths, facts):
    facts["visible"] = [path for path in paths if os.path.exists(path)]
    facts["writable"] = []
    for folder in ("/", "/usr", os.path.dirname(paths[0]) if paths else "/"):
        try:
            with open(os.path.join(folder, ".autograder-doctor"), "w"):
                pass
            facts["writable"].append(folder)
        except OSError:
            pass


def mount_and_unmount():
    os.makedirs("probe-mount", exist_ok=True)
    done = LIBC.mount(b"probe", b"probe-mount", b"tmpfs", 0, None)
    if done == 0:
        LIBC.umount2(b"probe-mount", 2)
    return done


def bait(nr, shm_key, key_name, facts):
    found = LIBC.shmget(shm_key, 0, 0)
    facts["grader_shm"] = "found" if found >= 0 else refused()
    found = LIBC.syscall(nr["keyctl"], 10, -3, b"user", key_name.encode(), 0)
    facts["grader_key"] = "found" if found >= 0 else refused()


def escapes(nr, facts):
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    caps = (ctypes.c_uint32 * 6)()
    LIBC.capget(header, caps)
    facts["capabilities"] = caps[0] | caps[3]
    facts["unshare"] = in_child(lambda: LIBC.unshare(0x10000000 | 0x00020000))
    facts["mount"] = in_child(mount_and_unmount)
    mine = LIBC.shmget(0, 64 * MB, 0o1600)
    facts["shm"] = "created 64 MB" if mine >= 0 else refused()
    if mine >= 0:
        LIBC.shmctl(mine, 0, None)
    stored = LIBC.syscall(nr["add_key"], b"user", b"probe", b"x", 1, -4)
    facts["add_key"] = "stored" if stored >= 0 else refused()


def probe(paths, port, nr, shm_key, key_name):
    facts = {"uid": os.getuid(), "pid": os.getpid()}
    files(paths, facts)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        facts["network"] = "connected to 127.0.0.1"
    except OSError as exc:
        facts["network"] = f"refused: {exc.strerror or exc}"
    facts["rlimits"] = {
        name: resource.getrlimit(getattr(resource, name))[0]
        for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_FSIZE", "RLIMIT_NPROC")
    }
    bait(nr, shm_key, key_name, facts)
    escapes(nr, facts)
    return facts
"""

IPC_CREAT, IPC_RMID = 0o1000, 0
KEYCTL_INVALIDATE, KEY_SPEC_SESSION_KEYRING = 21, -3


@dataclass
class Bait:
    """What the grader planted for the probe, by name."""

    shm_key: int
    key_name: str
    syscalls: dict[str, int]


@contextlib.contextmanager
def planted() -> Iterator[Bait]:
    """A shm segment and a session key of the grader's, for as long as the probe runs."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    numbers = seccomp.ARCHES.get(os.uname().machine, (0, {}, None))[1]
    bait = Bait(secrets.randbelow(2**30) + 1, f"autograder-doctor-{secrets.token_hex(6)}", {})
    bait.syscalls = {name: numbers.get(name, -1) for name in ("keyctl", "add_key")}
    segment = libc.shmget(bait.shm_key, 4096, IPC_CREAT | 0o600)
    key = -1
    if bait.syscalls["add_key"] >= 0:
        key = libc.syscall(
            bait.syscalls["add_key"], b"user", bait.key_name.encode(), b"doctor", 6,
            ctypes.c_int(KEY_SPEC_SESSION_KEYRING),
        )  # fmt: skip
    try:
        yield bait
    finally:
        if segment >= 0:
            libc.shmctl(segment, IPC_RMID, None)
        if key >= 0:
            libc.syscall(bait.syscalls["keyctl"], KEYCTL_INVALIDATE, key)
