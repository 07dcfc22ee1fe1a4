"""The grade and manual-import commands, end to end on a toy class."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pandas as pd
import pytest
from toy_course import TOY_CORRECT, make_toy_course, write

from autograder.cli import main

GOOD = TOY_CORRECT


CLASS = {
    "amy": GOOD,
    "bob": GOOD.replace("return float(np.linalg.norm(x))", "return -1.0"),
    "cat": "def double(x) return x\n",
    "dan": "while True:\n    pass\n",
    "eve": None,
}


@pytest.fixture(scope="module")
def graded_once(tmp_path_factory):
    """The toy class graded once for the module: (course root, exit code, what it printed)."""
    course = make_toy_course(tmp_path_factory.mktemp("graded") / "course")
    for student, source in CLASS.items():
        folder = course.submissions / "toy" / student
        folder.mkdir(parents=True)
        if source is not None:
            write(folder / "toy.py", source)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--course", str(course.root), "grade", "toy", "--jobs", "2"])
    return course.root, code, out.getvalue()


@pytest.fixture
def toy_course(tmp_path):
    """This module's tests start from their own copy of a course without a grade run."""
    return make_toy_course(tmp_path / "course")


@pytest.fixture
def graded(graded_once, toy_course):
    """A fresh copy of the graded class for one test: (exit code, what grade printed)."""
    root, code, printed = graded_once
    shutil.rmtree(toy_course.root)
    shutil.copytree(root, toy_course.root)
    return code, printed


def test_grade_writes_results_and_a_table_and_the_batch_goes_on(toy_course, graded):
    code, printed = graded
    assert code == 0
    folder = toy_course.reports / "toy"
    table = pd.read_csv(folder / "grades.csv", dtype={"student_id": str}).set_index("student_id")
    assert list(table.index) == ["amy", "bob", "cat", "dan", "eve"]
    assert (
        table.loc["amy", "score"] == table.loc["amy", "max_score"] - 3
    )  # 3 written points pending
    assert table.loc["bob", "norm"] == 0 < table.loc["amy", "norm"]
    assert table.loc["bob", "double"] == table.loc["amy", "double"] > 0
    assert dict(table["status"]) == {
        "amy": "ok",
        "bob": "ok",
        "cat": "error",
        "dan": "timeout",
        "eve": "missing",
    }
    assert table["pending"].eq(3).all() and table["essay"].isna().all()
    for student in table.index:
        results = json.loads((folder / student / "results.json").read_text())
        assert {"score", "execution_time", "output", "tests"} <= results.keys()
        assert all(
            {"name", "score", "max_score", "output", "visibility", "tags"} <= t.keys()
            for t in results["tests"]
        )
    assert "timeout" in printed and "amy" in printed


def test_manual_import_fills_pending_points(toy_course, graded, tmp_path, capsys):
    sheet = tmp_path / "scores.csv"
    sheet.write_text("student_id,problem,score,comment\namy,essay,2.5,clear argument\n")
    assert main(["--course", str(toy_course.root), "manual", "import", "toy", str(sheet)]) == 0
    folder = toy_course.reports / "toy"
    table = pd.read_csv(folder / "grades.csv", dtype={"student_id": str}).set_index("student_id")
    assert table.loc["amy", "essay"] == 2.5 and table.loc["amy", "pending"] == 0
    assert table.loc["amy", "score"] == 5 + 2.5
    assert table.loc["bob", "pending"] == 3
    written = [
        t
        for t in json.loads((folder / "amy" / "results.json").read_text())["tests"]
        if t["name"].startswith("Written")
    ]
    assert written[0]["score"] == 2.5 and written[0]["output"] == "clear argument"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("amy,double,1,", "not a written problem"),
        ("amy,essay,4,", "from 0 to 3"),
        ("amy,essay,abc,", "must be a number"),
        ("zed,essay,1,", "no student 'zed'"),
    ],
)
def test_manual_import_rejects_bad_rows_with_the_line(
    toy_course, graded, tmp_path, capsys, row, fragment
):
    sheet = tmp_path / "scores.csv"
    sheet.write_text("student_id,problem,score,comment\n" + row + "\n")
    assert main(["--course", str(toy_course.root), "manual", "import", "toy", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert fragment in err and "line 2" in err


def test_resume_skips_unchanged_and_regrades_changed(toy_course, graded, submit):
    results = toy_course.reports / "toy" / "amy" / "results.json"
    first = json.loads(results.read_text())["extra_data"]["graded_at"]
    bob_before = json.loads((toy_course.reports / "toy" / "bob" / "results.json").read_text())[
        "score"
    ]
    submit("bob", GOOD)
    assert main(["--course", str(toy_course.root), "grade", "toy", "--resume"]) == 0
    assert json.loads(results.read_text())["extra_data"]["graded_at"] == first
    assert (
        json.loads((toy_course.reports / "toy" / "bob" / "results.json").read_text())["score"]
        > bob_before
    )


def test_unknown_assignment_is_a_clear_error(toy_course, capsys):
    assert main(["--course", str(toy_course.root), "grade", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no assignment 'nope'" in err and "available: toy" in err
