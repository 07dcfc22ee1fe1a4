"""autograder: grade machine-learning math and NumPy homework, fast and safely."""

__version__ = "0.1.0"
# The name on the package index ("autograder" there is an unrelated project); students
# install the checker with `pip install ml-homework-grader`, instructors add `[instructor]`.
DISTRIBUTION = "ml-homework-grader"
