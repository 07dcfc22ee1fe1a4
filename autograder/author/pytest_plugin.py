"""Lets an instructor run hidden tests with plain ``pytest``, as they will be graded.

Installed as a pytest plugin (entry point ``pytest11``). Inside an assignment folder,
``pytest solutions/softmax/tests`` runs every hidden test against the reference solution;
``--submission PATH`` runs them against a student's file instead. Either way the code
under test runs in a worker process through the same proxy as in grading, so what passes
here passes in ``autograder grade``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from autograder.author.collector import load_reference
from autograder.author.recording import Recorder
from autograder.course.spec import SPEC_FILE, AssignmentSpec, load_spec
from autograder.course.submission import read_submission
from autograder.runner.one_submission import policy_for, rng_for
from autograder.sandbox import CallLog, Chunk, Session, SubmissionProxy, open_session


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--submission",
        default=None,
        help="autograder: run hidden tests against this student folder instead of the reference",
    )
    parser.addoption("--student-id", default="reference", help="autograder: id that seeds `rng`")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "problem(id): the assignment problem a test belongs to")
    config.addinivalue_line("markers", "points(n): how many points a test is worth")
    config.addinivalue_line("markers", "visibility(v): Gradescope visibility of a test's result")


def _spec_for(path: Path) -> AssignmentSpec:
    for folder in Path(path).resolve().parents:
        if (folder / SPEC_FILE).is_file():
            return load_spec(folder)
    raise pytest.UsageError(f"{path} is not inside an assignment folder (no {SPEC_FILE} above it)")


@pytest.fixture(scope="session")
def _autograder_sessions(request: pytest.FixtureRequest):
    """One worker per assignment for the whole pytest run."""
    sessions: dict[Path, Session] = {}
    with contextlib.ExitStack() as stack:
        yield sessions, stack


@pytest.fixture
def reference(request: pytest.FixtureRequest):
    """The reference solution module of the assignment this test belongs to."""
    return load_reference(_spec_for(request.path))


@pytest.fixture
def submission(request: pytest.FixtureRequest, _autograder_sessions):
    """The code under test (reference by default), running in a worker process."""
    sessions, stack = _autograder_sessions
    spec = _spec_for(request.path)
    if spec.root not in sessions:
        chosen = request.config.getoption("--submission")
        if chosen:
            chunks = read_submission(Path(chosen), spec).chunks
        else:
            source = spec.path(spec.reference).read_text(encoding="utf-8")
            chunks = [Chunk(spec.student_file, source)]
        session = stack.enter_context(
            open_session(
                policy_for(spec),
                spec.module_name,
                chunks,
                total_timeout=10 * spec.limits.submission_timeout,
            )
        )
        report = session.start()
        if report.fault or report.chunk_errors:
            pytest.fail(
                f"the code under test did not load: {report.fault or report.chunk_errors[0]}"
            )
        sessions[spec.root] = session
    return SubmissionProxy(sessions[spec.root], CallLog())


@pytest.fixture
def record():
    """What grading's ``record(name, value)`` does, minus the storing: checks the name."""
    return Recorder()


@pytest.fixture
def rng(request: pytest.FixtureRequest):
    """The same per-student generator grading uses (student id from --student-id)."""
    student = request.config.getoption("--student-id")
    return rng_for("pytest", student, request.node.name)
