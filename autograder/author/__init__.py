"""What test authors import: ``from autograder.author import assert_close, ...``.

Hidden and public tests need only these names. This module stays light (numpy only, no
pandas, nbformat or SQLAlchemy) because public tests run on students' machines, where
numpy and pytest are all that is installed.
"""

from autograder.author.compare import as_numeric_array, assert_close, assert_shape
from autograder.author.gradcheck import (
    assert_gradient_matches,
    numeric_gradient,
    relative_error,
    sample_indices,
)

__all__ = [
    "as_numeric_array",
    "assert_close",
    "assert_gradient_matches",
    "assert_shape",
    "numeric_gradient",
    "relative_error",
    "sample_indices",
]
