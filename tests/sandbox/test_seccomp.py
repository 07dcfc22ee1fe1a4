"""The system-call filter: well-formed for every architecture, and what it refuses."""

from __future__ import annotations

import errno
import json
import os
import struct
import subprocess
import sys

import pytest

from autograder.sandbox import linux, seccomp


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_every_jump_lands_inside_the_program(machine):
    program = seccomp.build_filter(machine)
    count = len(program) // 8
    assert len(program) % 8 == 0 and count < 256
    for index in range(count):
        code, jt, jf, _ = struct.unpack_from("<HBBI", program, 8 * index)
        if code & 0x07 == 0x05:  # a jump
            assert index + 1 + max(jt, jf) < count
    last = struct.unpack_from("<HBBI", program, 8 * (count - 1))
    assert last[0] == 0x06  # ends with a return


def test_every_denied_call_has_a_number_everywhere():
    for _, numbers, _ in seccomp.ARCHES.values():
        assert set(seccomp.DENIED) | {"clone", "clone3"} <= set(numbers)


CHILD = """
import ctypes, errno, json, os, subprocess, sys, threading
from autograder.sandbox import linux, seccomp

seccomp.install()
libc = ctypes.CDLL(None, use_errno=True)
out = {}
def tried(name, result):
    out[name] = "allowed" if result >= 0 else errno.errorcode[ctypes.get_errno()]
tried("unshare", libc.unshare(linux.CLONE_NEWUSER))
tried("mount", libc.mount(b"x", b"/", b"tmpfs", 0, None))
tried("shmget", libc.shmget(0, 4096, 0o1600))
tried("keyctl", libc.syscall(seccomp.ARCHES[os.uname().machine][1]["keyctl"], 1, 0))
thread = threading.Thread(target=lambda: None)
thread.start()
thread.join()
out["thread"] = "allowed"
out["subprocess"] = subprocess.run(["true"]).returncode
pid = os.fork()
if pid == 0:
    os._exit(7)
out["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
print(json.dumps(out))
"""


@pytest.mark.skipif(not seccomp.supported(), reason="no filter for this architecture")
def test_the_filter_refuses_what_it_lists_and_allows_threads_forks_and_programs():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert {seen[k] for k in ("unshare", "mount", "shmget", "keyctl")} == {"EPERM"}
    assert (seen["thread"], seen["subprocess"], seen["fork"]) == ("allowed", 0, 7)


def in_child(action) -> int:
    """Run ``action`` in a forked child; its exit code (0: it returned)."""
    pid = os.fork()
    if pid == 0:
        try:
            action()
            os._exit(0)
        except OSError as exc:
            os._exit(100 + exc.errno)
        except BaseException:  # noqa: BLE001 - the child must never return into pytest
            os._exit(99)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_a_new_session_keyring_can_be_joined():
    code = in_child(linux.join_new_session_keyring)
    assert code in (0, 100 + errno.ENOSYS, 100 + errno.EPERM)


def test_dropping_capabilities_takes_root_powers_away():
    def drop_then_setgroups():
        linux.drop_all_capabilities()
        os.setgroups([])  # needs CAP_SETGID

    assert in_child(drop_then_setgroups) == 100 + errno.EPERM
