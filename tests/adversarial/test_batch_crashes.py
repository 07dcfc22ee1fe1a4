"""One student's files must not stop grading, collecting or reporting for the class.

Each attack plants a file the grader reads in its own process (``timestamp.txt``,
``answers.md``, the script or notebook) or a folder whose name is one of the class's own
files; the attacker gets a clear message and a recorded status, and every other student,
the honest control included, is graded, collected and reported as usual.
"""

from __future__ import annotations

import os
import socket
import stat
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import pytest

from adversarial.classroom import FULL_MARKS, HONEST, grade_class
from autograder.cli import main
from autograder.collect.sources import collect
from autograder.course.attempts import Attempt
from autograder.course.student_ids import CLASS_OUTPUTS
from autograder.gradebook.store import AttemptRecord, Gradebook, StudentRecord

SPARSE_SIZE = 2 * 1024**3  # 2 GB that take no disk: read whole, they would take 4 GB of memory

BAD_TIMES = {
    "year_one_east": "0001-01-01T00:00:00+05:00",  # OverflowError in astimezone
    "year_max_west": "9999-12-31T23:59:59-05:00",
    "year_one_utc": "0001-01-01 00:00:00.000000 UTC",  # parses, but no tool downstream can
    "far_future": "2999-01-01 00:00:00 UTC",
    "garbage": "\x00\xff not a time",
}


def sparse(path, size=SPARSE_SIZE):
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def fifo(path):
    os.mkfifo(path)
    return path


def unix_socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def test_unreadable_submission_times_fall_back_per_student(arena):
    for student, text in BAD_TIMES.items():
        folder = arena.submit(HONEST, student)
        (folder / "timestamp.txt").write_text(text, encoding="utf-8", errors="surrogateescape")
    sparse(arena.submit(HONEST, "sparse_time") / "timestamp.txt")
    fifo(arena.submit(HONEST, "fifo_time") / "timestamp.txt")
    results = grade_class(arena)
    for student in [*BAD_TIMES, "sparse_time", "fifo_time"]:
        result = results[student]
        assert (result.status, result.score) == ("ok", FULL_MARKS), student
        when = datetime.fromisoformat(result.submitted_at)
        assert abs((when - datetime.now(UTC)).days) <= 1  # the file's own time, not theirs
    assert main(["--course", str(arena.root), "report", "toy", "--no-public"]) == 0


def test_special_and_huge_files_are_refused_unopened(arena):
    fifo(arena.folder("fifo_script") / "toy.py")
    fifo(arena.folder("fifo_notebook") / "toy.ipynb")
    sparse(arena.folder("sparse_script") / "toy.py")
    sparse(arena.folder("sparse_notebook") / "toy.ipynb")
    server = unix_socket(arena.folder("socket_script") / "toy.py")
    expected = {
        "fifo_script": "toy.py is a named pipe (FIFO), not a file",
        "fifo_notebook": "toy.ipynb is a named pipe (FIFO), not a file",
        "sparse_script": f"toy.py is {SPARSE_SIZE:,} bytes; the limit is",
        "sparse_notebook": "toy.ipynb is 2048.0 MB, over the 20 MB limit",
        "socket_script": "toy.py is a socket, not a file",
    }
    if os.geteuid() == 0:
        os.mknod(arena.folder("device_script") / "toy.py", stat.S_IFCHR | 0o644, os.makedev(1, 5))
        expected["device_script"] = "toy.py is a device, not a file"
    try:
        results = grade_class(arena)
    finally:
        server.close()
    for student, message in expected.items():
        status = "error" if student.startswith("sparse") else "missing"  # no file at all
        assert (results[student].status, results[student].score) == (status, 0.0), student
        assert message in results[student].message, results[student].message


def test_answers_files_that_would_hang_or_flood_manual_sheet(arena, tmp_path):
    fifo(arena.submit(HONEST, "fifo_answers") / "answers.md")
    sparse(arena.submit(HONEST, "sparse_answers") / "answers.md")
    honest = arena.submit(HONEST, "honest")
    (honest / "answers.md").write_text("## essay: Essay\nBecause it is linear.\n")
    out = tmp_path / "reports"
    assert main(["--course", str(arena.root), "manual", "sheet", "toy", "--out", str(out)]) == 0
    sheet = pd.read_csv(out / "toy" / "grading_sheet.csv", dtype=str, keep_default_na=False)
    answers = dict(zip(sheet["student_id"], sheet["answer"], strict=True))
    assert answers["honest"] == "Because it is linear."
    assert answers["fifo_answers"] == answers["sparse_answers"] == ""
    page = (out / "toy" / "written" / "essay.html").read_text()
    assert "answers.md is a named pipe (FIFO)" in page
    assert f"answers.md is {SPARSE_SIZE:,} bytes" in page


