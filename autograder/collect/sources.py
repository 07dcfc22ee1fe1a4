"""Brings submissions in from nbgrader and from LMS downloads, keeping submission times.

Sources:
- an nbgrader course folder: ``submitted/<student>/<assignment>/`` with ``timestamp.txt``;
- a Canvas bulk-download zip: flat entries ``<login>[_LATE]_<userid>_<submissionid>_<file>``
  (Canvas may add ``-1`` before the extension of a resubmitted file);
- a Moodle "download all submissions" zip: ``<Full Name>_<id>_assignsubmission_file_/<file>``
  folders (or the older flat ``..._assignsubmission_file_<file>``).

Each student lands in ``<target>/<student_id>/`` with ``timestamp.txt``; a previous
attempt already there moves to ``attempts/<time>/`` (see ``timestamps``). The student id
is the nbgrader folder name, the Canvas login, or the Moodle name made into a slug
(``Ada Lovelace`` -> ``ada_lovelace``), unless a roster CSV (columns ``lms_id``,
``student_id``; ``lms_id`` being a Canvas user id or login, or a Moodle id or full name)
says otherwise. Only the assignment's own files are taken (the script, the notebook,
``answers.md``), under their canonical names, so nothing is ever written outside the
target; entries that try (``../``, absolute paths, symbolic links) are refused and named.
"""

from __future__ import annotations

import csv
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from autograder.course.files import ANSWERS_FILE
from autograder.course.spec import AssignmentSpec
from autograder.course.submission import notebook_file
from autograder.course.timestamps import (
    ATTEMPTS_DIR,
    TIMESTAMP_FILE,
    TimestampError,
    attempt_name,
    read_timestamp,
    write_timestamp,
)
from autograder.errors import UserError

MAX_FILE_BYTES = 25 * 1024 * 1024
JUNK = (".DS_Store", "Thumbs.db", "desktop.ini")
CANVAS = re.compile(r"^(?P<login>[^_/]+?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE_DIR = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assign(?:submission|feedback)_[a-z]+_?$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_file_(?P<file>.+)$")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CollectError(UserError):
    """The source cannot be read at all (not a zip, no such folder)."""


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


def collect(
    source: Path, spec: AssignmentSpec, target: Path, *, roster: Path | None = None
) -> CollectReport:
    """Import ``source`` (an nbgrader course folder or an LMS zip) into ``target``."""
    report = CollectReport()
    names = accepted_names(spec)
    mapping = read_roster(roster) if roster else {}
    if source.is_dir():
        incoming = from_nbgrader(source, spec.name, names, report)
    elif source.is_file():
        incoming = from_zip(source, names, report, mapping)
    else:
        raise CollectError(f"{source} does not exist")
    for student in _without_clashes(incoming, report):
        store(student, target, report)
    return report


def accepted_names(spec: AssignmentSpec) -> tuple[str, ...]:
    return (spec.student_file, notebook_file(spec), ANSWERS_FILE)


def canonical_name(filename: str, accepted: tuple[str, ...]) -> str | None:
    """The assignment file ``filename`` stands for, allowing Canvas's ``-1`` suffixes."""
    if filename in accepted:
        return filename
    for name in accepted:
        stem, suffix = name.rsplit(".", 1)
        if re.fullmatch(re.escape(stem) + r"-?\d{1,3}\." + re.escape(suffix), filename):
            return name
    return None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:64]


def read_roster(path: Path) -> dict[str, str]:
    """``lms_id -> student_id`` from a CSV with those two columns."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not {"lms_id", "student_id"} <= set(rows[0]):
        raise CollectError(f"{path}: the roster needs the columns lms_id and student_id")
    mapping = {}
    for row in rows:
        student = row["student_id"].strip()
        if not SAFE_ID.match(student):
            raise CollectError(f"{path}: {student!r} is not a usable student id")
        mapping[row["lms_id"].strip()] = student
    return mapping


# --------------------------------------------------------------------------- nbgrader


def from_nbgrader(
    course: Path, assignment: str, accepted: tuple[str, ...], report: CollectReport
) -> list[Incoming]:
    """Every ``submitted/<student>/<assignment>/`` folder of an nbgrader course."""
    submitted = course / "submitted"
    if not submitted.is_dir():
        raise CollectError(
            f"{course} is not an nbgrader course folder: it has no submitted/ folder"
        )
    found = []
    for student_dir in sorted(submitted.iterdir()):
        folder = student_dir / assignment
        where = f"submitted/{student_dir.name}/{assignment}"
        if student_dir.is_symlink() or folder.is_symlink():
            report.problems.append(f"{where}: a symbolic link; skipped")
            continue
        if not folder.is_dir():
            continue
        if not SAFE_ID.match(student_dir.name):
            report.problems.append(f"{where}: {student_dir.name!r} is not a usable student id")
            continue
        files: dict[str, bytes] = {}
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                report.problems.append(f"{where}/{relative}: a symbolic link; skipped")
            elif path.is_dir() or path.name in JUNK or relative == TIMESTAMP_FILE:
                continue
            elif any(part.startswith(".") for part in Path(relative).parts):
                continue  # .ipynb_checkpoints/ and other hidden files
            elif path.stat().st_size > MAX_FILE_BYTES:
                report.problems.append(f"{where}/{relative}: larger than 25 MB; skipped")
            else:
                _take(files, relative, path.read_bytes(), accepted, where, report)
        when = _readable_timestamp(folder)
        if when is None:
            report.problems.append(
                f"{where}: no readable {TIMESTAMP_FILE}; the collection time is recorded"
            )
        if files:
            found.append(Incoming(student_dir.name, files, when, where, student_dir.name))
    return found


# --------------------------------------------------------------------------- LMS zips


def from_zip(
    path: Path, accepted: tuple[str, ...], report: CollectReport, roster: dict[str, str]
) -> list[Incoming]:
    """The students of a Canvas or Moodle bulk download."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CollectError(f"{path} is not a readable zip file: {exc}") from None
    students: dict[tuple[str, str], Incoming] = {}
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            refusal = _unsafe(info)
            if refusal:
                report.problems.append(f"{path.name}: refused entry {name!r}: {refusal}")
                continue
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if parts[0] == "__MACOSX" or parts[-1] in JUNK:
                continue
            who = _lms_owner(parts, roster)
            if who is None:
                report.problems.append(
                    f"{path.name}: {name!r} does not follow Canvas or Moodle naming; skipped"
                )
                continue
            student_id, identity, filename = who
            if not student_id:
                report.problems.append(f"{path.name}: no student id can be made from {name!r}")
                continue
            when = datetime(*info.date_time, tzinfo=UTC)
            key = (student_id, identity)
            entry = students.setdefault(key, Incoming(student_id, {}, when, path.name, identity))
            entry.when = max(entry.when, when)
            with archive.open(info) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            _take(entry.files, filename, data, accepted, f"{path.name}: {name}", report)
    return [s for s in students.values() if s.files]


