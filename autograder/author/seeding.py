"""The one seeding rule for the ``rng`` fixture, shared by grading, the pytest plugin and
the notebook check cells.

A test's generator is seeded from the course secret, the student id, the attempt and the
test's name. The attempt is named by the SHA-256 of the files handed in (the digest that
``grade --resume`` compares), not by its time: so each student gets other inputs than
their classmates, an attempt with other code gets fresh inputs (a table of answers for the
inputs printed by one attempt is other code, so it meets other inputs), and a regrade of
the same attempt gets exactly the same inputs, even after a copy or a clone changed every
file's modification time. Without the secret, nobody can predict them.
"""

from __future__ import annotations

import hashlib

import numpy as np

# What students' public checks (``autograder check`` and the notebook check cells) use:
# no secret is involved, so every student sees the same public inputs.
PUBLIC_SECRET = "public-check"
PUBLIC_STUDENT = "student"


def rng_for(secret: str, student_id: str, test_name: str, attempt: str = "") -> np.random.Generator:
    """The random generator of one test for one student's attempt (the digest of its
    files; empty where inputs must not change between attempts, as in public checks)."""
    key = "\0".join((secret, student_id, attempt, test_name))
    digest = hashlib.sha256(key.encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))
