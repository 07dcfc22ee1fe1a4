"""Feedback for each student: ``feedback.md`` and ``feedback.html`` from the gradebook.

Each failed test has three layers: the score, the *diagnosis* (the named mistake, the
received and expected shape or type; never an expected value) and the *details* (the
message with the test's inputs and expected values). What a student sees:

- ``visible``: score, diagnosis and details, always.
- ``after_due_date`` (and ``after_published``; the default of hidden tests): score and
  diagnosis at once; the details once the due date and every extension have passed (a
  student with an extension must not see the inputs early). No due date: never the details.
- ``hidden``: never listed; the points still count in the problem's score, and the
  feedback says how many such tests there were.

Both files are built from one list of blocks, so they say the same thing. Everything that
comes from a student (messages, printed output) goes in code blocks, and the HTML escapes
all text: a submission cannot inject markup into a page a TA opens.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from autograder.check.public import public_context
from autograder.course.results import SubmissionResult
from autograder.course.spec import AssignmentSpec
from autograder.runner.one_submission import grade_submission

DETAILS_LATER = ("after_due_date", "after_published")


@dataclass
class Doc:
    """A small document: headings, paragraphs, tables, code blocks and bullet lists."""

    blocks: list[tuple] = field(default_factory=list)

    def heading(self, level: int, text: str) -> None:
        self.blocks.append(("h", level, text))

    def para(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.blocks.append(("table", list(header), [list(map(str, r)) for r in rows]))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    def bullets(self, items: Sequence[str]) -> None:
        self.blocks.append(("ul", list(items)))

    def markdown(self) -> str:
        out = []
        for block in self.blocks:
            kind = block[0]
            if kind == "h":
                out.append("#" * block[1] + " " + _md(block[2]))
            elif kind == "p":
                out.append(_md(block[1]))
            elif kind == "table":
                header, rows = block[1], block[2]
                out.append("| " + " | ".join(_md(h) for h in header) + " |")
                out[-1] += "\n|" + "---|" * len(header)
                out[-1] += "".join("\n| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
            elif kind == "code":
                fence = "`" * max(3, _longest_backtick_run(block[1]) + 1)
                out.append(f"{fence}text\n{block[1].rstrip()}\n{fence}")
            elif kind == "ul":
                out.append("\n".join(f"- {_md(item)}" for item in block[1]))
        return "\n\n".join(out) + "\n"

    def html(self, title: str) -> str:
        body = []
        for block in self.blocks:
            kind = block[0]
            if kind == "h":
                body.append(f"<h{block[1]}>{html.escape(block[2])}</h{block[1]}>")
            elif kind == "p":
                body.append(f"<p>{html.escape(block[1])}</p>")
            elif kind == "table":
                head = "".join(f"<th>{html.escape(h)}</th>" for h in block[1])
                rows = "".join(
                    "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                    for row in block[2]
                )
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            elif kind == "code":
                body.append(f"<pre><code>{html.escape(block[1].rstrip())}</code></pre>")
            elif kind == "ul":
                items = "".join(f"<li>{html.escape(i)}</li>" for i in block[1])
                body.append(f"<ul>{items}</ul>")
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n"
        )


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}"
)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _md(text: str) -> str:
    """Plain text made inert in markdown: punctuation that could format is escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def reveal_time(spec: AssignmentSpec) -> datetime | None:
    """When ``after_due_date`` details may be shown: the latest due date or extension."""
    dates = [d for d in (spec.due, *(when for _, when in spec.extensions)) if d is not None]
    return max(dates) if dates else None


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def student_feedback(
    spec: AssignmentSpec,
    grade: pd.Series,
    tests: pd.DataFrame,
    *,
    now: datetime,
    public: SubmissionResult | None = None,
) -> Doc:
    """The feedback document of one student.

    ``grade`` is the student's row of ``Gradebook.grades``, ``tests`` their test rows
    (``Gradebook.tests``), ``public`` their public tests' result if those were run.
    """
    reveal = reveal_time(spec)
    details_open = reveal is not None and now >= reveal
    doc = Doc()
    doc.heading(1, f"Feedback: {spec.title}")
    doc.bullets(_summary_lines(grade))
    if grade["status"] != "ok" and isinstance(grade["message"], str) and grade["message"]:
        doc.heading(2, "What went wrong")
        doc.code(grade["message"])

    doc.heading(2, "Score per problem")
    rows = []
    for problem in spec.problems:
        mine = tests[tests["problem"] == problem.id]
        if mine.empty:
            continue
        pending = (mine["outcome"] == "pending").any()
        score = "pending" if pending else _points(mine["score"].sum())
        rows.append([problem.title, score, _points(mine["max_score"].sum())])
    doc.table(["Problem", "Score", "Points"], rows)

    _test_sections(doc, tests, details_open, reveal)

    written = tests[tests["outcome"].isin(("pending", "graded"))]
    if not written.empty:
        doc.heading(2, "Written answers")
        doc.bullets(
            [
                f"{w.name}: "
                + (
                    "pending, not graded yet"
                    if w.outcome == "pending"
                    else f"{_points(w.score)} / {_points(w.max_score)}"
                    + (f" — {w.message}" if w.message else "")
                )
                for w in written.itertuples(index=False)
            ]
        )

    if public is not None:
        doc.heading(2, "Public tests (what autograder check shows you)")
        passed_count = sum(t.outcome == "passed" for t in public.tests)
        doc.para(f"{passed_count} of {len(public.tests)} passed.")
        lines = []
        for test in public.tests:
            mark = "PASS" if test.outcome == "passed" else "FAIL"
            lines.append(f"{mark} {test.name}")
            if test.outcome != "passed":
                if test.diagnosis:
                    lines.append(f"    Diagnosis: {test.diagnosis}")
                lines += ["    " + line for line in test.output.splitlines()[:20]]
        if public.message:
            lines += ["", public.message]
        doc.code("\n".join(lines))
    return doc


