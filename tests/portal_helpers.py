"""Helpers of the portal tests: the toy course's people and work, and a signed-in browser."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from autograder.portal.queue import claim

PASSWORD = "correct horse battery"
PAST_DUE = 'due = "2020-01-01T00:00:00+00:00"\n'
CORRECT = """
import numpy as np
def double(x):
    return 2 * np.asarray(x, dtype=float)
def norm(x):
    return float(np.linalg.norm(x))
"""
WRONG = CORRECT.replace("return float(np.linalg.norm(x))", "return 1.0")
ANSWERS = "## essay: Essay\n\nBecause the shift cancels in the ratio.\n"


def drain(app) -> int:
    """Run every queued job in this thread, as a worker would; how many ran."""
    ran = 0
    while (job := claim(app.state.db, "test-worker")) is not None:
        app.state.pool.run(job, "test-worker")
        ran += 1
    return ran


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def signed_in(app, login: str, password: str = PASSWORD) -> TestClient:
    """A browser signed in as ``login``; ``client.csrf`` is its form token."""
    client = TestClient(app)
    token = csrf_of(client.get("/sign-in").text)
    response = client.post("/sign-in", data={"login": login, "password": password, "csrf": token})
    assert response.status_code == 200, response.text
    client.csrf = csrf_of(response.text)
    return client


def upload(client: TestClient, source: str, name: str = "toy.py", answers: str | None = None):
    files = {"code": (name, source.encode(), "text/x-python")}
    if answers is not None:
        files["answers"] = ("answers.md", answers.encode(), "text/markdown")
    return client.post("/student/a/toy/upload", data={"csrf": client.csrf}, files=files)


def count(app, table) -> int:
    with app.state.db.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
