"""Ctrl-C during ``grade``, through the real command: it stops, keeps what finished
consistent, says how to resume; ``--resume`` then grades only the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from autograder.gradebook.store import Gradebook

SLOW = """
import time
import numpy as np
time.sleep(0.4)
def double(x):
    return 2 * np.asarray(x, dtype=float)
def norm(x):
    return float(np.linalg.norm(x))
"""
STUDENTS = 40


def autograder(course, *args: str, **kwargs) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "autograder"), "--course", str(course.root)]
    return subprocess.Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job is
        **kwargs,
    )


def results_files(course) -> set[str]:
    return {p.parent.name for p in (course.reports / "toy").glob("*/results.json")}


@pytest.mark.slow
def test_ctrl_c_stops_keeps_files_and_gradebook_in_step_and_resume_finishes(toy_course, submit):
    for index in range(STUDENTS):
        submit(f"s{index:02d}", SLOW)
    grading = autograder(toy_course, "grade", "toy", "--jobs", "2")
    deadline = time.monotonic() + 120
    while len(results_files(toy_course)) < 3 and grading.poll() is None:
        assert time.monotonic() < deadline, "no student was graded within two minutes"
        time.sleep(0.05)
    os.killpg(grading.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = grading.communicate(timeout=60)

    if grading.returncode == 0:
        pytest.skip("the class was graded before Ctrl-C arrived (machine too fast)")
    assert grading.returncode == 130, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "--resume" in line]
    assert len(lines) == 1 and "autograder grade toy --resume" in lines[0], err
    done = results_files(toy_course)
    assert 0 < len(done) < STUDENTS
    table = pd.read_csv(toy_course.reports / "toy" / "grades.csv", dtype={"student_id": str})
    with Gradebook.open(toy_course.reports) as book:
        stored = book.grades("toy")
    assert set(table["student_id"]) == done == set(stored["student_id"])
    assert len(stored) == len(done)  # one counted row per student, nothing half-written

    resumed = autograder(toy_course, "grade", "toy", "--jobs", "2", "--resume")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    skipped = len(done)
    assert (
        f"Resumed: {skipped} submission(s) unchanged and skipped, "
        f"{STUDENTS - skipped} graded." in " ".join(out.split())
    )
    with Gradebook.open(toy_course.reports) as book:
        assert len(book.grades("toy")) == STUDENTS
    assert len(results_files(toy_course)) == STUDENTS
