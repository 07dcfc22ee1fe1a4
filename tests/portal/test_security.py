"""The portal's security rules: who sees what, form tokens, escaping, headers, sign-in limits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from portal_helpers import CORRECT, PASSWORD, csrf_of, drain, signed_in, upload

from autograder.portal.accounts import MAX_FAILURES


def test_pages_need_a_sign_in(app):
    client = TestClient(app)
    for path in ("/", "/student", "/ta", "/instructor", "/student/uploads/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/sign-in"


def test_a_student_cannot_open_another_students_upload(app):
    alice, bob = signed_in(app, "alice"), signed_in(app, "bob")
    mine = upload(alice, CORRECT).url.path
    drain(app)
    assert alice.get(mine).status_code == 200
    theirs = bob.get(mine)
    assert theirs.status_code == 404
    assert "2 of 2" not in theirs.text


def test_students_cannot_reach_staff_pages_and_tas_not_the_instructors(app):
    alice, tess = signed_in(app, "alice"), signed_in(app, "tess")
    for path in ("/ta", "/ta/regrades", "/instructor", "/instructor/toy/submissions"):
        assert alice.get(path).status_code == 403
    assert tess.get("/instructor").status_code == 403
    assert tess.post("/instructor/toy/grade-hidden", data={"csrf": tess.csrf}).status_code == 403
    assert tess.get("/ta").status_code == 200


def test_staff_of_another_course_are_refused(app):
    from autograder.portal.accounts import add_user

    with app.state.db.begin() as conn:
        add_user(conn, "otta", PASSWORD, "ta", "another-course")
    client = TestClient(app)
    token = csrf_of(client.get("/sign-in").text)
    landed = client.post("/sign-in", data={"login": "otta", "password": PASSWORD, "csrf": token})
    assert landed.status_code == 403 and "another course" in landed.text


def test_a_form_without_its_token_is_refused(app):
    alice = signed_in(app, "alice")
    response = alice.post(
        "/student/a/toy/upload", files={"code": ("toy.py", CORRECT.encode(), "text/x-python")}
    )
    assert response.status_code == 400 and "expired" in response.text
    forged = alice.post(
        "/student/a/toy/regrade", data={"csrf": "x" * 43, "item": "norm", "comment": "hi"}
    )
    assert forged.status_code == 400


def test_a_token_from_another_browser_does_not_work(app):
    alice, bob = signed_in(app, "alice"), signed_in(app, "bob")
    response = bob.post(
        "/student/a/toy/regrade", data={"csrf": alice.csrf, "item": "norm", "comment": "x"}
    )
    assert response.status_code == 400


def test_student_text_is_escaped_in_file_names_and_output(app):
    alice = signed_in(app, "alice")
    hostile = CORRECT + "\nprint('<script>alert(1)</script>')\n"
    page = upload(alice, hostile, name="<img src=x onerror=alert(1)>.py")
    drain(app)
    html = alice.get(page.url.path).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.py" in html


def test_every_page_has_a_content_security_policy_without_scripts(app):
    response = signed_in(app, "alice").get("/student")
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_sign_in_is_rate_limited_even_for_the_right_password(app):
    client = TestClient(app)
    token = csrf_of(client.get("/sign-in").text)
    for _ in range(MAX_FAILURES):
        wrong = client.post("/sign-in", data={"login": "alice", "password": "guess", "csrf": token})
        assert wrong.status_code == 401 and "wrong login or password" in wrong.text
    right = client.post("/sign-in", data={"login": "alice", "password": PASSWORD, "csrf": token})
    assert right.status_code == 401 and "too many failed sign-ins" in right.text
    assert signed_in(app, "bob").get("/student").status_code == 200  # others are not locked


def test_passwords_are_stored_as_argon2_hashes(app):
    import sqlalchemy as sa

    from autograder.portal.tables import users

    with app.state.db.connect() as conn:
        stored = conn.execute(sa.select(users.c.password_hash)).scalars().all()
    assert all(h.startswith("$argon2") and PASSWORD not in h for h in stored)


def test_signing_out_ends_the_session_for_a_copied_cookie_too(app):
    alice = signed_in(app, "alice")
    copied = TestClient(app, cookies=dict(alice.cookies))
    assert copied.get("/student").status_code == 200
    alice.post("/sign-out", data={"csrf": alice.csrf})
    assert copied.get("/student", follow_redirects=False).status_code == 303


def test_a_tampered_session_cookie_is_ignored(app):
    alice = signed_in(app, "alice")
    value = alice.cookies["autograder_session"]
    forged = TestClient(app, cookies={"autograder_session": value[:-4] + "AAAA"})
    assert forged.get("/student", follow_redirects=False).status_code == 303
