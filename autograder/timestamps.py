"""When a submission was handed in: the ``timestamp.txt`` beside its files.

Layout (shared by ``collect``, grading and reports): ``submissions/<a>/<sid>/`` holds the
latest attempt's files and its ``timestamp.txt``; earlier attempts live in
``<sid>/attempts/<YYYYmmddTHHMMSSZ>/``, each with its own ``timestamp.txt``. The text is
nbgrader's (``2026-11-20 14:03:11.123456 UTC``); ISO 8601 is read too. Times are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

TIMESTAMP_FILE = "timestamp.txt"
ATTEMPTS_DIR = "attempts"


def parse_timestamp(text: str) -> datetime:
    """An aware UTC datetime from nbgrader's or ISO 8601 text; ``ValueError`` otherwise."""
    text = text.strip()
    if text.endswith(" UTC"):
        text = text[: -len(" UTC")] + "+00:00"
    elif text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """nbgrader's format, so its tools read our folders: ``2026-11-20 14:03:11.123456 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def read_timestamp(folder: Path) -> datetime | None:
    """The submission time recorded in ``folder``, or None if there is none or it is unreadable."""
    path = Path(folder) / TIMESTAMP_FILE
    if not path.is_file() or path.is_symlink():
        return None
    try:
        return parse_timestamp(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def write_timestamp(folder: Path, moment: datetime) -> Path:
    path = Path(folder) / TIMESTAMP_FILE
    path.write_text(format_timestamp(moment) + "\n", encoding="utf-8")
    return path


def attempt_name(moment: datetime) -> str:
    """The folder name of an earlier attempt: ``20261120T140311Z``."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
