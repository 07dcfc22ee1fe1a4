"""The ``autograder`` command: parses arguments, calls the engine, prints for people."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from autograder import __version__
from autograder.course.paths import Course, find_course
from autograder.errors import UserError

# Command modules are imported inside each command: `autograder check`, which students
# run often, should not pay for pandas, SQLAlchemy or matplotlib.

ROSTER_FILE = "roster.csv"
CLASS_TABLE_FILE = "class_grades.csv"
DB_HELP = "gradebook database URL (default: $AUTOGRADER_DB, else reports/gradebook.sqlite)"

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


# --------------------------------------------------------------------------- commands


def cmd_release(args: argparse.Namespace, course: Course) -> int:
    from autograder.release.package import release

    spec = course.spec(args.assignment)
    target = Path(args.out) if args.out else course.assignments
    report = release(spec, target)
    out.print(
        f"[green]Released {spec.name}[/] to {report.folder}: the reference passes all "
        f"{len(report.reference.tests)} checks and the template scores 0, as a script "
        "and as a notebook."
    )
    for path in report.files:
        out.print(f"  {path.relative_to(report.folder)}")
    return 0


def cmd_check(args: argparse.Namespace, course: Course) -> int:
    from autograder.check.public import find_public_spec, run_check

    path = Path(args.path)
    spec = find_public_spec(args.assignment, path, course)
    result = run_check(spec, path)
    for test in result.tests:
        mark = "[green]PASS[/]" if test.outcome == "passed" else "[red]FAIL[/]"
        out.print(f"{mark} {test.name} [dim]({test.max_score:g} pt)[/]")
        if test.outcome != "passed":
            if test.diagnosis:
                out.print(escape(_indent(f"Diagnosis: {test.diagnosis}")))
            out.print(escape(_indent(test.output)))
    passed = sum(t.outcome == "passed" for t in result.tests)
    if result.message:
        out.print(f"\n[yellow]{escape(result.message)}[/]")
    out.print(
        f"\n{passed}/{len(result.tests)} public tests passed. Public tests check a few "
        "properties; the hidden tests that decide your grade check more."
    )
    return 0 if passed == len(result.tests) else 1


def cmd_grade(args: argparse.Namespace, course: Course) -> int:
    from autograder.author.collector import load_suite
    from autograder.grade.batch import grade_batch, student_folders
    from autograder.gradebook.store import Gradebook
    from autograder.runner.one_submission import GradingContext
    from autograder.runner.reference_check import require_sound_reference

    spec = course.spec(args.assignment)
    submissions = Path(args.submissions) if args.submissions else course.submissions / spec.name
    reports = Path(args.out) if args.out else course.reports
    folders = student_folders(submissions)
    if not folders:
        raise UserError(
            f"no student folders in {submissions}; expected {submissions}/<student_id>/"
        )
    ctx = GradingContext(load_suite(spec, "hidden"), course.secret())
    require_sound_reference(ctx)
    jobs = args.jobs or os.cpu_count() or 1
    book = Gradebook.open(reports, args.db)
    with _progress() as progress:
        task = progress.add_task(f"grading {spec.name}", total=len(folders))
        results = grade_batch(
            ctx,
            folders,
            reports,
            jobs=jobs,
            resume=args.resume,
            on_done=lambda r: progress.advance(task),
            gradebook=book,
        )
    book.close()
    _print_summary(results)
    folder = reports / spec.name
    out.print(f"\nResults: {folder}/<student_id>/results.json\nTable:   {folder / 'grades.csv'}")
    return 0


def cmd_manual_import(args: argparse.Namespace, course: Course) -> int:
    from autograder.grade.batch import refresh
    from autograder.gradebook.store import Gradebook
    from autograder.manual.scores import import_scores, load_scores

    spec = course.spec(args.assignment)
    reports = Path(args.out) if args.out else course.reports
    count = import_scores(spec, Path(args.csv), reports / spec.name)
    results = refresh(spec, reports)
    book = Gradebook.open(reports, args.db)
    book.record_manual(spec, load_scores(reports / spec.name))
    book.close()
    pending = sum(r.pending > 0 for r in results)
    out.print(
        f"Imported {count} score(s) for {spec.name}; grades.csv and results.json updated. "
        f"{pending} student(s) still have written answers pending."
    )
    return 0


def cmd_report(args: argparse.Namespace, course: Course) -> int:
    from autograder.gradebook.store import Gradebook
    from autograder.report.build import build_report
    from autograder.report.exports import load_roster

    reports = Path(args.out) if args.out else course.reports
    book = Gradebook.open(reports, args.db)
    try:
        names = [args.assignment] if args.assignment else list(book.assignments()["assignment"])
        if not names:
            raise UserError(
                f"the gradebook ({book.url}) has no graded assignment yet: "
                "run `autograder grade ASSIGNMENT` first"
            )
        roster = load_roster(Path(args.roster) if args.roster else course.root / ROSTER_FILE)
        for name in names:
            report = build_report(
                book,
                course.spec(name),
                reports,
                roster=roster,
                public=not args.no_public,
                jobs=args.jobs or os.cpu_count() or 1,
            )
            out.print(f"[green]{escape(name)}[/]: {report.students} students")
            out.print(f"  Report:   {report.html}")
            out.print(f"  Tables:   {report.html.parent / 'tables'}/*.csv")
            out.print(f"  Feedback: {report.html.parent}/<student_id>/feedback.md and .html")
            out.print(f"  Exports:  {', '.join(str(p) for p in report.exports)}")
            for note in report.notes:
                out.print(f"  [yellow]note:[/] {escape(note)}")
        class_table = book.class_table()
        if not class_table.empty:
            class_table.to_csv(reports / CLASS_TABLE_FILE)
            out.print(f"Class table (every assignment): {reports / CLASS_TABLE_FILE}")
    finally:
        book.close()
    return 0


def cmd_manual_sheet(args: argparse.Namespace, course: Course) -> int:
    from autograder.grade.batch import student_folders
    from autograder.manual.sheet import write_sheet

    spec = course.spec(args.assignment)
    submissions = Path(args.submissions) if args.submissions else course.submissions / spec.name
    reports = Path(args.out) if args.out else course.reports
    folders = student_folders(submissions)
    if not spec.written_problems:
        raise UserError(f"{spec.name} has no written problems (none has written = true)")
    sheet = write_sheet(spec, folders, reports / spec.name)
    out.print(
        f"Grading sheet for {sheet.students} student(s), {len(spec.written_problems)} "
        f"written problem(s) ({sheet.unanswered} answer(s) empty):\n  {sheet.csv_path}"
    )
    for page in sheet.pages:
        out.print(f"  {page}")
    out.print(
        "Fill in the score and comment columns, then run "
        f"`autograder manual import {spec.name} {sheet.csv_path}`."
    )
    return 0


def cmd_collect(args: argparse.Namespace, course: Course) -> int:
    from autograder.collect.sources import collect

    spec = course.spec(args.assignment)
    target = Path(args.out) if args.out else course.submissions / spec.name
    roster = Path(args.roster) if args.roster else None
    report = collect(Path(args.source), spec, target, roster=roster)
    for line in report.written:
        out.print(f"  {escape(line)}")
    for line in report.problems:
        err.print(f"[yellow]warning:[/] {escape(line)}", soft_wrap=True)
    out.print(
        f"Collected {len(report.written)} submission(s) of {spec.name} into {target}"
        + (f"; {len(report.problems)} warning(s) above." if report.problems else ".")
    )
    return 0


def cmd_similarity(args: argparse.Namespace, course: Course) -> int:
    from autograder.grade.batch import student_folders
    from autograder.similarity.compare import compare_assignment
    from autograder.similarity.writer import write_similarity

    spec = course.spec(args.assignment)
    submissions = Path(args.submissions) if args.submissions else course.submissions / spec.name
    reports = Path(args.out) if args.out else course.reports
    folders = student_folders(submissions)
    if len(folders) < 2:
        raise UserError(
            f"{submissions} holds {len(folders)} student folder(s); two are needed to compare"
        )
    comparison = compare_assignment(spec, folders, course.assignments)
    files = write_similarity(comparison, spec, reports / spec.name)
    out.print(
        f"Compared {len(comparison.documents)} submissions of {spec.name}: "
        f"{comparison.candidates:,} of {comparison.all_pairs:,} pairs share code beyond the "
        f"template, {len(comparison.pairs):,} share distinctive code. Most similar:"
    )
    for pair in comparison.pairs[:5]:
        a, b = (comparison.documents[i].student_id for i in (pair.a, pair.b))
        named = "".join(f", {n} {s:.2f}" for n, s in list(pair.functions.items())[:3])
        out.print(
            f"  {pair.score:.2f}  {escape(a)} and {escape(b)}  "
            f"(whole file {pair.file_score:.2f}{escape(named)})"
        )
    for line in comparison.skipped:
        err.print(f"[yellow]skipped:[/] {escape(line)}", soft_wrap=True)
    out.print(f"Report: {files.html}\nTable:  {files.csv}")
    return 0


def cmd_doctor(args: argparse.Namespace, course: Course) -> int:
    from autograder.sandbox.doctor import diagnose

    diagnosis = diagnose(course.root)
    table = Table(title=f"Sandbox guarantees on this machine (mode: {diagnosis.mode})")
    for column in ("guarantee", "status", "why"):
        table.add_column(column)
    for check in diagnosis.checks:
        status = "[green]held[/]" if check.held else "[red]NOT held[/]"
        table.add_row(check.guarantee.title, status, escape(check.detail))
    out.print(table)
    for problem in diagnosis.problems:
        out.print(f"[yellow]problem:[/] {escape(problem)}")
    missing = [c.guarantee.title for c in diagnosis.checks if not c.held]
    if missing:
        out.print(
            f"\n{len(missing)} guarantee(s) do not hold here: {', '.join(missing)}. "
            "SECURITY.md says what each one protects and how to get it (run as root, or "
            "allow unprivileged user namespaces)."
        )
        return 1
    out.print("\nEvery guarantee holds: student code cannot see the course or the network.")
    return 0


# --------------------------------------------------------------------------- output


def _print_summary(results: list) -> None:
    """One row per student, then the count of each status."""
    table = Table(title="Grades")
    for column in ("student", "score", "max", "%", "pending", "status", "note"):
        table.add_column(
            column, justify="right" if column in ("score", "max", "%", "pending") else "left"
        )
    for r in results:
        percent = 100 * r.score / r.max_score if r.max_score else 0.0
        style = "green" if r.status == "ok" else "red"
        note = r.message.splitlines()[0][:70] if r.message else ""
        table.add_row(
            escape(r.student_id),
            f"{r.score:g}",
            f"{r.max_score:g}",
            f"{percent:.0f}",
            f"{r.pending:g}" if r.pending else "",
            f"[{style}]{r.status}[/]",
            escape(note),
        )
    out.print(table)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    out.print("Status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()[:20])


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder", description="Release, check and grade ML math and NumPy homework."
    )
    parser.add_argument("--version", action="version", version=f"autograder {__version__}")
    parser.add_argument(
        "--course", help="the course folder (default: found from the current folder)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("release", help="check an assignment and write the student package")
    p.add_argument("assignment")
    p.add_argument("--out", help="where to write it (default: assignments/)")
    p.set_defaults(run=cmd_release)

    p = sub.add_parser("check", help="run the public tests on your work (students)")
    p.add_argument("assignment")
    p.add_argument("path", help="your file (e.g. softmax.py) or the folder holding it")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser(
        "collect", help="import an nbgrader course folder or a Canvas/Moodle zip of submissions"
    )
    p.add_argument("assignment")
    p.add_argument("source", help="nbgrader course folder (with submitted/) or LMS .zip")
    p.add_argument("--roster", help="CSV with columns lms_id,student_id")
    p.add_argument("--out", help="default: submissions/<assignment>")
    p.set_defaults(run=cmd_collect)
    p = sub.add_parser("grade", help="grade every student folder of an assignment")
    p.add_argument("assignment")
    p.add_argument("submissions", nargs="?", help="default: submissions/<assignment>")
    p.add_argument("--jobs", "-j", type=int, help="submissions graded at once (default: CPU count)")
    p.add_argument("--out", help="reports folder (default: reports/)")
    p.add_argument("--resume", action="store_true", help="skip students whose code did not change")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(run=cmd_grade)

    p = sub.add_parser("similarity", help="rank pairs of submissions by how alike their code is")
    p.add_argument("assignment")
    p.add_argument("submissions", nargs="?", help="default: submissions/<assignment>")
    p.add_argument("--out", help="reports folder (default: reports/)")
    p.set_defaults(run=cmd_similarity)

    p = sub.add_parser("doctor", help="show which sandbox guarantees hold on this machine")
    p.set_defaults(run=cmd_doctor)

    p = sub.add_parser("manual", help="written answers graded by hand")
    manual = p.add_subparsers(dest="manual_command", required=True, metavar="ACTION")
    q = manual.add_parser("import", help="merge a CSV of scores: student_id,problem,score,comment")
    q.add_argument("assignment")
    q.add_argument("csv")
    q.add_argument("--out", help="reports folder (default: reports/)")
    q.add_argument("--db", help=DB_HELP)
    q.set_defaults(run=cmd_manual_import)

    q = manual.add_parser("sheet", help="write the TAs' grading sheet (CSV + HTML per question)")
    q.add_argument("assignment")
    q.add_argument("submissions", nargs="?", help="default: submissions/<assignment>")
    q.add_argument("--out", help="reports folder (default: reports/)")
    q.set_defaults(run=cmd_manual_sheet)

    p = sub.add_parser(
        "report", help="HTML report, tables, feedback for each student and LMS exports"
    )
    p.add_argument("assignment", nargs="?", help="default: every assignment in the gradebook")
    p.add_argument("--out", help="reports folder (default: reports/)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--roster", help=f"CSV of student_id, names, e-mails (default: {ROSTER_FILE})")
    p.add_argument("--jobs", "-j", type=int, help="public-test runs at once (default: CPU count)")
    p.add_argument(
        "--no-public", action="store_true", help="do not run the public tests for feedback"
    )
    p.set_defaults(run=cmd_report)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    course = Course(Path(args.course).resolve()) if args.course else find_course()
    try:
        return args.run(args, course)
    except (UserError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
