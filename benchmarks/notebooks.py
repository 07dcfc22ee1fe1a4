"""Grade N notebook submissions with our grader and with ``nbgrader autograde``; compare.

    .venv/bin/python benchmarks/notebooks.py            # 12 submissions
    .venv/bin/python benchmarks/notebooks.py -n 40 -j 2

Both graders get the same notebooks, released from the same source: a small softmax
assignment built here (or ``--course DIR --assignment NAME`` for a real one). nbgrader
runs in the same run when it is installed (it is a dependency): it executes each
notebook in a fresh Jupyter kernel, one after the other, and scores nbgrader's test cells
(public and hidden tests, all or nothing per cell); we run the hidden tests against each
notebook's cells in a worker process. Written answers are pending in both. Prints seconds
per submission, mean scores and the ratio; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat

from autograder.author.collector import load_suite
from autograder.course.paths import Course
from autograder.course.spec import AssignmentSpec
from autograder.grade.batch import grade_batch, student_folders
from autograder.release.notebook import notebook_text, source_notebook
from autograder.release.package import release
from autograder.runner.one_submission import GradingContext

SPEC = """
name = "nbbench"
title = "Softmax (notebook benchmark)"
student_file = "nbbench.py"
reference = "nbbench.py"
problem_text = "problem.md"
hidden_tests = ["tests/test_hidden.py"]
public_tests = ["public/test_public.py"]

[[problems]]
id = "softmax"
title = "Softmax"

[[problems]]
id = "softmax_grad"
title = "Softmax Jacobian"

[[problems]]
id = "shift"
title = "Proof: softmax ignores a shift"
written = true
points = 2
prompt = "Show that softmax(x + c) = softmax(x)."
"""

REFERENCE = '''
import numpy as np


def softmax(x):
    """Row-wise softmax of a 1-D or 2-D array."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)
    ### END SOLUTION


def softmax_grad(s):
    """Jacobian of softmax given its output s (1-D)."""
    ### BEGIN SOLUTION
    s = np.asarray(s, dtype=float)
    return np.diag(s) - np.outer(s, s)
    ### END SOLUTION