def _test_sections(
    doc: Doc, tests: pd.DataFrame, details_open: bool, reveal: datetime | None
) -> None:
    """Failed tests (score, diagnosis, details as visibility allows), passed, hidden count."""
    auto = tests[~tests["outcome"].isin(("pending", "graded"))]
    shown = auto[auto["visibility"] != "hidden"]
    failing = shown[shown["outcome"].isin(("failed", "grader-error"))]
    if not failing.empty:
        doc.heading(2, "Tests that failed")
        for test in failing.itertuples(index=False):
            doc.heading(3, f"{test.name} ({test.problem}, {_points(test.max_score)} pt)")
            _failed_test(doc, test, details_open or test.visibility not in DETAILS_LATER, reveal)
    passed = shown[shown["outcome"] == "passed"]
    if not passed.empty:
        doc.heading(2, "Tests passed")
        doc.bullets(list(passed["name"]))
    hidden = auto[auto["visibility"] == "hidden"]
    if not hidden.empty:
        doc.para(
            f"{len(hidden)} more test(s) are not shown; they count in the scores above "
            f"({_points(hidden['score'].sum())} of {_points(hidden['max_score'].sum())} points)."
        )


def _failed_test(doc: Doc, test: Any, details: bool, reveal: datetime | None) -> None:
    """One failed test: its diagnosis always, its details when they may be shown."""
    if test.outcome == "grader-error":
        doc.para("Not counted against you: this test failed on the grader's side.")
    diagnosis = getattr(test, "diagnosis", None)
    if isinstance(diagnosis, str) and diagnosis:
        doc.para(f"Diagnosis: {diagnosis}")
    if details:
        doc.code(test.message or "failed")
    elif reveal is not None:
        doc.para(
            "The details of this test (its inputs and expected values) are shown after "
            f"the due date ({reveal:%Y-%m-%d %H:%M %Z})."
        )
    else:
        doc.para("The details of this test (its inputs and expected values) are not shown.")


def _summary_lines(grade: pd.Series) -> list[str]:
    lines = [f"Student: {grade['student_id']}"]
    when = grade["submitted_at"]
    if pd.notna(when):
        source = grade.get("time_source", "")
        note = "" if source == "timestamp.txt" else f" (from the {source}: no timestamp.txt)"
        lines.append(f"Submitted: {when:%Y-%m-%d %H:%M:%S %Z}{note}")
    lines.append(f"Status: {grade['status']}")
    score = f"Score: {_points(grade['score'])} / {_points(grade['max_score'])}"
    if grade.get("late_penalty", 0) and grade["late_penalty"] > 0:
        score += (
            f" (raw {_points(grade['raw_score'])}, less {_points(grade['late_penalty'])} "
            f"for {int(grade['days_late'])} day(s) late)"
        )
    lines.append(score)
    if grade.get("pending", 0) and grade["pending"] > 0:
        lines.append(f"Written answers still to be graded: {_points(grade['pending'])} points")
    if grade.get("attempts", 1) and grade["attempts"] > 1:
        lines.append(f"Attempts handed in: {int(grade['attempts'])}; this one counts")
    return lines


def run_public_tests(
    spec: AssignmentSpec, folders: Mapping[str, Path], jobs: int = 1
) -> dict[str, SubmissionResult]:
    """The public tests' result for each student's counted attempt, as ``check`` shows it.

    Run here rather than at grading time so that grading stays as fast as it is, and with
    the same seed as ``autograder check`` so a student sees the output they saw at home.
    Folders that no longer exist are left out.
    """
    if not spec.public_tests:
        return {}
    ctx = public_context(spec)
    present = {sid: folder for sid, folder in folders.items() if folder.is_dir()}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            sid: pool.submit(grade_submission, folder, "student", ctx)
            for sid, folder in present.items()
        }
        return {sid: future.result() for sid, future in futures.items()}


def write_feedback(doc: Doc, folder: Path, title: str) -> list[Path]:
    """Write ``feedback.md`` and ``feedback.html`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    md, page = folder / "feedback.md", folder / "feedback.html"
    md.write_text(doc.markdown(), encoding="utf-8")
    page.write_text(doc.html(title), encoding="utf-8")
    return [md, page]
