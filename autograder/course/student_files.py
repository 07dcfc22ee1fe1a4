"""Opens a file a student handed in: a plain file of their own, read up to a size cap.

Every per-student input (the script, the notebook, ``answers.md``, ``timestamp.txt``, and
the files ``collect`` copies) goes through :func:`read_student_file`, so one rule decides
what may be read: a regular file (never a FIFO, device or socket, which could block the
grader or never end), not a symbolic link, with a single link (a hard link to a course
file is not the student's work), owned by whoever owns its folder (or by the grader's
own user or root, whose files no student can make), and no larger than the caller's cap
(a 2 GB sparse file is refused from its size, never read). The checks are made again on
the opened file itself, so it cannot be swapped between check and read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Students run ``check`` on Windows too, which has none of these (nor FIFOs to fear).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_GRADER_UID = os.geteuid() if hasattr(os, "geteuid") else 0


class StudentFileError(ValueError):
    """The file may not be read as the student's work; the message says why, for people.

    ``not_a_file`` is true for FIFOs, sockets, devices and folders: there is no file at
    all (a grade status of ``missing``), rather than a file that is refused.
    """

    def __init__(self, message: str, *, not_a_file: bool = False) -> None:
        super().__init__(message)
        self.not_a_file = not_a_file


def _error(problem: str, mode: int) -> StudentFileError:
    special = not stat.S_ISREG(mode) and not stat.S_ISLNK(mode)
    return StudentFileError(problem, not_a_file=special)


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def refusal(path: Path, info: os.stat_result, limit: int) -> str:
    """Why the file described by ``info`` (an ``lstat``) must not be read; "" if it may."""
    name = path.name
    if not stat.S_ISREG(info.st_mode):
        return f"{name} is {_kind(info.st_mode)}, not a file; hand in the file itself"
    if info.st_nlink > 1:
        return (
            f"{name} has {info.st_nlink} hard links: it is shared with another file, so it "
            "is not taken as this student's own work; hand in a plain copy"
        )
    try:
        owner = os.lstat(path.parent).st_uid
    except OSError:
        owner = info.st_uid
    if info.st_uid not in (owner, _GRADER_UID, 0):
        return (
            f"{name} belongs to user {info.st_uid}, not to the owner of its folder "
            f"(user {owner}); hand in a copy made in the folder"
        )
    if info.st_size > limit:
        return f"{name} is {info.st_size:,} bytes; the limit is {limit:,}"
    return ""


def check_student_file(path: Path, limit: int) -> None:
    """Raise ``StudentFileError`` unless ``path`` may be read as the student's work."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise StudentFileError(f"{Path(path).name} cannot be read: {exc.strerror}") from None
    problem = refusal(Path(path), info, limit)
    if problem:
        raise _error(problem, info.st_mode)


def read_student_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, or ``StudentFileError`` when the rules above refuse it.

    The file is opened without following links and without blocking (a FIFO refused by
    ``lstat`` and swapped in afterwards still cannot hang us), then checked again through
    its descriptor, and at most ``limit`` bytes are read.
    """
    path = Path(path)
    check_student_file(path, limit)
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise StudentFileError(f"{path.name} cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        problem = refusal(path, info, limit)
        if problem:
            raise _error(problem, info.st_mode)
        chunks, remaining = [], limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise StudentFileError(f"{path.name} cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise StudentFileError(f"{path.name} grew past the limit of {limit:,} bytes while read")
    return data
