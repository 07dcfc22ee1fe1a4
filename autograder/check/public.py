"""What a student runs before submitting: the public tests, in a worker, in a second.

It needs only the released package (``assignments/<name>/``): the public spec and public
tests. Hidden tests, the reference and the course secret are never involved.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from autograder.author.collector import load_suite
from autograder.author.seeding import PUBLIC_SECRET, PUBLIC_STUDENT
from autograder.course.paths import Course, policy_for
from autograder.course.results import SubmissionResult
from autograder.course.spec import SPEC_FILE, AssignmentSpec, SpecError, load_spec
from autograder.course.submission import notebook_file
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.sandbox import default_launcher


def find_public_spec(name: str, path: Path, course: Course) -> AssignmentSpec:
    """The released spec of ``name``: next to the student's file, or in ``assignments/``."""
    start = path if path.is_dir() else path.parent
    candidates = [start, *start.resolve().parents][:3] + [course.assignments / name]
    seen = []
    for folder in candidates:
        spec_path = folder / SPEC_FILE
        if spec_path.is_file():
            spec = load_spec(folder.resolve())  # a relative root would be "." in messages
            if spec.name == name and spec.public_tests:
                return spec
            seen.append(spec.name)
    close = difflib.get_close_matches(name, seen, n=1, cutoff=0.5) or seen[:1]
    if close:
        raise SpecError(
            f"this folder holds the assignment {close[0]!r}, not {name!r}: run "
            f"`autograder check {close[0]} {path}`"
        )
    raise SpecError(
        f"cannot find the released assignment {name!r}: looked for {SPEC_FILE} next to "
        f"{path} and in {course.assignments / name}. Run this inside the folder you were given."
    )


def public_context(spec: AssignmentSpec) -> GradingContext:
    """Grading with the public tests and the fixed seed every student's check uses."""
    return GradingContext(load_suite(spec, "public"), PUBLIC_SECRET, fresh_inputs=False)


def run_check(spec: AssignmentSpec, path: Path) -> SubmissionResult:
    """Grade ``path`` (the student's file, or the folder holding it) on the public tests.

    The public tests are collected in a thread while the sandbox's fork server starts (a
    process importing numpy): the two costs overlap instead of adding up. The server is
    started from the main thread, whose lifetime its parent-death signal follows.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        suite = pool.submit(load_suite, spec, "public")
        launcher = default_launcher(policy_for(spec))
        ctx = GradingContext(suite.result(), PUBLIC_SECRET, launcher, fresh_inputs=False)
    if path.is_dir():
        return grade_submission(path, PUBLIC_STUDENT, ctx)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        name = notebook_file(spec) if path.suffix == ".ipynb" else spec.student_file
        shutil.copyfile(path, Path(tmp) / name)
        return grade_submission(Path(tmp), PUBLIC_STUDENT, ctx)


def check_summary(spec: AssignmentSpec, result: SubmissionResult) -> dict[str, Any]:
    """What ``check --json`` prints: the outcome of each public test, for scripts."""
    passed = sum(t.outcome == "passed" for t in result.tests)
    return {
        "assignment": spec.name,
        "status": result.status,
        "message": result.message,
        "passed": passed,
        "total": len(result.tests),
        "tests": [
            {"name": t.name, "problem": t.problem, "outcome": t.outcome, "output": t.output}
            for t in result.tests
        ],
    }
