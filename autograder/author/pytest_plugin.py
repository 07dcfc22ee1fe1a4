"""Lets an instructor run hidden tests with plain ``pytest``, as they will be graded.

Installed as a pytest plugin (entry point ``pytest11``). Inside an assignment folder,
``pytest solutions/softmax/tests`` runs every hidden test against the reference solution;
``--submission PATH`` runs them against a student's folder instead. In a released student
folder (no reference), plain ``pytest`` runs the public tests against the student's own
file, with the same random inputs as ``autograder check``. Either way the code
under test runs in a worker process through the same proxy as in grading, the ``rng``
inputs are the ones grading gives that student's attempt (same course secret, student id
and attempt; see ``seeding``), ``assert_close`` uses the spec's ``[tolerance]``, and
a marker the grader would refuse fails the run here too.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import pytest

from autograder.author.collector import load_reference
from autograder.author.compare import default_tolerance
from autograder.author.markers import expected_names
from autograder.author.pytest_marks import check_names
from autograder.author.recording import Recorder
from autograder.author.seeding import PUBLIC_SECRET, PUBLIC_STUDENT, rng_for
from autograder.course.paths import Course, policy_for
from autograder.course.spec import SPEC_FILE, AssignmentSpec, SpecError, load_spec
from autograder.course.submission import UnusableSubmission, read_submission
from autograder.course.timestamps import ATTEMPTS_DIR
from autograder.sandbox import CallLog, Chunk, Session, SubmissionProxy, open_session

REFERENCE_STUDENT = "reference"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder")
    group.addoption(
        "--submission",
        default=None,
        help="autograder: run hidden tests against this student folder instead of the reference",
    )
    group.addoption(
        "--student-id",
        default=None,
        help="autograder: the student id that seeds `rng` (default: the submission folder's name)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "problem(id): the assignment problem a test belongs to")
    config.addinivalue_line("markers", "points(n): how many points a test is worth")
    config.addinivalue_line("markers", "visibility(v): Gradescope visibility of a test's result")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse, as grading does, a marker the grader does not know (``point`` for ``points``)."""
    for item in items:
        if find_spec(item.path) is not None:
            try:
                check_names([list(item.iter_markers())], item.nodeid)
            except SpecError as error:
                raise pytest.UsageError(str(error)) from None


def find_spec(path: Path) -> AssignmentSpec | None:
    """The spec of the assignment folder holding ``path``, if there is one."""
    for folder in Path(path).resolve().parents:
        spec_file = folder / SPEC_FILE
        if spec_file.is_file():
            return _cached_spec(folder, spec_file.stat().st_mtime_ns)
    return None


@functools.lru_cache(maxsize=16)
def _cached_spec(folder: Path, _mtime_ns: int) -> AssignmentSpec:
    return load_spec(folder)


def _spec_for(request: pytest.FixtureRequest) -> AssignmentSpec:
    spec = find_spec(request.path)
    if spec is None:
        raise pytest.UsageError(f"{request.path} is not inside an assignment folder")
    return spec


def seed_of(config: pytest.Config, spec: AssignmentSpec) -> tuple[str, str]:
    """(student id, attempt) as grading would use them for ``--submission``."""
    chosen = config.getoption("--submission")
    student = config.getoption("--student-id")
    if not chosen:
        return student or REFERENCE_STUDENT, ""
    folder = Path(chosen).resolve()
    if student is None:
        inside_attempts = folder.parent.name == ATTEMPTS_DIR
        student = folder.parents[1].name if inside_attempts else folder.name
    return student, read_submission(folder, spec).digest


@pytest.fixture(autouse=True)
def _autograder_tolerance(request: pytest.FixtureRequest):
    """``assert_close`` defaults to the ``[tolerance]`` of the test's assignment."""
    spec = find_spec(request.path)
    if spec is None:
        yield
        return
    with default_tolerance(spec.tolerance.rtol, spec.tolerance.atol):
        yield


@pytest.fixture(scope="session")
def _autograder_sessions():
    """One worker per assignment for the whole pytest run."""
    sessions: dict[Path, Session] = {}
    with contextlib.ExitStack() as stack:
        yield sessions, stack


@pytest.fixture
def reference(request: pytest.FixtureRequest):
    """The reference solution module of the assignment this test belongs to."""
    spec = _spec_for(request)
    if spec.reference is None:
        pytest.fail(f"{spec.name}: this released folder has no reference solution")
    return load_reference(spec)


@pytest.fixture
def submission(request: pytest.FixtureRequest, _autograder_sessions):
    """The code under test (reference by default), running in a worker process."""
    sessions, stack = _autograder_sessions
    spec = _spec_for(request)
    if spec.root not in sessions:
        chosen = request.config.getoption("--submission")
        if chosen or spec.reference is None:  # a released folder: the student's own file
            folder = Path(chosen) if chosen else spec.root
            try:
                chunks = read_submission(folder, spec, expected_names(spec)).chunks
            except UnusableSubmission as bad:
                pytest.fail(bad.message)
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
    """The generator grading gives this test for the same student and attempt; for public
    tests, the one ``autograder check`` gives every student."""
    spec = _spec_for(request)
    node = request.node
    name = f"{node.cls.__name__}::{node.name}" if node.cls is not None else node.name
    public = {spec.path(p).resolve() for p in spec.public_tests}
    if spec.reference is None or Path(request.path).resolve() in public:
        return rng_for(PUBLIC_SECRET, PUBLIC_STUDENT, name)
    student, attempt = seed_of(request.config, spec)
    secret = Course(spec.root.resolve().parents[1]).secret()
    return rng_for(secret, student, name, attempt)