def _unsafe(info: zipfile.ZipInfo) -> str:
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "it points outside the folder (zip slip)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    if info.file_size > MAX_FILE_BYTES:
        return f"{info.file_size:,} bytes, over the 25 MB limit"
    return ""


def _lms_owner(parts: tuple[str, ...], roster: dict[str, str]) -> tuple[str, str, str] | None:
    """``(student_id, lms identity, filename)`` for a Canvas or Moodle entry."""
    if len(parts) >= 2 and (match := MOODLE_DIR.match(parts[0])):
        name, number, filename = match["name"], match["id"], "/".join(parts[1:])
    elif len(parts) == 1 and (match := MOODLE_FLAT.match(parts[0])):
        name, number, filename = match["name"], match["id"], match["file"]
    elif len(parts) == 1 and (match := CANVAS.match(parts[0])):
        login, number, filename = match["login"], match["uid"], match["file"]
        student = roster.get(number) or roster.get(login) or slug(login)
        return student, f"canvas:{number}", filename
    else:
        return None
    student = roster.get(number) or roster.get(name) or slug(name)
    return student, f"moodle:{number}", filename


def _take(
    files: dict[str, bytes],
    filename: str,
    data: bytes,
    accepted: tuple[str, ...],
    where: str,
    report: CollectReport,
) -> None:
    canonical = canonical_name(filename, accepted)
    if canonical is None:
        report.problems.append(
            f"{where}: {filename!r} is not a file of this assignment "
            f"(expected {', '.join(accepted)}); skipped"
        )
    elif len(data) > MAX_FILE_BYTES:
        report.problems.append(f"{where}: {filename!r} is larger than 25 MB; skipped")
    elif canonical in files:
        report.problems.append(
            f"{where}: more than one file stands for {canonical} ({filename!r} too); "
            "the last one in the download is kept"
        )
        files[canonical] = data
    else:
        files[canonical] = data


def _without_clashes(incoming: list[Incoming], report: CollectReport) -> list[Incoming]:
    """Refuse students whose different LMS identities map to the same student id."""
    by_id: dict[str, list[Incoming]] = {}
    for student in incoming:
        by_id.setdefault(student.student_id, []).append(student)
    kept = []
    for student_id, group in sorted(by_id.items()):
        if len({s.identity for s in group}) > 1:
            report.problems.append(
                f"{student_id}: {len(group)} different students map to this id "
                f"({', '.join(sorted(s.identity for s in group))}); none was collected. "
                "Give a --roster CSV (lms_id,student_id) to tell them apart."
            )
        else:
            kept += group
    return kept


# --------------------------------------------------------------------------- storing


def store(student: Incoming, target: Path, report: CollectReport) -> None:
    """Write one student's attempt; an older attempt already there moves to attempts/."""
    folder = target / student.student_id
    if folder.is_symlink() or not folder.resolve().is_relative_to(target.resolve()):
        report.problems.append(f"{student.student_id}: {folder} is a symbolic link; skipped")
        return
    when = student.when or datetime.now(UTC)
    current = _current_files(folder)
    if current == student.files:
        return  # already collected
    if current:
        previous_when = _readable_timestamp(folder)
        if previous_when is not None and previous_when > when:
            _write_attempt(folder / ATTEMPTS_DIR / attempt_name(when), student.files, when)
            report.written.append(
                f"{student.student_id}: older attempt from {student.origin} kept in attempts/"
            )
            return
        moved_when = previous_when or datetime.fromtimestamp(folder.stat().st_mtime, tz=UTC)
        _move_current(folder, folder / ATTEMPTS_DIR / attempt_name(moved_when))
    _write_attempt(folder, student.files, when)
    files = ", ".join(sorted(student.files))
    report.written.append(f"{student.student_id}: {files} ({when:%Y-%m-%d %H:%M} UTC)")


def _current_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink() and p.name != TIMESTAMP_FILE
    }


def _move_current(folder: Path, attempt: Path) -> None:
    while attempt.exists():
        attempt = attempt.with_name(attempt.name + "_")
    attempt.mkdir(parents=True)
    for path in folder.iterdir():
        if path.name != ATTEMPTS_DIR and path.is_file():
            shutil.move(str(path), attempt / path.name)


def _write_attempt(folder: Path, files: dict[str, bytes], when: datetime) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    write_timestamp(folder, when)


def _readable_timestamp(folder: Path) -> datetime | None:
    """The folder's submission time, or None when it has none or it cannot be read."""
    try:
        return read_timestamp(folder)
    except TimestampError:
        return None
