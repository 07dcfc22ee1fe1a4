"""``autograder report``: the HTML page, its tables, feedback for each student, LMS exports."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from toy_course import TOY_HIDDEN, TOY_PUBLIC, TOY_REFERENCE, TOY_SPEC, write

from autograder.cli import main
from autograder.course.attempts import Attempt
from autograder.course.paths import Course
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.spec import parse_spec
from autograder.course.timestamps import write_timestamp
from autograder.gradebook.store import AttemptRecord, Gradebook, StudentRecord
from autograder.report.build import build_report
from autograder.report.exports import NBGRADER_COLUMNS, load_roster

DUE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
BEFORE_DUE, AFTER_DUE = DUE - timedelta(days=5), DUE + timedelta(days=10)

EXTRA_HIDDEN = """
import numpy as np
import pytest


@pytest.mark.problem("norm")
@pytest.mark.visibility("hidden")
def test_norm_hidden(submission, reference):
    x = np.array([3.0, 4.0])
    assert submission.norm(x) == pytest.approx(reference.norm(x))


@pytest.mark.problem("norm")
@pytest.mark.visibility("after_due_date")
def test_norm_later(submission, reference):
    x = np.array([1.0, 2.0, 2.0])
    got = submission.norm(x)
    assert got == pytest.approx(reference.norm(x)), f"INPUT-REVEALED x={x.tolist()}"


@pytest.mark.problem("double")
def test_training_history(submission, record):
    history = submission.fit(4)
    record("history", history)
    assert len(history["train_loss"]) == 4
"""

REFERENCE_FIT = """

def fit(epochs):
    return {"train_loss": [1.0 / (e + 1) for e in range(epochs)]}
"""

GOOD = """
import numpy as np
def double(x):
    return 2 * np.asarray(x, dtype=float)
def norm(x):
    return float(np.linalg.norm(x))
def fit(epochs):
    loss = [1.0 / (e + 1) for e in range(epochs)]
    return {"train_loss": loss, "val_loss": [v + 0.1 for v in loss],
            "train_acc": [1 - v for v in loss], "val_acc": [0.9 - v for v in loss]}
"""
NORM_ZERO_NAN_HISTORY = GOOD.replace("return float(np.linalg.norm(x))", "return 0.0").replace(
    "loss = [1.0 / (e + 1) for e in range(epochs)]",
    "loss = [float('nan')] + [1.0 / (e + 1) for e in range(1, epochs)]",
)
HOSTILE = """
def double(x):
    return [2.0, -4.0, 7.0]
def norm(x):
    raise ValueError("<script>alert(1)</script> **bold** [link](http://x)")
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    """The toy assignment with a due date, late policy, recorded histories and visibilities,
    four students graded once for every test here."""
    root = tmp_path_factory.mktemp("report") / "course"
    folder = root / "solutions" / "toy"
    spec = TOY_SPEC.replace(
        'hidden_tests = ["tests/test_hidden.py"]',
        'hidden_tests = ["tests/test_hidden.py", "tests/test_extra.py"]\n'
        'due = "2026-12-15T23:59:00+00:00"',
    ).replace("[limits]", "[late]\npenalty_per_day = 0.1\n\n[limits]")
    write(folder / "assignment.toml", spec)
    write(folder / "toy.py", TOY_REFERENCE + REFERENCE_FIT)
    write(folder / "problem.md", "# Toy\n")
    write(folder / "tests" / "test_hidden.py", TOY_HIDDEN)
    write(folder / "tests" / "test_extra.py", EXTRA_HIDDEN)
    write(folder / "public" / "test_public.py", TOY_PUBLIC)
    write(root / "solutions" / ".course_secret", "report-secret\n")
    write(
        root / "roster.csv",
        "student_id,first_name,last_name,email\nann,Ann,Lee,ann@x.org\nzoe,Zoe,Ng,zoe@x.org\n",
    )
    for student, source, when in [
        ("ann", GOOD, DUE - timedelta(hours=3)),
        ("ben", NORM_ZERO_NAN_HISTORY, DUE + timedelta(hours=5)),
        ("cal", HOSTILE, DUE - timedelta(days=1)),
        ("dan", None, DUE - timedelta(days=1)),
    ]:
        target = root / "submissions" / "toy" / student
        target.mkdir(parents=True)
        if source is not None:
            write(target / "toy.py", source)
        write_timestamp(target, when)
    assert main(["--course", str(root), "grade", "toy", "-j", "2"]) == 0
    return Course(root)


def report(course: Course, now: datetime, out: Path, **kwargs):
    """Build the report from the course's gradebook into ``out`` as it would be at ``now``."""
    with Gradebook.open(course.reports) as book:
        return build_report(book, course.spec("toy"), out, now=now, **kwargs)


