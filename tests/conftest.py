"""Shared fixtures: small throwaway assignments built in a temporary course folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from toy_course import make_toy_course, write

from autograder.course.paths import Course

SLOW_FOLDERS = ("adversarial", "assignments")  # hostile code and the real homework, end to end


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in a slow folder ``slow``, so ``-m 'not slow'`` is the fast lane."""
    here = Path(__file__).parent
    for item in items:
        parts = Path(item.path).relative_to(here).parts
        if parts and parts[0] in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def toy_course(tmp_path: Path) -> Course:
    """A course folder with one small assignment, ``toy``, and no submissions yet."""
    return make_toy_course(tmp_path / "course")


@pytest.fixture
def submit(toy_course: Course):
    """``submit(student_id, source)`` writes a toy submission and returns its folder."""

    def _submit(student_id: str, source: str | None, filename: str = "toy.py") -> Path:
        folder = toy_course.submissions / "toy" / student_id
        folder.mkdir(parents=True, exist_ok=True)
        if source is not None:
            write(folder / filename, source)
        return folder

    return _submit


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole run (skipped where PostgreSQL is missing;
    ``make test`` installs it)."""
    from pg_server import Server, postgres_bin

    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
    server = Server(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """A fresh empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("postgres_server").database()
