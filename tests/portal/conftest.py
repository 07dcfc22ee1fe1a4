"""A released toy course served by the portal, with its people."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from portal_helpers import PASSWORD, PAST_DUE
from toy_course import TOY_HIDDEN, TOY_PUBLIC, TOY_REFERENCE, TOY_SPEC, write

from autograder.course.paths import Course
from autograder.course.spec import load_spec
from autograder.portal.accounts import add_user
from autograder.portal.app import create_app
from autograder.portal.settings import Settings


@pytest.fixture(scope="session")
def released_toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy course, released once for the whole run (releasing grades the reference)."""
    from autograder.release.package import release

    root = tmp_path_factory.mktemp("portal") / "course"
    folder = root / "solutions" / "toy"
    write(folder / "assignment.toml", PAST_DUE + TOY_SPEC + "\n[portal]\ncooldown_seconds = 0\n")
    write(folder / "toy.py", TOY_REFERENCE)
    write(folder / "problem.md", "# Toy\nDouble a vector; compute a norm.\n")
    write(folder / "tests" / "test_hidden.py", TOY_HIDDEN)
    write(folder / "public" / "test_public.py", TOY_PUBLIC)
    write(root / "solutions" / ".course_secret", "test-secret\n")
    release(load_spec(folder), root / "assignments")
    return root


@pytest.fixture
def course(released_toy: Path, tmp_path: Path) -> Course:
    """A private copy of the released toy course."""
    root = tmp_path / "course"
    shutil.copytree(released_toy, root)
    return Course(root)


@pytest.fixture
def app(course: Course, tmp_path: Path):
    """The portal on SQLite, without worker threads: tests run the queue with ``drain``."""
    settings = Settings(course, tmp_path / "data", f"sqlite:///{tmp_path / 'portal.sqlite'}")
    portal = create_app(settings, start_workers=False)
    with portal.state.db.begin() as conn:
        for login, role in (
            ("alice", "student"),
            ("bob", "student"),
            ("tess", "ta"),
            ("ivy", "instructor"),
        ):
            add_user(conn, login, PASSWORD, role, settings.course_name, login.title())
    return portal


@pytest.fixture
def live_portal(app):
    """``app`` served by Uvicorn on a free port of 127.0.0.1, with its worker threads."""
    import threading
    import time

    import uvicorn
    from pg_server import free_port

    port = free_port()
    app.state.pool.start()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)
    app.state.pool.stop()