@pytest.fixture(scope="module")
def after_due(course, tmp_path_factory) -> Path:
    """The reports folder of a report made after the due date (shared: reading it is free)."""
    out = tmp_path_factory.mktemp("after_due")
    report(course, AFTER_DUE, out, roster=load_roster(course.root / "roster.csv"))
    return out


def feedback(out: Path, student: str, kind: str = "md") -> str:
    return (out / "toy" / student / f"feedback.{kind}").read_text()


def test_cli_report_writes_the_page_tables_feedback_and_exports(course, tmp_path, capsys):
    db = f"sqlite:///{course.reports / 'gradebook.sqlite'}"
    argv = ["--course", str(course.root), "report", "--db", db, "--out", str(tmp_path)]
    assert main(argv) == 0
    folder = tmp_path / "toy"
    page = (folder / "report.html").read_text()
    assert page.count('<img alt="') == 3  # distribution, per problem, training curves
    assert page.count("data:image/png;base64,") == 3 and 'src="http' not in page
    for name in ("status", "problems", "students", "common_failures", "item_analysis_tests"):
        assert (folder / "tables" / f"{name}.csv").is_file()
    for student in ("ann", "ben", "cal", "dan"):
        assert (folder / student / "feedback.md").is_file()
        assert (folder / student / "feedback.html").is_file()
    for export in ("canvas.csv", "moodle.csv", "nbgrader_grades.csv"):
        assert (folder / "exports" / export).is_file()
    assert pd.read_csv(tmp_path / "class_grades.csv")["toy"].notna().all()
    assert "report.html" in capsys.readouterr().out


def test_tables_hold_the_class_numbers(after_due):
    tables = after_due / "toy" / "tables"
    status = pd.read_csv(tables / "status.csv").set_index("status")["students"]
    assert status[["ok", "error", "missing", "late"]].tolist() == [3, 0, 1, 1]
    students = pd.read_csv(tables / "students.csv").set_index("student_id")
    assert students.loc["ann", "score"] == students.loc["ann", "max_score"] - 3  # essay pending
    ben = students.loc["ben"]
    assert ben["late_penalty"] == pytest.approx(0.1 * ben["raw_score"])
    assert pd.isna(students.loc["ann", "essay"])  # pending, not zero
    items = pd.read_csv(tables / "item_analysis_tests.csv").set_index("test")
    # dan handed nothing in: item analysis covers ann, ben, cal
    assert items.loc["test_double_fixed", "students"] == 3
    assert items.loc["test_norm_later", "difficulty"] == pytest.approx(1 / 3)
    failures = pd.read_csv(tables / "common_failures.csv")
    assert failures.iloc[0]["failed"] == 2  # the norm tests, failed by ben and cal


def test_training_histories_are_recorded_as_plain_json(course):
    ben = json.loads((course.reports / "toy" / "ben" / "results.json").read_text())
    test = next(t for t in ben["tests"] if t["name"] == "test_training_history")
    history = test["extra_data"]["data"]["history"]
    assert history["train_loss"][0] is None  # NaN became null
    assert history["train_loss"][1:] == [0.5, 1 / 3, 0.25]
    with Gradebook.open(course.reports) as book:
        tests = book.tests("toy")
    recorded = tests[tests["name"] == "test_training_history"].set_index("student_id")["data"]
    assert sorted(k for k, v in recorded.items() if v) == ["ann", "ben"]


def test_feedback_hides_details_of_later_tests_until_the_due_date(course, after_due, tmp_path):
    report(course, BEFORE_DUE, tmp_path, public=False)
    early = feedback(tmp_path, "ben")
    assert "test\\_norm\\_later" in early and "INPUT-REVEALED" not in early
    assert "shown after the due date" in early
    assert "INPUT-REVEALED x=[1.0, 2.0, 2.0]" in feedback(after_due, "ben")


def test_hidden_tests_never_appear_but_count(after_due):
    for student in ("ann", "ben"):
        text = feedback(after_due, student) + feedback(after_due, student, "html")
        assert "norm_hidden" not in text
        assert "1 more test(s) are not shown" in text


def test_feedback_shows_scores_late_penalty_expected_vs_received_and_public_tests(after_due):
    ben = feedback(after_due, "ben")
    # ben: 4 double points + the history test = raw 5 (essay pending), one day late: -10%
    assert "Score: 4.5 / 11 (raw 5, less 0.5 for 1 day(s) late)" in ben
    assert "| Norm | 0 | 3 |" in ben
    assert "Written: Essay: pending" in ben
    assert "2 of 2 passed" in ben  # the public tests ran (norm([0, 0]) == 0 even for ben)
    cal = feedback(after_due, "cal")
    # cal hard-coded double's fixed answer: the random-input tests show both shapes
    assert "double(x) has the wrong shape: expected (4,), got (3,)" in cal
    assert "FAIL test_norm_of_zero" in cal


