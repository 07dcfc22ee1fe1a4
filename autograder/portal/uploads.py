"""Student uploads: checked, written to disk, recorded and queued before they are acknowledged.

Each upload gets a folder with a random name under ``<data>/uploads/``; the files in it
get the names the grader expects (``softmax.py`` or ``softmax.ipynb``, ``answers.md``),
whatever the browser called them. The files are flushed to disk, then the upload row and
its grading job are committed in one transaction, and only then does the student see
"received". For hidden-test grading, ``arrange_for_grading`` lays every student's
uploads out as the course layout the batch grader reads (latest on top, the earlier ones
under ``attempts/``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from autograder.course.files import ANSWERS_FILE
from autograder.course.spec import AssignmentSpec
from autograder.course.submission import notebook_file
from autograder.course.timestamps import ATTEMPTS_DIR, attempt_name, write_timestamp
from autograder.errors import UserError
from autograder.portal.queue import enqueue, now
from autograder.portal.tables import uploads

MAX_FILE_BYTES = 5 * 1024 * 1024


class UploadRefused(UserError):
    """The upload cannot be accepted; the message says why and what to do."""


@dataclass(frozen=True)
class Incoming:
    """One file as the browser sent it."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Limits:
    """How often and how many times a student may hand in (the spec's ``[portal]``)."""

    cooldown_seconds: float  # the default lives in the spec ([portal])
    max_attempts: int | None = None


def server_names(
    code: Incoming, answers: Incoming | None, spec: AssignmentSpec
) -> dict[str, bytes]:
    """Check the files' kinds and sizes; return ``{name the grader expects: content}``."""
    student_file, notebook = spec.student_file, notebook_file(spec)
    files = {}
    suffix = Path(code.filename).suffix.lower()
    if suffix == ".py":
        files[student_file] = _checked(code, text=True)
    elif suffix == ".ipynb":
        files[notebook] = _checked(code, text=True)
    else:
        raise UploadRefused(
            f"{_shown(code.filename)!r} is not a .py script or a .ipynb notebook: upload "
            f"{student_file} or {notebook}."
        )
    if answers is not None and answers.filename:
        if Path(answers.filename).suffix.lower() not in (".md", ".txt"):
            raise UploadRefused(
                f"{_shown(answers.filename)!r} is not a Markdown file: upload {ANSWERS_FILE}."
            )
        files[ANSWERS_FILE] = _checked(answers, text=True)
    return files


def _shown(name: str) -> str:
    return name[:100]


def _checked(item: Incoming, *, text: bool) -> bytes:
    if not item.content:
        raise UploadRefused(f"{_shown(item.filename)!r} is empty: choose the file again.")
    if len(item.content) > MAX_FILE_BYTES:
        raise UploadRefused(
            f"{_shown(item.filename)!r} is {len(item.content) / 1e6:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB. Clear the notebook's outputs or remove large data."
        )
    if text:
        try:
            item.content.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRefused(
                f"{_shown(item.filename)!r} is not UTF-8 text: save it as UTF-8 and upload again."
            ) from None
    return item.content


def check_allowed(
    conn: sa.Connection, assignment: str, student_id: str, limits: Limits, at: datetime
) -> None:
    """Refuse an upload that comes too soon after the last one, or one too many."""
    mine = (uploads.c.assignment == assignment) & (uploads.c.student_id == student_id)
    count, last = conn.execute(
        sa.select(sa.func.count(), sa.func.max(uploads.c.uploaded_at)).where(mine)
    ).one()
    if limits.max_attempts is not None and count >= limits.max_attempts:
        raise UploadRefused(
            f"you have used all {limits.max_attempts} attempts at {assignment}; "
            "ask your instructor if you need another."
        )
    if last is not None:
        ready = last + timedelta(seconds=limits.cooldown_seconds)
        if at < ready:
            wait = int((ready - at).total_seconds()) + 1
            raise UploadRefused(
                f"please wait {wait} s before your next attempt at {assignment}: attempts are "
                f"spaced {limits.cooldown_seconds:g} s apart so that feedback is read, not probed."
            )


def accept(
    engine: sa.Engine,
    data: Path,
    assignment: str,
    student_id: str,
    files: dict[str, bytes],
    original: list[str],
    limits: Limits,
) -> int:
    """Write ``files`` to a new folder, record the upload and queue its grading; its id."""
    at = now()
    with engine.connect() as conn:
        check_allowed(conn, assignment, student_id, limits, at)
    folder = data / "uploads" / secrets.token_hex(16)
    folder.mkdir(parents=True)
    listing = []
    for name, content in files.items():
        _write_synced(folder / name, content)
        listing.append(f"{name} {hashlib.sha256(content).hexdigest()} {len(content)}")
    write_timestamp(folder, at)
    try:
        with engine.begin() as conn:
            check_allowed(conn, assignment, student_id, limits, at)
            row = conn.execute(
                uploads.insert().values(
                    assignment=assignment,
                    student_id=student_id,
                    folder=str(folder),
                    files="\n".join(listing),
                    original_names="\n".join(n[:200] for n in original),
                    uploaded_at=at,
                )
            )
            upload_id = int(row.inserted_primary_key[0])
            enqueue(conn, "public", assignment, upload_id)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return upload_id


def _write_synced(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def arrange_for_grading(engine: sa.Engine, assignment: str, target: Path) -> int:
    """Lay every student's uploads out under ``target/<student_id>/`` as the batch grader
    reads them (latest on top, earlier ones in ``attempts/``); how many students."""
    with engine.connect() as conn:
        rows = list(
            conn.execute(
                sa.select(uploads)
                .where(uploads.c.assignment == assignment)
                .order_by(uploads.c.student_id, uploads.c.uploaded_at, uploads.c.id)
            )
        )
    shutil.rmtree(target, ignore_errors=True)
    by_student: dict[str, list] = {}
    for row in rows:
        by_student.setdefault(row.student_id, []).append(row)
    for student_id, mine in by_student.items():
        top = target / student_id
        for row in mine[:-1]:
            _copy_upload(Path(row.folder), top / ATTEMPTS_DIR / attempt_name(_aware(row)))
        _copy_upload(Path(mine[-1].folder), top)
    return len(by_student)


def _aware(row: sa.Row) -> datetime:
    from datetime import UTC

    return row.uploaded_at.replace(tzinfo=UTC)


def _copy_upload(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_file() and not item.is_symlink():
            shutil.copyfile(item, target / item.name)


def student_uploads(conn: sa.Connection, assignment: str, student_id: str) -> list:
    """One student's uploads of one assignment, newest first."""
    return list(
        conn.execute(
            sa.select(uploads)
            .where(uploads.c.assignment == assignment, uploads.c.student_id == student_id)
            .order_by(uploads.c.id.desc())
        )
    )
