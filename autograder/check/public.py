"""What a student runs before submitting: the public tests, in a worker, in a second.

It needs only the released package (``assignments/<name>/``): the public spec and public
tests. Hidden tests, the reference and the course secret are never involved.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.author.collector import load_suite
from autograder.author.seeding import PUBLIC_SECRET, PUBLIC_STUDENT
from autograder.course.paths import Course
from autograder.course.results import SubmissionResult
from autograder.course.spec import SPEC_FILE, AssignmentSpec, SpecError, load_spec
from autograder.course.submission import notebook_file
from autograder.runner.one_submission import GradingContext, grade_submission


def find_public_spec(name: str, path: Path, course: Course) -> AssignmentSpec:
    """The released spec of ``name``: next to the student's file, or in ``assignments/``."""
    start = path if path.is_dir() else path.parent
    candidates = [start, *start.resolve().parents][:3] + [course.assignments / name]
    for folder in candidates:
        spec_path = folder / SPEC_FILE
        if spec_path.is_file():
            spec = load_spec(folder)
            if spec.name == name and spec.public_tests:
                return spec
    raise SpecError(
        f"cannot find the released assignment {name!r}: looked for {SPEC_FILE} next to "
        f"{path} and in {course.assignments / name}. Run this inside the folder you were given."
    )


def public_context(spec: AssignmentSpec) -> GradingContext:
    """Grading with the public tests and the fixed seed every student's check uses."""
    return GradingContext(load_suite(spec, "public"), PUBLIC_SECRET, fresh_inputs=False)


def run_check(spec: AssignmentSpec, path: Path) -> SubmissionResult:
    """Grade ``path`` (the student's file, or the folder holding it) on the public tests."""
    ctx = public_context(spec)
    if path.is_dir():
        return grade_submission(path, PUBLIC_STUDENT, ctx)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        name = notebook_file(spec) if path.suffix == ".ipynb" else spec.student_file
        shutil.copyfile(path, Path(tmp) / name)
        return grade_submission(Path(tmp), PUBLIC_STUDENT, ctx)