def test_student_text_is_escaped_in_feedback_html(after_due):
    page = feedback(after_due, "cal", "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = feedback(after_due, "cal")
    assert "```text\n" in md and "<script>alert(1)</script>" in md.split("```text\n", 1)[1]


def test_exports_follow_canvas_moodle_and_nbgrader_layouts(after_due):
    exports = after_due / "toy" / "exports"
    canvas = pd.read_csv(exports / "canvas.csv", dtype=str, keep_default_na=False)
    identity = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert list(canvas.columns) == [*identity, "Toy"]
    points = canvas.iloc[0]
    assert points["Student"] == "Points Possible" and float(points["Toy"]) == 11  # 5 + 3 + 3
    by_id = canvas.iloc[1:].set_index("SIS User ID")
    assert by_id.loc["ann", "Student"] == "Lee, Ann"
    assert float(by_id.loc["zoe", "Toy"]) == 0  # on the roster, handed nothing in
    moodle = pd.read_csv(exports / "moodle.csv", dtype=str, keep_default_na=False)
    assert list(moodle.columns) == ["ID number", "Email address", "Toy"]
    assert moodle.set_index("ID number").loc["ann", "Email address"] == "ann@x.org"
    nbgrader = pd.read_csv(exports / "nbgrader_grades.csv")
    assert list(nbgrader.columns) == NBGRADER_COLUMNS
    ben = nbgrader.set_index("student_id").loc["ben"]
    assert ben["late_submission_penalty"] == pytest.approx(0.5)
    assert ben["score"] == pytest.approx(4.5) and ben["raw_score"] == 5
    assert ben["timestamp"] == "2026-12-16 04:59:00" and ben["duedate"] == "2026-12-15 23:59:00"


def test_report_before_grading_says_what_to_do(toy_course, capsys):
    assert main(["--course", str(toy_course.root), "report"]) == 2
    assert "autograder grade" in capsys.readouterr().err


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Added to a copy of the page: the browser writes how many images it decoded into the DOM.
COUNT_DECODED = (
    "<script>addEventListener('load', () => { document.body.dataset.decoded = "
    "[...document.images].filter(i => i.complete && i.naturalWidth > 0).length; });</script>"
)


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="chromium not found: `make install` installs it")
def test_report_renders_in_a_real_browser(after_due, tmp_path):
    page = (after_due / "toy" / "report.html").read_text()
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", COUNT_DECODED + "</body>"))
    base = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*base, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=60
    ).stdout
    assert 'data-decoded="3"' in dom  # distribution, per problem, training curves
    assert dom.count("<table") == 7  # status, problems, 2 item analyses, mistakes, failures, book
    assert "What the class got wrong" in dom and "Training curves" in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [*base, f"--screenshot={shot}", "--window-size=1200,3000", probe.as_uri()],
        capture_output=True,
        timeout=60,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_feedback_paths_are_per_student(after_due):
    names = {p.parent.name for p in (after_due / "toy").glob("*/feedback.md")}
    assert names == {"ann", "ben", "cal", "dan"}


@pytest.mark.parametrize("status", ["grader-error", "missing"])
def test_a_class_where_no_code_ran_still_gets_a_report(tmp_path, status):
    spec = parse_spec({"name": "e", "student_file": "e.py", "problems": [{"id": "p"}]}, tmp_path)
    tests = [] if status == "grader-error" else [TestResult("t", "p", 0.0, 1.0, "failed", "none")]
    with Gradebook(f"sqlite:///{tmp_path / 'book.sqlite'}") as book:
        book.record_assignment(spec, 1.0)
        for student in ("a", "b"):
            result = SubmissionResult("e", student, status, "nothing ran", list(tests))
            attempt = Attempt(tmp_path, DUE, "timestamp.txt", latest=True)
            record = AttemptRecord(attempt, result, counted=True)
            book.record_students(spec.name, [StudentRecord(student, [record])])
        made = build_report(book, spec, tmp_path / "reports", now=AFTER_DUE, public=False)
    page = made.html.read_text()
    assert "Nothing to show." in page  # no item analysis without code that ran
    assert f"<td>{status}</td><td class=num>2</td>" in page
    assert "nothing ran" in (tmp_path / "reports" / "e" / "a" / "feedback.md").read_text()


def test_the_report_reads_what_grading_stored_and_runs_no_code(toy_course, submit):
    submit("amy", "import numpy as np\ndef double(x):\n    return 2 * np.asarray(x)\n")
    root = str(toy_course.root)
    assert main(["--course", root, "grade", "toy", "-j", "1"]) == 0
    shutil.rmtree(toy_course.submissions)  # nothing left to run
    assert main(["--course", root, "report", "toy"]) == 0
    text = (toy_course.reports / "toy" / "amy" / "feedback.md").read_text()
    assert "Public tests" in text and "1 of 2 passed" in text
    assert "FAIL test\\_norm\\_of\\_zero" in text or "FAIL test_norm_of_zero" in text
