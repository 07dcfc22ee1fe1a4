"""Writes one collected student into ``submissions/<assignment>/<student_id>/``.

A newer attempt replaces the folder's files and the one it replaces moves to
``attempts/<time>/``; an older one goes straight to ``attempts/``. The folder remembers
whose work it holds (``.collected_from``: ``nbgrader:ada``, ``moodle:77``): an entry of
another LMS identity that maps to the same student id is refused, so no student's work
is ever replaced by someone else's, even across collect runs.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder.course.student_files import StudentFileError, read_student_file
from autograder.course.timestamps import (
    ATTEMPTS_DIR,
    TIMESTAMP_FILE,
    TimestampError,
    attempt_name,
    plausible,
    read_timestamp,
    write_timestamp,
)

IDENTITY_FILE = ".collected_from"
MAX_FILE_BYTES = 25 * 1024 * 1024


@dataclass
class Incoming:
    """One student's files from one source, under canonical names."""

    student_id: str
    files: dict[str, bytes]
    when: datetime | None
    origin: str  # where it came from, for messages
    identity: str = ""  # the LMS identity, to catch two students mapped to one id


@dataclass
class CollectReport:
    written: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def store(student: Incoming, target: Path, report: CollectReport) -> None:
    """Write one student's attempt; an older attempt already there moves to attempts/."""
    folder = target / student.student_id
    if folder.is_symlink() or not folder.resolve().is_relative_to(target.resolve()):
        report.problems.append(f"{student.student_id}: {folder} is a symbolic link; skipped")
        return
    owner = _owner(folder)
    if owner and student.identity and owner != student.identity:
        report.problems.append(
            f"{student.student_id}: this folder holds the work of {owner}, and {student.identity} "
            f"({student.origin}) maps to the same id; not collected. Give a --roster CSV to "
            f"tell them apart (or delete {IDENTITY_FILE} in the folder if they are one person)."
        )
        return
    when = student.when or datetime.now(UTC)
    current = _current_files(folder)
    if current == student.files:
        return  # already collected
    if current:
        previous_when = readable_timestamp(folder)
        if previous_when is not None and previous_when > when:
            _write_attempt(folder / ATTEMPTS_DIR / attempt_name(when), student.files, when)
            report.written.append(
                f"{student.student_id}: older attempt from {student.origin} kept in attempts/"
            )
            return
        _move_current(folder, folder / ATTEMPTS_DIR / attempt_name(previous_when or _mtime(folder)))
    _write_attempt(folder, student.files, when)
    if student.identity:
        _write_file(folder / IDENTITY_FILE, student.identity.encode() + b"\n")
    files = ", ".join(sorted(student.files))
    report.written.append(f"{student.student_id}: {files} ({when:%Y-%m-%d %H:%M} UTC)")


def _owner(folder: Path) -> str:
    """The identity a collected folder belongs to ("" if none was recorded)."""
    path = folder / IDENTITY_FILE
    if not (path.exists() or path.is_symlink()):
        return ""
    try:
        return read_student_file(path, 4096).decode("utf-8", errors="replace").strip()
    except StudentFileError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _mtime(folder: Path) -> datetime:
    moment = datetime.fromtimestamp(folder.lstat().st_mtime, tz=UTC)
    return moment if plausible(moment) else datetime.now(UTC)


def _current_files(folder: Path) -> dict[str, bytes]:
    """The latest attempt's files (read with the same rules as students' files)."""
    if not folder.is_dir():
        return {}
    return {
        p.name: read_student_file(p, MAX_FILE_BYTES)
        for p in sorted(folder.iterdir())
        if not p.name.startswith(".") and p.name not in (TIMESTAMP_FILE, ATTEMPTS_DIR)
    }


def _move_current(folder: Path, attempt: Path) -> None:
    while attempt.exists():
        attempt = attempt.with_name(attempt.name + "_")
    attempt.mkdir(parents=True)
    for path in folder.iterdir():
        if path.name != ATTEMPTS_DIR and not path.name.startswith(".") and path.is_file():
            shutil.move(str(path), attempt / path.name)


def _write_attempt(folder: Path, files: dict[str, bytes], when: datetime) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        _write_file(folder / name, data)
    if (folder / TIMESTAMP_FILE).is_symlink():
        (folder / TIMESTAMP_FILE).unlink()
    write_timestamp(folder, when)


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` as a new plain file (a link left in the folder is replaced, never
    followed)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        path.unlink()
    path.write_bytes(data)


def readable_timestamp(folder: Path) -> datetime | None:
    """The folder's submission time, or None when it has none or it cannot be read."""
    try:
        return read_timestamp(folder)
    except TimestampError:
        return None
