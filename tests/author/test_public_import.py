"""Test authors import everything from `autograder.author`, which stays light."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

HEAVY = ("pandas", "nbformat", "nbgrader", "sqlalchemy", "matplotlib", "rich")


@pytest.mark.parametrize(
    "statement",
    [
        "from autograder.author import assert_close, assert_gradient_matches, sample_indices",
        "from autograder.author.notebook_checks import run_checks",  # the student's kernel
    ],
)
def test_the_student_side_imports_need_only_numpy_and_pytest(statement):
    code = f"{statement}\nimport sys\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(run.stdout))
    assert "numpy" in loaded
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_the_bundled_tests_use_the_one_public_import():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("solutions/*/tests/*.py"), *root.glob("solutions/*/public/*.py")]
    assert files
    for path in files:
        text = path.read_text()
        assert "autograder.author." not in text, f"{path} imports a private module"
