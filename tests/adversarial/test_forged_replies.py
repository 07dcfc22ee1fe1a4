"""Student code writes raw protocol frames to the reply pipe, hoping to hurt the grader.

The worker's reply pipe is descriptor 4; a student can write anything there before the
real reply. Each forged reply below cost the grader gigabytes, tens of seconds or a
``grader-error`` before replies were bounded. Now each is a crash of that one call,
charged to the student; the grader's own allocations stay small (measured with
``tracemalloc``, which sees numpy's and json's memory), and an honest student graded
next keeps full marks.
"""

from __future__ import annotations

import tracemalloc

import pytest

from adversarial.arena import DOUBLE_POINTS, HONEST_DOUBLE, NORM_TESTS, failed, output_of

FORGE = """
import json
import os
import struct

REPLY_FD = 4


def forge(header: bytes, blobs=()):
    parts = [struct.pack(">II", len(header), len(blobs)), header]
    for blob in blobs:
        parts += [struct.pack(">Q", len(blob)), blob]
    data = b"".join(parts)
    while data:
        data = data[os.write(REPLY_FD, data):]
"""

ATTACKS = {
    "one_blob_forty_times": """
def norm(x):
    ref = {"__ndarray__": 0, "dtype": "<f8", "shape": [4 * 1024 * 1024]}
    forge(json.dumps({"ok": True, "value": [ref] * 40}).encode(), [b"\\0" * (32 << 20)])
    return 0.0
""",
    "millions_of_empty_lists": """
def norm(x):
    forge(b'{"ok": true, "value": [' + b"[]," * 2_600_000 + b'[]]}')
    return 0.0
""",
    "many_lists_within_the_size_cap": """
def norm(x):
    forge(b'{"ok": true, "value": [' + b"[]," * 1_000_000 + b'[]]}')
    return 0.0
""",
    "nested_100000_deep": """
def norm(x):
    forge(b'{"ok": true, "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    return 0.0
""",
    "nested_900_deep_in_the_error": """
def norm(x):
    deep = b"[" * 900 + b"]" * 900
    forge(b'{"ok": false, "error": {"type": "X", "message": ' + deep + b"}}")
    return 0.0
""",
    "blob_shorter_than_its_shape": """
def norm(x):
    ref = {"__ndarray__": 0, "dtype": "<f8", "shape": [1 << 30]}
    forge(json.dumps({"ok": True, "value": ref}).encode(), [b"\\0" * 64])
    return 0.0
""",
    "object_dtype": """
def norm(x):
    ref = {"__ndarray__": 0, "dtype": "|O8", "shape": [1]}
    forge(json.dumps({"ok": True, "value": ref}).encode(), [b"\\0" * 8])
    return 0.0
""",
    "oversized_announcement": """
def norm(x):
    os.write(REPLY_FD, struct.pack(">II", 2**31, 2**31))
    return 0.0
""",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_forged_reply_is_a_crash_of_that_call_and_costs_the_grader_little(arena, attack):
    tracemalloc.start()
    try:
        result = arena.grade(HONEST_DOUBLE + FORGE + ATTACKS[attack])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status == "crashed"
    assert failed(result) == NORM_TESTS
    assert result.score == DOUBLE_POINTS
    assert "sent an unreadable answer while calling norm" in output_of(result, "test_norm")
    assert peak < 200 * 1024 * 1024, f"the grader held {peak >> 20} MB for one reply"


def test_a_forged_reply_that_only_tells_the_truth_is_just_an_answer(arena):
    """Forging is no crime in itself: a well-formed reply with the right value counts."""
    result = arena.grade(
        HONEST_DOUBLE
        + FORGE
        + """
import numpy as np


def norm(x):
    value = float(np.linalg.norm(x))
    forge(json.dumps({"ok": True, "value": value}).encode())
    os._exit(0)  # the real reply never comes
"""
    )
    assert result.score == result.max_score


def test_a_forged_error_reply_cannot_flood_the_results(arena):
    """A well-formed error reply with a 3 MB message (under the 8 MB a header may have):
    an ordinary failure of that test, its texts cut to what the worker itself sends."""
    result = arena.grade(
        HONEST_DOUBLE
        + FORGE
        + """
def norm(x):
    error = {"type": "ValueError", "message": "A" * 3_000_000, "traceback": "B" * 3_000_000}
    forge(json.dumps({"ok": False, "error": error}).encode())
    os._exit(0)
"""
    )
    assert (result.status, failed(result), result.score) == ("ok", NORM_TESTS, DOUBLE_POINTS)
    message = output_of(result, "test_norm")
    assert message.startswith("norm raised ValueError: AAAA")
    assert len(message) < 10_000
