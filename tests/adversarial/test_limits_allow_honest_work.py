"""The limits stop attacks, not students: correct work scores 100% under each of them."""

from __future__ import annotations

import pytest

from adversarial.arena import HONEST_DOUBLE, HONEST_NORM, make_arena
from autograder.author.collector import load_suite
from autograder.course.spec import LIMIT_MINIMUMS
from autograder.runner.one_submission import GradingContext

CORRECT_AND_BUSY = (
    HONEST_DOUBLE
    + HONEST_NORM
    + """
import json
import os
import tempfile

with open("notes.json", "w") as f:  # a small file in the scratch folder
    json.dump({"ok": True}, f)
with tempfile.TemporaryFile() as f:
    f.write(b"x" * 1000)
_ = np.linalg.solve(np.eye(50) * 2, np.ones(50))  # BLAS works
print("loaded; temporary files in scratch:", tempfile.gettempdir() == os.getcwd())
"""
)


def with_limits(toy_course, **limits):
    arena = make_arena(toy_course)
    spec_path = toy_course.solutions / "toy" / "assignment.toml"
    text = spec_path.read_text()
    for name, value in limits.items():
        lines = [line for line in text.splitlines() if not line.startswith(f"{name} =")]
        text = "\n".join(lines).replace("[limits]", f"[limits]\n{name} = {value}", 1) + "\n"
    spec_path.write_text(text)
    arena.ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    return arena


def test_correct_submission_scores_full_marks_with_every_limit_at_its_minimum(toy_course):
    arena = with_limits(toy_course, **LIMIT_MINIMUMS)
    result = arena.grade(CORRECT_AND_BUSY)
    assert result.status == "ok", result.message
    assert result.score == result.max_score
    assert "loaded; temporary files in scratch: True" in result.output


@pytest.mark.parametrize("name", sorted(LIMIT_MINIMUMS))
def test_correct_submission_scores_full_marks_with_one_limit_at_its_minimum(toy_course, name):
    arena = with_limits(toy_course, **{name: LIMIT_MINIMUMS[name]})
    result = arena.grade(CORRECT_AND_BUSY)
    assert result.status == "ok", result.message
    assert result.score == result.max_score
