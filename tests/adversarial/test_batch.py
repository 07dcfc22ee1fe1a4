"""A class where some students attack: the others are graded as if nothing happened."""

from __future__ import annotations

import pandas as pd

from adversarial.arena import HONEST_DOUBLE, HONEST_NORM, tree_digest
from autograder.grade.batch import grade_batch, student_folders


def test_batch_goes_on_past_every_kind_of_attack(arena):
    honest = HONEST_DOUBLE + HONEST_NORM
    attacks = {
        "crasher": "import os\nos._exit(3)\n",
        "looper": "import signal\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "while True:\n    pass\n",
        "bomber": "import os\n"
        "while True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        "hoarder": "import numpy as np\nX = np.ones(2**33)\n",
        "flooder": "while True:\n    print('spam' * 1000)\n",
    }
    for student, source in {"bob": honest, "zoe": honest, **attacks}.items():
        arena.submit(source, student)
    # A folder that is a link to another student's work is not graded as a second copy.
    (arena.course.submissions / "toy" / "eve").symlink_to(arena.folder("alice"))
    solutions = tree_digest(arena.course.solutions)
    submissions = tree_digest(arena.course.submissions)
    results = grade_batch(
        arena.ctx, student_folders(arena.course.submissions / "toy"), arena.course.reports, jobs=2
    )
    by_id = {r.student_id: r for r in results}
    for student in ("alice", "bob", "zoe"):
        assert by_id[student].status == "ok"
        assert by_id[student].score == 5
    assert by_id["crasher"].status == "crashed"
    assert by_id["looper"].status == "timeout"
    assert by_id["bomber"].status == "timeout"
    assert by_id["hoarder"].status == "error" and "MemoryError" in by_id["hoarder"].message
    assert by_id["flooder"].status == "timeout"
    assert all(by_id[s].score == 0 for s in attacks)
    grades = pd.read_csv(arena.course.reports / "toy" / "grades.csv")
    assert sorted(grades["student_id"]) == sorted(["alice", "bob", "zoe", *attacks])
    assert "eve" not in by_id
    assert tree_digest(arena.course.solutions) == solutions
    assert tree_digest(arena.course.submissions) == submissions
