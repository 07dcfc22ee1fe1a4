"""What the released package tells a student first: how to install the checker, run it, hand in.

The same facts go at the top of ``README.md`` and into the notebook's first cell, worded
for each: a notebook student hands in the notebook, a script student the script.
"""

from __future__ import annotations

from autograder import DISTRIBUTION
from autograder.course.files import ANSWERS_FILE
from autograder.course.spec import AssignmentSpec


def readme_header(spec: AssignmentSpec, notebook: str) -> str:
    """The lines that open the student README, under its title."""
    name, script = spec.name, spec.student_file
    script_hand_in = f"`{script}`" + (f" and `{ANSWERS_FILE}`" if spec.written_problems else "")
    return f"""\
> **Before you start.** Install the checker once; it needs only NumPy and pytest:
> `pip install {DISTRIBUTION}`. Then, in this folder:
>
> - **Script**: write your code in `{script}` and run `autograder check {name} {script}`
>   (plain `pytest` runs the same public tests). Hand in {script_hand_in}.
> - **Notebook**: open `{notebook}`, and run each problem's check cell (or
>   `autograder check {name} {notebook}`). Hand in `{notebook}` alone; its answer cells
>   replace `{ANSWERS_FILE}`. If you hand in both, `{script}` is graded.
>
> The public tests count for nothing in your grade; they catch common mistakes early. The
> hidden tests that decide your grade check more.
"""


def with_header(problem_text: str, header: str) -> str:
    """``header`` right under the README's title (or first, if it has none)."""
    first, _, rest = problem_text.partition("\n")
    if first.startswith("# "):
        return f"{first}\n\n{header}\n{rest.lstrip(chr(10))}"
    return f"{header}\n{problem_text}"


def notebook_intro(spec: AssignmentSpec, notebook: str) -> str:
    """The notebook's first cell: work here, check here, hand in this notebook."""
    return f"""\
# How to work in this notebook

- Write your code in the cells that say `# YOUR CODE HERE`, and your written answers in the
  cells that say *YOUR ANSWER HERE*. Keep the function names as they are.
- Run a problem's **check cell** to run its public tests. They need the checker, installed
  once with `pip install {DISTRIBUTION}` (NumPy and pytest are all it brings). The public
  tests count for nothing in your grade; the hidden tests decide it.
- **Hand in this notebook, `{notebook}`**, not `{spec.student_file}` and not
  `{ANSWERS_FILE}`: where the text below mentions those files, the cells of this notebook take
  their place. If you hand in both `{notebook}` and `{spec.student_file}`, the `.py` is graded.
"""
