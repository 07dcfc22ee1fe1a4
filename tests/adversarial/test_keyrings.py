"""Kernel keyrings: nothing of the grader's session, nothing left for the next worker.

The grader's session keyring holds a planted key (what ``pam_keyinit`` gives a login
session). Attackers search and read every keyring they can name, and try to leave keys in
the user keyring of their uid for whoever gets that uid next.
"""

from __future__ import annotations

import ctypes
import secrets

import pytest

from adversarial.arena import DOUBLE_POINTS, HONEST_DOUBLE, NORM_TESTS, failed, output_of
from autograder.course.paths import policy_for
from autograder.runner.one_submission import GradingContext
from autograder.sandbox import seccomp
from autograder.sandbox.zygote_launcher import ZygoteLauncher, ZygoteServer

NUMBERS = seccomp.ARCHES.get(__import__("platform").machine(), (0, {}, None))[1]
pytestmark = pytest.mark.skipif(not NUMBERS, reason="no system-call table for this machine")

KEYS = """
import ctypes

LIBC = ctypes.CDLL(None, use_errno=True)
KEYCTL, ADD_KEY, REQUEST_KEY = {keyctl}, {add_key}, {request_key}
SESSION, USER, USER_SESSION = -3, -4, -5


def why():
    import os
    return os.strerror(ctypes.get_errno())


def read_key(key):
    buffer = ctypes.create_string_buffer(4096)
    size = LIBC.syscall(KEYCTL, 11, key, buffer, 4096)
    return buffer.raw[: max(size, 0)]
""".format(**{name: NUMBERS.get(name, -1) for name in ("keyctl", "add_key", "request_key")})


@pytest.fixture
def session_key(arena):
    """A key with a random payload in the grader's session keyring, and a zygote started
    after it (as a grader's login session has its keyring before the grader starts)."""
    libc = ctypes.CDLL(None, use_errno=True)
    name, payload = f"grader-{secrets.token_hex(4)}", f"keysecret-{secrets.token_hex(8)}"
    key = libc.syscall(NUMBERS["add_key"], b"user", name.encode(), payload.encode(),
                       len(payload), ctypes.c_int(-3))  # fmt: skip
    if key < 0:
        pytest.skip("this process cannot add a key to its session keyring")
    server = ZygoteServer(policy_for(arena.ctx.suite.spec))
    limits = arena.ctx.suite.spec.limits
    arena.ctx = GradingContext(arena.ctx.suite, arena.ctx.secret, ZygoteLauncher(server, limits))
    try:
        yield name, payload
    finally:
        server.close()
        libc.syscall(NUMBERS["keyctl"], 21, key)


ATTACKS = {
    "search_the_session_keyring_by_name": """
def norm(x):
    found = LIBC.syscall(KEYCTL, 10, SESSION, b"user", NAME, 0)
    raise RuntimeError(f"search: {found} {why()} {read_key(found) if found > 0 else b''}")
""",
    "list_and_read_every_keyring": """
def norm(x):
    seen = []
    for ring in (SESSION, USER, USER_SESSION, -1, -2):
        buffer = ctypes.create_string_buffer(4096)
        size = LIBC.syscall(KEYCTL, 11, ring, buffer, 4096)
        for at in range(0, max(size, 0) - 3, 4):
            key = int.from_bytes(buffer.raw[at : at + 4], "little")
            seen.append(read_key(key))
        seen.append(f"{ring}: {size} {why()}")
    raise RuntimeError(f"read: {seen}")
""",
    "request_key_by_description": """
def norm(x):
    found = LIBC.syscall(REQUEST_KEY, b"user", NAME, None, 0)
    raise RuntimeError(f"request_key: {found} {why()} {read_key(found) if found > 0 else b''}")
""",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_graders_session_key_is_out_of_reach(arena, session_key, attack):
    name, payload = session_key
    source = HONEST_DOUBLE + KEYS + f"\nNAME = {name.encode()!r}\n" + ATTACKS[attack]
    result = arena.grade(source)
    assert (result.status, failed(result), result.score) == ("ok", NORM_TESTS, DOUBLE_POINTS)
    message = output_of(result, "test_norm")
    assert "RuntimeError" in message
    assert payload not in message and payload not in result.output


def test_no_key_is_left_for_the_next_worker(arena):
    """Workers in a row each store a key of their own in their uid's user keyring and read
    what is there: uids come back to the pool, but no worker finds an earlier one's key."""
    dropped: list[str] = []
    for round in range(4):
        payload = f"dropped{round}-{secrets.token_hex(8)}"
        result = arena.grade(
            HONEST_DOUBLE
            + KEYS
            + f"""
def norm(x):
    found = LIBC.syscall(KEYCTL, 10, USER, b"user", b"drop", 0)
    earlier = read_key(found) if found > 0 else why()
    stored = LIBC.syscall(ADD_KEY, b"user", b"drop", {payload.encode()!r}, {len(payload)}, USER)
    raise RuntimeError(f"found {{earlier}}; stored {{stored}} {{why()}}")
""",
            f"dropper{round}",
        )
        assert (result.status, failed(result), result.score) == ("ok", NORM_TESTS, DOUBLE_POINTS)
        message = output_of(result, "test_norm")
        assert "found " in message
        assert not any(earlier in message for earlier in dropped)
        dropped.append(payload)
