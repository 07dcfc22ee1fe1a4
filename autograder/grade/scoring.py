"""Scoring, in one place: written scores folded in, the late penalty, the counted attempt.

Grading calls :func:`score_student` on freshly graded results, ``manual import`` on the
stored ones (:mod:`autograder.grade.rescore`); the gradebook stores what comes out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from autograder.course.attempts import Attempt
from autograder.course.results import (
    WRITTEN_OUTCOMES,
    SubmissionResult,
    TestResult,
    write_results,
)
from autograder.course.spec import AssignmentSpec
from autograder.grade.late import assess
from autograder.grade.shard import RESULTS_FILE, results_path
from autograder.gradebook.store import AttemptRecord, StudentRecord

ManualScores = Mapping[tuple[str, str], tuple[float, str]]  # (student, problem) -> score, comment


def manual_index(scores: pd.DataFrame) -> dict[tuple[str, str], tuple[float, str]]:
    """The gradebook's manual scores keyed by (student_id, problem), for quick lookup."""
    return {
        (str(r.student_id), str(r.problem)): (
            float(r.score),
            r.comment if isinstance(r.comment, str) else "",
        )
        for r in scores.itertuples(index=False)
    }


def written_results(
    spec: AssignmentSpec, manual: ManualScores, student_id: str
) -> list[TestResult]:
    """One result per written problem: graded if a TA's score exists, else pending."""
    results = []
    for problem in spec.written_problems:
        name = f"Written: {problem.title}"
        found = manual.get((student_id, problem.id))
        if found is not None:
            score, comment = found
            results.append(TestResult(name, problem.id, score, problem.points, "graded", comment))
        else:
            results.append(
                TestResult(
                    name, problem.id, 0.0, problem.points, "pending", "Pending manual grading."
                )
            )
    return results


def counted_index(final_scores: Sequence[float | None], policy: str) -> int | None:
    """Which of a student's attempts (oldest first) counts: the last graded one for
    "latest"; the highest final score for "best", the later one on a tie."""
    graded = [i for i, score in enumerate(final_scores) if score is not None]
    if not graded:
        return None
    if policy != "best":
        return graded[-1]
    return max(graded, key=lambda i: (final_scores[i], i))


@dataclass
class ScoredStudent:
    """One student's attempts after scoring, and the result that counts."""

    counted: SubmissionResult | None
    record: StudentRecord


def score_student(
    spec: AssignmentSpec,
    manual: ManualScores,
    student_id: str,
    attempts: Sequence[tuple[Attempt, SubmissionResult | None]],
) -> ScoredStudent:
    """Fold written scores into every graded attempt, apply the late policy, pick the
    attempt that counts. Results are changed in place; grading it again gives the same."""
    records = []
    for attempt, result in attempts:
        if result is None:
            records.append(AttemptRecord(attempt, None))
            continue
        result.tests = [t for t in result.tests if t.outcome not in WRITTEN_OUTCOMES]
        result.tests += written_results(spec, manual, student_id)
        lateness = assess(spec, student_id, attempt.submitted_at)
        result.submitted_at = attempt.submitted_at.isoformat(timespec="seconds")
        result.days_late = lateness.days_late
        result.late_penalty = lateness.penalty(result.score)
        records.append(AttemptRecord(attempt, result, False, lateness.due, lateness.fraction))
    finals = [r.result.final_score if r.result is not None else None for r in records]
    chosen = counted_index(finals, spec.attempts)
    if chosen is not None:
        records[chosen] = replace(records[chosen], counted=True)
    counted = records[chosen].result if chosen is not None else None
    return ScoredStudent(counted, StudentRecord(student_id, records))


def write_scored(
    spec: AssignmentSpec,
    out: Path,
    student_id: str,
    attempts: Sequence[tuple[Attempt, SubmissionResult | None]],
    scored: ScoredStudent,
) -> None:
    """Write each scored attempt's results.json and, under the "best" policy, the counted
    attempt's as the student's own results.json."""
    for attempt, result in attempts:
        if result is not None:
            write_results(result, results_path(out, spec, student_id, attempt))
    if spec.attempts == "best" and scored.counted is not None:
        write_results(scored.counted, out / spec.name / student_id / RESULTS_FILE)
