"""Grading on a Dask cluster: the same results as on this machine, and a worker killed
mid-batch loses nothing and stores nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.gradebook.store import Gradebook

distributed = pytest.importorskip("distributed")

GOOD = """
import numpy as np
def double(x):
    return 2 * np.asarray(x, dtype=float)
def norm(x):
    return float(np.linalg.norm(x))
"""
WRONG_NORM = GOOD.replace("return float(np.linalg.norm(x))", "return -1.0")
SLOW = "import time\ntime.sleep(0.3)\n" + GOOD


def outcomes(reports: Path) -> dict[str, tuple]:
    """Per student: status, score and every test's outcome and score, from results.json."""
    found = {}
    for path in sorted((reports / "toy").glob("*/results.json")):
        data = json.loads(path.read_text())
        tests = tuple((t["name"], t["score"], t["extra_data"]["outcome"]) for t in data["tests"])
        found[path.parent.name] = (data["extra_data"]["status"], data["score"], tests)
    return found


@pytest.fixture
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


@pytest.mark.slow
def test_a_class_graded_on_a_dask_cluster_matches_the_local_run(toy_course, submit, cluster):
    submit("amy", GOOD)
    submit("bob", WRONG_NORM)
    submit("cat", "def double(x) return x\n")
    submit("dan", "import sys\nsys.exit(3)\n")
    submit("eve", None)
    for index in range(6):
        submit(f"f{index}", GOOD if index % 2 else WRONG_NORM)
    root = str(toy_course.root)
    here, there = toy_course.root / "here", toy_course.root / "there"
    assert main(["--course", root, "grade", "toy", "--jobs", "1", "--out", str(here)]) == 0
    address = cluster.scheduler_address
    assert main(["--course", root, "grade", "toy", "--cluster", address, "--out", str(there)]) == 0

    local, remote = outcomes(here), outcomes(there)
    assert len(local) == 11 and remote == local
    assert {local[s][0] for s in local} == {"ok", "error", "missing"}
    with Gradebook.open(here) as a, Gradebook.open(there) as b:
        columns = ["student_id", "status", "raw_score", "score", "pending"]
        assert b.grades("toy")[columns].equals(a.grades("toy")[columns])


@pytest.mark.slow
def test_killing_a_dask_worker_mid_batch_loses_nothing(toy_course, submit, cluster):
    students = [f"s{index:02d}" for index in range(40)]
    for student in students:
        submit(student, SLOW)
    from distributed import Client

    command = [str(Path(sys.executable).parent / "autograder"), "--course", str(toy_course.root)]
    grading = subprocess.Popen(
        [*command, "grade", "toy", "--cluster", cluster.scheduler_address],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with Client(cluster) as client:
        deadline = time.monotonic() + 120
        while not list((toy_course.reports / "toy").glob("*/results.json")):
            assert grading.poll() is None, grading.communicate()
            assert time.monotonic() < deadline, "nothing was graded within two minutes"
            time.sleep(0.05)
        victim = next(iter(client.run(os.getpid).values()))
        os.kill(victim, signal.SIGKILL)
        out, err = grading.communicate(timeout=300)
    assert grading.returncode == 0, err

    graded = outcomes(toy_course.reports)
    assert sorted(graded) == students
    assert all(status == "ok" and score == 5 for status, score, _ in graded.values())
    with Gradebook.open(toy_course.reports) as book:
        rows = book.submissions("toy")
    assert sorted(rows["student_id"]) == students  # one row each: nothing lost, none twice
    assert rows["counted"].all() and (rows["raw_score"] == 5).all()
