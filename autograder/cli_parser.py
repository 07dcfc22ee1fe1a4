"""The command line's grammar: every command, its options, and an example in its --help.

The commands themselves live in ``cli.py``; :func:`make_parser` binds each to its name.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping

from autograder import DISTRIBUTION, __version__

ROSTER_FILE = "roster.csv"
DB_HELP = "gradebook database URL (default: $AUTOGRADER_DB, else reports/gradebook.sqlite)"
INSTALL_INSTRUCTOR = f"Install the instructors' extra: pip install '{DISTRIBUTION}[instructor]'"

EXAMPLES = {
    "autograder": """\
examples:
  autograder check softmax softmax.py      # students: run the public tests
  autograder release softmax               # instructors: write assignments/softmax/
  autograder grade softmax                 # grade submissions/softmax/<student_id>/
  autograder report softmax                # report.html, feedback, exports
  autograder --course ~/ml101 grade softmax    # from outside the course folder

`--course DIR`, `--quiet` go before or after the command; `autograder COMMAND --help`
shows each command's options.""",
    "release": """\
example:
  autograder release softmax       # checks solutions/softmax, writes assignments/softmax/""",
    "check": """\
examples:
  autograder check softmax softmax.py      # in the folder you were given
  autograder check softmax softmax.ipynb   # the notebook instead of the script
  autograder check softmax . --json        # a JSON summary, for scripts""",
    "collect": """\
examples:
  autograder collect softmax ~/nbgrader_course
  autograder collect softmax canvas_export.zip --roster roster.csv""",
    "grade": """\
examples:
  autograder grade softmax                 # every folder in submissions/softmax/
  autograder grade softmax --resume        # only students whose code changed
  autograder grade softmax --jobs 8        # eight grader processes on this machine
  autograder grade softmax --cluster tcp://10.0.0.1:8786   # on a Dask cluster
  autograder grade softmax --json > grades.json
  autograder grade softmax --course ~/ml101   # from another folder""",
    "similarity": """\
example:
  autograder similarity softmax            # reports/softmax/similarity.html and .csv""",
    "doctor": """\
example:
  autograder doctor""",
    "serve": """\
examples:
  autograder serve --example               # the bundled course, its people and their work
  autograder serve --db postgresql+psycopg://user@host/course --port 8080""",
    "manual": """\
examples:
  autograder manual sheet softmax          # write reports/softmax/grading_sheet.csv
  autograder manual import softmax reports/softmax/grading_sheet.csv""",
    "import": """\
example:
  autograder manual import softmax reports/softmax/grading_sheet.csv
Rows with an empty score stay pending; rows naming an unknown student or a problem that
is not written are refused, each with a message, and the others are imported.""",
    "sheet": """\
example:
  autograder manual sheet softmax
Scores typed into an existing sheet but not yet imported are kept.""",
    "report": """\
examples:
  autograder report softmax
  autograder report                        # every assignment in the gradebook
  autograder report softmax --roster roster.csv --json""",
}


def add_common_options(
    parser: argparse.ArgumentParser, *, top: bool = False
) -> argparse.ArgumentParser:
    """``--course`` and ``--quiet``, accepted before and after the command.

    On a subcommand they default to "not given" (``SUPPRESS``), so that a value given
    before the command is not overwritten by the subcommand's default.
    """
    parser.add_argument(
        "--course",
        help="the course folder (default: found from the current folder upwards)",
        default=None if top else argparse.SUPPRESS,
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only warnings and errors",
        default=False if top else argparse.SUPPRESS,
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _subcommand(sub, name: str, help_text: str, common: argparse.ArgumentParser):
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text[0].upper() + help_text[1:] + ".",
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )


