"""A student's attempts at an assignment.

Which one counts is a scoring rule: :func:`autograder.grade.scoring.counted_index`.

``submissions/<a>/<sid>/`` holds the latest attempt's files and its ``timestamp.txt``;
earlier attempts live in ``submissions/<a>/<sid>/attempts/<YYYYmmddTHHMMSSZ>/``, each with
its own files and ``timestamp.txt``. A folder without ``timestamp.txt`` is dated by the
modification time of the student's file (or of the folder), and says so in ``time_source``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from autograder.course.spec import AssignmentSpec
from autograder.course.timestamps import (
    ATTEMPTS_DIR,
    TIMESTAMP_FILE,
    TimestampError,
    plausible,
    read_timestamp,
)

LABEL_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Attempt:
    """One handed-in version of a student's work."""

    folder: Path
    submitted_at: datetime
    time_source: str  # "timestamp.txt" | "file mtime" | "folder mtime" | "grading time"
    latest: bool  # the top folder, which policy "latest" grades

    @property
    def label(self) -> str:
        """A stable name for the attempt: its submission time, e.g. 20261120T140311Z."""
        return self.submitted_at.astimezone(UTC).strftime(LABEL_FORMAT)


def submission_time(folder: Path, spec: AssignmentSpec) -> tuple[datetime, str]:
    """When the work in ``folder`` was handed in, and where that time comes from."""
    try:
        stamped = read_timestamp(folder)
    except TimestampError:
        stamped = None  # unreadable: fall back to the file's time, and say so
    if stamped is not None:
        return stamped, TIMESTAMP_FILE
    student_file = folder / spec.student_file
    target, source = (
        (student_file, "file mtime") if student_file.is_file() else (folder, "folder mtime")
    )
    try:
        moment = datetime.fromtimestamp(target.lstat().st_mtime, tz=UTC)
    except (OSError, ValueError, OverflowError):  # gone meanwhile, or a time out of range
        moment = None
    if moment is None or not plausible(moment):
        return datetime.now(UTC), "grading time"
    return moment, source


def find_attempts(folder: Path, spec: AssignmentSpec) -> list[Attempt]:
    """Every attempt in a student's folder, oldest first; the top folder is always last."""
    earlier = []
    history = folder / ATTEMPTS_DIR
    if history.is_dir() and not history.is_symlink():
        for sub in sorted(history.iterdir()):
            if sub.is_dir() and not sub.is_symlink() and not sub.name.startswith("."):
                when, source = submission_time(sub, spec)
                earlier.append(Attempt(sub, when, source, latest=False))
    earlier.sort(key=lambda a: a.submitted_at)
    when, source = submission_time(folder, spec)
    return [*earlier, Attempt(folder, when, source, latest=True)]


def to_grade(attempts: Sequence[Attempt], policy: str) -> list[Attempt]:
    """The attempts a policy needs graded: the latest only, or all of them for "best"."""
    return list(attempts) if policy == "best" else [a for a in attempts if a.latest]
