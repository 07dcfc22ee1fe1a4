"""``autograder report``: what an instructor reads after grading, and what students get.

From the gradebook alone (plus the spec, and the submission folders for the public tests)
it writes, under ``reports/<assignment>/``:

- ``report.html``: one self-contained page (figures embedded as PNG) with the score
  distribution, per-problem means and full-marks rates, status counts, item analysis of
  every test and problem, the most common failures, and training curves when tests
  recorded a ``history``;
- ``tables/*.csv``: the same tables, for a spreadsheet or pandas;
- ``<student_id>/feedback.md`` and ``feedback.html`` for every student;
- ``exports/``: Canvas, Moodle and nbgrader grade files.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from autograder.course.paths import SIMILARITY_PAGE
from autograder.course.results import STATUSES
from autograder.course.spec import AssignmentSpec
from autograder.errors import UserError
from autograder.gradebook.store import Gradebook, problem_pivot
from autograder.report import plots
from autograder.report.exports import load_roster, write_exports
from autograder.report.feedback import run_public_tests, student_feedback, write_feedback
from autograder.report.item_analysis import (
    class_mistakes,
    common_failures,
    item_statistics,
    matrix_by_problem,
    matrix_by_test,
)

REPORT_FILE = "report.html"
_SIMILARITY_LINK = [f'<p><a href="{SIMILARITY_PAGE}">Similar code between students</a></p>']
TABLES_DIR = "tables"
EXPORTS_DIR = "exports"
NOT_ANALYSED = ("missing", "grader-error")  # no code ran: these say nothing about the items


class ReportError(UserError):
    """There is nothing to report on; the message says what to do."""


@dataclass
class Report:
    """The files one ``report`` run wrote."""

    html: Path
    tables: dict[str, Path]
    feedback: list[Path] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)
    students: int = 0
    notes: list[str] = field(default_factory=list)


def students_table(spec: AssignmentSpec, grades: pd.DataFrame, tests: pd.DataFrame) -> pd.DataFrame:
    """One row per student: the counted attempt's scores and one column per problem
    (NaN where a written answer is still pending)."""
    per_problem = problem_pivot(tests)
    problem_ids = [p.id for p in spec.problems if p.id in per_problem.columns]
    frame = grades[
        [
            "student_id",
            "attempts",
            "submitted_at",
            "time_source",
            "status",
            "days_late",
            "raw_score",
            "late_penalty",
            "score",
            "max_score",
            "pending",
        ]
    ].copy()
    frame["percent"] = (
        100 * frame["score"] / frame["max_score"].where(frame["max_score"] > 0)
    ).round(1)
    frame = frame.join(per_problem[problem_ids], on="student_id")
    return frame.sort_values("student_id").reset_index(drop=True)


def problems_table(spec: AssignmentSpec, tests: pd.DataFrame) -> pd.DataFrame:
    """Per problem: points, mean score, mean %, share with full marks, graded and pending."""
    rows = []
    for problem in spec.problems:
        mine = tests[tests["problem"] == problem.id]
        if mine.empty:
            continue
        per_student = mine.groupby("student_id").agg(
            score=("score", "sum"),
            points=("max_score", "sum"),
            pending=("outcome", lambda o: (o == "pending").any()),
        )
        scored = per_student[~per_student["pending"]]
        points = float(per_student["points"].max())
        mean = float(scored["score"].mean()) if len(scored) else float("nan")
        rows.append(
            {
                "problem": problem.id,
                "title": problem.title,
                "kind": "written" if problem.written else "code",
                "points": points,
                "mean_score": mean,
                "mean_percent": 100 * mean / points if points else float("nan"),
                "full_marks_percent": 100 * float((scored["score"] >= points - 1e-9).mean())
                if len(scored)
                else float("nan"),
                "graded": len(scored),
                "pending": int(per_student["pending"].sum()),
            }
        )
    return pd.DataFrame(rows)


def status_table(grades: pd.DataFrame) -> pd.DataFrame:
    """How many students ended in each status, then how many were late or are pending."""
    counts = grades["status"].value_counts()
    rows = [{"status": s, "students": int(counts.get(s, 0))} for s in STATUSES]
    rows += [{"status": s, "students": int(counts[s])} for s in counts.index if s not in STATUSES]
    rows.append({"status": "late", "students": int(grades["late"].sum())})
    rows.append({"status": "written pending", "students": int((grades["pending"] > 0).sum())})
    return pd.DataFrame(rows)


def histories(tests: pd.DataFrame, key: str = "history") -> dict[str, dict]:
    """Each student's recorded ``history`` dict (the first test that recorded one)."""
    found: dict[str, dict] = {}
    for row in tests.itertuples(index=False):
        data = row.data
        if isinstance(data, dict) and isinstance(data.get(key), dict):
            found.setdefault(row.student_id, data[key])
    return found


