"""The one seeding rule for the ``rng`` fixture, shared by grading, the pytest plugin and
the notebook check cells.

A test's generator is seeded from the course secret, the student id, the attempt label
and the test's name. So each student gets other inputs than their classmates, each new
attempt gets fresh inputs (inputs printed in one attempt are useless in the next), and a
regrade of the same attempt gets exactly the same inputs. Without the secret, nobody can
predict them.
"""

from __future__ import annotations

import hashlib

import numpy as np

# What students' public checks (``autograder check`` and the notebook check cells) use:
# no secret is involved, so every student sees the same public inputs.
PUBLIC_SECRET = "public-check"
PUBLIC_STUDENT = "student"


def rng_for(secret: str, student_id: str, test_name: str, attempt: str = "") -> np.random.Generator:
    """The random generator of one test for one student's attempt (a label such as
    ``20261120T140311Z``, from ``course.attempts``; empty when there is no attempt)."""
    key = "\0".join((secret, student_id, attempt, test_name))
    digest = hashlib.sha256(key.encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))
