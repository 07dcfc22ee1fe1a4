"""TAs grade written answers with a rubric; instructors run the course."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from portal_helpers import ANSWERS, CORRECT, WRONG, drain, signed_in, upload

from autograder.portal.tables import rubric_marks, users


def _hand_in(app):
    alice, bob = signed_in(app, "alice"), signed_in(app, "bob")
    upload(alice, CORRECT, answers=ANSWERS)
    upload(bob, WRONG, answers=ANSWERS.replace("Because", "Since <i>obviously</i>"))
    drain(app)
    return alice, bob


def test_a_ta_sees_every_answer_side_by_side_and_what_is_left(app):
    _hand_in(app)
    tess = signed_in(app, "tess")
    assert "Essay" in tess.get("/ta").text
    page = tess.get("/ta/toy/written/essay").text
    assert "Because the shift cancels" in page
    assert "Since &lt;i&gt;obviously&lt;/i&gt;" in page
    assert "2 of 2 left" in page


def test_a_ta_grades_with_a_rubric_item_and_the_score_reaches_the_gradebook(app):
    _hand_in(app)
    tess = signed_in(app, "tess")
    tess.post(
        "/ta/toy/rubric/essay", data={"csrf": tess.csrf, "points": "2", "text": "Cancels the shift"}
    )
    form = tess.get("/ta/toy/written/essay/alice").text
    assert 'accesskey="1"' in form and "Cancels the shift" in form
    saved = tess.post(
        "/ta/toy/written/essay/alice", data={"csrf": tess.csrf, "item": "1", "comment": "Clear."}
    )
    assert saved.url.path == "/ta/toy/written/essay/bob"  # on to the next one left
    with app.state.db.connect() as conn:
        mark = conn.execute(sa.select(rubric_marks)).one()
    assert (mark.student_id, mark.score, mark.graded_by) == ("alice", 2.0, "tess")
    sheet = pd.read_csv(app.state.settings.reports / "toy" / "manual_scores.csv")
    row = sheet.set_index("student_id").loc["alice"]
    assert row["score"] == 2.0 and "Cancels the shift" in row["comment"]
    assert "1 of 2 left" in tess.get("/ta/toy/written/essay").text


def test_a_rubric_item_worth_more_than_the_question_is_refused(app):
    tess = signed_in(app, "tess")
    response = tess.post(
        "/ta/toy/rubric/essay", data={"csrf": tess.csrf, "points": "9", "text": "too much"}
    )
    assert response.status_code == 400 and "at most 3 points" in response.text


def test_the_instructor_imports_a_canvas_roster(app):
    ivy = signed_in(app, "ivy")
    csv = (
        "Student,ID,SIS User ID,SIS Login ID,Section\n"
        "    Points Possible,,,,\nCarol Doe,11,901,carol,A\nAlice,12,902,alice,A\n"
    )
    page = ivy.post(
        "/instructor/roster",
        data={"csrf": ivy.csrf},
        files={"roster": ("roster.csv", csv.encode(), "text/csv")},
    )
    assert page.status_code == 200
    assert "carol" in page.text and "alice</td>" not in page.text  # alice already had one
    with app.state.db.connect() as conn:
        assert (
            conn.execute(sa.select(users.c.name).where(users.c.login == "carol")).scalar()
            == "Carol Doe"
        )


def test_a_roster_without_an_id_column_says_which_columns_it_needs(app):
    ivy = signed_in(app, "ivy")
    page = ivy.post(
        "/instructor/roster",
        data={"csrf": ivy.csrf},
        files={"roster": ("r.csv", b"name,mail\nA,a@x\n", "text/csv")},
    )
    assert page.status_code == 400 and "student_id" in page.text


def test_an_extension_moves_the_students_due_date(app):
    ivy = signed_in(app, "ivy")
    ivy.post(
        "/instructor/toy/extension",
        data={"csrf": ivy.csrf, "student_id": "alice", "due": "2099-01-02T03:04"},
    )
    page = signed_in(app, "alice").get("/student").text
    assert "2099-01-02 03:04" in page and "extension" in page
    bad = ivy.post(
        "/instructor/toy/extension",
        data={"csrf": ivy.csrf, "student_id": "alice", "due": "next friday"},
    )
    assert bad.status_code == 400 and "not a date-time" in bad.text


def test_hidden_grading_then_report_exports_and_student_feedback(app):
    alice, _bob = _hand_in(app)
    ivy = signed_in(app, "ivy")
    assert "alice" in ivy.get("/instructor/toy/submissions").text
    ivy.post("/instructor/toy/grade-hidden", data={"csrf": ivy.csrf})
    assert drain(app) == 1
    feedback = alice.get("/student/a/toy/feedback")
    assert feedback.status_code == 200 and "Score per problem" in feedback.text
    ivy.post("/instructor/toy/report", data={"csrf": ivy.csrf})
    report = ivy.get("/instructor/toy/report")
    assert report.status_code == 200 and "<html" in report.text.lower()
    home = ivy.get("/instructor").text
    assert "/instructor/toy/exports/canvas.csv" in home
    export = ivy.get("/instructor/toy/exports/canvas.csv")
    assert export.status_code == 200 and "alice" in export.text
    assert ivy.get("/instructor/toy/exports/..%2f..%2fportal.sqlite").status_code == 404
    assert alice.get("/instructor/toy/report").status_code == 403


def test_a_notebook_upload_is_graded_and_its_answer_cell_reaches_the_ta(app, tmp_path):
    import nbformat
    from notebook_helpers import answered
    from portal_helpers import upload

    released = app.state.settings.course.assignments / "toy" / "toy.ipynb"
    notebook = answered(released, {"answer_essay": "Doubling is linear, so it commutes."})
    alice = signed_in(app, "alice")
    page = upload(alice, nbformat.writes(notebook), name="my work.ipynb")
    drain(app)
    assert "of 2 passed" in alice.get(page.url.path).text
    tess = signed_in(app, "tess")
    assert "Doubling is linear, so it commutes." in tess.get("/ta/toy/written/essay").text


def test_the_instructor_releases_an_assignment_through_the_queue(app):
    import shutil

    released = app.state.settings.course.assignments / "toy"
    shutil.rmtree(released)
    alice = signed_in(app, "alice")
    assert "No assignment has been released yet" in alice.get("/student").text
    ivy = signed_in(app, "ivy")
    ivy.post("/instructor/toy/release", data={"csrf": ivy.csrf})
    assert drain(app) == 1
    assert (released / "assignment.toml").is_file()
    assert 'href="/student/a/toy"' in alice.get("/student").text
