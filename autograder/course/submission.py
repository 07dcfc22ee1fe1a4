"""Finds a student's code in their folder and reads it as source chunks.

The grader never imports these files: it reads them as text through ``student_files``
(a size cap; symbolic and hard links, FIFOs, devices and files owned by someone else are
refused) and ships the source to the worker. A folder that has no usable file gets a
status and a message saying what was found instead. A notebook (``<stem>.ipynb``) is
graded when the script (``<stem>.py``) is absent: one chunk per code cell.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.notebooks import BadNotebook, read_notebook
from autograder.course.spec import AssignmentSpec
from autograder.course.student_files import StudentFileError, read_student_file
from autograder.sandbox import Chunk

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
    notes: list[str] = field(default_factory=list)  # for the student, shown with the result
    expected_names: list[str] = field(default_factory=list)  # functions the student writes


def notebook_file(spec: AssignmentSpec) -> str:
    """The notebook a student may hand in instead of the script: ``softmax.ipynb``."""
    return Path(spec.student_file).with_suffix(".ipynb").name


def read_submission(
    folder: Path, spec: AssignmentSpec, expected: Sequence[str] = ()
) -> SubmissionSource:
    """The student's file as chunks, or ``UnusableSubmission`` with a clear message.

    ``expected`` names the functions the student writes (the reference's solution
    regions), so that missing, renamed or moved ones can be named in the message.
    """
    folder = Path(folder)
    path = folder / spec.student_file
    notebook = folder / notebook_file(spec)
    has_script = path.exists() or path.is_symlink()
    has_notebook = notebook.exists() or notebook.is_symlink()
    if has_notebook and not has_script and notebook != path:
        return _read_notebook(notebook, list(expected))
    source = _read_script(path, folder, spec)
    source.expected_names = list(expected)
    if has_notebook and notebook != path:
        source.notes.append(
            f"both {spec.student_file} and {notebook.name} were handed in; {spec.student_file} "
            f"is graded (remove it to have the notebook graded)"
        )
    return source


def _read_notebook(path: Path, names: list[str]) -> SubmissionSource:
    try:
        code = read_notebook(path, names)
    except BadNotebook as bad:
        raise UnusableSubmission(bad.status, bad.message) from None
    digest = hashlib.sha256(code.digest_source).hexdigest()
    return SubmissionSource(path, code.chunks, digest, code.notes, names)


def missing_names_note(source: SubmissionSource, defined: list[str]) -> list[str]:
    """A note naming the functions the student should have defined but did not."""
    missing = [n for n in source.expected_names if n not in defined]
    if not missing:
        return []
    others = [d for d in defined if d not in source.expected_names]
    named = []
    for name in missing:
        close = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
        named.append(f"{name} (renamed to {close[0]}?)" if close else name)
    return [
        f"{source.path.name} does not define {', '.join(named)}; the tests that call "
        f"{'it' if len(missing) == 1 else 'them'} fail. Keep the names of the template."
    ]


def _read_script(path: Path, folder: Path, spec: AssignmentSpec) -> SubmissionSource:
    if not (path.exists() or path.is_symlink()):
        raise UnusableSubmission(
            "missing",
            f"no {spec.student_file} (or {notebook_file(spec)}) in {folder.name}/ "
            f"({_listing(folder)})",
        )
    try:
        raw = read_student_file(path, MAX_SOURCE_BYTES)
    except StudentFileError as exc:
        status = "missing" if exc.not_a_file else "error"
        raise UnusableSubmission(status, str(exc)) from None
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
    names = sorted(p.name for p in folder.iterdir())[:10]  # shown through the message caps
    return "found: " + ", ".join(names) if names else "the folder is empty"
