"""The student's path through the portal: sign in, download, upload, feedback, regrade."""

from __future__ import annotations

import io
import zipfile

from portal_helpers import ANSWERS, CORRECT, WRONG, count, drain, signed_in, upload

from autograder.portal.tables import jobs, public_results, regrades, uploads


def test_a_student_sees_the_released_assignment_with_its_due_date(app):
    page = signed_in(app, "alice").get("/student")
    assert page.status_code == 200
    assert 'href="/student/a/toy"' in page.text
    assert "2020-01-01 00:00" in page.text and "past due" in page.text


def test_the_package_holds_the_template_and_the_public_tests_but_no_reference(app):
    response = signed_in(app, "alice").get("/student/a/toy/package.zip")
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "toy/toy.py" in names and "toy/tests/test_public.py" in names
    assert not any("test_hidden" in n for n in names)
    template = zipfile.ZipFile(io.BytesIO(response.content)).read("toy/toy.py").decode()
    assert "np.sqrt" not in template  # the solution stays with the instructor


def test_an_upload_is_saved_and_queued_before_it_is_acknowledged(app):
    client = signed_in(app, "alice")
    response = upload(client, WRONG, answers=ANSWERS)
    assert response.status_code == 200
    assert "Received and saved" in response.text
    assert 'http-equiv="refresh"' in response.text  # live status while it waits
    assert count(app, uploads) == 1 and count(app, jobs) == 1
    with app.state.db.connect() as conn:
        row = conn.execute(uploads.select()).one()
    from pathlib import Path

    saved = Path(row.folder)
    assert (saved / "toy.py").read_text() == WRONG
    assert (saved / "answers.md").read_text() == ANSWERS
    assert row.files.splitlines()[0].startswith("toy.py ")  # name, hash, size


def test_a_wrong_upload_gets_the_diagnosis_then_a_right_one_full_marks(app):
    client = signed_in(app, "alice")
    first = upload(client, WRONG)
    drain(app)
    page = client.get(first.url.path).text
    assert "1 of 2 passed" in page
    assert "FAIL" in page and "test_norm_of_zero" in page
    assert 'http-equiv="refresh"' not in page
    second = upload(client, CORRECT)
    drain(app)
    assert "2 of 2 passed" in client.get(second.url.path).text
    history = client.get("/student/a/toy").text
    assert history.count("/student/uploads/") == 2


def test_each_upload_is_graded_once(app):
    client = signed_in(app, "alice")
    for _ in range(3):
        upload(client, CORRECT)
    assert drain(app) == 3
    assert drain(app) == 0
    assert count(app, public_results) == 3


def test_wrong_kinds_and_empty_files_get_a_page_that_says_what_to_do(app):
    client = signed_in(app, "alice")
    response = upload(client, "hello", name="essay.docx")
    assert response.status_code == 400
    assert "not a .py script or a .ipynb notebook" in response.text
    assert upload(client, "", name="toy.py").status_code == 400
    latin1 = client.post(
        "/student/a/toy/upload",
        data={"csrf": client.csrf},
        files={"code": ("toy.py", "x = 'é'".encode("latin-1"), "text/x-python")},
    )
    assert "not UTF-8" in latin1.text
    assert count(app, uploads) == 0


def test_an_oversized_request_is_refused_before_it_is_read(app):
    client = signed_in(app, "alice")
    big = b"#" * (app.state.settings.max_request_bytes + 1)
    response = client.post(
        "/student/a/toy/upload",
        data={"csrf": client.csrf},
        files={"code": ("toy.py", big, "text/x-python")},
    )
    assert response.status_code == 413
    assert "larger than" in response.text
    assert count(app, uploads) == 0


def test_a_regrade_request_reaches_the_tas_and_their_answer_comes_back(app):
    alice = signed_in(app, "alice")
    alice.post(
        "/student/a/toy/regrade",
        data={"csrf": alice.csrf, "item": "norm", "comment": "my norm is <b>right</b>"},
    )
    assert count(app, regrades) == 1
    tess = signed_in(app, "tess")
    listing = tess.get("/ta/regrades").text
    assert "my norm is &lt;b&gt;right&lt;/b&gt;" in listing
    tess.post("/ta/regrades/1", data={"csrf": tess.csrf, "answer": "Checked: 1 point back."})
    assert "Checked: 1 point back." in alice.get("/student/a/toy").text


def test_a_regrade_of_something_that_is_not_a_problem_is_refused(app):
    alice = signed_in(app, "alice")
    response = alice.post(
        "/student/a/toy/regrade", data={"csrf": alice.csrf, "item": "nope", "comment": "x"}
    )
    assert response.status_code == 400 and "not a problem of toy" in response.text
