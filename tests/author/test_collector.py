"""The hidden-test collector follows pytest's rules: classes, pytestmark, author fixtures,
strict markers, and assertion rewriting that is never quietly off."""

from __future__ import annotations

import json

import pytest
from toy_course import TOY_REFERENCE, write

from autograder.author.collector import load_suite
from autograder.course.paths import Course
from autograder.course.spec import SpecError
from autograder.runner.one_submission import GradingContext, grade_submission

HIDDEN = "solutions/toy/tests/test_hidden.py"


def hidden(course: Course, text: str, conftest: str | None = None) -> None:
    write(course.root / HIDDEN, text)
    if conftest is not None:
        write(course.root / "solutions/toy/tests/conftest.py", conftest)


def suite(course: Course):
    return load_suite(course.spec("toy"), "hidden")


def refusal(course: Course) -> str:
    with pytest.raises(SpecError) as error:
        suite(course)
    return str(error.value)


# ------------------------------------------------------------------ classes and marks


def test_test_classes_are_collected_with_marks_from_class_and_module(toy_course):
    hidden(
        toy_course,
        """
        import pytest

        pytestmark = pytest.mark.points(3)

        @pytest.mark.problem("double")
        class TestDouble:
            def test_one(self, submission, reference):
                assert list(submission.double([1.0])) == list(reference.double([1.0]))

            @pytest.mark.points(5)
            @pytest.mark.parametrize("n", [1, 2])
            def test_many(self, submission, n):
                assert len(submission.double([1.0] * n)) == n

            def helper(self):
                pass

        @pytest.mark.problem("norm")
        def test_norm(submission):
            assert submission.norm([3.0, 4.0]) == 5
        """,
    )
    tests = {t.name: t for t in suite(toy_course).tests}
    assert sorted(tests) == [
        "TestDouble::test_many[1]",
        "TestDouble::test_many[2]",
        "TestDouble::test_one",
        "test_norm",
    ]
    assert tests["TestDouble::test_one"].points == 3  # module pytestmark
    assert tests["TestDouble::test_many[1]"].points == 5  # the function's own mark wins
    assert {t.problem for n, t in tests.items() if n.startswith("Test")} == {"double"}


def test_each_method_runs_on_a_fresh_instance(toy_course, submit):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.mark.problem("double")
        class TestState:
            seen = None

            def test_a(self, submission):
                assert self.seen is None
                self.seen = 1

            def test_b(self, submission):
                assert self.seen is None
                self.seen = 2

        @pytest.mark.problem("norm")
        def test_norm(submission):
            assert submission.norm([0.0]) == 0
        """,
    )
    result = grade_submission(
        submit("ada", TOY_REFERENCE), "ada", GradingContext(suite(toy_course), "secret")
    )
    assert [t.outcome for t in result.tests] == ["passed"] * 3


@pytest.mark.parametrize(
    "header",
    [
        "class TestBad:\n    def __init__(self):\n        pass\n",
        "class TestBad(unittest.TestCase):\n",
    ],
)
def test_a_test_class_with_init_is_refused_not_dropped(toy_course, header):
    hidden(
        toy_course,
        "import unittest\n\nimport pytest\n\n\n@pytest.mark.problem('double')\n"
        + header
        + "    def test_a(self, submission):\n        pass\n",
    )
    assert "test_hidden.py::TestBad: a test class cannot have __init__" in refusal(toy_course)


def test_static_methods_are_collected_and_not_test_objects_are_not(toy_course):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.mark.problem("double")
        class TestStatic:
            @staticmethod
            def test_static(submission):
                assert submission.double([1.0])[0] == 2

        @pytest.mark.problem("norm")
        def test_norm(submission):
            pass

        def test_helper_not_a_test():
            pass

        test_helper_not_a_test.__test__ = False
        """,
    )
    assert [t.name for t in suite(toy_course).tests] == ["TestStatic::test_static", "test_norm"]