@pytest.mark.parametrize("name", sorted(CLASS_OUTPUTS) + ["Grades.CSV", "TABLES"])
def test_student_folders_named_like_class_files_are_refused_not_fatal(arena, name, capsys):
    arena.submit(HONEST, name)
    arena.submit(HONEST, "honest")
    assert main(["--course", str(arena.root), "grade", "toy", "--jobs", "2"]) == 0
    printed = capsys.readouterr()
    assert f"{name}' is the name of one of the class's own report files" in printed.err
    grades = pd.read_csv(arena.course.reports / "toy" / "grades.csv", dtype={"student_id": str})
    assert set(grades["student_id"]) == {"alice", "honest"}
    assert grades.set_index("student_id").loc["honest", "score"] == FULL_MARKS
    assert main(["--course", str(arena.root), "report", "toy", "--no-public"]) == 0
    folder = arena.course.reports / "toy"
    assert (folder / "report.html").is_file() and (folder / "grades.csv").is_file()
    assert (folder / "tables" / "students.csv").is_file()
    assert not (folder / "tables" / "feedback.md").exists()


def test_every_class_file_is_a_reserved_name(arena, tmp_path):
    """CLASS_OUTPUTS must name everything grade, manual and report write beside students."""
    honest = arena.submit(HONEST, "honest")
    (honest / "answers.md").write_text("## essay: Essay\nYes.\n")
    root = ["--course", str(arena.root)]
    assert main([*root, "grade", "toy"]) == 0
    assert main([*root, "manual", "sheet", "toy"]) == 0
    scores = tmp_path / "scores.csv"
    scores.write_text("student_id,problem,score,comment\nhonest,essay,2,ok\n")
    assert main([*root, "manual", "import", "toy", str(scores)]) == 0
    assert main([*root, "report", "toy", "--no-public"]) == 0
    assert main([*root, "similarity", "toy"]) == 0
    students = {"alice", "honest"}
    for folder in (arena.course.reports, arena.course.reports / "toy"):
        written = {p.name for p in folder.iterdir()} - students - {"toy"}
        assert written <= CLASS_OUTPUTS, written - CLASS_OUTPUTS


def test_collect_goes_on_past_fifos_bad_times_and_bad_zip_dates(toy_course, tmp_path):
    course = tmp_path / "nbgrader"
    for student in ("ada", "fifo", "year_one", "sparse"):
        folder = course / "submitted" / student / "toy"
        folder.mkdir(parents=True)
        (folder / "toy.py").write_text(HONEST)
    fifo_folder = course / "submitted" / "fifo" / "toy"
    (fifo_folder / "toy.py").unlink()
    fifo(fifo_folder / "toy.py")
    fifo(fifo_folder / "answers.md")
    fifo(fifo_folder / "notes.txt")  # not a file of the assignment: never opened
    (course / "submitted" / "year_one" / "toy" / "timestamp.txt").write_text(
        BAD_TIMES["year_one_east"]
    )
    deep = course / "submitted" / "ada" / "toy" / ("d/" * 500)  # not walked to the bottom
    deep.mkdir(parents=True)
    (deep / "toy.py").write_text("# not ada's answer\n")
    sparse(course / "submitted" / "sparse" / "toy" / "answers.md")
    sparse(course / "submitted" / "sparse" / "toy" / "timestamp.txt")
    target = toy_course.submissions / "toy"
    report = collect(course, toy_course.spec("toy"), target)
    assert (target / "ada" / "toy.py").read_text() == HONEST
    assert (target / "year_one" / "toy.py").read_text() == HONEST
    assert (target / "sparse" / "toy.py").read_text() == HONEST
    assert not (target / "sparse" / "answers.md").exists()
    assert not (target / "fifo").exists()
    problems = "\n".join(report.problems)
    assert "submitted/fifo/toy/toy.py: skipped: toy.py is a named pipe (FIFO)" in problems
    assert "submitted/year_one/toy: no readable timestamp.txt" in problems
    assert f"answers.md is {SPARSE_SIZE:,} bytes" in problems

    archive = tmp_path / "canvas.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(zipfile.ZipInfo("bea_1_2_toy.py", (2026, 11, 20, 9, 0, 0)), HONEST)
        zipped.writestr(zipfile.ZipInfo("cy_3_4_toy.py", (2026, 11, 20, 9, 0, 0)), HONEST)
    _corrupt_first_date(archive)
    report = collect(archive, toy_course.spec("toy"), target)
    assert (target / "bea" / "toy.py").read_text() == HONEST
    assert (target / "cy" / "toy.py").read_text() == HONEST


def _corrupt_first_date(archive):
    """Give the first entry month 0 and day 0, which ``datetime`` refuses."""
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 12), (b"PK\x01\x02", 14)):
        at = data.index(signature) + offset
        data[at : at + 2] = ((2026 - 1980) << 9).to_bytes(2, "little")
    archive.write_bytes(bytes(data))


def test_report_leaves_out_a_gradebook_student_named_like_a_class_file(arena):
    """A gradebook filled before ids were checked may hold ``tables`` as a student."""
    results = grade_class(arena)
    intruder = replace(results["honest"], student_id="tables")
    book = Gradebook.open(arena.course.reports)
    attempt = Attempt(arena.folder("honest"), datetime.now(UTC), "timestamp.txt", latest=True)
    record = AttemptRecord(attempt, intruder, counted=True)
    book.record_students("toy", [StudentRecord("tables", [record])])
    book.close()
    assert main(["--course", str(arena.root), "report", "toy", "--no-public"]) == 0
    tables = arena.course.reports / "toy" / "tables"
    assert not (tables / "feedback.md").exists()
    students = pd.read_csv(tables / "students.csv")
    assert "tables" not in set(students["student_id"]) and "honest" in set(students["student_id"])
