"""Per-student results, written in Gradescope's ``results.json`` schema.

Gradescope's fields (``score``, ``execution_time``, ``output``, ``tests[]`` with ``name``,
``score``, ``max_score``, ``status``, ``output``, ``visibility``, ``tags``) are filled as
Gradescope defines them; what only this grader knows (status, problem of each test,
submission digest, written answers pending) goes under ``extra_data``, which Gradescope
keeps and ignores.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("ok", "error", "timeout", "crashed", "missing", "grader-error")
WRITTEN_OUTCOMES = ("pending", "graded")  # the outcomes of a written problem, not a test


@dataclass
class TestResult:
    """The outcome of one test (or of one written problem)."""

    __test__ = False

    name: str
    problem: str
    score: float
    max_score: float
    outcome: str  # passed | failed | grader-error | pending (written, not scored) | graded
    output: str = ""  # the details: may show the test's inputs and expected values
    visibility: str = "visible"
    tags: list[str] = field(default_factory=list)
    duration: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)  # plain JSON a test recorded
    diagnosis: str = ""  # the named mistake: never an expected value, shown before the due date


@dataclass
class SubmissionResult:
    """Everything grading concluded about one student's submission."""

    assignment: str
    student_id: str
    status: str
    message: str
    tests: list[TestResult]
    execution_time: float = 0.0
    output: str = ""
    digest: str = ""
    graded_at: str = ""
    submitted_at: str = ""  # ISO time the attempt was handed in ("" if unknown)
    days_late: int = 0
    late_penalty: float = 0.0  # points taken off ``score`` by the late policy
    # The public tests run at grading time, as ``check`` shows them, for the feedback:
    # {"message": str, "tests": [{"name", "outcome", "output"}]}; None if not run.
    public: dict[str, Any] | None = None

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def final_score(self) -> float:
        """The raw score less the late penalty."""
        return self.score - self.late_penalty

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)

    @property
    def pending(self) -> float:
        return sum(t.max_score for t in self.tests if t.outcome == "pending")

    def problem_scores(self) -> dict[str, float | None]:
        """Score per problem; ``None`` for a written problem still waiting for a grader."""
        scores: dict[str, float | None] = {}
        for test in self.tests:
            if test.outcome == "pending":
                scores[test.problem] = None
            elif scores.get(test.problem, 0.0) is not None:
                scores[test.problem] = scores.get(test.problem, 0.0) + test.score
        return scores

    def to_gradescope(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 6),
            "execution_time": round(self.execution_time, 3),
            "output": self.output,
            "tests": [_test_to_gradescope(t) for t in self.tests],
            "extra_data": {
                "assignment": self.assignment,
                "student_id": self.student_id,
                "status": self.status,
                "message": self.message,
                "max_score": self.max_score,
                "pending_points": self.pending,
                "digest": self.digest,
                "graded_at": self.graded_at,
                "submitted_at": self.submitted_at,
                "days_late": self.days_late,
                "late_penalty": round(self.late_penalty, 6),
                "final_score": round(self.final_score, 6),
                "public_tests": self.public,
            },
        }

    @classmethod
    def from_gradescope(cls, data: dict[str, Any]) -> SubmissionResult:
        extra = data.get("extra_data", {})
        tests = [
            TestResult(
                name=t["name"],
                problem=t.get("extra_data", {}).get("problem", ""),
                score=float(t.get("score", 0.0)),
                max_score=float(t.get("max_score", 0.0)),
                outcome=t.get("extra_data", {}).get("outcome", t.get("status", "failed")),
                output=t.get("output", ""),
                visibility=t.get("visibility", "visible"),
                tags=list(t.get("tags", [])),
                duration=float(t.get("extra_data", {}).get("duration", 0.0)),
                data=dict(t.get("extra_data", {}).get("data", {})),
                diagnosis=t.get("extra_data", {}).get("diagnosis", ""),
            )
            for t in data.get("tests", [])
        ]
        return cls(
            assignment=extra.get("assignment", ""),
            student_id=extra.get("student_id", ""),
            status=extra.get("status", "ok"),
            message=extra.get("message", ""),
            tests=tests,
            execution_time=float(data.get("execution_time", 0.0)),
            output=data.get("output", ""),
            digest=extra.get("digest", ""),
            graded_at=extra.get("graded_at", ""),
            submitted_at=extra.get("submitted_at", ""),
            days_late=int(extra.get("days_late", 0)),
            late_penalty=float(extra.get("late_penalty", 0.0)),
            public=extra.get("public_tests"),
        )


def _test_to_gradescope(test: TestResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": test.name,
        "score": round(test.score, 6),
        "max_score": test.max_score,
        "output": test.output,
        "visibility": test.visibility,
        "tags": test.tags,
        "extra_data": {
            "problem": test.problem,
            "outcome": test.outcome,
            "duration": round(test.duration, 4),
        },
    }
    if test.data:
        out["extra_data"]["data"] = test.data
    if test.diagnosis:
        out["extra_data"]["diagnosis"] = test.diagnosis
    if test.outcome in ("passed", "failed"):
        out["status"] = test.outcome
    return out


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a crash mid-write never leaves a half file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    # No indent: json's C encoder then does the work, ten times faster than the indenting one.
    text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(tmp, path)


def write_results(result: SubmissionResult, path: Path) -> None:
    write_json_atomic(path, result.to_gradescope())


def read_results(path: Path) -> SubmissionResult:
    return SubmissionResult.from_gradescope(json.loads(path.read_text(encoding="utf-8")))


__all__ = ["STATUSES", "SubmissionResult", "TestResult", "asdict", "read_results", "write_results"]
