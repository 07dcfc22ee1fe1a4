"""``autograder report``: what an instructor reads after grading, and what students get.

From the gradebook alone (plus the spec: it runs no code, the public tests' outcome for
the feedback was recorded when grading)
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

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from autograder.course.csv_files import write_csv
from autograder.course.paths import SIMILARITY_PAGE
from autograder.course.results import STATUSES
from autograder.course.spec import AssignmentSpec
from autograder.course.student_ids import student_id_problem
from autograder.errors import UserError
from autograder.gradebook.store import Gradebook, problem_pivot
from autograder.report import plots
from autograder.report.exports import load_roster, write_exports
from autograder.report.feedback import student_feedback, write_feedback
from autograder.report.item_analysis import (
    class_mistakes,
    common_failures,
    item_statistics,
    matrix_by_problem,
    matrix_by_test,
)
from autograder.report.page import render_html

REPORT_FILE = "report.html"
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
    summary: dict[str, float | int] = field(default_factory=dict)


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
        per_student = (
            mine.assign(pending=mine["outcome"] == "pending")
            .groupby("student_id")
            .agg(score=("score", "sum"), points=("max_score", "sum"), pending=("pending", "any"))
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


def class_summary(grades: pd.DataFrame) -> dict[str, float | int]:
    """The key figures at the top of the report: how the class did, who is late or pending."""
    percent = 100 * grades["score"] / grades["max_score"].where(grades["max_score"] > 0)
    return {
        "students": len(grades),
        "max_score": float(grades["max_score"].max()),
        "mean_score": float(grades["score"].mean()),
        "median_score": float(grades["score"].median()),
        "mean_percent": float(percent.mean()),
        "median_percent": float(percent.median()),
        "late": int(grades["late"].sum()),
        "pending": int((grades["pending"] > 0).sum()),
        "not_ok": int((grades["status"] != "ok").sum()),
    }


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
) -> Report:
    """Write the HTML report, its CSV tables, every student's feedback and the exports."""
    grades = book.grades(spec.name)
    if grades.empty:
        raise ReportError(
            f"the gradebook has no graded submission of {spec.name!r}: "
            f"run `autograder grade {spec.name}` first"
        )
    tests = book.tests(spec.name)
    grades, tests, refused = _usable_ids(spec, grades, tests)
    now = now or datetime.now(UTC)
    folder = reports / spec.name
    tables = class_tables(spec, grades, tests)
    notes = refused + _notes(grades, tests)

    table_dir = folder / TABLES_DIR
    table_dir.mkdir(parents=True, exist_ok=True)
    table_paths = {}
    for name, frame in tables.items():
        table_paths[name] = table_dir / f"{name}.csv"
        write_csv(frame, table_paths[name])

    max_score = float(grades["max_score"].max())
    figures = _figures(spec, tables, tests)
    summary = class_summary(grades)
    html_path = folder / REPORT_FILE
    similarity = (folder / SIMILARITY_PAGE).is_file()  # from `autograder similarity`
    page = render_html(spec, tables, figures, notes, now, summary, similarity=similarity)
    html_path.write_text(page, encoding="utf-8")

    feedback_files = _write_all_feedback(spec, grades, tests, folder, now, public=public)
    exports = write_exports(
        spec,
        grades,
        load_roster(None) if roster is None else roster,
        max_score,
        folder / EXPORTS_DIR,
    )
    return Report(html_path, table_paths, feedback_files, exports, len(grades), notes, summary)


def _figures(spec: AssignmentSpec, tables: dict, tests: pd.DataFrame) -> dict[str, bytes]:
    figures = {"distribution": plots.score_histogram(tables["students"]["percent"], spec.title)}
    if not tables["problems"].empty:
        figures["problems"] = plots.problem_bars(tables["problems"])
    curves = histories(tests)
    if curves:
        figures["training curves"] = plots.training_curves(curves)
    return figures


def _write_all_feedback(
    spec: AssignmentSpec,
    grades: pd.DataFrame,
    tests: pd.DataFrame,
    folder: Path,
    now: datetime,
    *,
    public: bool,
) -> list[Path]:
    """Every student's feedback.md and feedback.html, in ``folder/<student_id>/``."""
    written = []
    per_student: dict[str, list[dict]] = {}
    for test in tests.to_dict("records"):  # plain records: a thousand students in a second
        per_student.setdefault(test["student_id"], []).append(test)
    for grade in grades.itertuples(index=False):
        doc = student_feedback(
            spec,
            pd.Series(grade._asdict()),
            per_student.get(grade.student_id, []),
            now=now,
            public=_stored_public(grade.public_tests) if public else None,
        )
        written += write_feedback(doc, folder / grade.student_id, f"{spec.title}: feedback")
    return written


def _stored_public(stored: object) -> dict | None:
    """The public tests' outcome grading stored for a student (None: not run)."""
    if not isinstance(stored, str):
        return None
    try:
        found = json.loads(stored)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _usable_ids(
    spec: AssignmentSpec, grades: pd.DataFrame, tests: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Leave out students whose id cannot name a folder beside the class's files (a
    gradebook filled by an older version may hold ``grades.csv`` as a student)."""
    problems = grades["student_id"].astype(str).map(student_id_problem)
    bad = set(grades.loc[problems != "", "student_id"])
    notes = [f"left out of the report: {p}" for p in problems[problems != ""]]
    if not (problems == "").any():
        raise ReportError(f"no student of {spec.name!r} can be reported: {'; '.join(notes)}")
    return grades[problems == ""], tests[~tests["student_id"].isin(bad)], notes


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
