"""What a person reads: the report's summary and links, figures whose legends cover nothing,
a feedback page readable at a glance, and one stylesheet for every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import autograder
from autograder.course.attempts import Attempt
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.spec import parse_spec
from autograder.grade.scoring import score_student
from autograder.gradebook.store import Gradebook
from autograder.manual.sheet import write_sheet
from autograder.pages import stylesheet
from autograder.report import plots
from autograder.report.build import build_report

DUE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
SPEC = {
    "name": "toy",
    "title": "Toy",
    "student_file": "toy.py",
    "due": DUE.isoformat(),
    "late": {"penalty_per_day": 0.1},
    "problems": [
        {"id": "double", "title": "Double"},
        {"id": "essay", "title": "Essay", "written": True, "points": 2},
    ],
}
TESTS = [("test_shape", 1.0), ("test_values", 2.0), ("test_random", 1.0)]


def result(student: str, failing: set[str], essay: float | None) -> SubmissionResult:
    tests = [
        TestResult(
            name,
            "double",
            0.0 if name in failing else points,
            points,
            "failed" if name in failing else "passed",
            f"double(x) is wrong: expected 2.0, got 3.0 ({name})" if name in failing else "",
        )
        for name, points in TESTS
    ]
    outcome = "pending" if essay is None else "graded"
    tests.append(TestResult("Written: Essay", "essay", essay or 0.0, 2.0, outcome))
    return SubmissionResult("toy", student, "ok", "", tests)


@pytest.fixture
def made(tmp_path):
    """A class of three: all right on time, one failure a day late, one essay pending."""
    spec = parse_spec(SPEC, tmp_path)
    with Gradebook(f"sqlite:///{tmp_path / 'book.sqlite'}") as book:
        book.record_assignment(spec, 6.0)
        for student, failing, essay, late in [
            ("ann_lovelace_with_a_long_id", set(), 2.0, -3),
            ("ben", {"test_values"}, 1.0, 20),
            ("cal", set(), None, -1),
        ]:
            attempt = Attempt(tmp_path, DUE + timedelta(hours=late), "timestamp.txt", True)
            manual = {} if essay is None else {(student, "essay"): (essay, "")}
            scored = score_student(
                spec, manual, student, [(attempt, result(student, failing, essay))]
            )
            book.record_students(spec.name, [scored.record])
        report = build_report(book, spec, tmp_path / "reports", now=DUE, public=False)
    return spec, report


def test_report_opens_with_the_class_summary(made):
    _, report = made
    page = report.html.read_text()
    assert report.summary["late"] == 1 and report.summary["pending"] == 1
    assert report.summary["median_score"] == 4.0  # 6, 4 (1 + 1 + 1 + 1, less 0.4 late: 3.6), 4
    cards = page[page.index('<div class="cards">') : page.index("<h2>Scores</h2>")]
    for label in ("median", "mean", "handed in late", "with written answers pending"):
        assert label in cards
    assert page.index('<div class="cards">') < page.index("<img")


def test_each_student_row_links_to_their_feedback_and_ids_do_not_wrap(made):
    _, report = made
    page = report.html.read_text()
    gradebook = page[page.index("<h2>Gradebook</h2>") :]
    for student in ("ann_lovelace_with_a_long_id", "ben", "cal"):
        link = f'<a href="{student}/feedback.html">{student}</a>'
        assert link in gradebook
        assert (report.html.parent / student / "feedback.html").is_file()
    cell = re.search(r"<td( class=\w+)?><a href=", gradebook).group(1)
    assert cell is None  # a plain cell: the stylesheet keeps these on one line
    assert re.search(r"\btd\s*\{[^}]*white-space:\s*nowrap", stylesheet())


def test_feedback_shows_the_failure_first_and_folds_what_passed(made):
    _, report = made
    page = (report.html.parent / "ben" / "feedback.html").read_text()
    assert 'class="headline fail"' in page and "late (1 day(s))" in page
    failure = page.index('<div class="failure">')
    assert "double(x) is wrong" in page[failure : page.index("</div>", failure)]
    assert failure < page.index("Score per problem")
    folded = re.search(r"<details><summary>Tests passed \(2\)</summary>(.*?)</details>", page)
    assert folded and "test_shape" in folded.group(1) and "test_random" in folded.group(1)
    ann = (report.html.parent / "ann_lovelace_with_a_long_id" / "feedback.html").read_text()
    assert 'class="headline pass"' in ann and '<div class="failure">' not in ann


def test_one_stylesheet_for_every_page(made, tmp_path):
    spec, report = made
    folder = tmp_path / "submissions" / "ann"
    folder.mkdir(parents=True)
    (folder / "answers.md").write_text("## essay: Essay\n\nBecause.\n")
    sheet = write_sheet(spec, [("ann", folder)], tmp_path / "sheet")
    pages = [report.html, report.html.parent / "ben" / "feedback.html", *sheet.pages]
    for page in pages:
        text = page.read_text()
        assert re.findall(r"<style>(.*?)</style>", text, re.S) == [f"\n{stylesheet()}"], page


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize(
    "figure",
    [
        lambda: plots.histogram_figure(pd.Series([10.0, 95.0, 95.0, 55.0]), "Toy"),
        lambda: plots.problem_figure(
            pd.DataFrame(
                {"problem": ["a", "b"], "mean_percent": [99.0, 20], "full_marks_percent": [98, 5]}
            )
        ),
    ],
    ids=["histogram", "problems"],
)
def test_legends_stay_off_the_plotted_area(figure):
    fig = figure()
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    (ax,) = fig.axes
    legend = ax.get_legend().get_window_extent(renderer)
    assert not overlaps(legend, ax.get_window_extent(renderer))


def test_no_page_carries_a_stylesheet_of_its_own():
    package = Path(autograder.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "<style" in path.read_text(encoding="utf-8") and path.parent.name != "pages"
    ]
    assert offenders == []
