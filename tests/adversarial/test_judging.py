"""Attacks on how a submission is judged: comparisons run in the grader on plain data.

Each hostile submission solves ``double`` honestly and cheats on ``norm`` (or the other
way round for array tricks): it must keep exactly the honest points and nothing more.
"""

from __future__ import annotations

from adversarial.arena import (
    DOUBLE_POINTS,
    DOUBLE_TESTS,
    HONEST_DOUBLE,
    HONEST_NORM,
    NORM_POINTS,
    NORM_TESTS,
    failed,
    output_of,
)


def assert_only_norm_lost(result, status: str = "ok") -> None:
    assert result.status == status
    assert failed(result) == NORM_TESTS
    assert result.score == DOUBLE_POINTS


def test_monkeypatching_numpy_comparisons_earns_nothing(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_almost_equal = lambda *a, **k: None
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: np.True_
np.array_equal = lambda *a, **k: True


def norm(x):
    return -1.0
"""
    )
    assert_only_norm_lost(result)


def test_monkeypatching_the_test_framework_earns_nothing(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import builtins
import sys
import unittest.mock

import pytest


class Equal:
    def __eq__(self, other):
        return True


pytest.approx = lambda *a, **k: Equal()
builtins.AssertionError = type("Quiet", (Exception,), {})
sys.modules["autograder.author.compare"] = unittest.mock.MagicMock()
try:
    import autograder.author.compare as compare

    compare.assert_close = lambda *a, **k: None
except Exception:
    pass


def norm(x):
    return -1.0
"""
    )
    assert_only_norm_lost(result)


def test_lying_ndarray_subclass_is_judged_by_its_plain_values(arena):
    result = arena.grade(
        HONEST_NORM
        + """


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __array_ufunc__(self, *args, **kwargs):
        return True

    def __array_function__(self, *args, **kwargs):
        return True

    def __float__(self):
        return 0.0


def double(x):
    return np.zeros(np.shape(x)).view(Liar)
"""
    )
    assert result.status == "ok"
    assert failed(result) == DOUBLE_TESTS
    assert result.score == NORM_POINTS
    assert "wrong in 3 of 3 entries" in output_of(result, "test_double_fixed")


def test_objects_with_lying_dunder_methods_earn_nothing(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __float__(self):
        return 123.0


def norm(x):
    return AlwaysEqual(-1.0)
"""
    )
    assert_only_norm_lost(result)
    # The grader received the plain float the object converts to, and judged that.
    assert "Obtained: 123.0" in output_of(result, "test_norm")


def test_object_with_lying_array_protocol_sends_what_it_converts_to(arena):
    result = arena.grade(
        HONEST_NORM
        + """


class Pretender:
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.full(3, 7.0)

    def __len__(self):
        return 3


def double(x):
    return Pretender()
"""
    )
    assert failed(result) == DOUBLE_TESTS
    assert "expected (1,), got (3,)" in output_of(result, "test_double_random[1]")


def test_nan_and_inf_never_pass(arena):
    result = arena.grade(
        """
import numpy as np


def double(x):
    return np.full(np.shape(x), np.nan)


def norm(x):
    return float("inf")
"""
    )
    assert result.status == "ok"
    assert failed(result) == DOUBLE_TESTS | NORM_TESTS
    assert result.score == 0
    assert "NaN" in output_of(result, "test_double_fixed")


def test_printing_or_writing_a_score_changes_nothing(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import json
import os

print('{"score": 1000, "tests": []}')
print("100/100  ALL TESTS PASSED")
with open("results.json", "w") as f:
    json.dump({"score": 1000}, f)
os.write(1, b"\\x00\\x00\\x00\\x10\\x00\\x00\\x00\\x00" + b'{"ok": true}')


def norm(x):
    return -1.0
"""
    )
    assert_only_norm_lost(result)
    assert result.score == DOUBLE_POINTS


def test_forged_bytes_on_the_reply_channel_are_a_crash_of_that_call(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os


def norm(x):
    for fd in range(3, 20):
        try:
            os.write(fd, b"\\xff" * 64)
        except OSError:
            pass
    return 0.0
"""
    )
    assert_only_norm_lost(result, status="crashed")
    assert "unreadable answer" in output_of(result, "test_norm")


def test_forged_well_formed_reply_only_answers_for_itself(arena):
    """A reply forged before returning is taken as that call's answer: still wrong."""
    result = arena.grade(
        HONEST_DOUBLE
        + """
import json
import os
import struct


def norm(x):
    head = json.dumps({"ok": True, "value": 12345.0}).encode()
    os.write(4, struct.pack(">II", len(head), 0) + head)
    os.write(4, struct.pack(">II", len(head), 0) + head)
    return 12345.0
"""
    )
    assert_only_norm_lost(result)


def test_forged_load_reply_is_read_as_plain_data(arena):
    """A worker that answers the load request itself with odd shapes cannot trip the
    grader: the result is an ordinary error for the student, not a grader error."""
    result = arena.grade(
        """
import json
import os
import struct

head = json.dumps(
    {"ok": True, "chunk_errors": [1, {"chunk": "x", "type": ["list"]}], "defined": 7}
).encode()
os.write(4, struct.pack(">II", len(head), 0) + head)
os._exit(0)
"""
    )
    assert result.status == "error"
    assert result.score == 0
    assert "['list']" in result.message
