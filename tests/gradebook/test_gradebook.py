"""The gradebook as grading fills it: submission times, late penalties, attempts, manual scores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from toy_course import TOY_CORRECT, write

from autograder.author.collector import load_suite
from autograder.cli import main
from autograder.course.timestamps import write_timestamp
from autograder.grade.batch import grade_batch, student_folders
from autograder.gradebook.store import DB_ENV, Gradebook
from autograder.runner.one_submission import GradingContext

CORRECT = TOY_CORRECT
NORM_WRONG = CORRECT.replace("return float(np.linalg.norm(x))", "return 0.0")  # 4 of 5 points
DUE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
LATE_POLICY = """
due = "2026-12-15T23:59:00+00:00"
attempts = "{attempts}"

[late]
grace_minutes = 15
penalty_per_day = 0.1
max_days = 3

[extensions]
ext = "2026-12-20T23:59:00+00:00"
"""


def with_policy(course, attempts="latest"):
    """The toy spec plus a due date, a late policy, an extension and an attempts policy."""
    path = course.solutions / "toy" / "assignment.toml"
    text = path.read_text()
    head, tables = text.split("[limits]", 1)
    path.write_text(head + LATE_POLICY.format(attempts=attempts) + "\n[limits]" + tables)
    return course.spec("toy")


def hand_in(course, student, source, when, attempt=None):
    """A submission folder (or an earlier attempt in it) with its timestamp.txt."""
    folder = course.submissions / "toy" / student
    if attempt is not None:
        folder = folder / "attempts" / attempt
    write(folder / "toy.py", source)
    write_timestamp(folder, when)
    return folder


def grade_all(course, **kwargs):
    spec = course.spec("toy")
    ctx = GradingContext(load_suite(spec), "secret")
    folders = student_folders(course.submissions / "toy")
    with Gradebook.open(course.reports) as book:
        results = grade_batch(ctx, folders, course.reports, gradebook=book, **kwargs)
        return results, book.grades("toy").set_index("student_id"), book.submissions("toy")


def results_json(course, student, *parts):
    path = course.reports.joinpath("toy", student, *parts, "results.json")
    return json.loads(path.read_text())


def test_late_penalty_applies_from_the_submission_time_on_both_sides_of_the_deadline(toy_course):
    with_policy(toy_course)
    hand_in(toy_course, "early", CORRECT, DUE - timedelta(hours=2))
    hand_in(toy_course, "grace", CORRECT, DUE + timedelta(minutes=14))
    hand_in(toy_course, "day1", CORRECT, DUE + timedelta(hours=3))
    hand_in(toy_course, "day2", CORRECT, DUE + timedelta(days=1, hours=1))
    hand_in(toy_course, "cutoff", CORRECT, DUE + timedelta(days=4))
    hand_in(toy_course, "ext", CORRECT, DUE + timedelta(days=4))
    results, grades, _ = grade_all(toy_course)

    raw = 5.0  # every submission is right: 5 points of tests (the essay is pending)
    expected = {"early": 0, "grace": 0, "day1": 0.1, "day2": 0.2, "cutoff": 1.0, "ext": 0}
    for student, fraction in expected.items():
        assert grades.loc[student, "raw_score"] == raw
        assert grades.loc[student, "late_penalty"] == pytest.approx(raw * fraction), student
        assert grades.loc[student, "score"] == pytest.approx(raw * (1 - fraction)), student
        extra = results_json(toy_course, student)["extra_data"]
        assert extra["final_score"] == pytest.approx(raw * (1 - fraction))
    assert grades.loc["day2", "days_late"] == 2
    assert grades.loc["ext", "due"] == pd.Timestamp("2026-12-20T23:59:00Z")
    assert grades["late"].to_dict() == {
        "cutoff": True, "day1": True, "day2": True, "early": False, "ext": False, "grace": False
    }  # fmt: skip
    # grades.csv names both, as the gradebook does: raw_score, and score after the penalty
    table = pd.read_csv(toy_course.reports / "toy" / "grades.csv").set_index("student_id")
    assert set(table["raw_score"]) == {raw}
    assert table["score"].to_dict() == pytest.approx(grades["score"].to_dict())


def test_latest_policy_grades_the_top_folder_and_keeps_every_time(toy_course):
    with_policy(toy_course, "latest")
    hand_in(toy_course, "amy", CORRECT, DUE - timedelta(days=2), attempt="20261213T235900Z")
    hand_in(toy_course, "amy", NORM_WRONG, DUE - timedelta(days=1))
    results, grades, attempts = grade_all(toy_course)

    assert [r.score for r in results] == [4.0]  # the latest counts, even if worse
    assert grades.loc["amy", "attempts"] == 2
    assert attempts["graded"].tolist() == [False, True]
    assert attempts["counted"].tolist() == [False, True]
    assert attempts["submitted_at"].tolist() == [
        pd.Timestamp(DUE - timedelta(days=2)),
        pd.Timestamp(DUE - timedelta(days=1)),
    ]
    assert not (toy_course.reports / "toy" / "amy" / "attempts").exists()


def test_best_policy_keeps_the_best_final_score_after_the_late_penalty(toy_course):
    with_policy(toy_course, "best")
    # kim: 4 on time beats 5 three days late (5 - 30% = 3.5)
    hand_in(toy_course, "kim", NORM_WRONG, DUE - timedelta(hours=1), attempt="a")
    hand_in(toy_course, "kim", CORRECT, DUE + timedelta(days=2, hours=1))
    # lee: 5 one day late (4.5) beats 4 on time
    hand_in(toy_course, "lee", NORM_WRONG, DUE - timedelta(hours=1), attempt="a")
    hand_in(toy_course, "lee", CORRECT, DUE + timedelta(hours=1))
    results, grades, attempts = grade_all(toy_course)

    assert grades.loc["kim", "score"] == 4.0 and grades.loc["kim", "days_late"] == 0
    assert grades.loc["lee", "score"] == pytest.approx(4.5)
    assert {r.student_id: r.final_score for r in results} == pytest.approx({"kim": 4.0, "lee": 4.5})
    assert attempts["graded"].all() and attempts.groupby("student_id")["counted"].sum().eq(1).all()
    # each attempt keeps its own results; the counted one is also the student's results.json
    label = (DUE + timedelta(days=2, hours=1)).strftime("%Y%m%dT%H%M%SZ")
    assert results_json(toy_course, "kim", "attempts", label)["extra_data"]["days_late"] == 3
    assert results_json(toy_course, "kim")["score"] == 4.0


def test_best_policy_tie_goes_to_the_later_attempt(toy_course):
    with_policy(toy_course, "best")
    hand_in(toy_course, "tia", CORRECT, DUE - timedelta(days=1), attempt="a")
    hand_in(toy_course, "tia", CORRECT, DUE - timedelta(hours=1))
    _, grades, _ = grade_all(toy_course)
    assert grades.loc["tia", "submitted_at"] == pd.Timestamp(DUE - timedelta(hours=1))


def test_regrading_keeps_one_row_per_attempt_and_drops_vanished_ones(toy_course):
    with_policy(toy_course, "best")
    old = hand_in(toy_course, "max", NORM_WRONG, DUE - timedelta(days=1), attempt="a")
    hand_in(toy_course, "max", CORRECT, DUE - timedelta(hours=1))
    grade_all(toy_course)
    for path in old.iterdir():
        path.unlink()
    old.rmdir()
    _, _, attempts = grade_all(toy_course)
    assert len(attempts) == 1 and attempts["counted"].all()


def test_no_timestamp_falls_back_to_the_file_time_and_says_so(toy_course, submit):
    with_policy(toy_course)
    submit("nat", CORRECT)
    _, grades, _ = grade_all(toy_course)
    assert grades.loc["nat", "time_source"] == "file mtime"
    mtime = (toy_course.submissions / "toy" / "nat" / "toy.py").stat().st_mtime
    assert grades.loc["nat", "submitted_at"].timestamp() == pytest.approx(mtime, abs=1e-3)


def test_written_scores_merge_in_and_the_late_penalty_follows(toy_course, tmp_path):
    with_policy(toy_course)
    hand_in(toy_course, "ona", CORRECT, DUE + timedelta(hours=2))  # 1 day late: -10%
    hand_in(toy_course, "pia", CORRECT, DUE - timedelta(hours=2))
    _, grades, _ = grade_all(toy_course)
    assert grades["pending"].tolist() == [3.0, 3.0]

    sheet = tmp_path / "scores.csv"
    sheet.write_text("student_id,problem,score,comment\nona,essay,2,clear\n")
    assert main(["--course", str(toy_course.root), "manual", "import", "toy", str(sheet)]) == 0
    with Gradebook.open(toy_course.reports) as book:
        grades = book.grades("toy").set_index("student_id")
        tests = book.tests("toy")
        manual = book.manual("toy")
    assert grades.loc["ona", "raw_score"] == 7.0
    assert grades.loc["ona", "late_penalty"] == pytest.approx(0.7)
    assert results_json(toy_course, "ona")["extra_data"]["final_score"] == pytest.approx(6.3)
    assert grades.loc["ona", "pending"] == 0.0
    assert grades.loc["pia", "pending"] == 3.0  # still visible as pending
    essay = tests[tests["problem"] == "essay"].set_index("student_id")
    assert essay["outcome"].to_dict() == {"ona": "graded", "pia": "pending"}
    assert manual[["student_id", "problem", "score"]].values.tolist() == [["ona", "essay", 2.0]]


def test_the_store_is_chosen_by_url_then_environment(toy_course, tmp_path, monkeypatch):
    hand_in(toy_course, "uma", CORRECT, DUE)
    elsewhere = tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv(DB_ENV, f"sqlite:///{elsewhere}")
    assert main(["--course", str(toy_course.root), "grade", "toy", "-j", "1"]) == 0
    assert elsewhere.is_file() and not (toy_course.reports / "gradebook.sqlite").exists()
    explicit = tmp_path / "explicit.sqlite"
    argv = ["--course", str(toy_course.root), "grade", "toy", "--db", f"sqlite:///{explicit}"]
    assert main(argv) == 0
    with Gradebook(f"sqlite:///{explicit}") as book:
        assert book.grades("toy")["student_id"].tolist() == ["uma"]


def test_one_gradebook_holds_every_assignment(toy_course):
    hand_in(toy_course, "vic", CORRECT, DUE)
    grade_all(toy_course)
    other = toy_course.solutions / "toy2"
    other.mkdir()
    for path in (toy_course.solutions / "toy").rglob("*"):
        target = other / path.relative_to(toy_course.solutions / "toy")
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_text(path.read_text().replace('name = "toy"', 'name = "toy2"'))
    write(toy_course.submissions / "toy2" / "vic" / "toy.py", NORM_WRONG)
    assert main(["--course", str(toy_course.root), "grade", "toy2", "-j", "1"]) == 0
    with Gradebook.open(toy_course.reports) as book:
        table = book.class_table()
    assert table.loc["vic"].to_dict() == {"toy": 5.0, "toy2": 4.0}


def test_resume_regrades_only_changed_work_and_the_gradebook_stays_whole(toy_course):
    hand_in(toy_course, "wes", CORRECT, DUE)
    hand_in(toy_course, "xia", CORRECT, DUE)
    grade_all(toy_course)
    saved = toy_course.reports / "toy" / "wes" / "results.json"
    marked = json.loads(saved.read_text()) | {"output": "kept from the first grading"}
    saved.write_text(json.dumps(marked))
    hand_in(toy_course, "xia", NORM_WRONG, DUE + timedelta(minutes=1))
    results, grades, _ = grade_all(toy_course, resume=True)
    outputs = {r.student_id: r.output for r in results}
    assert outputs["wes"] == "kept from the first grading"  # not graded again
    assert outputs["xia"] != "kept from the first grading"
    assert grades["raw_score"].to_dict() == {"wes": 5.0, "xia": 4.0}


def test_problem_scores_are_student_by_problem_with_pending_left_empty(toy_course):
    hand_in(toy_course, "yan", NORM_WRONG, DUE)
    grade_all(toy_course)
    with Gradebook.open(toy_course.reports) as book:
        scores = book.problem_scores("toy")
    assert scores.loc["yan", "double"] == 4.0 and scores.loc["yan", "norm"] == 0.0
    assert pd.isna(scores.loc["yan", "essay"])


def test_a_gradebook_from_before_diagnoses_gains_the_column(tmp_path):
    import sqlalchemy as sa

    from autograder.gradebook.store import Gradebook

    path = tmp_path / "old.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE test_results (id INTEGER PRIMARY KEY, name TEXT)"))
    engine.dispose()
    book = Gradebook(f"sqlite:///{path}")
    columns = {c["name"] for c in sa.inspect(book.engine).get_columns("test_results")}
    book.close()
    assert "diagnosis" in columns


def test_written_scores_live_in_the_gradebook_and_grading_again_keeps_them(toy_course, tmp_path):
    hand_in(toy_course, "ona", CORRECT, DUE)
    root = str(toy_course.root)
    assert main(["--course", root, "grade", "toy", "-j", "1"]) == 0
    sheet = tmp_path / "scores.csv"
    sheet.write_text("student_id,problem,score,comment\nona,essay,2,clear\n")
    assert main(["--course", root, "manual", "import", "toy", str(sheet)]) == 0
    export = toy_course.reports / "toy" / "manual_scores.csv"
    assert pd.read_csv(export)["score"].tolist() == [2.0]
    export.unlink()  # an export: the gradebook is the store of record
    assert main(["--course", root, "grade", "toy", "-j", "1"]) == 0
    with Gradebook.open(toy_course.reports) as book:
        grades = book.grades("toy").set_index("student_id")
    assert grades.loc["ona", "raw_score"] == 7.0 and grades.loc["ona", "pending"] == 0
    assert results_json(toy_course, "ona")["score"] == 7.0
