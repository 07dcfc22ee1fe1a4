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

Whose an LMS entry is comes only from the fields the LMS writes (``lms_names``); files are
read through ``student_files`` (FIFOs, devices, hard links and foreign files are refused
unopened, sizes capped), and a folder collected once remembers whose it is
(``.collected_from``), so one student's entry never replaces another student's files, in
one run or across runs. Whatever goes wrong with one student is a problem named in the
report, and the others are collected.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from autograder.collect.lms_names import AmbiguousName, LmsEntry, parse_entry
from autograder.collect.store import (
    MAX_FILE_BYTES,
    CollectReport,
    Incoming,
    readable_timestamp,
    store,
)
from autograder.course.files import ANSWERS_FILE
from autograder.course.spec import AssignmentSpec
from autograder.course.student_files import read_student_file
from autograder.course.student_ids import student_id_problem
from autograder.course.submission import notebook_file
from autograder.course.timestamps import TIMESTAMP_FILE
from autograder.errors import UserError

MAX_FILES_PER_STUDENT = 200  # entries looked at in one nbgrader submission folder
MAX_DEPTH = 3  # folders looked into below it (only its top level holds assignment files)
JUNK = (".DS_Store", "Thumbs.db", "desktop.ini")


class CollectError(UserError):
    """The source cannot be read at all (not a zip, no such folder)."""


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
        try:
            store(student, target, report)
        except (OSError, ValueError, OverflowError) as exc:
            report.problems.append(f"{student.student_id}: not collected: {exc}")
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
        student = (row["student_id"] or "").strip()
        problem = student_id_problem(student)
        if problem:
            raise CollectError(f"{path}: {problem}")
        mapping[(row["lms_id"] or "").strip()] = student
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
        problem = student_id_problem(student_dir.name)
        if problem:
            report.problems.append(f"{where}: {problem}")
            continue
        try:
            files = _nbgrader_files(folder, accepted, where, report)
        except OSError as exc:
            report.problems.append(f"{where}: cannot be read ({exc.strerror}); skipped")
            continue
        when = readable_timestamp(folder)
        if when is None:
            report.problems.append(
                f"{where}: no readable {TIMESTAMP_FILE}; the collection time is recorded"
            )
        if files:
            found.append(
                Incoming(student_dir.name, files, when, where, f"nbgrader:{student_dir.name}")
            )
    return found


def _nbgrader_files(
    folder: Path, accepted: tuple[str, ...], where: str, report: CollectReport
) -> dict[str, bytes]:
    """The assignment's files in one submission folder; links and special files refused."""
    files: dict[str, bytes] = {}
    seen = 0
    for parent, dirs, names in os.walk(folder):  # never follows links to folders
        deep = len(Path(parent).relative_to(folder).parts) >= MAX_DEPTH
        dirs[:] = [] if deep else sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(parent) / name
            relative = path.relative_to(folder).as_posix()
            if name.startswith(".") or name in JUNK or relative == TIMESTAMP_FILE:
                continue
            seen += 1
            if seen > MAX_FILES_PER_STUDENT:
                report.problems.append(
                    f"{where}: more than {MAX_FILES_PER_STUDENT} files; the rest were not read"
                )
                return files
            _take(
                files,
                relative,
                accepted,
                f"{where}/{relative}",
                report,
                lambda path=path: read_student_file(path, MAX_FILE_BYTES),
            )
    return files


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
            if not info.is_dir():
                _zip_entry(archive, info, path.name, accepted, report, roster, students)
    return [s for s in students.values() if s.files]


def _zip_entry(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    zip_name: str,
    accepted: tuple[str, ...],
    report: CollectReport,
    roster: dict[str, str],
    students: dict[tuple[str, str], Incoming],
) -> None:
    """Add one entry of the download to its student's files, or say why not."""
    name = info.filename
    refusal = _unsafe(info)
    if refusal:
        report.problems.append(f"{zip_name}: refused entry {name!r}: {refusal}")
        return
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if parts[0] == "__MACOSX" or parts[-1] in JUNK:
        return
    try:
        entry = parse_entry(parts)
    except AmbiguousName as exc:
        report.problems.append(f"{zip_name}: refused entry {name!r}: ambiguous owner: {exc}")
        return
    if entry is None:
        report.problems.append(
            f"{zip_name}: {name!r} does not follow Canvas or Moodle naming; skipped"
        )
        return
    student_id = student_for(entry, roster)
    problem = student_id_problem(student_id) if student_id else "no student id can be made"
    if problem:
        report.problems.append(f"{zip_name}: {name!r}: {problem}")
        return
    when = _zip_time(info)
    incoming = students.setdefault(
        (student_id, entry.identity), Incoming(student_id, {}, when, zip_name, entry.identity)
    )
    if when is not None:
        incoming.when = max(incoming.when or when, when)

    def read() -> bytes:
        with archive.open(info) as handle:
            return handle.read(MAX_FILE_BYTES + 1)

    _take(incoming.files, entry.filename, accepted, f"{zip_name}: {name}", report, read)


def student_for(entry: LmsEntry, roster: dict[str, str]) -> str:
    """The student id of an entry: the roster's, by LMS id first, else a slug of its name."""
    return roster.get(entry.number) or roster.get(entry.name) or slug(entry.name)


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    """The entry's time as UTC; None when the zip holds an impossible date (month 0)."""
    try:
        return datetime(*info.date_time, tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


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


def _take(
    files: dict[str, bytes],
    filename: str,
    accepted: tuple[str, ...],
    where: str,
    report: CollectReport,
    read: Callable[[], bytes],
) -> None:
    """Read a file of the assignment into ``files``; anything else is named and skipped
    without being opened."""
    canonical = canonical_name(filename, accepted)
    if canonical is None:
        report.problems.append(
            f"{where}: {filename!r} is not a file of this assignment "
            f"(expected {', '.join(accepted)}); skipped"
        )
        return
    try:
        data = read()
    except Exception as exc:  # noqa: BLE001 - refused, encrypted, corrupt: this file only
        report.problems.append(f"{where}: skipped: {str(exc)[:300] or type(exc).__name__}")
        return
    if len(data) > MAX_FILE_BYTES:
        report.problems.append(f"{where}: {filename!r} is larger than 25 MB; skipped")
    elif canonical in files:
        report.problems.append(
            f"{where}: more than one file of this student stands for {canonical} "
            f"({filename!r} too); the last one in the download is kept"
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
