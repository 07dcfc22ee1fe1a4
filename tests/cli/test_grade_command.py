"""`autograder grade` and `report` through the real command: errors, scores, output for scripts."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from cli_helpers import autograder
from toy_course import TOY_CORRECT, make_toy_course, write

pytestmark = pytest.mark.slow  # a class graded end to end, a dozen runs of the real command

# The line number sits past the 70th character of the message: a cut note would lose it.
BROKEN = "import numpy as np\n\ndef double(x) return x\n"
LATE_POLICY = 'due = "2026-12-15T23:59:00+00:00"\n\n[late]\npenalty_per_day = 0.1\n\n[limits]'


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A toy course with three students: on time, one day late, and a syntax error."""
    root = make_toy_course(tmp_path_factory.mktemp("cli") / "course").root
    spec = root / "solutions" / "toy" / "assignment.toml"
    spec.write_text(spec.read_text().replace("[limits]", LATE_POLICY))
    for student, source, when in [
        ("amy", TOY_CORRECT, "2026-12-15 20:00:00 UTC"),
        ("bob", TOY_CORRECT, "2026-12-16 10:00:00 UTC"),
        ("cat", BROKEN, "2026-12-15 21:00:00 UTC"),
    ]:
        write(root / "submissions" / "toy" / student / "toy.py", source)
        write(root / "submissions" / "toy" / student / "timestamp.txt", when + "\n")
    return root


@pytest.fixture(scope="module")
def graded(course):
    """The human output of one grading run (stdout and stderr are pipes, not a terminal),
    started outside the course with `--course` after the command."""
    done = autograder("grade", "toy", "--course", str(course), "--jobs", "2", cwd=course.parent)
    assert done.returncode == 0, done.stderr
    return done


def test_course_option_works_before_and_after_the_command(graded, course):
    assert "amy" in graded.stdout  # `grade toy --course DIR`, from outside the course
    before = autograder("--course", str(course), "grade", "toy", "--resume", cwd=course.parent)
    assert before.returncode == 0 and "amy" in before.stdout, before.stderr


def test_scores_show_raw_and_after_the_late_penalty_named(graded, course):
    header, *rows = graded.stdout.splitlines()
    assert header.split()[:4] == ["student", "raw", "late", "score"]
    bob = next(line for line in rows if line.startswith("bob"))
    assert "late 1 d" in bob
    table = pd.read_csv(course / "reports" / "toy" / "grades.csv").set_index("student_id")
    assert table.loc["bob", "raw_score"] == table.loc["amy", "raw_score"] > 0
    assert table.loc["bob", "late_penalty"] == pytest.approx(0.1 * table.loc["bob", "raw_score"])
    assert table.loc["bob", "score"] == pytest.approx(0.9 * table.loc["bob", "raw_score"])
    assert table.loc["amy", "score"] == table.loc["amy", "raw_score"]
    assert f"{table.loc['bob', 'score']:g}" in bob.split()


def test_notes_are_whole_and_lines_unwrapped_in_a_pipe(graded):
    cat = next(line for line in graded.stdout.splitlines() if line.startswith("cat"))
    assert "SyntaxError" in cat and "line 3" in cat  # the note keeps the line of the error
    assert max(map(len, graded.stdout.splitlines())) > 80  # not folded at 80 columns
    assert not any(line.startswith(" " * 20) for line in graded.stdout.splitlines())


def test_progress_is_plain_lines_when_not_on_a_terminal(graded):
    progress = [line for line in graded.stderr.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == ["[1/3", "[2/3", "[3/3"]
    assert "\r" not in graded.stderr and "\x1b" not in graded.stderr + graded.stdout


def test_grade_json_is_a_machine_readable_summary(graded, course):
    done = autograder("grade", "toy", "--course", str(course), "--resume", "--json", cwd=course)
    summary = json.loads(done.stdout)  # nothing but JSON on stdout
    students = {s["student_id"]: s for s in summary["students"]}
    assert set(students) == {"amy", "bob", "cat"}
    assert students["bob"]["days_late"] == 1
    assert students["bob"]["score"] == pytest.approx(students["bob"]["raw_score"] * 0.9)
    assert students["cat"]["status"] == "error"


def test_quiet_prints_nothing_but_problems(graded, course):
    done = autograder("grade", "toy", "--course", str(course), "--resume", "--quiet", cwd=course)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_report_json_has_the_class_summary(graded, course):
    done = autograder("report", "toy", "--course", str(course), "--no-public", "--json", cwd=course)
    assert done.returncode == 0, done.stderr
    (toy,) = json.loads(done.stdout)["assignments"]
    assert toy["summary"]["students"] == 3 and toy["summary"]["late"] == 1
    assert toy["report"].endswith("report.html")


def test_a_missing_roster_is_an_error(graded, course):
    done = autograder(
        "report", "toy", "--course", str(course), "--roster", "nope.csv", "--no-public", cwd=course
    )
    assert done.returncode == 2 and "nope.csv does not exist" in done.stderr


def test_report_from_another_folder_creates_no_gradebook_there(tmp_path):
    done = autograder("report", "toy", cwd=tmp_path)
    assert done.returncode == 2 and "--course" in done.stderr
    assert not (tmp_path / "reports").exists()


def test_grade_from_another_folder_points_at_the_course_option(tmp_path):
    done = autograder("grade", "softmax", cwd=tmp_path)
    assert done.returncode == 2 and "--course" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_jobs_must_be_positive(course, jobs):
    done = autograder("grade", "toy", "--course", str(course), "--jobs", jobs, cwd=course)
    assert done.returncode == 2 and "must be 1 or more" in done.stderr


def test_grading_a_file_says_it_is_a_file_and_what_to_pass(course):
    student_file = course / "submissions" / "toy" / "amy" / "toy.py"
    done = autograder("grade", "toy", str(student_file), "--course", str(course), cwd=course)
    assert done.returncode == 2
    assert "is a file" in done.stderr and "submissions/toy/<student_id>" in done.stderr