def class_tables(
    spec: AssignmentSpec, grades: pd.DataFrame, tests: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Every table of the report, by name (the CSV file names)."""
    analysed = tests[~tests["status"].isin(NOT_ANALYSED)]
    by_test = item_statistics(*matrix_by_test(analysed)).rename(columns={"item": "test"})
    problem_of = analysed.drop_duplicates("name").set_index("name")["problem"]
    by_test.insert(1, "problem", by_test["test"].map(problem_of))
    by_problem = item_statistics(*matrix_by_problem(analysed)).rename(columns={"item": "problem"})
    return {
        "students": students_table(spec, grades, tests),
        "problems": problems_table(spec, tests),
        "status": status_table(grades),
        "item_analysis_tests": by_test,
        "item_analysis_problems": by_problem,
        "class_mistakes": class_mistakes(analysed),
        "common_failures": common_failures(analysed),
    }


def build_report(
    book: Gradebook,
    spec: AssignmentSpec,
    reports: Path,
    *,
    roster: pd.DataFrame | None = None,
    now: datetime | None = None,
    public: bool = True,
    jobs: int = 1,
) -> Report:
    """Write the HTML report, its CSV tables, every student's feedback and the exports."""
    grades = book.grades(spec.name)
    if grades.empty:
        raise ReportError(
            f"the gradebook has no graded submission of {spec.name!r}: "
            f"run `autograder grade {spec.name}` first"
        )
    tests = book.tests(spec.name)
    now = now or datetime.now(UTC)
    folder = reports / spec.name
    tables = class_tables(spec, grades, tests)
    notes = _notes(grades, tests)

    table_dir = folder / TABLES_DIR
    table_dir.mkdir(parents=True, exist_ok=True)
    table_paths = {}
    for name, frame in tables.items():
        table_paths[name] = table_dir / f"{name}.csv"
        frame.to_csv(table_paths[name], index=False)

    max_score = float(grades["max_score"].max())
    figures = {"distribution": plots.score_histogram(tables["students"]["percent"], spec.title)}
    if not tables["problems"].empty:
        figures["problems"] = plots.problem_bars(tables["problems"])
    curves = histories(tests)
    if curves:
        figures["training curves"] = plots.training_curves(curves)
    page = folder / REPORT_FILE
    similarity = (folder / SIMILARITY_PAGE).is_file()  # from `autograder similarity`
    page.write_text(
        render_html(spec, tables, figures, notes, now, similarity=similarity), encoding="utf-8"
    )

    public_results = (
        run_public_tests(
            spec, dict(zip(grades["student_id"], map(Path, grades["folder"]), strict=True)), jobs
        )
        if public
        else {}
    )
    feedback_files = []
    per_student = dict(tuple(tests.groupby("student_id")))
    for grade in grades.itertuples(index=False):
        row = pd.Series(grade._asdict())
        doc = student_feedback(
            spec,
            row,
            per_student.get(grade.student_id, tests.iloc[0:0]),
            now=now,
            public=public_results.get(grade.student_id),
        )
        feedback_files += write_feedback(doc, folder / grade.student_id, f"{spec.title}: feedback")

    exports = write_exports(
        spec,
        grades,
        load_roster(None) if roster is None else roster,
        max_score,
        folder / EXPORTS_DIR,
    )
    return Report(page, table_paths, feedback_files, exports, len(grades), notes)


def _notes(grades: pd.DataFrame, tests: pd.DataFrame) -> list[str]:
    notes = []
    undated = grades[grades["time_source"] != "timestamp.txt"]
    if len(undated):
        notes.append(
            f"{len(undated)} submission(s) have no timestamp.txt; their time is the "
            f"modification time of the file or folder: {', '.join(undated['student_id'])}."
        )
    skipped = grades[grades["status"].isin(NOT_ANALYSED)]
    if len(skipped):
        notes.append(
            f"Item analysis leaves out {len(skipped)} submission(s) where no code ran "
            f"(status {', '.join(sorted(set(skipped['status'])))}); written problems are left "
            "out too."
        )
    if (grades["pending"] > 0).any():
        notes.append(
            f"{int((grades['pending'] > 0).sum())} student(s) have written answers pending; "
            "their scores so far count them as zero."
        )
    return notes


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:84em;padding:0 1em}
h1{margin-bottom:.2em}.meta{color:#555}
table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f0f3f7}.num{text-align:right;font-variant-numeric:tabular-nums}
td{max-width:40em;white-space:pre-wrap;word-break:break-word}.wide{overflow-x:auto}
img{max-width:100%;display:block;margin:.6em 0}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em .8em}
.explain{color:#444;max-width:60em}
"""

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


def _table(frame: pd.DataFrame) -> str:
    """A table with every cell escaped, numbers right-aligned and line breaks kept."""
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    numeric -= {c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])}
    head = "".join(
        f"<th{' class=num' if c in numeric else ''}>{html.escape(str(c))}</th>"
        for c in frame.columns
    )
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(
            f"<td{' class=num' if c in numeric else ''}>{html.escape(_cell(v))}</td>"
            for c, v in zip(frame.columns, values, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


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
    similarity: bool = False,
) -> str:
    """The report page: every table escaped, every figure embedded."""
    due = f"due {spec.due:%Y-%m-%d %H:%M %Z}" if spec.due else "no due date"
    parts = [
        f"<h1>{html.escape(spec.title)}</h1>",
        f'<p class="meta">{html.escape(spec.name)} · {html.escape(due)} · '
        f"{len(tables['students'])} students · attempts policy: {html.escape(spec.attempts)} · "
        f"generated {now:%Y-%m-%d %H:%M %Z}</p>",
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
    parts += [f"<h2>{_TITLES['students']}</h2>", _table(tables["students"])]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(spec.title)}: report</title><style>{_CSS}</style></head>\n"
        "<body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
