"""What ``grade`` and ``report`` print: the class table for people, summaries for ``--json``.

Scores are shown as the gradebook names them: ``raw`` (``raw_score``) before the late
penalty, ``late`` (days and points taken off), ``score`` after it.
"""

from __future__ import annotations

from pathlib import Path

from autograder.console import Output, table
from autograder.course.results import SubmissionResult
from autograder.course.untrusted_text import for_terminal


def print_grades(out: Output, results: list[SubmissionResult]) -> None:
    """One row per student (raw score, late penalty, score after it), then the statuses."""
    header = ["student", "raw", "late", "score", "max", "%", "pending", "status", "note"]
    rows, paints = [], []
    for r in results:
        final = r.final_score
        late = f"late {r.days_late} d: -{r.late_penalty:g}" if r.days_late else ""
        rows.append(
            [
                r.student_id,
                f"{r.score:g}",
                late,
                f"{final:g}",
                f"{r.max_score:g}",
                f"{100 * final / r.max_score:.0f}" if r.max_score else "0",
                f"{r.pending:g}" if r.pending else "",
                r.status,
                r.message.splitlines()[0] if r.message else "",
            ]
        )
        status = "green" if r.status == "ok" else "red"
        late_paint = "yellow" if late else None
        paints.append([None, None, late_paint, None, None, None, None, status, None])
    right = ["raw", "score", "max", "%", "pending"]
    out.say(table(header, rows, right=right, colours=paints))
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    late = sum(r.days_late > 0 for r in results)
    out.say(
        "Status: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; late {late}. raw = before the late penalty, score = after it."
    )


def grades_json(name: str, folder: Path, results: list[SubmissionResult]) -> dict:
    """What ``grade --json`` prints: each student's status and scores, and where files are."""
    return {
        "assignment": name,
        "grades_csv": str(folder / "grades.csv"),
        "students": [
            {
                "student_id": r.student_id,
                "status": r.status,
                "raw_score": r.score,
                "days_late": r.days_late,
                "late_penalty": r.late_penalty,
                "score": r.final_score,
                "max_score": r.max_score,
                "pending": r.pending,
                "message": r.message,
                "results": str(folder / r.student_id / "results.json"),
            }
            for r in results
        ],
    }


def print_report(out: Output, name: str, report) -> None:
    """Where one assignment's report, tables, feedback and exports were written."""
    out.say(f"{out.paint(name, 'green')}: {report.students} students")
    out.say(f"  Report:   {report.html}")
    out.say(f"  Tables:   {report.html.parent / 'tables'}/*.csv")
    out.say(f"  Feedback: {report.html.parent}/<student_id>/feedback.md and .html")
    out.say(f"  Exports:  {', '.join(str(p) for p in report.exports)}")
    for note in report.notes:
        out.say(f"  {out.paint('note:', 'yellow')} {for_terminal(note)}")


def report_json(name: str, report) -> dict:
    """What ``report --json`` prints for one assignment: its key figures and its files."""
    return {
        "assignment": name,
        "students": report.students,
        "report": str(report.html),
        "tables": {k: str(v) for k, v in report.tables.items()},
        "feedback": [str(p) for p in report.feedback],
        "exports": [str(p) for p in report.exports],
        "summary": report.summary,
        "notes": report.notes,
    }


def print_similarity(out: Output, name: str, comparison, files) -> None:
    """The most similar pairs of one assignment, and where the full ranking was written."""
    out.say(
        f"Compared {len(comparison.documents)} submissions of {name}: "
        f"{comparison.candidates:,} of {comparison.all_pairs:,} pairs share code beyond the "
        f"template, {len(comparison.pairs):,} share distinctive code. Most similar:"
    )
    for pair in comparison.pairs[:5]:
        a, b = (comparison.documents[i].student_id for i in (pair.a, pair.b))
        named = "".join(f", {n} {s:.2f}" for n, s in list(pair.functions.items())[:3])
        shown = f"{a} and {b}  (whole file {pair.file_score:.2f}{named})"
        out.say(f"  {pair.score:.2f}  {for_terminal(shown, one_line=True)}")
    for line in comparison.skipped:
        out.warn(f"skipped: {line}")
    out.say(f"Report: {files.html}\nTable:  {files.csv}")
