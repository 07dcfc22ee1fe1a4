"""Finds a student's written answers: ``answers.md`` sections or notebook answer cells.

``answers.md`` (released with the script) has one ``## <problem_id>: <title>`` heading per
written problem; the answer is what the student wrote under it, without the quoted prompt
and the placeholder. In a notebook, the answer is the manually graded answer cell whose
nbgrader ``grade_id`` is ``answer_<problem_id>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.course.files import ANSWER_PLACEHOLDER, ANSWER_STUB, ANSWERS_FILE, answer_cell_id
from autograder.course.notebooks import BadNotebook, load_cells
from autograder.course.spec import AssignmentSpec
from autograder.course.student_files import StudentFileError, read_student_file
from autograder.course.submission import notebook_file

MAX_ANSWER_CHARS = 50_000
MAX_ANSWERS_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class FoundAnswers:
    """A student's written answers, where they came from, and what a grader should know."""

    answers: dict[str, str]  # problem id -> answer ("" when unanswered)
    where: str  # the file read, or why there are no answers
    note: str = ""  # e.g. the file was not UTF-8 and was decoded otherwise


def extract_answers(folder: Path, spec: AssignmentSpec) -> tuple[dict[str, str], str]:
    """``({problem_id: answer}, where)``; an unanswered problem maps to ``""``.

    ``where`` names the file the answers came from, or says why there are none.
    """
    found = read_answers(folder, spec)
    return found.answers, found.where


def read_answers(folder: Path, spec: AssignmentSpec) -> FoundAnswers:
    """A student's answers from ``answers.md`` or else the notebook's answer cells."""
    empty = {p.id: "" for p in spec.written_problems}
    answers_md = folder / ANSWERS_FILE
    notebook = folder / notebook_file(spec)
    if answers_md.exists() or answers_md.is_symlink():
        try:
            raw = read_student_file(answers_md, MAX_ANSWERS_BYTES)
        except StudentFileError as exc:
            return FoundAnswers(empty, str(exc))
        text, note = decode_text(raw, ANSWERS_FILE)
        return FoundAnswers({**empty, **parse_answers_md(text, spec)}, ANSWERS_FILE, note)
    if notebook.exists() or notebook.is_symlink():
        try:
            cells, _ = load_cells(notebook)
        except BadNotebook as bad:
            return FoundAnswers(empty, bad.message)
        return FoundAnswers({**empty, **notebook_answers(cells, spec)}, notebook.name)
    return FoundAnswers(empty, f"no {ANSWERS_FILE} or {notebook.name}")


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """``(text, note)``: UTF-8 if it is, else Windows-1252/Latin-1 (what editors on
    Windows and old Macs save), with a note saying so; never mojibake without a word."""
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text, (
        f"{name} is not UTF-8; it was read as Latin-1 (Windows-1252): check accented "
        "letters and symbols against the student's file"
    )


def parse_answers_md(text: str, spec: AssignmentSpec) -> dict[str, str]:
    """The text under each ``## <problem_id>:`` heading, prompt and placeholder removed."""
    ids = [p.id for p in spec.written_problems]
    heading = re.compile(r"^##\s+(" + "|".join(map(re.escape, ids)) + r")\b.*$", re.MULTILINE)
    found: dict[str, str] = {}
    matches = list(heading.finditer(text)) if ids else []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end]
        lines = [ln for ln in body.splitlines() if not ln.startswith(">")]
        answer = "\n".join(lines).replace(ANSWER_PLACEHOLDER, "").strip()
        found[match.group(1)] = answer[:MAX_ANSWER_CHARS]
    return found


def notebook_answers(cells: list[dict], spec: AssignmentSpec) -> dict[str, str]:
    """The answer cells of a notebook, by problem id (the stub counts as no answer)."""
    wanted = {answer_cell_id(p.id): p.id for p in spec.written_problems}
    found: dict[str, str] = {}
    for cell in cells:
        problem = wanted.get(cell["nbgrader"].get("grade_id"))
        if problem is not None:
            answer = cell["source"].strip()
            found[problem] = "" if answer == ANSWER_STUB else answer[:MAX_ANSWER_CHARS]
    return found
