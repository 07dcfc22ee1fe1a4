"""Release builds the student package only from a sound assignment; check runs public tests."""

from __future__ import annotations

import pytest

from autograder.check.public import find_public_spec, run_check
from autograder.course.spec import load_spec
from autograder.release.package import ReleaseRefused, release


def test_release_writes_the_student_package_without_secrets(toy_course, tmp_path):
    report = release(toy_course.spec("toy"), tmp_path / "out")
    names = {p.relative_to(report.folder).as_posix() for p in report.files}
    assert names == {
        "toy.py",
        "toy.ipynb",
        "assignment.toml",
        "README.md",
        "answers.md",
        "tests/test_public.py",
    }
    template = (report.folder / "toy.py").read_text()
    assert "raise NotImplementedError" in template and "np.sqrt" not in template
    public = (report.folder / "assignment.toml").read_text()
    assert "hidden" not in public and "reference" not in public
    assert "## essay: Essay (3 points)" in (report.folder / "answers.md").read_text()
    assert load_spec(report.folder).public_tests == ("tests/test_public.py",)
    assert report.reference.score == report.reference.max_score
    assert report.template.score == 0


def test_release_refuses_a_reference_that_fails_a_hidden_test(toy_course, tmp_path):
    reference = toy_course.solutions / "toy" / "toy.py"
    # A reference that returns NaN fails its own tests: NaN never equals anything.
    reference.write_text(reference.read_text().replace("return 2 * np", "return np.nan * np"))
    with pytest.raises(ReleaseRefused, match="reference fails hidden test test_double_fixed"):
        release(toy_course.spec("toy"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_release_refuses_a_template_that_scores(toy_course, tmp_path):
    reference = toy_course.solutions / "toy" / "toy.py"
    text = reference.read_text()
    # Move norm's body outside the markers: the template would then solve it for free.
    text = text.replace("    ### BEGIN SOLUTION\n    return float(", "    return float(").replace(
        "norm(x))\n    ### END SOLUTION", "norm(x))"
    )
    reference.write_text(text)
    with pytest.raises(ReleaseRefused, match="template earns 1 point"):
        release(toy_course.spec("toy"), tmp_path / "out")


def test_release_refuses_public_tests_that_use_the_reference(toy_course, tmp_path):
    public = toy_course.solutions / "toy" / "public" / "test_public.py"
    public.write_text(
        public.read_text()
        + "\n\n@pytest.mark.problem('norm')\ndef test_leak(submission, reference):\n    pass\n"
    )
    with pytest.raises(Exception, match="reference"):
        release(toy_course.spec("toy"), tmp_path / "out")


def test_check_runs_public_tests_from_the_released_package(toy_course, tmp_path):
    report = release(toy_course.spec("toy"), toy_course.assignments)
    spec = find_public_spec("toy", report.folder / "toy.py", toy_course)
    untouched = run_check(spec, report.folder / "toy.py")
    assert untouched.score == 0 and all(t.outcome == "failed" for t in untouched.tests)
    solved = tmp_path / "mine.py"
    solved.write_text((toy_course.solutions / "toy" / "toy.py").read_text())
    result = run_check(spec, solved)
    assert result.score == result.max_score == 2