'''

HIDDEN = """
import numpy as np
import pytest

from autograder.author import assert_close


@pytest.mark.problem("softmax")
@pytest.mark.parametrize("shape", [(5,), (3, 4), (10, 7)])
def test_softmax_random(submission, reference, rng, shape):
    x = rng.normal(size=shape) * 10
    assert_close(submission.softmax(x), reference.softmax(x), what="softmax(x)")


@pytest.mark.problem("softmax")
def test_softmax_large(submission, reference):
    x = np.array([1000.0, 1001.0, 1002.0])
    assert_close(submission.softmax(x), reference.softmax(x), what="softmax(x)")


@pytest.mark.problem("softmax_grad")
@pytest.mark.points(2)
def test_softmax_grad(submission, reference, rng):
    s = reference.softmax(rng.normal(size=6))
    assert_close(submission.softmax_grad(s), reference.softmax_grad(s), what="softmax_grad(s)")
"""

PUBLIC = """
import numpy as np
import pytest


@pytest.mark.problem("softmax")
def test_rows_sum_to_one(submission):
    assert np.allclose(np.sum(submission.softmax([1.0, 2.0, 3.0])), 1.0)


@pytest.mark.problem("softmax_grad")
def test_grad_is_symmetric(submission):
    g = np.asarray(submission.softmax_grad([0.2, 0.3, 0.5]))
    assert np.allclose(g, g.T)
"""

CORRECT = {
    "softmax": "def softmax(x):\n    x = np.asarray(x, dtype=float)\n"
    "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
    "    return e / np.sum(e, axis=-1, keepdims=True)\n",
    "softmax_grad": "def softmax_grad(s):\n    s = np.asarray(s, dtype=float)\n"
    "    return np.diag(s) - np.outer(s, s)\n",
}
UNSTABLE = {**CORRECT, "softmax": "def softmax(x):\n    e = np.exp(x)\n    return e / e.sum()\n"}
DEMO_CELL = "demo = softmax(np.array([5.0, 7.0, 8.0]))\nprint(demo)\n"
TRAINING_CELL = "import time\ntime.sleep({seconds})  # stands for a short training loop\n"
VARIANTS = [CORRECT, UNSTABLE, {"softmax": CORRECT["softmax"]}]


def build_course(root: Path) -> tuple[Course, AssignmentSpec]:
    folder = root / "solutions" / "nbbench"
    files = {
        "assignment.toml": SPEC,
        "nbbench.py": REFERENCE,
        "problem.md": "# Softmax\nImplement softmax and its Jacobian.\n",
        "tests/test_hidden.py": HIDDEN,
        "public/test_public.py": PUBLIC,
    }
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    course = Course(root)
    return course, course.spec("nbbench")


def make_submissions(released: Path, out: Path, count: int, train: float) -> list[str]:
    """``count`` student notebooks, cycling through correct, unstable and unfinished work."""
    students = []
    for index in range(count):
        nb = nbformat.read(released, as_version=4)
        answers = VARIANTS[index % len(VARIANTS)]
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if grade_id in answers:
                cell.source = answers[grade_id]
            elif grade_id.startswith("answer_"):
                cell.source = f"Student {index}: the shift cancels in the ratio."
        nb.cells.insert(4, nbformat.v4.new_code_cell(DEMO_CELL))
        if train > 0:
            nb.cells.insert(4, nbformat.v4.new_code_cell(TRAINING_CELL.format(seconds=train)))
        student = f"student{index:03d}"
        folder = out / student
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / released.name)
        (folder / "timestamp.txt").write_text("2026-11-20 14:03:11.000000 UTC\n")
        students.append(student)
    return students


def time_ours(spec: AssignmentSpec, submissions: Path, reports: Path, jobs: int, secret: str):
    started = time.perf_counter()
    ctx = GradingContext(load_suite(spec, "hidden"), secret)
    results = grade_batch(ctx, student_folders(submissions), reports, jobs=jobs)
    return time.perf_counter() - started, results


def time_nbgrader(spec: AssignmentSpec, work: Path, submissions: Path, students: list[str]):
    """Set up an nbgrader course with the same notebooks and time ``nbgrader autograde``."""
    nbgrader = Path(sys.executable).parent / "nbgrader"
    if not nbgrader.exists():
        return None
    course = work / "nbgrader_course"
    name = spec.name
    notebook = Path(spec.student_file).with_suffix(".ipynb").name
    source = course / "source" / name / notebook
    source.parent.mkdir(parents=True)
    suite = load_suite(spec, "hidden")
    source.write_text(notebook_text(source_notebook(spec, suite.problems)), encoding="utf-8")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.db_assignments = [dict(name={name!r})]\n"
        f"c.CourseDirectory.db_students = [{', '.join(f'dict(id={s!r})' for s in students)}]\n"
        "c.ExecutePreprocessor.timeout = 60\n"
    )
    env = {**os.environ, "PATH": f"{nbgrader.parent}:{os.environ.get('PATH', '')}"}

    def run(*args: str) -> None:
        subprocess.run([str(nbgrader), *args], cwd=course, env=env, check=True, capture_output=True)

    run("generate_assignment", name, "--force")
    for student in students:
        shutil.copytree(submissions / student, course / "submitted" / student / name)
    started = time.perf_counter()
    run("autograde", name, "--force")
    elapsed = time.perf_counter() - started
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = [gradebook.find_submission(name, s).score for s in students]
    return elapsed, sum(scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=12, help="submissions (default 12)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--train", type=float, default=0.0, help="seconds of a 'training' cell")
    parser.add_argument("--no-nbgrader", action="store_true", help="time our grader only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="autograder-nbbench-"))
    try:
        course, spec = build_course(work / "course")
        released = release(spec, course.assignments).folder / "nbbench.ipynb"
        submissions = course.submissions / spec.name
        students = make_submissions(released, submissions, args.count, args.train)
        n = len(students)
        extra = f", each with a {args.train:g} s 'training' cell" if args.train else ""
        print(f"{n} notebook submissions of {spec.name!r}{extra}")
        one, results = time_ours(spec, submissions, course.reports / "j1", 1, "bench")
        many, _ = time_ours(spec, submissions, course.reports / "jn", args.jobs, "bench")
        mean = sum(r.score for r in results) / n
        print(f"ours, 1 job:        {one / n:7.3f} s/submission   (mean score {mean:.2f})")
        print(f"ours, {args.jobs} jobs:       {many / n:7.3f} s/submission")
        timed = None if args.no_nbgrader else time_nbgrader(spec, work, submissions, students)
        if timed is None:
            print("nbgrader:        not run")
            return
        elapsed, nb_mean = timed
        print(f"nbgrader autograde: {elapsed / n:7.3f} s/submission   (mean score {nb_mean:.2f})")
        print(f"ratio nbgrader / ours, 1 job each: {elapsed / one:6.1f}x")
        print(f"ratio nbgrader / ours, {args.jobs} jobs:     {elapsed / many:6.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
