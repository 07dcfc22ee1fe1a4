"""Before a batch: the reference must pass its own hidden tests, or nobody is graded.

A hidden test that fails against the reference would charge every student for the
instructor's bug, so ``grade`` refuses to start and names the test. ``release`` checks
the same before students ever see the assignment; this catches what changed since.
``inert_mistakes`` finds known mistakes that no hidden test tells from the reference.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.author.mistakes import with_mistake
from autograder.author.recording import Recorder
from autograder.author.seeding import rng_for
from autograder.errors import UserError
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.runner.verdict import run_case

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


def inert_mistakes(ctx: GradingContext) -> list[str]:
    """Known mistakes under which the reference, handed in as a student's answer, still
    passes every hidden test: no student could ever be told of them, so the catalogue
    (or the tests) is wrong. The reference is trusted code, so it runs in this process."""
    reference = ctx.suite.reference
    if reference is None:
        return []
    found = []
    for mistake in ctx.suite.mistakes:
        variant = with_mistake(reference, mistake)
        if all(_passes(case, reference, variant, ctx) for case in ctx.suite.tests):
            found.append(
                f"  - known mistake {mistake.name} ({mistake.target}) is told apart from the "
                "reference by no hidden test: change it or add a test that catches it"
            )
    return found


def _passes(case, answer, variant, ctx: GradingContext) -> bool:
    if "reference" not in case.fixtures:
        return True
    provided = {
        "submission": answer,
        "reference": variant,
        "rng": rng_for(ctx.secret, CHECK_ID, case.name),
        "record": Recorder(),
    }
    return run_case(case, provided, ctx.suite.spec.tolerance).outcome == "passed"
