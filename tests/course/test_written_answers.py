"""Written answers: from answers.md or notebook answer cells to the TAs' sheet and back."""

from __future__ import annotations

import json

import pandas as pd
from notebook_helpers import answered, release_toy, save

from autograder.cli import main
from autograder.course.answers import extract_answers

PY = "import numpy as np\ndef double(x):\n    return 2 * np.asarray(x, dtype=float)\n"
ANSWERS_MD = """# Written answers: Toy

## essay: Essay (3 points)

> Explain.

Doubling is linear: $2(x + y) = 2x + 2y$.
<script>alert('hi')</script>
"""


def test_answers_come_from_answers_md_or_the_notebook(toy_course, tmp_path):
    spec = toy_course.spec("toy")
    md_folder = tmp_path / "md"
    md_folder.mkdir()
    (md_folder / "answers.md").write_text(ANSWERS_MD)
    answers, where = extract_answers(md_folder, spec)
    assert where == "answers.md"
    assert answers["essay"].startswith("Doubling is linear") and "Explain" not in answers["essay"]
    released = release_toy(toy_course)
    untouched = tmp_path / "nb0"
    save(answered(released, {}), untouched)
    assert extract_answers(untouched, spec)[0] == {"essay": ""}  # the stub is no answer
    save(answered(released, {"answer_essay": "Because $x + x = 2x$."}), tmp_path / "nb")
    assert extract_answers(tmp_path / "nb", spec) == (
        {"essay": "Because $x + x = 2x$."},
        "toy.ipynb",
    )


def test_grading_sheet_round_trip(toy_course, submit, capsys):
    course = ["--course", str(toy_course.root)]
    released = release_toy(toy_course)
    alice = submit("alice", PY)
    (alice / "answers.md").write_text(ANSWERS_MD)
    bob = toy_course.submissions / "toy" / "bob"
    save(answered(released, {"answer_essay": '=HYPERLINK("x")\n\nBob\'s proof.'}), bob)
    submit("carol", PY)  # no written answer at all
    assert main([*course, "grade", "toy", "-j", "1"]) == 0
    assert main([*course, "manual", "sheet", "toy"]) == 0
    reports = toy_course.reports / "toy"
    sheet = pd.read_csv(reports / "grading_sheet.csv", dtype=str, keep_default_na=False)
    assert list(sheet["student_id"]) == ["alice", "bob", "carol"]
    assert sheet.loc[0, "answer"].startswith("Doubling is linear")
    assert sheet.loc[1, "answer"].startswith("'=HYPERLINK")  # not a formula in a spreadsheet
    assert sheet.loc[2, "answer"] == "" and set(sheet["score"]) == {""}
    page = (reports / "written" / "essay.html").read_text()
    assert "Doubling is linear" in page and "s proof." in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    # the TA scores alice and bob, leaves carol for later, and imports the same file
    sheet.loc[0, ["score", "comment"]] = ["3", "clear"]
    sheet.loc[1, ["score", "comment"]] = ["1.5", "half a proof"]
    sheet.to_csv(reports / "grading_sheet.csv", index=False)
    assert main([*course, "manual", "import", "toy", str(reports / "grading_sheet.csv")]) == 0
    assert "Imported 2 score(s)" in capsys.readouterr().out
    grades = pd.read_csv(reports / "grades.csv", dtype={"student_id": str}).set_index("student_id")
    assert grades.loc["alice", "essay"] == 3 and grades.loc["bob", "essay"] == 1.5
    assert pd.isna(grades.loc["carol", "essay"]) and grades.loc["carol", "pending"] == 3
    bob_results = json.loads((reports / "bob" / "results.json").read_text())
    essay = next(t for t in bob_results["tests"] if "Essay" in t["name"])
    assert essay["score"] == 1.5 and "half a proof" in essay["output"]
    # a new sheet shows what was imported, so a TA can continue where they stopped
    assert main([*course, "manual", "sheet", "toy"]) == 0
    again = pd.read_csv(reports / "grading_sheet.csv", dtype=str, keep_default_na=False)
    assert list(again["score"]) == ["3", "1.5", ""]