# ------------------------------------------------------------------ markers


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
def test_an_unknown_marker_names_file_test_marker_and_the_close_match(toy_course):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.mark.problem("double")
        @pytest.mark.point(3)
        def test_double(submission):
            pass
        """,
    )
    message = refusal(toy_course)
    assert "test_hidden.py::test_double" in message
    assert "@pytest.mark.point" in message and "did you mean @pytest.mark.points?" in message


@pytest.mark.parametrize(
    ("mark", "words"),
    [
        ("xfail", "@pytest.mark.xfail is not allowed"),
        ("skipif(True, reason='x')", "@pytest.mark.skipif is not allowed"),
        ("points(-1)", "needs a positive number"),
        ("points('3')", "needs a positive number"),
    ],
)
def test_markers_a_score_cannot_carry_are_refused(toy_course, mark, words):
    hidden(
        toy_course,
        f"""
        import pytest

        @pytest.mark.problem("double")
        @pytest.mark.{mark}
        def test_double(submission):
            pass
        """,
    )
    assert words in refusal(toy_course)


def test_skip_drops_the_test_as_pytest_does(toy_course):
    hidden(
        toy_course,
        """
        import pytest

        pytestmark = pytest.mark.filterwarnings("ignore")

        @pytest.mark.problem("double")
        def test_kept(submission):
            pass

        @pytest.mark.problem("double")
        @pytest.mark.skip(reason="not ready")
        def test_skipped(submission):
            pass

        @pytest.mark.problem("norm")
        def test_norm(submission):
            pass
        """,
    )
    assert [t.name for t in suite(toy_course).tests] == ["test_kept", "test_norm"]


# ------------------------------------------------------------------ author fixtures

CONFTEST = """
import pytest

EVENTS = []


@pytest.fixture
def vector(rng):
    return rng.normal(size=4)


@pytest.fixture
def doubled(vector, reference):
    return reference.double(vector)


@pytest.fixture
def tracked():
    EVENTS.append("setup")
    yield "ready"
    EVENTS.append("teardown")


@pytest.fixture(autouse=True)
def always():
    EVENTS.append("autouse")
"""

USES_FIXTURES = """
import pytest

from autograder.author import assert_close


@pytest.mark.problem("double")
def test_double(submission, vector, doubled, tracked):
    assert tracked == "ready"
    assert_close(submission.double(vector), doubled)


@pytest.mark.problem("norm")
@pytest.mark.usefixtures("tracked")
def test_norm_fails(submission):
    assert submission.norm([3.0, 4.0]) == 6
"""


def test_conftest_fixtures_build_on_the_graders_and_tear_down_after_each_test(toy_course, submit):
    hidden(toy_course, USES_FIXTURES, CONFTEST)
    loaded = suite(toy_course)
    result = grade_submission(submit("ada", TOY_REFERENCE), "ada", GradingContext(loaded, "s"))
    assert [t.outcome for t in result.tests] == ["passed", "failed"]
    events = loaded.tests[0].author_fixtures["tracked"].func.__globals__["EVENTS"]
    # Teardown runs after the failing test too; autouse runs for every test.
    assert events == ["autouse", "setup", "teardown", "autouse", "setup", "teardown"]


def test_a_wrong_student_answer_fails_a_test_that_uses_author_fixtures(toy_course, submit):
    hidden(toy_course, USES_FIXTURES, CONFTEST)
    wrong = TOY_REFERENCE.replace("return 2 * np", "return 3 * np")
    result = grade_submission(submit("bob", wrong), "bob", GradingContext(suite(toy_course), "s"))
    assert result.tests[0].outcome == "failed" and "double" in result.tests[0].name


@pytest.mark.parametrize(
    ("conftest", "words"),
    [
        ("@pytest.fixture(scope='module')\ndef data():\n    return 1\n", "scope='module'"),
        ("@pytest.fixture(params=[1, 2])\ndef data(request):\n    return 1\n", "params"),
        ("@pytest.fixture\ndef rng():\n    return 1\n", "the grader provides the fixture 'rng'"),
        ("@pytest.fixture\ndef data(nothing):\n    return 1\n", "'nothing', which does not exist"),
        (
            "@pytest.fixture\ndef data(data2):\n    return 1\n\n"
            "@pytest.fixture\ndef data2(data):\n    return 1\n",
            "loop: data -> data2 -> data",
        ),
    ],
)
def test_fixtures_grading_cannot_honour_are_refused_at_collection(toy_course, conftest, words):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.mark.problem("double")
        def test_double(submission, data):
            pass

        @pytest.mark.problem("norm")
        def test_norm(submission):
            pass
        """,
        "import pytest\n\n" + conftest,
    )
    assert words in refusal(toy_course)


