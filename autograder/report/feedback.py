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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from autograder.course.results import WRITTEN_OUTCOMES
from autograder.course.spec import AssignmentSpec
from autograder.pages import page

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

    def headline(self, text: str, good: bool) -> None:
        """The one line to read first, green when all is well, red when not."""
        self.blocks.append(("headline", text, good))

    def failure(self, title: str, message: str, *, code: bool = True, diagnosis: str = "") -> None:
        """A failed test: its name, its diagnosis first, then its message (in a code block
        if ``code``: the details; else a sentence about them)."""
        self.blocks.append(("failure", title, message, code, diagnosis))

    def folded(self, summary: str, items: Sequence[str]) -> None:
        """A list shown folded in HTML (``<details>``), as a plain list in markdown."""
        self.blocks.append(("details", summary, list(items)))

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
                out.append(_fenced(block[1]))
            elif kind == "ul":
                out.append("\n".join(f"- {_md(item)}" for item in block[1]))
            elif kind == "headline":
                out.append(f"**{_md(block[1])}**")
            elif kind == "failure":
                out.append(f"### FAIL {_md(block[1])}")
                if block[4]:
                    out.append(f"Diagnosis: {_md(block[4])}")
                out.append(_fenced(block[2]) if block[3] else _md(block[2]))
            elif kind == "details":
                out.append(f"{_md(block[1])}:\n\n" + "\n".join(f"- {_md(i)}" for i in block[2]))
        return "\n\n".join(out) + "\n"

    def html(self, title: str) -> str:
        """The page, in the shared stylesheet; every text escaped."""
        return page(title, "\n".join(_html_block(block) for block in self.blocks))


def _html_block(block: tuple) -> str:
    kind, esc = block[0], html.escape
    if kind == "h":
        return f"<h{block[1]}>{esc(block[2])}</h{block[1]}>"
    if kind == "p":
        return f"<p>{esc(block[1])}</p>"
    if kind == "table":
        head = "".join(f"<th>{esc(h)}</th>" for h in block[1])
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block[2]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if kind == "code":
        return f"<pre><code>{esc(block[1].rstrip())}</code></pre>"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block[1]) + "</ul>"
    if kind == "headline":
        return f'<p class="headline {"pass" if block[2] else "fail"}">{esc(block[1])}</p>'
    if kind == "failure":
        body = (
            f"<pre><code>{esc(block[2].rstrip())}</code></pre>"
            if block[3]
            else (f"<p>{esc(block[2])}</p>")
        )
        if block[4]:
            body = f'<p class="diagnosis"><strong>Diagnosis:</strong> {esc(block[4])}</p>{body}'
        badge = '<span class="badge fail">FAIL</span>'
        return f'<div class="failure"><h3>{badge} {esc(block[1])}</h3>{body}</div>'
    if kind == "details":
        items = "".join(f'<li><span class="badge pass">PASS</span> {esc(i)}</li>' for i in block[2])
        return f"<details><summary>{esc(block[1])}</summary><ul>{items}</ul></details>"
    raise ValueError(f"unknown block kind {kind!r}")


def _fenced(text: str) -> str:
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


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
    tests: pd.DataFrame | Sequence[dict],
    *,
    now: datetime,
    public: dict | None = None,
) -> Doc:
    """The feedback document of one student.

    ``grade`` is the student's row of ``Gradebook.grades``, ``tests`` their test rows
    (``Gradebook.tests``, as a frame or as its records: records are much faster for a
    class), ``public`` their public tests' outcome as grading stored it
    (``{"tests": [{"name", "outcome", "output", "diagnosis"}]}``), if they were run.
    """
    rows = tests.to_dict("records") if isinstance(tests, pd.DataFrame) else list(tests)
    auto = [t for t in rows if t["outcome"] not in WRITTEN_OUTCOMES]
    shown = [t for t in auto if t["visibility"] != "hidden"]
    failing = [t for t in shown if t["outcome"] in ("failed", "grader-error")]
    passed = [t["name"] for t in shown if t["outcome"] == "passed"]
    doc = Doc()
    doc.heading(1, f"Feedback: {spec.title}")
    all_well = grade["status"] == "ok" and not failing
    doc.headline(_headline(grade, len(passed), len(shown)), all_well)
    if grade["status"] != "ok" and isinstance(grade["message"], str) and grade["message"]:
        doc.heading(2, "What went wrong")
        doc.code(grade["message"])
    _failures(doc, spec, failing, now)
    doc.bullets(_summary_lines(grade))
    _problem_scores(doc, spec, rows)
    if passed:
        doc.folded(f"Tests passed ({len(passed)})", passed)
    hidden = [t for t in auto if t["visibility"] == "hidden"]
    if hidden:
        earned = _points(sum(t["score"] for t in hidden))
        worth = _points(sum(t["max_score"] for t in hidden))
        doc.para(
            f"{len(hidden)} more test(s) are not shown; they count in the scores above "
            f"({earned} of {worth} points)."
        )
    _written(doc, [t for t in rows if t["outcome"] in WRITTEN_OUTCOMES])
    if public is not None:
        _public_tests(doc, public)
    return doc


