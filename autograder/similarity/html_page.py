"""Renders the similarity report: ranked pairs, then the top pairs' files side by side.

One self-contained page (inline CSS, no script, nothing fetched). Every piece of student
text, student ids included, is HTML-escaped. Lines that both files share are coloured by
the graded function they belong to in the first file, the same colour on both sides;
lines that match only template or common code are greyed.
"""

from __future__ import annotations

import html
from datetime import datetime

from autograder.course.spec import AssignmentSpec
from autograder.pages import page
from autograder.similarity.compare import Comparison
from autograder.similarity.documents import Document
from autograder.similarity.normalize import MODULE_CODE
from autograder.similarity.scores import REPORTED_FUNCTION, Pair

TABLE_ROWS = 100
SIDE_BY_SIDE = 10
MAX_LINES = 2000  # of one file or cell shown side by side
COLOURS = 8
_SHARED = "shared"


def render_page(comparison: Comparison, spec: AssignmentSpec, now: datetime) -> str:
    """The whole page as a string."""
    shown = comparison.pairs[:SIDE_BY_SIDE]
    parts = [
        f"<h1>Similarity: {_e(spec.title)}</h1>",
        _summary(comparison, spec, now),
        "<h2>Most similar pairs</h2>",
        _ranking(comparison, len(shown)),
    ]
    for rank, pair in enumerate(shown, 1):
        parts.append(_side_by_side(comparison, pair, rank))
    return page(f"{spec.title}: similarity", "\n".join(parts))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _summary(comparison: Comparison, spec: AssignmentSpec, now: datetime) -> str:
    shared = comparison.shared
    lines = [
        f"{len(comparison.documents)} submissions of {_e(spec.name)}; "
        f"{comparison.candidates:,} of {comparison.all_pairs:,} pairs share code beyond the "
        f"template and were scored, {len(comparison.pairs):,} share distinctive code; "
        f"generated {now:%Y-%m-%d %H:%M %Z}.",
        f"Ignored: {_e(comparison.template_note or 'the template')} "
        f"({len(shared.template):,} fingerprints), and code held by at least "
        f"{shared.threshold} of the {shared.groups} independent submissions (near copies "
        f"counted once) as common ({len(shared.common):,} fingerprints).",
        "Score: the share of distinctive code two files have in common, for the whole file "
        "or for one graded function (with the helpers it calls), whichever is higher. A "
        "high score says where to look, not that anyone copied: read the code.",
    ]
    notes = [*comparison.skipped]
    notes += [f"{d.student_id}: {note}" for d in comparison.documents for note in d.notes]
    return "".join(f'<p class="meta">{line}</p>' for line in lines) + "".join(
        f'<p class="note">{_e(note)}</p>' for note in notes
    )


def _ranking(comparison: Comparison, detailed: int) -> str:
    if not comparison.pairs:
        return "<p>No two submissions share distinctive code.</p>"
    rows = []
    for rank, pair in enumerate(comparison.pairs[:TABLE_ROWS], 1):
        a, b = (comparison.documents[i].student_id for i in (pair.a, pair.b))
        link = f'<a href="#pair-{rank}">{rank}</a>' if rank <= detailed else str(rank)
        functions = ", ".join(f"{_e(n)} {s:.2f}" for n, s in pair.strong_functions())
        rows.append(
            f"<tr><td class=num>{link}</td><td>{_e(a)}</td><td>{_e(b)}</td>"
            f'<td class=num><span class="bar" style="width:{60 * pair.score:.0f}px"></span>'
            f"{pair.score:.2f}</td><td class=num>{pair.file_score:.2f}</td>"
            f"<td>{functions}</td></tr>"
        )
    more = len(comparison.pairs) - TABLE_ROWS
    tail = f"<p>{more:,} more pairs in similarity.csv.</p>" if more > 0 else ""
    return (
        "<table><tr><th>#</th><th>student A</th><th>student B</th><th>score</th>"
        f"<th>whole file</th><th>functions scoring {REPORTED_FUNCTION} or more</th></tr>"
        + "".join(rows)
        + "</table>"
        + tail
    )


def _side_by_side(comparison: Comparison, pair: Pair, rank: int) -> str:
    first, second = comparison.documents[pair.a], comparison.documents[pair.b]
    colours = _colours(first, pair.matched)
    ignored = comparison.shared.ignored
    legend = " ".join(
        f'<span class="c{colour}">{_e(name)}'
        + (f" {pair.functions[name]:.2f}" if name in pair.functions else "")
        + "</span>"
        for name, colour in _legend(first, colours).items()
    )
    return (
        f'<section id="pair-{rank}"><h2>{rank}. {_e(first.student_id)} and '
        f"{_e(second.student_id)}: {pair.score:.2f} (whole file {pair.file_score:.2f})</h2>"
        f'<p class="legend">Matching code by function of {_e(first.student_id)} (score): '
        f'{legend or "none"} <span class="{_SHARED}">template or common code</span></p>'
        '<div class="sbs">'
        + _listing(first, colours, ignored)
        + _listing(second, colours, ignored)
        + "</div></section>"
    )


def _colours(doc: Document, matched: set[int]) -> dict[int, int]:
    """Matched fingerprint -> colour of the unit of ``doc`` it first appears in."""
    by_unit: dict[str, int] = {}
    colours: dict[int, int] = {}
    for fp in doc.prints:
        if fp.hash in matched and fp.hash not in colours:
            name = doc.units[fp.unit].name
            colours[fp.hash] = by_unit.setdefault(name, len(by_unit) % COLOURS)
    return colours


def _legend(doc: Document, colours: dict[int, int]) -> dict[str, int]:
    legend: dict[str, int] = {}
    for fp in doc.prints:
        if fp.hash in colours:
            name = doc.units[fp.unit].name
            legend.setdefault("top-level code" if name == MODULE_CODE else name, colours[fp.hash])
    return legend


def _marks(doc: Document, colours: dict[int, int], ignored: frozenset[int]) -> dict:
    """(chunk, line) -> CSS class: a colour where code matches, grey where it is shared."""
    marks: dict[tuple[int, int], str] = {}
    for fp in doc.prints:
        if fp.hash in colours:
            for line in fp.lines:
                marks[fp.chunk, line] = f"c{colours[fp.hash]}"
        elif fp.hash in ignored:
            for line in fp.lines:
                marks.setdefault((fp.chunk, line), _SHARED)
    return marks


def _listing(doc: Document, colours: dict[int, int], ignored: frozenset[int]) -> str:
    marks = _marks(doc, colours, ignored)
    out = [f'<div class="file"><h3>{_e(doc.student_id)}</h3>']
    for index, (label, source) in enumerate(doc.chunks):
        out.append(f'<div class="chunk">{_e(label)}</div><pre>')
        lines = source.splitlines()
        for number, text in enumerate(lines[:MAX_LINES], 1):
            mark = marks.get((index, number))
            cls = f' class="{mark}"' if mark else ""
            out.append(f"<span{cls}><i>{number:>4}</i> {_e(text)}\n</span>")
        out.append("</pre>")
        if len(lines) > MAX_LINES:
            out.append(f'<div class="chunk">{len(lines) - MAX_LINES:,} more lines not shown</div>')
    out.append("</div>")
    return "".join(out)
