"""The one rule for what may be a student id, applied by collect, grade, manual and report.

A student id names a folder in ``submissions/<assignment>/`` and in ``reports/<assignment>/``,
where the class's own files live too. So an id starts with a letter or digit (never a
dot, a dash or a spreadsheet formula character), uses only letters, digits and ``._@+-``,
is at most 64 characters, and is none of the names of those class files, compared without
case (a student folder called ``grades.csv`` or ``tables`` would otherwise take the place
of the class's table, or have its feedback written among the class's tables).
"""

from __future__ import annotations

import re

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")

# Everything ``grade``, ``manual`` and ``report`` write in ``reports/<assignment>/`` besides
# the student folders (tests/adversarial/test_collisions.py checks that this list is whole),
# and the course-wide names of ``reports/``.
CLASS_OUTPUTS = frozenset(
    {
        "grades.csv",
        "manual_scores.csv",
        "grading_sheet.csv",
        "written",
        "report.html",
        "tables",
        "exports",
        "similarity.html",
        "similarity.csv",
        "gradebook.sqlite",
        "class_grades.csv",
    }
)


def student_id_problem(name: str) -> str:
    """Why ``name`` cannot be a student id, for people; "" when it can."""
    if not SAFE_ID.match(name):
        return (
            f"{name[:80]!r} is not a usable student id (letters, digits and ._@+- only, "
            "starting with a letter or digit, at most 64 characters)"
        )
    if name.casefold() in CLASS_OUTPUTS:
        return (
            f"{name!r} is the name of one of the class's own report files, so it cannot be "
            "a student id; rename the folder (or map it with a roster) to a real student id"
        )
    return ""
