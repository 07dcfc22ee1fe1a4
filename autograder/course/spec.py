"""Reads and checks an assignment's spec (``assignment.toml``).

The spec is the one place an assignment is described to the engine: which file students
submit, where the reference and the tests are, the problems and their points, limits and
tolerances. A spec error names the file and the field and says how to fix it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autograder.errors import UserError
from autograder.sandbox import LIMIT_MINIMUMS, Limits  # [limits] is the jail's own

SPEC_FILE = "assignment.toml"


class SpecError(UserError):
    """The assignment spec is missing or invalid."""


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    written: bool = False
    points: float = 0.0  # for written problems; code problems sum their tests' points
    prompt: str = ""


ATTEMPT_POLICIES = ("latest", "best")


@dataclass(frozen=True)
class LatePolicy:
    """How late work loses points (``[late]`` in the spec). The defaults take nothing off.

    Work handed in up to ``grace_minutes`` after the due date is on time. Later work loses
    ``penalty_per_day`` of its raw score for every started day after the due date; after
    ``max_days`` days (if set) it earns zero.
    """

    grace_minutes: float = 0.0
    penalty_per_day: float = 0.0
    max_days: float | None = None


@dataclass(frozen=True)
class AssignmentSpec:
    """An assignment as the engine knows it. ``root`` is the folder holding the spec."""

    name: str
    title: str
    root: Path
    student_file: str
    problems: tuple[Problem, ...]
    reference: str | None = None
    problem_text: str | None = None
    hidden_tests: tuple[str, ...] = ()
    public_tests: tuple[str, ...] = ()
    due: datetime | None = None
    limits: Limits = field(default_factory=Limits)
    rtol: float = 1e-6
    atol: float = 1e-9
    late: LatePolicy = field(default_factory=LatePolicy)
    extensions: tuple[tuple[str, datetime], ...] = ()  # (student_id, new due date)
    attempts: str = "latest"  # which attempt counts: "latest" or "best" (after late penalty)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def module_name(self) -> str:
        return Path(self.student_file).stem

    def problem(self, problem_id: str) -> Problem:
        for problem in self.problems:
            if problem.id == problem_id:
                return problem
        known = ", ".join(p.id for p in self.problems)
        raise SpecError(f"{self.name}: no problem {problem_id!r} in {SPEC_FILE} (known: {known})")

    @property
    def written_problems(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.written)

    def path(self, relative: str) -> Path:
        return self.root / relative

    def due_for(self, student_id: str) -> datetime | None:
        """The due date of one student: their extension if they have one."""
        return dict(self.extensions).get(student_id, self.due)


def load_spec(folder: Path) -> AssignmentSpec:
    """Read ``folder/assignment.toml``; raise ``SpecError`` with a readable message."""
    path = Path(folder) / SPEC_FILE
    if not path.is_file():
        raise SpecError(f"no {SPEC_FILE} in {folder}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from None
    return parse_spec(data, Path(folder), source=str(path))


def parse_spec(data: dict[str, Any], root: Path, *, source: str = SPEC_FILE) -> AssignmentSpec:
    """Build a spec from parsed TOML, checking every field a user could get wrong."""

    def need(key: str, kind: type, where: dict = data) -> Any:
        if key not in where:
            raise SpecError(f"{source}: missing required field {key!r}")
        value = where[key]
        if not isinstance(value, kind):
            raise SpecError(f"{source}: {key!r} must be a {kind.__name__}, got {value!r}")
        return value

    name = need("name", str)
    problems = tuple(_parse_problem(p, source) for p in need("problems", list))
    ids = [p.id for p in problems]
    if len(set(ids)) != len(ids):
        raise SpecError(f"{source}: problem ids must be unique, got {ids}")
    limits = data.get("limits", {})
    tolerance = data.get("tolerance", {})
    return AssignmentSpec(
        name=name,
        title=data.get("title", name),
        root=root,
        student_file=need("student_file", str),
        problems=problems,
        reference=data.get("reference"),
        problem_text=data.get("problem_text"),
        hidden_tests=tuple(data.get("hidden_tests", ())),
        public_tests=tuple(data.get("public_tests", ())),
        due=_parse_due(data.get("due"), source),
        limits=_parse_limits(limits, source),
        rtol=float(tolerance.get("rtol", 1e-6)),
        atol=float(tolerance.get("atol", 1e-9)),
        late=_parse_late(data.get("late", {}), source),
        extensions=_parse_extensions(data.get("extensions", {}), source),
        attempts=_parse_attempts(data.get("attempts", "latest"), source),
        raw=data,
    )


def _parse_limits(table: Any, source: str) -> Limits:
    if not isinstance(table, dict):
        raise SpecError(f"{source}: [limits] must be a table")
    unknown = set(table) - {f.name for f in fields(Limits)}
    if unknown:
        known = ", ".join(f.name for f in fields(Limits))
        raise SpecError(f"{source}: unknown [limits] field(s) {sorted(unknown)}; known: {known}")
    values: dict[str, Any] = {}
    for name in ("call_timeout", "submission_timeout"):
        if name in table:
            value = table[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise SpecError(f"{source}: [limits] {name} must be a positive number of seconds")
            values[name] = float(value)
    for name, minimum in LIMIT_MINIMUMS.items():
        if name in table:
            value = table[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise SpecError(
                    f"{source}: [limits] {name} must be a whole number of at least {minimum}, "
                    f"got {value!r}"
                )
            values[name] = value
    return Limits(**values)


def _parse_problem(entry: Any, source: str) -> Problem:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise SpecError(f"{source}: every [[problems]] entry needs a string 'id', got {entry!r}")
    written = bool(entry.get("written", False))
    if written and not isinstance(entry.get("points"), (int, float)):
        raise SpecError(f"{source}: written problem {entry['id']!r} needs numeric 'points'")
    return Problem(
        id=entry["id"],
        title=entry.get("title", entry["id"]),
        written=written,
        points=float(entry.get("points", 0.0)),
        prompt=entry.get("prompt", ""),
    )


def _parse_due(value: Any, source: str, key: str = "due") -> datetime | None:
    """An ISO date-time; one without a zone is taken as UTC so it compares with any time."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            raise SpecError(
                f"{source}: {key!r} must be an ISO date-time like 2026-12-15T23:59:00+00:00, "
                f"got {value!r}"
            ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _parse_late(table: Any, source: str) -> LatePolicy:
    if not isinstance(table, dict):
        raise SpecError(f"{source}: [late] must be a table, got {table!r}")
    unknown = sorted(set(table) - {"grace_minutes", "penalty_per_day", "max_days"})
    if unknown:
        raise SpecError(
            f"{source}: [late] has unknown key(s) {unknown}; "
            "known: grace_minutes, penalty_per_day, max_days"
        )
    values = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise SpecError(f"{source}: [late] {key} must be a number >= 0, got {value!r}")
        values[key] = float(value)
    if values.get("penalty_per_day", 0.0) > 1:
        raise SpecError(
            f"{source}: [late] penalty_per_day is a fraction of the score (0.1 = 10%), "
            f"got {values['penalty_per_day']:g}"
        )
    return LatePolicy(**values)


def _parse_extensions(table: Any, source: str) -> tuple[tuple[str, datetime], ...]:
    if not isinstance(table, dict):
        raise SpecError(f"{source}: [extensions] must be a table of student_id = date-time")
    return tuple(
        (str(student), _parse_due(when, source, f"extensions.{student}"))
        for student, when in sorted(table.items())
    )


def _parse_attempts(value: Any, source: str) -> str:
    if value not in ATTEMPT_POLICIES:
        raise SpecError(f"{source}: 'attempts' must be one of {ATTEMPT_POLICIES}, got {value!r}")
    return value
