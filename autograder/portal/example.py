"""The bundled example course in the portal: one instructor, one TA, and each example
submission handed in by a student account of the same name, so a person can try every
role at once (``make serve``)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from autograder.course.files import ANSWERS_FILE
from autograder.course.spec import AssignmentSpec
from autograder.course.submission import notebook_file
from autograder.portal import engine as core
from autograder.portal.accounts import add_user
from autograder.portal.settings import Settings
from autograder.portal.tables import uploads, users
from autograder.portal.uploads import Limits, accept

STAFF = (("instructor", "instructor"), ("ta", "ta"))
PASSWORD = "demo-password"  # the example course only; it listens on 127.0.0.1


def example_files(folder: Path, spec: AssignmentSpec) -> dict[str, bytes]:
    """What a student of the example course hands in: script or notebook, answers."""
    files = {}
    for name in (spec.student_file, notebook_file(spec), ANSWERS_FILE):
        if (folder / name).is_file():
            files[name] = (folder / name).read_bytes()
    return files


def load_example(settings: Settings, db: sa.Engine) -> dict[str, list[str]]:
    """Accounts for the staff and every example student, and their work as uploads (once).

    Returns ``{role: [logins]}``.
    """
    accounts: dict[str, list[str]] = {"instructor": [], "ta": [], "student": []}
    with db.begin() as conn:
        known = {r.login for r in conn.execute(sa.select(users.c.login))}
        for login, role in STAFF:
            if login not in known:
                add_user(conn, login, PASSWORD, role, settings.course_name, login.title())
            accounts[role].append(login)
    for name in core.released(settings.course):
        spec = settings.course.spec(name)
        folder = settings.course.submissions / name
        if not folder.is_dir():
            continue
        for student in sorted(p for p in folder.iterdir() if p.is_dir()):
            _student(settings, db, name, student, spec, known)
            known.add(student.name)
            if student.name not in accounts["student"]:
                accounts["student"].append(student.name)
    return accounts


def _student(
    settings: Settings, db: sa.Engine, name: str, folder: Path, spec: AssignmentSpec, known: set
) -> None:
    with db.begin() as conn:
        if folder.name not in known:
            add_user(conn, folder.name, PASSWORD, "student", settings.course_name, folder.name)
        handed_in = conn.execute(
            sa.select(sa.func.count()).where(
                uploads.c.assignment == name, uploads.c.student_id == folder.name
            )
        ).scalar_one()
    files = example_files(folder, spec)
    if files and not handed_in:
        accept(db, settings.data, name, folder.name, files, sorted(files), Limits(0.0, None))
