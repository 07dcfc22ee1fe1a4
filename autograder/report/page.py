"""The report page: key figures, then every table escaped and every figure embedded."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from datetime import datetime

import pandas as pd

from autograder.course.paths import SIMILARITY_PAGE
from autograder.course.spec import AssignmentSpec
from autograder.pages import page

_SIMILARITY_LINK = [f'<p><a href="{SIMILARITY_PAGE}">Similar code between students</a></p>']
TEXT_COLUMNS = {"message", "title", "example", "typical_message", "note"}  # wrap these

_EXPLAIN = {
    "item_analysis_tests": (
        "Difficulty is the share of students passing the test. Discrimination is the "
        "point-biserial correlation of the test with the rest of the score (total less this "
        "test): near 0 the test does not separate stronger from weaker work, negative means "
        "it favours weaker work (check it). It is empty (NaN) when the test or the rest of "
        "the score is the same for everyone."
    ),
    "item_analysis_problems": (
        "The same per problem: difficulty is the mean share of the problem's points earned."
    ),
    "class_mistakes": (
        "Each row is one diagnosed mistake (a known mistake of this assignment, or a slip "
        "the grader recognises in any array: transposed, sign, scale, wrong axis, ...) and "
        "how many students made it, across every test where it showed."
    ),
    "common_failures": (
        "Tests failed by most students. Messages hold each student's own numbers; the one "
        "shown is typical of the largest group of messages that differ only in numbers."
    ),
}
_TITLES = {
    "status": "Status",
    "problems": "Problems",
    "item_analysis_tests": "Item analysis: tests",
    "item_analysis_problems": "Item analysis: problems",
    "class_mistakes": "What the class got wrong, by mistake",
    "common_failures": "Tests failed most often",
    "students": "Gradebook",
}


def _img(name: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, *, link: Callable[[str], str] | None = None) -> str:
    """A table with every cell escaped and numbers right-aligned. Free text (messages)
    wraps between words; ids and names never break. ``link`` turns the first column's
    value into the address it links to (a student's feedback page)."""
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    numeric -= {c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])}
    head = "".join(
        f"<th{' class=num' if c in numeric else ''}>{html.escape(str(c))}</th>"
        for c in frame.columns
    )
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for index, (column, value) in enumerate(zip(frame.columns, values, strict=True)):
            text = html.escape(_cell(value))
            if index == 0 and link is not None:
                text = f'<a href="{html.escape(link(str(value)))}">{text}</a>'
            cells.append(f"<td{_cell_class(column, numeric)}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _cell_class(column: str, numeric: set[str]) -> str:
    """Numbers align right, free text wraps, anything else (ids, names) stays whole."""
    if column in numeric:
        return " class=num"
    return " class=text" if column in TEXT_COLUMNS else ""


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def render_html(
    spec: AssignmentSpec,
    tables: dict[str, pd.DataFrame],
    figures: dict[str, bytes],
    notes: list[str],
    now: datetime,
    summary: dict[str, float | int] | None = None,
    similarity: bool = False,
) -> str:
    """The report page: key figures first, then every table escaped, every figure embedded."""
    due = f"due {spec.due:%Y-%m-%d %H:%M %Z}" if spec.due else "no due date"
    parts = [
        f"<h1>{html.escape(spec.title)}</h1>",
        f'<p class="meta">{html.escape(spec.name)} · {html.escape(due)} · '
        f"{len(tables['students'])} students · attempts policy: {html.escape(spec.attempts)} · "
        f"generated {now:%Y-%m-%d %H:%M %Z}</p>",
        _cards(summary) if summary else "",
        *(f'<p class="note">{html.escape(n)}</p>' for n in notes),
        *(_SIMILARITY_LINK if similarity else []),
        "<h2>Scores</h2>",
        _img("score distribution", figures["distribution"]),
    ]
    for name in (
        "status",
        "problems",
        "item_analysis_tests",
        "item_analysis_problems",
        "class_mistakes",
        "common_failures",
    ):
        parts.append(f"<h2>{_TITLES[name]}</h2>")
        if name in _EXPLAIN:
            parts.append(f'<p class="explain">{html.escape(_EXPLAIN[name])}</p>')
        if name == "problems" and "problems" in figures:
            parts.append(_img("per problem", figures["problems"]))
        frame = tables[name]
        parts.append(_table(frame) if not frame.empty else "<p>Nothing to show.</p>")
    if "training curves" in figures:
        parts += ["<h2>Training curves</h2>", _img("training curves", figures["training curves"])]
    parts += [
        f"<h2>{_TITLES['students']}</h2>",
        '<p class="explain">Each student links to their feedback page. raw_score is before '
        "the late penalty, score after it.</p>",
        _table(tables["students"], link=lambda sid: f"{sid}/feedback.html"),
    ]
    return page(f"{spec.title}: report", "\n".join(parts))


def _cards(summary: dict[str, float | int]) -> str:
    """Median, mean, late and pending as figures one reads before anything else."""
    top = summary["max_score"]
    cards = [
        (f"{summary['median_score']:.3g} / {top:g}", f"median ({summary['median_percent']:.0f}%)"),
        (f"{summary['mean_score']:.3g} / {top:g}", f"mean ({summary['mean_percent']:.0f}%)"),
        (f"{summary['students']}", "students"),
        (f"{summary['late']}", "handed in late"),
        (f"{summary['pending']}", "with written answers pending"),
        (f"{summary['not_ok']}", "whose code did not run cleanly"),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f"<div class=card><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>"
            for v, k in cards
        )
        + "</div>"
    )
