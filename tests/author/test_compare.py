"""assert_close: the messages students read, and no way to sneak past it."""

import numpy as np
import pytest

from autograder.author.compare import assert_close, assert_shape


def test_equal_values_pass_including_nested_lists():
    expected = np.array([[0.1, 0.9], [0.5, 0.5]])
    assert_close(expected.tolist(), expected)
    assert_close(3.0, np.float64(3.0))


def test_wrong_shape_names_both_shapes():
    with pytest.raises(AssertionError) as info:
        assert_close(np.zeros((1, 3)), np.zeros(3), what="softmax(x)")
    assert "expected (3,)" in str(info.value) and "got (1, 3)" in str(info.value)


def test_nan_never_equals_anything_even_nan():
    with pytest.raises(AssertionError, match="NaN"):
        assert_close([np.nan, 1.0], [np.nan, 1.0])


def test_value_mismatch_reports_the_worst_entry():
    expected = np.array([1.0, 2.0, 3.0])
    actual = expected.copy()
    actual[2] = 3.5
    with pytest.raises(AssertionError) as info:
        assert_close(actual, expected)
    message = str(info.value)
    assert "[2]" in message and "expected 3" in message and "got 3.5" in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (None, "None"),
        ("0.5", "str"),
        ({"a": 1}, "dict"),
        ([[1, 2], [3]], "ragged"),
        ([1j], "complex"),
    ],
)
def test_wrong_types_get_a_clear_message(value, fragment):
    with pytest.raises(AssertionError, match=fragment):
        assert_close(value, [1.0])


def test_assert_shape():
    assert_shape([[1, 2, 3]], (1, 3))
    with pytest.raises(AssertionError, match=r"expected \(3,\)"):
        assert_shape([[1, 2, 3]], (3,))


def test_number_reads_a_one_element_array_and_leaves_the_rest():
    from autograder.author.compare import number

    assert number(np.array([0.7])) == 0.7 and number([[2.0]]) == 2.0
    assert number(0.5) == 0.5
    assert number(np.array([1.0, 2.0])).shape == (2,)
    assert number("x") == "x"


def test_assert_number_wants_a_plain_number():
    from autograder.author.compare import Mismatch, assert_number

    assert_number(1.5)
    assert_number(np.float64(1.5))
    for value in (np.array([1.5]), [1.5], True, "1.5", None):
        with pytest.raises(Mismatch, match="plain number"):
            assert_number(value)
