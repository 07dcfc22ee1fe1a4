"""Names of the files a student hands in beside their code, shared by every stage.

Release writes them, collect copies them, grading and the grading sheet read them: one
definition each, here, so the stages never reach into each other for a file name.
"""

from __future__ import annotations

ANSWERS_FILE = "answers.md"  # written answers handed in with a script
ANSWER_PLACEHOLDER = "_Your answer here._"  # what a student replaces in answers.md
ANSWER_STUB = "YOUR ANSWER HERE"  # what a student replaces in a notebook's answer cell


def answer_cell_id(problem_id: str) -> str:
    """The nbgrader ``grade_id`` of the notebook cell holding the answer to a problem."""
    return f"answer_{problem_id}"
