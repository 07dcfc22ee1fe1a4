"""A student's install: a fresh virtual environment with only the student dependencies
(``pip install <repo>``, no extras), and the released package copied away from the
repository. `autograder check` and plain pytest must work there."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import venv

import pytest
from toy_course import REPO

pytestmark = pytest.mark.slow

INSTRUCTOR_ONLY = {"pandas", "matplotlib", "sqlalchemy", "nbformat", "nbgrader", "rich"}


def run(*command, cwd, timeout=900):
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """A new venv holding the checker and what it needs, nothing else."""
    root = tmp_path_factory.mktemp("student_env")
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    source = root / "source"  # a copy without .venv and reports, as a clone has it
    shutil.copytree(
        REPO, source, ignore=shutil.ignore_patterns(".venv", "reports", "*.egg-info", "build")
    )
    done = run(python, "-m", "pip", "install", "--quiet", source, cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    return python


def test_only_numpy_and_pytest_come_with_the_checker(student_env):
    done = run(student_env, "-m", "pip", "list", "--format=freeze", cwd=student_env.parent)
    installed = {line.split("==")[0].lower() for line in done.stdout.splitlines()}
    assert {"numpy", "pytest", "ml-homework-grader"} <= installed
    assert not installed & INSTRUCTOR_ONLY
    assert len(installed) < 15, installed  # numpy, pytest and pytest's few dependencies


def test_check_and_plain_pytest_in_a_released_folder(student_env, tmp_path):
    folder = tmp_path / "softmax"
    shutil.copytree(REPO / "assignments" / "softmax", folder)
    autograder = student_env.with_name("autograder")
    check = run(autograder, "check", "softmax", "softmax.py", cwd=folder)
    assert check.returncode == 1, check.stderr  # the template passes no test
    counted = re.search(r"\b0/([1-9][0-9]*) public tests passed", check.stdout)
    assert counted, check.stdout
    assert "Traceback" not in check.stderr
    tests = run(student_env, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=folder)
    failed = f"{counted.group(1)} failed"  # plain pytest fails the same public tests
    assert failed in tests.stdout and "TypeError" not in tests.stdout, tests.stdout[-3000:]
    notebook = run(autograder, "check", "softmax", "softmax.ipynb", cwd=folder)
    assert counted.group(0) in notebook.stdout, notebook.stderr  # the notebook: the same


def test_the_notebooks_check_cells_run_with_the_student_install(student_env, tmp_path):
    """Each code cell of the released notebook, in order, as a kernel would run them: the
    template fails its checks, but no import is missing."""
    notebook = json.loads((REPO / "assignments" / "softmax" / "softmax.ipynb").read_text())
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    script = "import traceback\nfailures = []\n"
    for index, source in enumerate(cells):
        script += f"try:\n    exec({source!r})\nexcept Exception as exc:\n"
        script += f"    failures.append(({index}, type(exc).__name__, str(exc)))\n"
    script += "print(repr(failures))\n"
    done = run(student_env, "-c", script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    failures = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert failures, "the template should fail its checks"
    assert not [f for f in failures if f[1] in ("ModuleNotFoundError", "ImportError")], failures


def test_instructor_commands_say_which_extra_to_install(student_env, tmp_path):
    done = run(student_env.with_name("autograder"), "grade", "softmax", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pip install 'ml-homework-grader[instructor]'" in done.stderr
