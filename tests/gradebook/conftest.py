"""Every gradebook test runs twice: on SQLite, then on a throwaway PostgreSQL server."""

from __future__ import annotations

import pytest

from autograder.gradebook.store import DB_ENV


@pytest.fixture(autouse=True)
def _each_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if database_url.startswith("postgresql"):
        monkeypatch.setenv(DB_ENV, database_url)
