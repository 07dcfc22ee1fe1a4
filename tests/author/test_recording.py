"""The ``record`` fixture keeps what a hidden test records as small, plain JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.author.recording import Recorder


def test_arrays_numpy_numbers_and_non_finite_values_become_plain_json():
    record = Recorder()
    record(
        "history",
        {"loss": np.array([1.0, np.nan, np.inf]), "epochs": np.int64(3), "ok": (True, None)},
    )
    assert record.data == {"history": {"loss": [1.0, None, None], "epochs": 3, "ok": [True, None]}}
    json.dumps(record.data, allow_nan=False)  # what results.json requires


def test_objects_are_replaced_by_a_note_not_kept():
    record = Recorder()
    record("thing", {"f": print, 1: object()})
    assert record.data["thing"]["f"].startswith("not kept")
    assert record.data["thing"]["1"].startswith("not kept: a object")


def test_a_value_over_the_size_limit_is_dropped_with_a_note_and_others_stay():
    record = Recorder(limit=1_000)
    record("small", [1, 2, 3])
    record("huge", list(range(10_000)))
    assert record.data["small"] == [1, 2, 3]
    assert record.data["huge"].startswith("not kept:") and "1,000 limit" in record.data["huge"]


def test_a_name_must_be_a_string():
    with pytest.raises(TypeError, match="name"):
        Recorder()(3, "x")
