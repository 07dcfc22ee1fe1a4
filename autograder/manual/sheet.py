"""The TAs' grading sheet for written answers: one CSV, one HTML page per question.

``grading_sheet.csv`` has a row per (student, written problem) with the answer text and
empty ``score`` and ``comment`` columns (or the ones already imported); a TA fills them in
and gives the same file to ``autograder manual import``. Writing the sheet again keeps
what a TA typed into it but has not imported yet (a row whose student is gone is kept in a
copy of the old sheet, and the notes say so). A ``note`` column flags answers to check by
eye, such as a file that was not UTF-8. Each ``written/<problem>.html``
shows every student's answer to one question side by side, Markdown and LaTeX rendered
(student text is escaped: it cannot run scripts in the TA's browser).
"""

from __future__ import annotations

import csv
import html
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import mistune
import pandas as pd

from autograder.course.answers import FoundAnswers, read_answers
from autograder.course.csv_files import restore_cell, write_csv
from autograder.course.spec import AssignmentSpec, Problem
from autograder.grade.scoring import manual_index
from autograder.pages import page

SHEET_FILE = "grading_sheet.csv"
PAGES_DIR = "written"
SHEET_COLUMNS = ["student_id", "problem", "max_points", "answer", "score", "comment", "note"]
MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"


@dataclass
class Sheet:
    csv_path: Path
    pages: list[Path]
    students: int
    unanswered: int
    notes: list[str] = field(default_factory=list)  # what the person running it should know


def write_sheet(
    spec: AssignmentSpec,
    folders: list[tuple[str, Path]],
    out: Path,
    scores: pd.DataFrame | None = None,
) -> Sheet:
    """Write the sheet and pages for ``folders`` (``(student_id, folder)``) into ``out``,
    with the ``scores`` already stored (the gradebook's ``manual``) filled in."""
    if not spec.written_problems:
        raise ValueError(f"{spec.name} has no written problems to grade by hand")
    if scores is None:
        scores = pd.DataFrame(columns=["student_id", "problem", "score", "comment"])
    graded = manual_index(scores)
    csv_path = out / SHEET_FILE
    typed = _typed_not_imported(csv_path, graded)
    rows, unanswered, notes, kept = [], 0, [], 0
    found_by_student: dict[str, FoundAnswers] = {}
    for student_id, folder in folders:
        found = found_by_student[student_id] = read_answers(folder, spec)
        if found.note:
            notes.append(f"{student_id}: {found.note}")
        for problem in spec.written_problems:
            answer = found.answers.get(problem.id, "")
            unanswered += not answer
            key = (student_id, problem.id)
            if key in typed:  # typed by a TA, not imported yet: theirs wins
                score, comment = typed.pop(key)
                kept += 1
            else:
                stored, comment = graded.get(key, ("", ""))
                score = "" if stored == "" else f"{float(stored):g}"
            rows.append(
                {
                    "student_id": student_id,
                    "problem": problem.id,
                    "max_points": f"{problem.points:g}",
                    "answer": answer,
                    "score": score,
                    "comment": comment,
                    "note": found.note,
                }
            )
    out.mkdir(parents=True, exist_ok=True)
    notes += _keep_orphans(csv_path, typed)
    if kept:
        notes.append(
            f"kept {kept} score(s) typed into {SHEET_FILE} but not imported yet; "
            f"run `autograder manual import {spec.name} {csv_path}` to count them"
        )
    write_csv(rows, csv_path, columns=SHEET_COLUMNS)
    pages = _write_pages(spec, found_by_student, graded, out / PAGES_DIR)
    return Sheet(csv_path, pages, len(folders), unanswered, notes)


def _write_pages(
    spec: AssignmentSpec,
    found: dict[str, FoundAnswers],
    graded: dict[tuple[str, str], tuple[float, str]],
    folder: Path,
) -> list[Path]:
    """One page per written problem: every student's answer side by side."""
    folder.mkdir(exist_ok=True)
    answers = {sid: (f.answers, f.where, f.note) for sid, f in found.items()}
    pages = []
    for problem in spec.written_problems:
        path = folder / f"{problem.id}.html"
        path.write_text(_page(spec, problem, answers, graded), encoding="utf-8")
        pages.append(path)
    return pages


def _typed_not_imported(
    csv_path: Path, graded: dict[tuple[str, str], tuple[float, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """Scores and comments in an existing sheet that differ from what was imported."""
    if not csv_path.is_file():
        return {}
    typed = {}
    with open(csv_path, newline="", encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            score = (row.get("score") or "").strip()
            comment = restore_cell(row.get("comment") or "")
            key = (restore_cell(row.get("student_id") or ""), row.get("problem") or "")
            if not score and not comment.strip():
                continue
            imported = graded.get(key)
            if imported is not None and _same(imported, score, comment):
                continue
            typed[key] = (score, comment)
    return typed


def _same(imported: tuple[float, str], score: str, comment: str) -> bool:
    try:
        return float(imported[0]) == float(score) and imported[1] == comment
    except ValueError:
        return False


def _keep_orphans(csv_path: Path, orphans: dict[tuple[str, str], tuple[str, str]]) -> list[str]:
    """Typed rows the new sheet has no place for: keep the old sheet whole, and say so."""
    if not orphans:
        return []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = csv_path.with_name(f"{csv_path.stem}.{stamp}{csv_path.suffix}")
    shutil.copyfile(csv_path, backup)
    names = ", ".join(f"{s}/{p}" for s, p in sorted(orphans))
    return [
        f"{len(orphans)} score(s) typed into the old sheet are for students or problems not "
        f"in this one ({names}); the old sheet is kept as {backup}"
    ]


def _page(
    spec: AssignmentSpec,
    problem: Problem,
    answers: dict[str, tuple[dict[str, str], str, str]],
    graded: dict[tuple[str, str], tuple[float, str]],
) -> str:
    render = mistune.create_markdown(escape=True, plugins=["math"])
    cards = []
    for student_id, (found, where, note) in sorted(answers.items()):
        answer = found.get(problem.id, "")
        body = render(answer) if answer else f"<p class='none'>No answer ({html.escape(where)})</p>"
        if note:
            body = f"<p class='flag'>{html.escape(note)}</p>{body}"
        score = graded.get((student_id, problem.id))
        mark = f"{float(score[0]):g} / {problem.points:g}" if score else "not graded yet"
        cards.append(
            f"<section><h2>{html.escape(student_id)} <small>{html.escape(mark)}</small></h2>"
            f"{body}</section>"
        )
    title = f"{spec.title}: {problem.title} ({problem.points:g} points)"
    head = (
        "<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']]}};"
        f'</script>\n<script async src="{MATHJAX}"></script>\n'
    )
    body = f"""<h1>{html.escape(title)}</h1>
<div class="prompt">{render(problem.prompt)}</div>
<p>{len(answers)} students. Score in <code>{SHEET_FILE}</code> (columns score, comment),
then run <code>autograder manual import {html.escape(spec.name)} {SHEET_FILE}</code>.</p>
<div class="answers">
{chr(10).join(cards)}
</div>"""
    return page(title, body, head=head)
