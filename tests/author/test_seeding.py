"""One seeding rule: new inputs for an attempt with new code, the same for a regrade."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import numpy as np
import pytest
from toy_course import TOY_REFERENCE, write

from autograder.author.collector import load_suite
from autograder.author.seeding import rng_for
from autograder.course.results import read_results
from autograder.course.timestamps import attempt_name, write_timestamp
from autograder.grade.batch import grade_batch
from autograder.runner.one_submission import GradingContext

RECORDS_INPUTS = """

@pytest.mark.problem("norm")
def test_records_its_inputs(submission, rng, record):
    x = rng.normal(size=3)
    record("x", x)
    assert submission.norm(x) >= 0
"""

FIRST = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SECOND = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_the_generator_depends_on_each_part_of_the_seed():
    def draw(*seed):
        return tuple(rng_for(*seed).integers(0, 2**62, size=2))

    base = draw("secret", "ada", "test_x", "digest1")
    assert base == draw("secret", "ada", "test_x", "digest1")
    others = [
        draw("other", "ada", "test_x", "digest1"),
        draw("secret", "bob", "test_x", "digest1"),
        draw("secret", "ada", "test_y", "digest1"),
        draw("secret", "ada", "test_x", "digest2"),
    ]
    assert all(o != base for o in others)


def inputs_per_attempt(course) -> dict[str, list[float]]:
    """Grade every attempt of ``ada`` and read back what the test recorded."""
    spec = course.spec("toy")
    ctx = GradingContext(load_suite(spec), course.secret())
    grade_batch(ctx, [("ada", course.submissions / "toy" / "ada")], course.reports)
    out = course.reports / "toy" / "ada"
    found = {}
    for label, path in [
        (attempt_name(FIRST), out / "attempts" / attempt_name(FIRST) / "results.json"),
        (attempt_name(SECOND), out / "attempts" / attempt_name(SECOND) / "results.json"),
    ]:
        test = next(t for t in read_results(path).tests if t.name == "test_records_its_inputs")
        assert test.outcome == "passed"
        found[label] = test.data["x"]
    return found


def test_a_new_attempt_gets_fresh_inputs_and_a_regrade_the_same_ones(toy_course):
    hidden = toy_course.solutions / "toy" / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text() + RECORDS_INPUTS)
    spec = toy_course.solutions / "toy" / "assignment.toml"
    spec.write_text(
        spec.read_text().replace(
            'student_file = "toy.py"', 'student_file = "toy.py"\nattempts = "best"'
        )
    )
    student = toy_course.submissions / "toy" / "ada"
    earlier = student / "attempts" / attempt_name(FIRST)
    # The second attempt is the first plus what a student would add to answer from a
    # table of the inputs the first one printed.
    table = "\nANSWERS = {(0.1, 0.2, 0.3): 0.37}\n"
    for folder, moment, code in (
        (earlier, FIRST, TOY_REFERENCE),
        (student, SECOND, TOY_REFERENCE + table),
    ):
        write(folder / "toy.py", code)
        write_timestamp(folder, moment)
    first = inputs_per_attempt(toy_course)
    assert not np.allclose(first[attempt_name(FIRST)], first[attempt_name(SECOND)])
    for path in student.rglob("toy.py"):  # a copy or a clone changes modification times
        os.utime(path, (0, 0))
    again = inputs_per_attempt(toy_course)
    assert again == first


SHOWS_INPUTS = """
import pytest


@pytest.mark.problem("double")
def test_shows_inputs(submission, rng):
    x = rng.normal(size=2)
    assert submission.double(x) is None, f"inputs {x.tolist()}"
"""


def test_public_checks_and_notebook_cells_draw_one_fixed_set_of_inputs(toy_course, tmp_path):
    from autograder.author.collector import import_rewritten
    from autograder.author.notebook_checks import run_checks
    from autograder.check.public import run_check

    public = write(toy_course.solutions / "toy" / "public" / "test_public.py", SHOWS_INPUTS)
    spec = toy_course.spec("toy")
    messages = []
    for name, extra in (("a", ""), ("b", "\n# another attempt\n")):
        path = write(tmp_path / name / "toy.py", TOY_REFERENCE + extra)
        messages.append(run_check(spec, path).tests[0].output)
    assert messages[0] == messages[1] and "inputs [" in messages[0]
    module = import_rewritten(public, "_shows_inputs")
    namespace = {**vars(module), "double": lambda x: 2 * x}
    with pytest.raises(AssertionError) as failed:
        run_checks(namespace, [module.test_shows_inputs])
    assert messages[0].split("inputs ")[1].splitlines()[0] in str(failed.value)