# ------------------------------------------------------------------ assertion rewriting


def test_bare_asserts_show_both_values(toy_course, submit):
    ctx = GradingContext(suite(toy_course), "secret")
    wrong = TOY_REFERENCE.replace("np.linalg.norm(x)", "np.sum(np.abs(x))")
    result = grade_submission(submit("bob", wrong), "bob", ctx)
    norm = next(t for t in result.tests if t.name == "test_norm")
    assert norm.outcome == "failed" and "Obtained:" in norm.output and "Expected:" in norm.output


def test_loading_fails_loudly_if_assertion_rewriting_is_unavailable(toy_course, monkeypatch):
    import autograder.author.collector as collector

    def broken(*args, **kwargs):
        raise ImportError("no rewriting here")

    monkeypatch.setattr(collector, "rewrite_asserts", broken)
    with pytest.raises(ImportError, match="no rewriting"):
        suite(toy_course)


# ------------------------------------------------------------------ no test, no grade


def test_an_assignment_without_hidden_tests_is_refused(toy_course):
    hidden(toy_course, "import pytest\n\nclass Helper:\n    pass\n")
    assert "no hidden test was collected" in refusal(toy_course)


def test_a_code_problem_without_a_hidden_test_is_refused_by_name(toy_course):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.mark.problem("double")
        def test_double(submission):
            pass
        """,
    )
    assert "code problem(s) 'norm' have no hidden test" in refusal(toy_course)


def test_grade_refuses_an_uncovered_problem_through_the_command(toy_course, submit):
    from autograder.cli import main

    hidden(
        toy_course,
        "import pytest\n\n@pytest.mark.problem('double')\ndef test_d(submission):\n    pass\n",
    )
    submit("ada", TOY_REFERENCE)
    code = main(["--course", str(toy_course.root), "grade", "toy"])
    assert code != 0
    assert not (toy_course.reports / "toy" / "ada" / "results.json").exists()


def test_the_toy_suite_is_unchanged_by_the_stricter_rules(toy_course):
    loaded = suite(toy_course)
    assert loaded.problems == {"double": 4.0, "norm": 1.0}
    assert loaded.solution_names == ("double", "norm")
    json.dumps([t.name for t in loaded.tests])


def test_release_refuses_an_uncovered_problem_and_writes_nothing(toy_course, tmp_path):
    from autograder.release.package import release

    hidden(
        toy_course,
        "import pytest\n\n@pytest.mark.problem('norm')\ndef test_n(submission):\n    pass\n",
    )
    with pytest.raises(SpecError, match="'double' have no hidden test"):
        release(toy_course.spec("toy"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_problem_missing_from_the_spec_is_named_with_the_test(toy_course):
    hidden(
        toy_course,
        "import pytest\n\n@pytest.mark.problem('dubble')\ndef test_d(submission):\n    pass\n",
    )
    assert "test_hidden.py::test_d: problem 'dubble' is not in assignment.toml" in refusal(
        toy_course
    )


def test_fixtures_in_the_test_file_override_the_conftest(toy_course, submit):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.fixture
        def size():
            return 3

        @pytest.fixture
        def twice():
            yield 1
            yield 2

        @pytest.mark.problem("double")
        def test_double(submission, rng, size):
            assert len(submission.double(rng.normal(size=size))) == 3

        @pytest.mark.problem("norm")
        def test_norm(submission, twice):
            pass
        """,
        "import pytest\n\n@pytest.fixture\ndef size():\n    return 5\n",
    )
    result = grade_submission(
        submit("ada", TOY_REFERENCE), "ada", GradingContext(suite(toy_course), "s")
    )
    double, norm = result.tests
    assert double.outcome == "passed"
    assert norm.outcome == "failed" and "may yield only once" in norm.output


def test_a_fixture_inside_a_test_class_is_refused_by_name(toy_course):
    hidden(
        toy_course,
        """
        import pytest

        @pytest.mark.problem("double")
        class TestWithFixture:
            @pytest.fixture
            def data(self):
                return 1

            def test_a(self, submission, data):
                pass
        """,
    )
    assert "fixtures inside a test class are not supported; move 'data'" in refusal(toy_course)
