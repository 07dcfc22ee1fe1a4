"""autograder: grade machine-learning math and NumPy homework, fast and safely."""

__version__ = "0.1.0"
