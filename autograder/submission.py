"""Finds a student's code in their folder and reads it as source chunks.

The grader never imports these files: it reads them as text (with a size cap, refusing
symlinks) and ships the source to the worker. A folder that has no usable file gets a
status and a message saying what was found instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.session import Chunk
from autograder.spec import AssignmentSpec

MAX_SOURCE_BYTES = 2 * 1024 * 1024


class UnusableSubmission(Exception):
    """The folder holds nothing that can be graded; ``status`` says why in one word."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class SubmissionSource:
    path: Path
    chunks: list[Chunk]
    digest: str


def read_submission(folder: Path, spec: AssignmentSpec) -> SubmissionSource:
    """The student's file as chunks, or ``UnusableSubmission`` with a clear message."""
    path = Path(folder) / spec.student_file
    if path.is_symlink():
        raise UnusableSubmission(
            "error", f"{spec.student_file} is a symbolic link; submit the file itself"
        )
    if not path.is_file():
        raise UnusableSubmission(
            "missing", f"no {spec.student_file} in {folder.name}/ ({_listing(folder)})"
        )
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise UnusableSubmission(
            "error", f"{spec.student_file} is {size:,} bytes; the limit is {MAX_SOURCE_BYTES:,}"
        )
    raw = path.read_bytes()
    if b"\0" in raw:
        raise UnusableSubmission(
            "error", f"{spec.student_file} is a binary file, not Python source"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnusableSubmission(
            "error", f"{spec.student_file} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    return SubmissionSource(path, [Chunk(spec.student_file, text)], hashlib.sha256(raw).hexdigest())


def _listing(folder: Path) -> str:
    if not folder.is_dir():
        return "the folder does not exist"
    names = sorted(p.name for p in folder.iterdir())[:10]
    return "found: " + ", ".join(names) if names else "the folder is empty"
