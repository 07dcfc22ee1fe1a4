"""Submission times and the late policy: both sides of the deadline, grace, cut-off, extension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autograder.course.spec import LatePolicy, SpecError, parse_spec
from autograder.course.timestamps import (
    TimestampError,
    parse_timestamp,
    read_timestamp,
    write_timestamp,
)
from autograder.grade.late import assess

DUE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
BASE = {
    "name": "hw",
    "student_file": "hw.py",
    "problems": [{"id": "p"}],
    "due": "2026-12-15T23:59:00+00:00",
    "late": {"grace_minutes": 15, "penalty_per_day": 0.1, "max_days": 3},
    "extensions": {"s002_bob": "2026-12-20T23:59:00+00:00"},
}


def spec(**changes):
    return parse_spec({**BASE, **changes}, Path("."))


# ------------------------------------------------------------------ timestamps


def test_nbgrader_timestamp_round_trips(tmp_path):
    moment = datetime(2026, 11, 20, 14, 3, 11, 123456, tzinfo=UTC)
    path = write_timestamp(tmp_path, moment)
    assert path.read_text().strip() == "2026-11-20 14:03:11.123456 UTC"
    assert read_timestamp(tmp_path) == moment


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20T15:03:11+01:00",
        "2026-11-20T14:03:11Z",
        "2026-11-20 14:03:11",
        "  2026-11-20 14:03:11.000000 UTC\n",
    ],
)
def test_iso_and_nbgrader_forms_mean_the_same_utc_time(text):
    assert parse_timestamp(text) == datetime(2026, 11, 20, 14, 3, 11, tzinfo=UTC)


def test_no_timestamp_file_is_none_and_garbage_is_an_error(tmp_path):
    assert read_timestamp(tmp_path) is None
    (tmp_path / "timestamp.txt").write_text("yesterday, roughly")
    with pytest.raises(TimestampError, match="timestamp.txt"):
        read_timestamp(tmp_path)


# ------------------------------------------------------------------ spec


def test_spec_reads_late_policy_extensions_and_attempts():
    parsed = spec(attempts="best")
    assert parsed.late == LatePolicy(grace_minutes=15, penalty_per_day=0.1, max_days=3)
    assert parsed.due_for("s002_bob") == datetime(2026, 12, 20, 23, 59, tzinfo=UTC)
    assert parsed.due_for("s001_alice") == DUE
    assert parsed.attempts == "best"


def test_defaults_take_nothing_off():
    parsed = parse_spec({k: v for k, v in BASE.items() if k != "late"}, Path("."))
    assert parsed.attempts == "latest"
    assert assess(parsed, "x", DUE + timedelta(days=30)).fraction == 0.0
    assert assess(parsed, "x", DUE + timedelta(days=30)).days_late == 30


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"late": {"penalty_per_day": 10}}, "fraction"),
        ({"late": {"grace": 5}}, "unknown key"),
        ({"late": {"max_days": -1}}, ">= 0"),
        ({"attempts": "first"}, "attempts"),
        ({"extensions": {"bob": "next tuesday"}}, "extensions.bob"),
    ],
)
def test_bad_late_settings_are_named(changes, message):
    with pytest.raises(SpecError, match=message):
        spec(**changes)


# ------------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    ("after_due", "days", "fraction"),
    [
        (timedelta(hours=-1), 0, 0.0),  # early
        (timedelta(0), 0, 0.0),  # exactly on the due date
        (timedelta(minutes=15), 0, 0.0),  # last second of the grace period
        (timedelta(minutes=15, seconds=1), 1, 0.1),  # just past it: one day late
        (timedelta(days=1), 1, 0.1),
        (timedelta(days=1, seconds=1), 2, 0.2),  # a started day counts
        (timedelta(days=3), 3, 0.3),  # the last day before the cut-off
    ],
)
def test_days_late_round_up_from_the_due_date(after_due, days, fraction):
    lateness = assess(spec(), "s001_alice", DUE + after_due)
    assert lateness.days_late == days
    assert lateness.fraction == pytest.approx(fraction)
    assert not lateness.cut_off


def test_past_the_cut_off_earns_zero():
    lateness = assess(spec(), "s001_alice", DUE + timedelta(days=3, seconds=1))
    assert lateness.cut_off and lateness.days_late == 4
    assert lateness.penalty(7.5) == 7.5


def test_extension_moves_the_due_date_for_that_student_only():
    moment = DUE + timedelta(days=2)
    assert assess(spec(), "s002_bob", moment).days_late == 0
    assert assess(spec(), "s001_alice", moment).days_late == 2
    assert assess(spec(), "s002_bob", DUE + timedelta(days=5, hours=1)).days_late == 1


def test_penalty_is_a_share_of_the_raw_score_and_never_more():
    assert assess(spec(), "a", DUE + timedelta(days=2)).penalty(8.0) == pytest.approx(1.6)
    steep = spec(late={"penalty_per_day": 0.6})
    assert assess(steep, "a", DUE + timedelta(days=2)).penalty(8.0) == 8.0


def test_no_due_date_means_never_late():
    undated = parse_spec({k: v for k, v in BASE.items() if k != "due"}, Path("."))
    assert assess(undated, "a", DUE + timedelta(days=100)).days_late == 0
