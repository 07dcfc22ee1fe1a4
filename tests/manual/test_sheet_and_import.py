"""The TAs' side: the grading sheet never loses typed scores, import refuses bad rows one by
one, and answers that are not UTF-8 are read and flagged."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from cli_helpers import autograder

from autograder.manual.sheet import write_sheet

ANSWERS = "## essay: Essay\n\n{}\n"


@pytest.fixture
def class_of_two(toy_course, submit):
    for student in ("amy", "bob"):
        folder = submit(student, "def double(x):\n    return x\n")
        (folder / "answers.md").write_text(ANSWERS.format(f"{student} explains"), "utf-8")
    return toy_course


def sheet_rows(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def folders(course):
    return sorted((p.name, p) for p in (course.submissions / "toy").iterdir())


def test_writing_the_sheet_again_keeps_scores_typed_but_not_imported(class_of_two):
    out = class_of_two.reports / "toy"
    sheet = write_sheet(class_of_two.spec("toy"), folders(class_of_two), out)
    rows = list(sheet_rows(sheet.csv_path).values())
    rows[0]["score"], rows[0]["comment"] = "2.5", "good"
    with open(sheet.csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    again = write_sheet(class_of_two.spec("toy"), folders(class_of_two), out)
    kept = sheet_rows(again.csv_path)[rows[0]["student_id"]]
    assert (kept["score"], kept["comment"]) == ("2.5", "good")
    assert any("not imported yet" in note for note in again.notes)


def test_typed_scores_of_a_student_no_longer_listed_are_kept_in_a_copy(class_of_two):
    out = class_of_two.reports / "toy"
    sheet = write_sheet(class_of_two.spec("toy"), folders(class_of_two), out)
    text = sheet.csv_path.read_text(encoding="utf-8")  # zoe has left the course since
    sheet.csv_path.write_text(text + "zoe,essay,3,an answer,1,ok,\n", encoding="utf-8")
    again = write_sheet(class_of_two.spec("toy"), folders(class_of_two), out)
    (note,) = [n for n in again.notes if "zoe/essay" in n]
    copies = [p for p in out.glob("grading_sheet.*.csv")]
    assert len(copies) == 1 and str(copies[0]) in note
    assert "zoe,essay,3,an answer,1,ok" in copies[0].read_text(encoding="utf-8")


def test_latin1_answers_are_decoded_and_flagged(class_of_two):
    bob = class_of_two.submissions / "toy" / "bob" / "answers.md"
    bob.write_bytes(ANSWERS.format("la dérivée est nulle").encode("latin-1"))
    sheet = write_sheet(
        class_of_two.spec("toy"), folders(class_of_two), class_of_two.reports / "toy"
    )
    row = sheet_rows(sheet.csv_path)["bob"]
    assert row["answer"] == "la dérivée est nulle"
    assert "not UTF-8" in row["note"] and sheet_rows(sheet.csv_path)["amy"]["note"] == ""
    assert any(n.startswith("bob: answers.md is not UTF-8") for n in sheet.notes)
    assert "not UTF-8" in (class_of_two.reports / "toy" / "written" / "essay.html").read_text()


def test_import_refuses_bad_rows_one_by_one_and_imports_the_rest(class_of_two, tmp_path):
    root = str(class_of_two.root)
    assert autograder("grade", "toy", "--course", root, "-q", cwd=tmp_path).returncode == 0
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "student_id,problem,score,comment\n"
        "amy,essay,2,fine\n"
        "zed,essay,1,who?\n"
        "bob,double,1,not written\n"
        "bob,essay,1.5,\n"
    )
    done = autograder("manual", "import", "toy", str(scores), "--course", root, cwd=tmp_path)
    assert done.returncode == 1  # some rows were refused
    assert "line 3" in done.stderr and "'zed'" in done.stderr
    assert "line 4" in done.stderr and "not a written problem" in done.stderr
    assert "Imported 2 score(s)" in done.stdout
    grades = pd.read_csv(class_of_two.reports / "toy" / "grades.csv").set_index("student_id")
    assert grades.loc["amy", "essay"] == 2 and grades.loc["bob", "essay"] == 1.5
