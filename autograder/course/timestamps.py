"""Reads and writes a submission's ``timestamp.txt``: when the student handed the work in.

The format is nbgrader's (``2026-11-20 14:03:11.123456 UTC``), so folders collected by
nbgrader work unchanged; ISO 8601 (``2026-11-20T14:03:11+01:00``, ``...Z``) is read too.
A time without a zone is taken as UTC. Times are returned timezone-aware, in UTC. The file
is the student's (nbgrader copies it from their submission): it is read with a size cap,
and anything that is not a plausible time (year 1 with an offset overflows, year 9999 is
no submission time either) is a ``TimestampError``, never another exception.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from autograder.course.student_files import StudentFileError, read_student_file

TIMESTAMP_FILE = "timestamp.txt"
ATTEMPTS_DIR = "attempts"  # earlier attempts: <sid>/attempts/<attempt_name(time)>/
_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
MAX_TIMESTAMP_BYTES = 4096
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


class TimestampError(ValueError):
    """``timestamp.txt`` exists but holds no readable time."""


def parse_timestamp(text: str) -> datetime:
    """A time from nbgrader's format or ISO 8601, as an aware UTC datetime."""
    value = text.strip()
    if value.endswith(" UTC"):
        value = value[: -len(" UTC")]
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    shown = text.strip()[:80]
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise TimestampError(
            f"{shown!r} is not a time; write e.g. '2026-11-20 14:03:11.000000 UTC'"
        ) from None
    if not plausible(moment):
        raise TimestampError(
            f"{shown!r} is not a plausible submission time (years 1970 to 2199 are)"
        )
    return moment


def plausible(moment: datetime) -> bool:
    """Whether an aware time can be a submission time (and fits every tool downstream)."""
    return EARLIEST <= moment < LATEST


def read_timestamp(folder: Path) -> datetime | None:
    """The time in ``folder/timestamp.txt``, or None when there is no such file."""
    path = Path(folder) / TIMESTAMP_FILE
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        raw = read_student_file(path, MAX_TIMESTAMP_BYTES)
        return parse_timestamp(raw.decode("utf-8", errors="replace"))
    except (TimestampError, StudentFileError) as exc:
        raise TimestampError(f"{path}: {exc}") from None


def write_timestamp(folder: Path, moment: datetime) -> Path:
    """Write ``moment`` (naive means UTC) to ``folder/timestamp.txt`` in nbgrader's format."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    path = Path(folder) / TIMESTAMP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_timestamp(moment) + "\n", encoding="utf-8")
    return path


def format_timestamp(moment: datetime) -> str:
    """nbgrader's format, so its tools read our folders: ``2026-11-20 14:03:11.123456 UTC``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_FORMAT)


def attempt_name(moment: datetime) -> str:
    """The folder name of an earlier attempt: ``20261120T140311Z``."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