def make_parser(run: Mapping[str, Callable]) -> argparse.ArgumentParser:
    """The parser; ``run[name]`` is what command ``name`` calls (``args.run``)."""
    common = add_common_options(argparse.ArgumentParser(add_help=False))
    parser = argparse.ArgumentParser(
        prog="autograder",
        description="Release, check and grade ML math and NumPy homework.",
        epilog=EXAMPLES["autograder"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"autograder {__version__}")
    add_common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_course_commands(sub, common, run)
    _add_grading_commands(sub, common, run)
    _add_portal_command(sub, common, run)
    return parser


def _add_portal_command(sub, common: argparse.ArgumentParser, run: Mapping) -> None:
    """serve: the course portal."""
    p = _subcommand(sub, "serve", "the course portal for students, TAs and instructors", common)
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--port", type=_positive, default=8000)
    p.add_argument("--db", help="database URL (default: $AUTOGRADER_DB, else a SQLite file)")
    p.add_argument("--workers", type=_positive, default=2, help="submissions graded at once")
    p.add_argument("--example", action="store_true", help="load the bundled example course")
    p.set_defaults(run=run["serve"])


def _add_course_commands(sub, common: argparse.ArgumentParser, run: Mapping) -> None:
    """release, check, collect, doctor: before grading."""
    p = _subcommand(sub, "release", "check an assignment and write the student package", common)
    p.add_argument("assignment")
    p.add_argument("--out", help="where to write it (default: assignments/)")
    p.set_defaults(run=run["release"])

    p = _subcommand(sub, "check", "run the public tests on your work (students)", common)
    p.add_argument("assignment")
    p.add_argument("path", help="your file (e.g. softmax.py) or the folder holding it")
    p.add_argument("--json", action="store_true", help="print a JSON summary instead")
    p.set_defaults(run=run["check"])

    p = _subcommand(
        sub, "collect", "import an nbgrader course folder or a Canvas/Moodle zip", common
    )
    p.add_argument("assignment")
    p.add_argument("source", help="nbgrader course folder (with submitted/) or LMS .zip")
    p.add_argument("--roster", help="CSV with columns lms_id,student_id")
    p.add_argument("--out", help="default: submissions/<assignment>")
    p.set_defaults(run=run["collect"])

    p = _subcommand(sub, "doctor", "show which sandbox guarantees hold on this machine", common)
    p.set_defaults(run=run["doctor"])


def _add_grading_commands(sub, common: argparse.ArgumentParser, run: Mapping) -> None:
    """grade, manual import and sheet, report."""
    p = _subcommand(sub, "grade", "grade every student folder of an assignment", common)
    p.add_argument("assignment")
    p.add_argument("submissions", nargs="?", help="default: submissions/<assignment>")
    p.add_argument("--jobs", "-j", type=_positive, help="graded at once (default: CPU count)")
    p.add_argument("--out", help="reports folder (default: reports/)")
    p.add_argument("--resume", action="store_true", help="skip students whose code did not change")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--cluster",
        default=os.environ.get("AUTOGRADER_CLUSTER"),
        help="grade on a Dask cluster, e.g. tcp://host:8786 (default: $AUTOGRADER_CLUSTER)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary instead")
    p.set_defaults(run=run["grade"])

    p = _subcommand(
        sub, "similarity", "rank pairs of submissions by how alike their code is", common
    )
    p.add_argument("assignment")
    p.add_argument("submissions", nargs="?", help="default: submissions/<assignment>")
    p.add_argument("--out", help="reports folder (default: reports/)")
    p.set_defaults(run=run["similarity"])

    p = _subcommand(sub, "manual", "written answers graded by hand", common)
    manual = p.add_subparsers(dest="manual_command", required=True, metavar="ACTION")
    q = _subcommand(manual, "import", "merge a CSV of scores (student_id,problem,score)", common)
    q.add_argument("assignment")
    q.add_argument("csv")
    q.add_argument("--out", help="reports folder (default: reports/)")
    q.add_argument("--db", help=DB_HELP)
    q.set_defaults(run=run["import"])

    q = _subcommand(manual, "sheet", "write the TAs' grading sheet (CSV + HTML pages)", common)
    q.add_argument("assignment")
    q.add_argument("submissions", nargs="?", help="default: submissions/<assignment>")
    q.add_argument("--out", help="reports folder (default: reports/)")
    q.add_argument("--db", help=DB_HELP)
    q.set_defaults(run=run["sheet"])

    p = _subcommand(sub, "report", "HTML report, tables, feedback and LMS exports", common)
    p.add_argument("assignment", nargs="?", help="default: every assignment in the gradebook")
    p.add_argument("--out", help="reports folder (default: reports/)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--roster", help=f"CSV of student_id, names, e-mails (default: {ROSTER_FILE})")
    p.add_argument(
        "--no-public", action="store_true", help="leave the public tests out of the feedback"
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary instead")
    p.set_defaults(run=run["report"])
