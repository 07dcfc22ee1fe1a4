"""Reads each submission, and the released template, as a document of fingerprinted code.

Submissions are read by ``course.submission`` (size caps, no symbolic links; a notebook's
code cells when there is no script), as text only: nothing a student wrote is executed
or imported here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.course.notebooks import BadNotebook, read_notebook
from autograder.course.spec import AssignmentSpec
from autograder.course.submission import UnusableSubmission, notebook_file, read_submission
from autograder.similarity.fingerprints import Fingerprint, fingerprints
from autograder.similarity.normalize import Unit, normalize


@dataclass
class Document:
    """One submission's code: its chunks as read (for display), units and fingerprints."""

    student_id: str
    path: Path
    chunks: list[tuple[str, str]]  # (label, source): the script, or one per code cell
    units: list[Unit]
    prints: list[Fingerprint]
    notes: list[str] = field(default_factory=list)

    @property
    def hashes(self) -> set[int]:
        return {fp.hash for fp in self.prints}


def document(student_id: str, path: Path, chunks: list[tuple[str, str]], keep) -> Document:
    """Normalize and fingerprint ``chunks`` of source.

    Units keep their names and calls but not their tokens: the fingerprints say all that
    is compared, and a class of 1,000 would otherwise hold a million tokens.
    """
    code = normalize(chunks, keep)
    prints = fingerprints(code.units)
    units = [replace(unit, tokens=[]) for unit in code.units]
    return Document(student_id, path, chunks, units, prints, code.notes)


def read_class(
    folders: Iterable[tuple[str, Path]], spec: AssignmentSpec, keep: Collection[str]
) -> tuple[list[Document], list[str]]:
    """A document per readable submission, and a message per folder left out."""
    documents, skipped = [], []
    for student_id, folder in folders:
        try:
            source = read_submission(folder, spec)
        except UnusableSubmission as unusable:
            skipped.append(f"{student_id}: {unusable.message}")
            continue
        except OSError as exc:
            skipped.append(f"{student_id}: cannot be read ({exc.strerror or exc})")
            continue
        chunks = [(chunk.name, chunk.source) for chunk in source.chunks]
        documents.append(document(student_id, source.path, chunks, keep))
    return documents, skipped


def read_template(
    spec: AssignmentSpec, assignments: Path, keep: Collection[str]
) -> tuple[Document | None, str]:
    """The released template (script and notebook), or else one made from the reference.

    Returns the document and a sentence saying which file it came from.
    """
    folder = assignments / spec.name
    script, notebook = folder / spec.student_file, folder / notebook_file(spec)
    chunks: list[tuple[str, str]] = []
    if script.is_file():
        chunks.append((script.name, script.read_text(encoding="utf-8")))
    if notebook.is_file() and notebook != script:
        with suppress(BadNotebook):  # then the script alone is the template
            chunks += [(c.name, c.source) for c in read_notebook(notebook).chunks]
    if chunks:
        released = f"the released template {assignments.name}/{spec.name}/{spec.student_file}"
        return document("template", folder, chunks, keep), released
    return _template_from_reference(spec, keep)


def _template_from_reference(
    spec: AssignmentSpec, keep: Collection[str]
) -> tuple[Document | None, str]:
    from autograder.author.markers import make_template

    if not spec.reference or not spec.path(spec.reference).is_file():
        return None, "no template (the assignment is not released and has no reference)"
    reference = spec.path(spec.reference)
    try:
        text = make_template(reference.read_text(encoding="utf-8"), spec.reference)
    except Exception as exc:  # noqa: BLE001 - a broken reference only loses the subtraction
        return None, f"no template ({exc})"
    made = document("template", reference, [(spec.student_file, text)], keep)
    return made, f"the template made from the reference (run `autograder release {spec.name}`)"
