"""What test authors import: ``from autograder.author import assert_close, ...``.

Hidden and public tests and known-mistake catalogues need only these names. This module
stays light (numpy only, no pandas, nbformat or SQLAlchemy) because public tests run on
students' machines, where numpy and pytest are all that is installed.
"""

from autograder.author.compare import (
    Mismatch,
    as_numeric_array,
    assert_close,
    assert_number,
    assert_shape,
    number,
)
from autograder.author.gradcheck import (
    assert_gradient_matches,
    numeric_gradient,
    relative_error,
    sample_indices,
)
from autograder.author.mistakes import known_mistake

__all__ = [
    "Mismatch",
    "as_numeric_array",
    "assert_close",
    "assert_gradient_matches",
    "assert_number",
    "assert_shape",
    "known_mistake",
    "number",
    "numeric_gradient",
    "relative_error",
    "sample_indices",
]
