"""Making results.json (and the gradebook, and every report built from it) enormous.

Each attack makes some message the grader stores as long as it can: a test's failure
message, an exception raised while the grader compares an answer, the worker's own error
report (which student code can replace, since it runs in the same process), thousands of
failing notebook cells. Every such message is capped where it enters the result, so each
results.json stays small, and the honest student beside them keeps full marks.
"""

from __future__ import annotations

from adversarial.classroom import FULL_MARKS, HONEST, grade_class, honest_notebook, results_size
from adversarial.classroom import notebook_folder as put
from autograder.cli import main
from autograder.course.notebooks import MAX_CELLS
from autograder.course.untrusted_text import LISTED_ITEMS, MESSAGE_CHARS, cap, cap_items

SMALL = 200_000  # bytes: the most any of these results.json may hold

ATTACKS = {
    # a failure message holding an 8 MB repr of what the student returned
    "huge_return": HONEST.replace("return float(np.linalg.norm(x))", "return 'A' * 8_000_000"),
    # an exception message of 8 MB from student code, in every call
    "huge_raise": "def double(x):\n    raise ValueError('B' * 8_000_000)\n\n"
    "def norm(x):\n    raise ValueError('C' * 8_000_000)\n",
    # the worker's error report replaced: every error comes back 2.5 MB long (under the
    # protocol's bound on a reply, so that the grader's own cap is what stops it)
    "formatter": "import sys\n"
    "worker = next(m for n, m in sys.modules.items() if n.endswith('sandbox.worker'))\n"
    "def _info(kind, message, trace=''):\n"
    "    big = 'M' * 1_000_000\n"
    "    return {'type': 'T' * 500_000, 'message': big, 'traceback': big}\n"
    "worker._error_info = _info\n"
    "def double(x):\n    raise ValueError('boom')\n\n"
    "def norm(x):\n    raise ValueError('boom')\n",
}
# the load itself fails, with the error report replaced as above
ATTACKS["load_error"] = ATTACKS["formatter"].split("def double")[0] + "raise RuntimeError('L')\n"


def test_every_message_is_capped_where_it_enters_the_result(arena):
    for student, source in ATTACKS.items():
        arena.submit(source, student)
    results = grade_class(arena)
    for student in ATTACKS:
        result = results[student]
        assert results_size(arena, student) < SMALL, student
        assert all(len(t.output) <= MESSAGE_CHARS + 100 for t in result.tests), student
    assert results["huge_return"].score == 4.0  # double is right; norm is not
    assert results["huge_raise"].score == 0.0
    assert results["formatter"].score == 0.0
    assert "more characters cut]" in _output(results["formatter"], "test_norm")
    assert results["load_error"].status == "error" and results["load_error"].score == 0.0
    assert "more characters cut]" in results["load_error"].message
    assert main(["--course", str(arena.root), "report", "toy", "--no-public"]) == 0
    common = (arena.course.reports / "toy" / "tables" / "common_failures.csv").stat().st_size
    assert common < SMALL


def test_thousands_of_failing_cells_are_listed_briefly(arena):
    failing = "raise ValueError('" + "E" * 2_000 + "')\n"
    put(arena, "cells", honest_notebook(*[failing] * (MAX_CELLS - 1)))
    put(arena, "magics", honest_notebook(*["%matplotlib inline\n%load_ext foo\n!ls\n"] * 900))
    results = grade_class(arena)
    cells = results["cells"]
    assert (cells.status, cells.score) == ("error", FULL_MARKS)
    assert f"{MAX_CELLS - 1} cell(s) of toy.ipynb failed; the others still ran" in cells.message
    assert f"[... and {MAX_CELLS - 1 - LISTED_ITEMS:,} more]" in cells.message
    assert results_size(arena, "cells") < SMALL
    assert results["magics"].score == FULL_MARKS
    assert results_size(arena, "magics") < SMALL


def test_cap_says_how_much_was_cut():
    assert cap("short") == "short"
    long = "x" * (MESSAGE_CHARS + 123)
    assert cap(long) == "x" * MESSAGE_CHARS + "\n[... 123 more characters cut]"
    assert cap_items(["a"] * (LISTED_ITEMS + 5)) == ["a"] * LISTED_ITEMS + ["[... and 5 more]"]


def _output(result, test):
    return next(t.output for t in result.tests if t.name == test)
