"""Before a batch: the reference must pass its own hidden tests, or nobody is graded.

A hidden test that fails against the reference would charge every student for the
instructor's bug, so ``grade`` refuses to start and names the test. ``release`` checks
the same before students ever see the assignment; this catches what changed since.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.errors import UserError
from autograder.runner.one_submission import GradingContext, grade_submission

CHECK_ID = "reference-check"


class BrokenReference(UserError):
    """The reference fails one of its own hidden tests."""


def reference_problems(ctx: GradingContext) -> list[str]:
    """Each hidden test the reference does not pass, with its message ("" if sound)."""
    spec = ctx.suite.spec
    source = spec.path(spec.reference).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="autograder-reference-") as tmp:
        (Path(tmp) / spec.student_file).write_text(source, encoding="utf-8")
        result = grade_submission(Path(tmp), CHECK_ID, ctx)
    problems = [
        f"{t.name}: {t.output.splitlines()[0] if t.output else t.outcome}"
        for t in result.tests
        if t.outcome != "passed"
    ]
    if result.status != "ok" and not problems:
        problems.append(f"the reference did not load cleanly ({result.status}): {result.message}")
    return problems


def require_sound_reference(ctx: GradingContext) -> None:
    """Raise BrokenReference, naming the failing tests, unless the reference passes all."""
    problems = reference_problems(ctx)
    if problems:
        spec = ctx.suite.spec
        listed = "\n".join(f"  - {p}" for p in problems[:20])
        raise BrokenReference(
            f"{spec.name}: the reference {spec.reference} fails {len(problems)} of its own "
            f"hidden test(s), so no one was graded:\n{listed}\n"
            f"Fix the reference or the tests (`autograder release {spec.name}` checks both)."
        )
