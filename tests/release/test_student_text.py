"""What the released package tells a student first, and what release says about the
instructor's own files."""

from __future__ import annotations

import pytest
from toy_course import write

from autograder.release.package import ReleaseRefused, release


def test_readme_opens_with_how_to_install_and_check(toy_course):
    report = release(toy_course.spec("toy"), toy_course.assignments)
    lines = (report.folder / "README.md").read_text().splitlines()
    opening = "\n".join(lines[:12])
    assert lines[0] == "# Toy"  # the problem's title stays first
    assert "pip install ml-homework-grader" in opening
    assert "autograder check toy toy.py" in opening and "plain `pytest`" in opening
    assert "Hand in `toy.ipynb` alone" in opening and "count for nothing" in opening


def test_release_failures_about_the_reference_name_the_reference(toy_course):
    hidden = toy_course.solutions / "toy" / "tests" / "test_hidden.py"
    write(
        hidden,
        hidden.read_text()
        + '\n\n@pytest.mark.problem("norm")\ndef test_triple(submission):\n'
        + "    assert submission.triple(1.0) == 3.0\n",
    )
    with pytest.raises(ReleaseRefused) as refused:
        release(toy_course.spec("toy"), toy_course.assignments)
    message = str(refused.value)
    assert "the reference fails hidden test test_triple: the reference does not define" in message
    assert "your code" not in message.lower()
