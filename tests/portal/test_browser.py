"""A person's path in a real browser (headless Chromium driven by Playwright): a student
uploads a wrong file, reads the diagnosis, uploads a right one and sees the score; a TA
grades an answer with a rubric item; an instructor grades the hidden tests and opens the
report. Screenshots go to the test's folder, and to ``docs/`` when
``AUTOGRADER_SCREENSHOTS=1`` (that is how the README's pictures are made)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from portal_helpers import ANSWERS, CORRECT, PASSWORD, WRONG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DOCS = Path(__file__).resolve().parents[2] / "docs"
WAIT_MS = 120_000  # an upper bound for grading on a busy machine, not a speed check

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not found: `make install` installs it"),
]


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def shoot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=tmp_path / name, full_page=True)
    if os.environ.get("AUTOGRADER_SCREENSHOTS") == "1":
        page.screenshot(path=DOCS / name, full_page=True)


def sign_in(browser, base: str, login: str):
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.goto(f"{base}/sign-in")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return page


def hand_in(page, tmp_path: Path, source: str, answers: str | None = None) -> None:
    script = tmp_path / "toy.py"
    script.write_text(source)
    page.set_input_files("input[name=code]", str(script))
    if answers is not None:
        (tmp_path / "answers.md").write_text(answers)
        page.set_input_files("input[name=answers]", str(tmp_path / "answers.md"))
    page.click("text=Upload and run the public tests")
    page.wait_for_selector("p.score", timeout=WAIT_MS)  # the page refreshes until graded


def test_a_student_goes_from_a_wrong_upload_to_full_marks(live_portal, browser, tmp_path):
    page = sign_in(browser, live_portal, "alice")
    page.click("text=Toy")
    hand_in(page, tmp_path, WRONG)
    assert "1 of 2 passed" in page.inner_text("p.score")
    failed = page.inner_text("li.failed")
    assert "test_norm_of_zero" in failed and "FAIL" in failed
    shoot(page, tmp_path, "portal_diagnosis.png")
    page.click("text=Back to toy")
    hand_in(page, tmp_path, CORRECT, ANSWERS)
    assert "2 of 2 passed" in page.inner_text("p.score")
    shoot(page, tmp_path, "portal_feedback.png")
    page.click("text=Back to toy")
    assert page.locator("a[href^='/student/uploads/']").count() == 2


def test_a_ta_grades_an_answer_with_a_rubric_item(live_portal, browser, tmp_path):
    student = sign_in(browser, live_portal, "alice")
    student.click("text=Toy")
    hand_in(student, tmp_path, CORRECT, ANSWERS)
    page = sign_in(browser, live_portal, "tess")
    page.click("text=Essay")
    assert "Because the shift cancels" in page.inner_text(".answers")
    page.click("summary")
    page.fill("input[name=points]", "3")
    page.fill("input[name=text]", "Shows the shift cancels")
    page.click("text=Add to the rubric")
    page.click("text=alice")
    page.check("input[name=item]")
    shoot(page, tmp_path, "portal_rubric.png")
    page.click("text=Save and go to the next answer left")
    assert "3 / 3" in page.inner_text(".answer.done")
    assert "0 of 1 left" in page.inner_text("main")


def test_an_instructor_grades_the_hidden_tests_and_opens_the_report(live_portal, browser, tmp_path):
    student = sign_in(browser, live_portal, "bob")
    student.click("text=Toy")
    hand_in(student, tmp_path, WRONG, ANSWERS)
    page = sign_in(browser, live_portal, "ivy")
    page.click("text=Grade hidden tests")
    page.goto(f"{live_portal}/instructor")
    page.wait_for_function(
        "() => !document.body.innerText.includes('queued') "
        "&& !document.body.innerText.includes('running')",
        timeout=WAIT_MS,
        polling=1000,
    )
    page.click("text=Build report")
    assert "Toy" in page.content()
    shoot(page, tmp_path, "portal_report.png")
    student.goto(f"{live_portal}/student/a/toy")
    frame = student.frame_locator("iframe.feedback")
    assert "Score per problem" in frame.locator("body").inner_text()
