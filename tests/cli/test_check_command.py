"""What a student meets: `autograder check` and plain pytest in a released folder, away from
the course, through the real command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from cli_helpers import autograder
from toy_course import TOY_CORRECT, make_toy_course

from autograder.release.package import release

INSTRUCTOR_ONLY = ("pandas", "matplotlib", "sqlalchemy", "nbformat", "nbgrader", "rich", "mistune")


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    """The released toy package, copied where a student keeps it: outside any course."""
    course = make_toy_course(tmp_path_factory.mktemp("course"))
    released = release(course.spec("toy"), course.assignments).folder
    home = tmp_path_factory.mktemp("student") / "toy"
    shutil.copytree(released, home)
    return home


def test_check_lists_public_tests_without_points(student_folder):
    done = autograder("check", "toy", "toy.py", cwd=student_folder)
    assert done.returncode == 1  # the template passes nothing
    assert "FAIL test_double_shape" in done.stdout
    assert "pt)" not in done.stdout and "count for nothing" in done.stdout


def test_check_json(student_folder):
    done = autograder("check", "toy", "toy.py", "--json", cwd=student_folder)
    summary = json.loads(done.stdout)
    assert summary["total"] == 2 and summary["passed"] == 0
    assert {t["outcome"] for t in summary["tests"]} == {"failed"}


def test_a_misspelled_assignment_gets_the_close_name(student_folder):
    done = autograder("check", "tyo", "toy.py", cwd=student_folder)
    assert done.returncode == 2
    assert "autograder check toy toy.py" in done.stderr


def test_messages_name_the_file_as_the_student_wrote_it(student_folder):
    done = autograder("check", "toy", "toy.py", cwd=student_folder)
    assert "<solutions>" not in done.stdout  # a relative root once mangled every "."


def pytest_in(folder):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_plain_pytest_runs_the_public_tests_on_the_students_file(student_folder, tmp_path):
    template = pytest_in(student_folder)
    assert "2 failed" in template.stdout, template.stdout
    assert "TypeError" not in template.stdout and "not implemented yet" in template.stdout
    answered = tmp_path / "toy"
    shutil.copytree(student_folder, answered)
    (answered / "toy.py").write_text(TOY_CORRECT)
    assert "2 passed" in pytest_in(answered).stdout


def test_the_student_path_imports_no_instructor_package(student_folder):
    script = f"""
import sys
from autograder.cli import main
main(["check", "toy", "toy.py", "--quiet"])
import autograder.author.notebook_checks  # what the notebook's check cells import
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({INSTRUCTOR_ONLY!r}))
print(",".join(loaded))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=student_folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
