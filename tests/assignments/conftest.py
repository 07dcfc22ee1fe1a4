"""The shipped course, and its example submissions graded once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.author.collector import load_suite
from autograder.course.paths import Course
from autograder.course.results import SubmissionResult
from autograder.grade.batch import grade_batch, student_folders
from autograder.runner.one_submission import GradingContext

REPO = Path(__file__).resolve().parents[2]
COURSE = Course(REPO)
ASSIGNMENTS = sorted(p.parent.name for p in COURSE.solutions.glob("*/assignment.toml"))


@dataclass
class GradedExamples:
    """One assignment's examples as graded: results by student, and the reports folder."""

    results: dict[str, SubmissionResult]
    reports: Path


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Grade every assignment's example submissions once, into a temporary reports folder."""
    cache: dict[str, GradedExamples] = {}

    def _graded(name: str) -> GradedExamples:
        if name not in cache:
            spec = COURSE.spec(name)
            ctx = GradingContext(load_suite(spec), "examples-secret")
            out = tmp_path_factory.mktemp(f"reports-{name}")
            results = grade_batch(ctx, student_folders(COURSE.submissions / name), out, jobs=2)
            cache[name] = GradedExamples({r.student_id: r for r in results}, out)
        return cache[name]

    return _graded
