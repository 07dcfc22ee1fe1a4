"""The notebook's check cells run public tests the way `check` does: classes, module
marks and the conftest's fixtures included."""

from __future__ import annotations

import contextlib
import io

import nbformat
import pytest
from notebook_helpers import DOUBLE, NORM, answered, save
from toy_course import write

from autograder.check.public import find_public_spec, run_check
from autograder.release.package import release

pytestmark = pytest.mark.slow  # each test releases the toy assignment

PUBLIC = """
import pytest

pytestmark = pytest.mark.problem("double")


class TestDouble:
    def test_shape(self, submission, pair):
        assert len(submission.double(pair)) == 2

    @pytest.mark.parametrize("k", [1.0, -3.0])
    def test_scaled(self, submission, k):
        assert submission.double([k])[0] == 2 * k


@pytest.mark.problem("norm")
def test_norm_of_zero(submission, pair):
    assert submission.norm([0.0, 0.0]) == 0 * pair[0]
"""

CONFTEST = """
import pytest


@pytest.fixture
def pair(rng):
    return [float(v) for v in rng.integers(1, 5, size=2)]
"""


@pytest.fixture
def released(toy_course):
    write(toy_course.solutions / "toy" / "public" / "test_public.py", PUBLIC)
    write(toy_course.solutions / "toy" / "public" / "conftest.py", CONFTEST)
    return release(toy_course.spec("toy"), toy_course.assignments).folder


def run_notebook(nb) -> str:
    """Run every code cell in one namespace, as a kernel would; return what was printed."""
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "<cell>", "exec"), namespace)
    return printed.getvalue()


def test_the_public_conftest_is_released_and_check_uses_it(toy_course, released, tmp_path):
    assert (released / "tests" / "conftest.py").read_text().strip() == CONFTEST.strip()
    spec = find_public_spec("toy", released, toy_course)
    solved = tmp_path / "toy.py"
    solved.write_text((toy_course.solutions / "toy" / "toy.py").read_text())
    result = run_check(spec, solved)
    assert [t.name for t in result.tests] == [
        "TestDouble::test_shape",
        "TestDouble::test_scaled[1.0]",
        "TestDouble::test_scaled[-3.0]",
        "test_norm_of_zero",
    ]
    assert result.score == result.max_score == 4


def test_check_cells_run_class_tests_with_author_fixtures(released):
    nb = answered(released / "toy.ipynb", {"double": DOUBLE, "norm": NORM})
    printed = run_notebook(nb)
    for name in ("TestDouble::test_shape", "TestDouble::test_scaled[-3.0]", "test_norm_of_zero"):
        assert f"ok   {name}" in printed


def test_check_cells_fail_a_wrong_answer(released, tmp_path):
    wrong = DOUBLE.replace("2 * np", "3 * np")
    nb = nbformat.read(
        save(answered(released / "toy.ipynb", {"double": wrong, "norm": NORM}), tmp_path),
        as_version=4,
    )
    with pytest.raises(AssertionError, match="check"):
        run_notebook(nb)