def _failures(doc: Doc, spec: AssignmentSpec, failing: list[dict], now: datetime) -> None:
    """Each failing test: its diagnosis always, its details when they may be shown."""
    if not failing:
        return
    reveal = reveal_time(spec)
    details_open = reveal is not None and now >= reveal
    doc.heading(2, "Tests that failed")
    for test in failing:
        title = f"{test['name']} ({test['problem']}, {_points(test['max_score'])} pt)"
        diagnosis = test.get("diagnosis", "")
        diagnosis = diagnosis if isinstance(diagnosis, str) else ""
        if test["outcome"] == "grader-error":
            diagnosis = "not counted against you: this test failed on the grader's side. " + (
                diagnosis
            )
        if test["visibility"] not in DETAILS_LATER or details_open:
            doc.failure(title, test["message"] or "failed", diagnosis=diagnosis)
        elif reveal is not None:
            later = (
                "The details of this test (its inputs and expected values) are shown after "
                f"the due date ({reveal:%Y-%m-%d %H:%M %Z})."
            )
            doc.failure(title, later, code=False, diagnosis=diagnosis)
        else:
            later = "The details of this test (its inputs and expected values) are not shown."
            doc.failure(title, later, code=False, diagnosis=diagnosis)


def _problem_scores(doc: Doc, spec: AssignmentSpec, tests: list[dict]) -> None:
    doc.heading(2, "Score per problem")
    rows = []
    for problem in spec.problems:
        mine = [t for t in tests if t["problem"] == problem.id]
        if not mine:
            continue
        pending = any(t["outcome"] == "pending" for t in mine)
        score = "pending" if pending else _points(sum(t["score"] for t in mine))
        rows.append([problem.title, score, _points(sum(t["max_score"] for t in mine))])
    doc.table(["Problem", "Score", "Points"], rows)


def _written(doc: Doc, written: list[dict]) -> None:
    if not written:
        return
    doc.heading(2, "Written answers")
    doc.bullets(
        [
            f"{w['name']}: "
            + (
                "pending, not graded yet"
                if w["outcome"] == "pending"
                else f"{_points(w['score'])} / {_points(w['max_score'])}"
                + (f" — {w['message']}" if w["message"] else "")
            )
            for w in written
        ]
    )


def _public_tests(doc: Doc, public: dict) -> None:
    """The public tests' outcome, recorded when grading (the report runs no code)."""
    checks = [t for t in public.get("tests", []) if isinstance(t, dict)]
    doc.heading(2, "Public tests (what autograder check shows you)")
    passed_count = sum(t.get("outcome") == "passed" for t in checks)
    doc.para(f"{passed_count} of {len(checks)} passed.")
    lines = []
    for test in checks:
        passed = test.get("outcome") == "passed"
        lines.append(f"{'PASS' if passed else 'FAIL'} {test.get('name', '')}")
        if not passed:
            if test.get("diagnosis"):
                lines.append(f"    Diagnosis: {test['diagnosis']}")
            lines += ["    " + line for line in str(test.get("output", "")).splitlines()[:20]]
    doc.code("\n".join(lines))


def _headline(grade: pd.Series, passed: int, shown: int) -> str:
    """Score first, then how many of the tests shown passed, and "late" if it was."""
    text = f"Score {_points(grade['score'])} / {_points(grade['max_score'])}"
    if shown:
        text += f" · {passed} of {shown} tests shown passed"
    if grade.get("days_late", 0) and grade["days_late"] > 0:
        text += f" · late ({int(grade['days_late'])} day(s))"
    if grade["status"] != "ok":
        text += f" · status {grade['status']}"
    return text


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


def write_feedback(doc: Doc, folder: Path, title: str) -> list[Path]:
    """Write ``feedback.md`` and ``feedback.html`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    md, page = folder / "feedback.md", folder / "feedback.html"
    md.write_text(doc.markdown(), encoding="utf-8")
    page.write_text(doc.html(title), encoding="utf-8")
    return [md, page]
