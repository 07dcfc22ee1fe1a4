"""The TAs' grading sheet for written answers: one CSV, one HTML page per question.

``grading_sheet.csv`` has a row per (student, written problem) with the answer text and
empty ``score`` and ``comment`` columns (or the ones already imported); a TA fills them in
and gives the same file to ``autograder manual import``. Each ``written/<problem>.html``
shows every student's answer to one question side by side, Markdown and LaTeX rendered
(student text is escaped: it cannot run scripts in the TA's browser).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import mistune

from autograder.course.answers import extract_answers
from autograder.course.csv_files import write_csv
from autograder.course.spec import AssignmentSpec, Problem
from autograder.manual.scores import load_scores

SHEET_FILE = "grading_sheet.csv"
PAGES_DIR = "written"
SHEET_COLUMNS = ["student_id", "problem", "max_points", "answer", "score", "comment"]
MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"


@dataclass
class Sheet:
    csv_path: Path
    pages: list[Path]
    students: int
    unanswered: int


def write_sheet(spec: AssignmentSpec, folders: list[tuple[str, Path]], out: Path) -> Sheet:
    """Write the sheet and pages for ``folders`` (``(student_id, folder)``) into ``out``."""
    if not spec.written_problems:
        raise ValueError(f"{spec.name} has no written problems to grade by hand")
    scores = load_scores(out)
    graded = {
        (str(r.student_id), str(r.problem)): (
            r.score,
            r.comment if isinstance(r.comment, str) else "",
        )
        for r in scores.itertuples(index=False)
    }
    rows, unanswered = [], 0
    answers_by_student = {}
    for student_id, folder in folders:
        answers, where = extract_answers(folder, spec)
        answers_by_student[student_id] = (answers, where)
        for problem in spec.written_problems:
            answer = answers.get(problem.id, "")
            unanswered += not answer
            score, comment = graded.get((student_id, problem.id), ("", ""))
            rows.append(
                {
                    "student_id": student_id,
                    "problem": problem.id,
                    "max_points": f"{problem.points:g}",
                    "answer": answer,
                    "score": "" if score == "" else f"{float(score):g}",
                    "comment": comment,
                }
            )
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / SHEET_FILE
    write_csv(rows, csv_path, columns=SHEET_COLUMNS)
    pages_dir = out / PAGES_DIR
    pages_dir.mkdir(exist_ok=True)
    pages = []
    for problem in spec.written_problems:
        page = pages_dir / f"{problem.id}.html"
        page.write_text(_page(spec, problem, answers_by_student, graded), encoding="utf-8")
        pages.append(page)
    return Sheet(csv_path, pages, len(folders), unanswered)


def _page(
    spec: AssignmentSpec,
    problem: Problem,
    answers: dict[str, tuple[dict[str, str], str]],
    graded: dict[tuple[str, str], tuple[float, str]],
) -> str:
    render = mistune.create_markdown(escape=True, plugins=["math"])
    cards = []
    for student_id, (found, where) in sorted(answers.items()):
        answer = found.get(problem.id, "")
        body = render(answer) if answer else f"<p class='none'>No answer ({html.escape(where)})</p>"
        score = graded.get((student_id, problem.id))
        mark = f"{float(score[0]):g} / {problem.points:g}" if score else "not graded yet"
        cards.append(
            f"<section><h2>{html.escape(student_id)} <small>{html.escape(mark)}</small></h2>"
            f"{body}</section>"
        )
    title = f"{spec.title}: {problem.title} ({problem.points:g} points)"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script>window.MathJax = {{tex: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']]}}}};</script>
<script async src="{MATHJAX}"></script>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
.prompt {{ background: #f4f4f8; padding: 1rem; border-radius: 6px; }}
.answers {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(28rem, 1fr));
  gap: 1rem; }}
section {{ border: 1px solid #ccc; border-radius: 6px; padding: 0 1rem; overflow-x: auto; }}
small {{ color: #666; font-weight: normal; }} .none {{ color: #a00; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<div class="prompt">{render(problem.prompt)}</div>
<p>{len(answers)} students. Score in <code>{SHEET_FILE}</code> (columns score, comment),
then run <code>autograder manual import {html.escape(spec.name)} {SHEET_FILE}</code>.</p>
<div class="answers">
{chr(10).join(cards)}
</div></body></html>
"""
