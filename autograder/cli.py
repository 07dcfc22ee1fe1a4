"""The ``autograder`` command: parses arguments, calls the engine, prints for people."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from autograder.cli_output import (
    grades_json,
    print_grades,
    print_report,
    print_similarity,
    report_json,
)
from autograder.cli_parser import INSTALL_INSTRUCTOR, ROSTER_FILE, make_parser
from autograder.console import Output, table
from autograder.course.paths import Course, find_course, need_course
from autograder.course.untrusted_text import for_terminal
from autograder.errors import UserError

# Command modules are imported inside each command: `autograder check`, which students
# run often, must not pay for (nor need) pandas, SQLAlchemy, matplotlib or nbgrader.

CLASS_TABLE_FILE = "class_grades.csv"


# --------------------------------------------------------------------------- commands


def cmd_release(args: argparse.Namespace, course: Course) -> int:
    from autograder.release.package import release

    out: Output = args.output
    spec = need_course(course).spec(args.assignment)
    target = Path(args.out) if args.out else course.assignments
    report = release(spec, target)
    out.say(
        f"{out.paint(f'Released {spec.name}', 'green')} to {report.folder}: the reference "
        f"passes all {len(report.reference.tests)} checks and the template scores 0, as a "
        "script and as a notebook."
    )
    for path in report.files:
        out.say(f"  {path.relative_to(report.folder)}")
    return 0


def cmd_check(args: argparse.Namespace, course: Course) -> int:
    from autograder.check.public import check_summary, find_public_spec, run_check

    out: Output = args.output
    path = Path(args.path)
    spec = find_public_spec(args.assignment, path, course)
    result = run_check(spec, path)
    for test in result.tests:
        passed = test.outcome == "passed"
        mark = out.paint("PASS", "green") if passed else out.paint("FAIL", "red")
        out.say(f"{mark} {for_terminal(test.name, one_line=True)}")
        if not passed:
            if test.diagnosis:
                out.say(_indent(for_terminal(f"Diagnosis: {test.diagnosis}")))
            out.say(_indent(for_terminal(test.output)))
    passed = sum(t.outcome == "passed" for t in result.tests)
    if result.message:
        out.say(f"\n{out.paint(for_terminal(result.message), 'yellow')}")
    out.say(
        f"\n{passed}/{len(result.tests)} public tests passed. They count for nothing in your "
        "grade: they check a few properties; the hidden tests that decide your grade check more."
    )
    out.emit_json(check_summary(spec, result))
    return 0 if passed == len(result.tests) else 1


def cmd_grade(args: argparse.Namespace, course: Course) -> int:
    from autograder.grade.batch import grade_batch
    from autograder.grade.shard import ShardJob, context_for
    from autograder.gradebook.store import Gradebook
    from autograder.runner.reference_check import require_sound_reference

    out: Output = args.output
    spec = need_course(course).spec(args.assignment)
    submissions = Path(args.submissions) if args.submissions else course.submissions / spec.name
    _need_submissions_folder(submissions, spec.name)
    reports = Path(args.out) if args.out else course.reports
    folders = _student_folders(out, submissions)
    if not folders:
        raise UserError(
            f"no student folders in {submissions}; expected {submissions}/<student_id>/"
        )
    ctx = context_for(ShardJob(spec, course.secret(), reports))  # tests checked before work
    require_sound_reference(ctx)
    book = Gradebook.open(reports, args.db)
    try:
        with out.progress(f"grading {spec.name}", len(folders)) as progress:
            results = grade_batch(
                ctx,
                folders,
                reports,
                jobs=args.jobs or os.cpu_count() or 1,
                resume=args.resume,
                on_done=lambda r: progress.advance(f"{r.student_id}: {r.status}"),
                gradebook=book,
                cluster=args.cluster,
            )
    finally:
        book.close()
    _sandbox_notes(out, results.sandbox_notes)
    if results.interrupted:
        out.error(
            f"interrupted: {results.graded} submission(s) graded and saved, "
            f"{results.remaining} not reached; run `autograder grade {spec.name} --resume` "
            "to grade the rest"
        )
        return 130
    folder = reports / spec.name
    print_grades(out, results)
    if args.resume:
        out.say(
            f"Resumed: {results.reused} submission(s) unchanged and skipped, "
            f"{results.graded} graded."
        )
    out.say(f"\nResults: {folder}/<student_id>/results.json\nTable:   {folder / 'grades.csv'}")
    out.emit_json(grades_json(spec.name, folder, results))
    return 0


def _sandbox_notes(out: Output, notes: dict[str, str]) -> None:
    """One warning per distinct sandbox shortfall, naming the workers it holds for."""
    by_note: dict[str, list[str]] = {}
    for worker, note in sorted(notes.items()):
        by_note.setdefault(note, []).append(worker)
    for note, workers in by_note.items():
        out.warn(f"on {', '.join(workers)}: {note}")


def cmd_manual_import(args: argparse.Namespace, course: Course) -> int:
    from autograder.gradebook.store import Gradebook
    from autograder.manual.scores import import_scores, store_scores

    out: Output = args.output
    spec = need_course(course).spec(args.assignment)
    reports = Path(args.out) if args.out else course.reports
    known = _known_students(course, reports, spec.name)
    imported = import_scores(spec, Path(args.csv), known)
    for problem in imported.refused:
        out.warn(problem)
    with Gradebook.open(reports, args.db) as book:
        results = store_scores(spec, reports, book, imported.scores)
    pending = sum(r.pending > 0 for r in results)
    out.say(
        f"Imported {imported.count} score(s) for {spec.name}; gradebook, grades.csv and "
        f"results.json updated. {pending} student(s) still have written answers pending."
    )
    if imported.refused:
        out.say(f"{len(imported.refused)} row(s) refused (see above); fix them and import again.")
        return 1
    return 0


def _known_students(course: Course, reports: Path, spec_name: str) -> set[str]:
    """Student ids that exist: graded ones (results.json) and submission folders."""
    graded = {p.parent.name for p in (reports / spec_name).glob("*/results.json")}
    folder = course.submissions / spec_name
    submitted = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    return graded | submitted


def cmd_report(args: argparse.Namespace, course: Course) -> int:
    from autograder.course.csv_files import write_csv
    from autograder.gradebook.store import DB_ENV, DB_FILE, Gradebook
    from autograder.report.build import build_report
    from autograder.report.exports import load_roster

    out: Output = args.output
    reports = Path(args.out) if args.out else need_course(course).reports
    if not args.db and not os.environ.get(DB_ENV) and not (reports / DB_FILE).is_file():
        raise UserError(
            f"no gradebook at {reports / DB_FILE}: run `autograder grade ASSIGNMENT` first "
            "(or pass --course DIR, --out REPORTS or --db URL)"
        )
    if args.roster and not Path(args.roster).is_file():
        raise UserError(f"the roster {args.roster} does not exist (--roster takes a CSV file)")
    book = Gradebook.open(reports, args.db)
    summaries = []
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
            )
            print_report(out, name, report)
            summaries.append(report_json(name, report))
        class_table = book.class_table()
        if not class_table.empty:
            write_csv(class_table, reports / CLASS_TABLE_FILE, index=True)
            out.say(f"Class table (every assignment): {reports / CLASS_TABLE_FILE}")
    finally:
        book.close()
    out.emit_json({"assignments": summaries, "class_table": str(reports / CLASS_TABLE_FILE)})
    return 0


def cmd_manual_sheet(args: argparse.Namespace, course: Course) -> int:
    from autograder.gradebook.store import Gradebook
    from autograder.manual.sheet import write_sheet

    out: Output = args.output
    spec = need_course(course).spec(args.assignment)
    submissions = Path(args.submissions) if args.submissions else course.submissions / spec.name
    _need_submissions_folder(submissions, spec.name)
    reports = Path(args.out) if args.out else course.reports
    folders = _student_folders(out, submissions)
    if not spec.written_problems:
        raise UserError(f"{spec.name} has no written problems (none has written = true)")
    with Gradebook.open(reports, args.db) as book:
        stored = book.manual(spec.name)
    sheet = write_sheet(spec, folders, reports / spec.name, stored)
    for note in sheet.notes:
        out.warn(note)
    out.say(
        f"Grading sheet for {sheet.students} student(s), {len(spec.written_problems)} "
        f"written problem(s) ({sheet.unanswered} answer(s) empty):\n  {sheet.csv_path}"
    )
    for page in sheet.pages:
        out.say(f"  {page}")
    out.say(
        "Fill in the score and comment columns, then run "
        f"`autograder manual import {spec.name} {sheet.csv_path}`."
    )
    return 0


def cmd_collect(args: argparse.Namespace, course: Course) -> int:
    from autograder.collect.sources import collect

    out: Output = args.output
    spec = need_course(course).spec(args.assignment)
    target = Path(args.out) if args.out else course.submissions / spec.name
    if args.roster and not Path(args.roster).is_file():
        raise UserError(f"the roster {args.roster} does not exist (--roster takes a CSV file)")
    roster = Path(args.roster) if args.roster else None
    report = collect(Path(args.source), spec, target, roster=roster)
    for line in report.written:
        out.say(f"  {for_terminal(line, one_line=True)}")
    for line in report.problems:
        out.warn(line)
    out.say(
        f"Collected {len(report.written)} submission(s) of {spec.name} into {target}"
        + (f"; {len(report.problems)} warning(s) above." if report.problems else ".")
    )
    return 0


def cmd_similarity(args: argparse.Namespace, course: Course) -> int:
    from autograder.similarity.compare import compare_assignment
    from autograder.similarity.writer import write_similarity

    spec = need_course(course).spec(args.assignment)
    submissions = Path(args.submissions) if args.submissions else course.submissions / spec.name
    _need_submissions_folder(submissions, spec.name)
    reports = Path(args.out) if args.out else course.reports
    folders = _student_folders(args.output, submissions)
    if len(folders) < 2:
        raise UserError(
            f"{submissions} holds {len(folders)} student folder(s); two are needed to compare"
        )
    comparison = compare_assignment(spec, folders, course.assignments)
    files = write_similarity(comparison, spec, reports / spec.name)
    print_similarity(args.output, spec.name, comparison, files)
    return 0


def cmd_doctor(args: argparse.Namespace, course: Course) -> int:
    from autograder.sandbox import diagnose

    out: Output = args.output
    diagnosis = diagnose(course.root)
    out.say(f"Sandbox guarantees on this machine (mode: {diagnosis.mode})")
    rows = [
        [c.guarantee.title, "held" if c.held else "NOT held", c.detail] for c in diagnosis.checks
    ]
    paints = [[None, "green" if c.held else "red", None] for c in diagnosis.checks]
    out.say(table(["guarantee", "status", "why"], rows, colours=paints))
    for problem in diagnosis.problems:
        out.warn(problem)
    missing = [c.guarantee.title for c in diagnosis.checks if not c.held]
    if missing:
        out.say(
            f"\n{len(missing)} guarantee(s) do not hold here: {', '.join(missing)}. "
            "SECURITY.md says what each one protects and how to get it (run as root, or "
            "allow unprivileged user namespaces)."
        )
        return 1
    out.say("\nEvery guarantee holds: student code cannot see the course or the network.")
    return 0


def cmd_serve(args: argparse.Namespace, course: Course) -> int:
    from autograder.portal.serve import serve

    serve(course, args.host, args.port, args.db, args.workers, args.example, say=args.output.say)
    return 0


# --------------------------------------------------------------------------- helpers


def _student_folders(out: Output, submissions: Path) -> list[tuple[str, Path]]:
    """The student folders to work on; a folder that cannot be a student id is named."""
    from autograder.grade.batch import student_folders

    skipped: list[str] = []
    folders = student_folders(submissions, skipped)
    for line in skipped:
        out.warn(line)
    return folders


def _need_submissions_folder(path: Path, assignment: str) -> None:
    """Say what to pass when the submissions argument is a file or does not exist."""
    default = f"submissions/{assignment}"
    if path.is_file():
        raise UserError(
            f"{path} is a file; pass the folder that holds one folder per student "
            f"({default}/<student_id>/), or nothing for {default}. To run the public tests "
            f"on one file, use `autograder check {assignment} {path}`."
        )
    if not path.is_dir():
        raise UserError(
            f"the submissions folder {path} does not exist; pass the folder that holds one "
            f"folder per student ({default}/<student_id>/), or use --course DIR"
        )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()[:20])


COMMANDS = {
    "release": cmd_release,
    "check": cmd_check,
    "collect": cmd_collect,
    "doctor": cmd_doctor,
    "grade": cmd_grade,
    "similarity": cmd_similarity,
    "import": cmd_manual_import,
    "sheet": cmd_manual_sheet,
    "report": cmd_report,
    "serve": cmd_serve,
}


def build_parser() -> argparse.ArgumentParser:
    """The command line, each command bound to its function above."""
    return make_parser(COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.output = Output(quiet=args.quiet, json_mode=getattr(args, "json", False))
    course = Course(Path(args.course).resolve()) if args.course else find_course()
    try:
        return args.run(args, course)
    except (UserError, FileNotFoundError) as exc:
        args.output.error(str(exc))
        return 2
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == "autograder":
            raise
        args.output.error(f"`autograder {args.command}` needs {exc.name}. {INSTALL_INSTRUCTOR}")
        return 2
    except KeyboardInterrupt:
        args.output.error("interrupted")
        return 130
    except BrokenPipeError:  # `autograder grade x | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
