"""The one toy course every test builds on: a spec, a reference, hidden and public tests.

Two code problems (``double``, ``norm``) and one written problem (``essay``), small enough
to grade in milliseconds. ``TOY_CORRECT`` is the reference without solution markers: the
answer an honest student hands in.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]  # the repository, for its real assignments

TOY_SPEC = """
name = "toy"
title = "Toy"
student_file = "toy.py"
reference = "toy.py"
problem_text = "problem.md"
hidden_tests = ["tests/test_hidden.py"]
public_tests = ["public/test_public.py"]

[limits]
call_timeout = 1.5
submission_timeout = 20.0

[[problems]]
id = "double"
title = "Double"

[[problems]]
id = "norm"
title = "Norm"

[[problems]]
id = "essay"
title = "Essay"
written = true
points = 3
prompt = "Explain."
"""

TOY_REFERENCE = '''
import numpy as np


def double(x):
    """Return 2x."""
    ### BEGIN SOLUTION
    return 2 * np.asarray(x, dtype=float)
    ### END SOLUTION


def norm(x):
    """Euclidean norm."""
    ### BEGIN SOLUTION
    return float(np.linalg.norm(x))
    ### END SOLUTION
'''

TOY_HIDDEN = """
import numpy as np
import pytest

from autograder.author import assert_close


@pytest.mark.problem("double")
@pytest.mark.points(2)
def test_double_fixed(submission, reference):
    x = np.array([1.0, -2.0, 3.5])
    assert_close(submission.double(x), reference.double(x), what="double(x)")


@pytest.mark.problem("double")
@pytest.mark.parametrize("n", [1, 4])
def test_double_random(submission, reference, rng, n):
    x = rng.normal(size=n)
    assert_close(submission.double(x), reference.double(x), what="double(x)")


@pytest.mark.problem("norm")
def test_norm(submission, reference, rng):
    x = rng.normal(size=5)
    assert submission.norm(x) == pytest.approx(reference.norm(x))
"""

TOY_PUBLIC = """
import pytest


@pytest.mark.problem("double")
def test_double_shape(submission):
    assert len(submission.double([1.0, 2.0])) == 2


@pytest.mark.problem("norm")
def test_norm_of_zero(submission):
    assert submission.norm([0.0, 0.0]) == 0
"""


TOY_CORRECT = "\n".join(
    line for line in TOY_REFERENCE.splitlines() if "### " not in line and '"""' not in line
).lstrip("\n") + "\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_toy_course(root: Path):
    """Write a course folder at ``root`` with the toy assignment and no submissions yet."""
    from autograder.course.paths import Course

    folder = root / "solutions" / "toy"
    write(folder / "assignment.toml", TOY_SPEC)
    write(folder / "toy.py", TOY_REFERENCE)
    write(folder / "problem.md", "# Toy\nDouble a vector; compute a norm.\n")
    write(folder / "tests" / "test_hidden.py", TOY_HIDDEN)
    write(folder / "public" / "test_public.py", TOY_PUBLIC)
    write(root / "solutions" / ".course_secret", "test-secret\n")
    return Course(root)
