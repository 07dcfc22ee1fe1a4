"""Reads and checks an assignment's spec (``assignment.toml``).

The spec is the one place an assignment is described to the engine: which file students
submit, where the reference and the tests are, the problems and their points, limits and
tolerances. A spec error names the file and the field and says how to fix it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
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
    """One ``[[problems]]`` entry: code problems earn their tests' points, written ones
    their own ``points``."""

    id: str
    title: str
    written: bool = False
    points: float = 0.0  # for written problems; code problems sum their tests' points
    prompt: str = ""


ATTEMPT_POLICIES = ("latest", "best")
# Problem ids and assignment names become file names, nbgrader cell ids and headings.
IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Tolerance:
    """``[tolerance]``: the default ``rtol``/``atol`` of ``assert_close`` in this
    assignment's tests (a test may still pass its own)."""

    rtol: float = 1e-6
    atol: float = 1e-9


@dataclass(frozen=True)
class PortalPolicy:
    """``[portal]``: how the course portal takes uploads. A student waits
    ``cooldown_seconds`` between graded attempts (so instant feedback is read, not used as
    an oracle) and has at most ``max_attempts`` of them (None: no limit)."""

    cooldown_seconds: float = 60.0
    max_attempts: int | None = None


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
    tolerance: Tolerance = field(default_factory=Tolerance)
    late: LatePolicy = field(default_factory=LatePolicy)
    extensions: tuple[tuple[str, datetime], ...] = ()  # (student_id, new due date)
    attempts: str = "latest"  # which attempt counts: "latest" or "best" (after late penalty)
    portal: PortalPolicy = field(default_factory=PortalPolicy)
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


# Every key the spec may hold, per table. Anything else is an error that names the key.
TOP_KEYS = (
    "name",
    "title",
    "student_file",
    "reference",
    "problem_text",
    "hidden_tests",
    "public_tests",
    "due",
    "attempts",
    "problems",
    "limits",
    "tolerance",
    "late",
    "extensions",
    "lms",
    "portal",
    "settings",
)
PROBLEM_KEYS = ("id", "title", "written", "points", "prompt")
LATE_KEYS = tuple(f.name for f in fields(LatePolicy))
TOLERANCE_KEYS = tuple(f.name for f in fields(Tolerance))
LMS_KEYS = ("canvas_assignment_id",)
PORTAL_KEYS = tuple(f.name for f in fields(PortalPolicy))
# ``[settings]`` is free-form notes for people (conventions the tests follow); never read.


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
    """Build a spec from parsed TOML, checking every key and type a user could get wrong."""
    check_keys(data, TOP_KEYS, "the top level", source)
    name = _identifier(_need(data, "name", source), "name", source)
    student_file = _text(_need(data, "student_file", source), "student_file", source)
    entries = _need(data, "problems", source)
    if not isinstance(entries, list) or not entries:
        raise SpecError(f"{source}: 'problems' must hold at least one [[problems]] table")
    problems = tuple(_parse_problem(p, i, source) for i, p in enumerate(entries, start=1))
    ids = [p.id for p in problems]
    if len(set(ids)) != len(ids):
        raise SpecError(f"{source}: problem ids must be unique, got {ids}")
    lms = _table(data, "lms", source)
    check_keys(lms, LMS_KEYS, "[lms]", source)
    _table(data, "settings", source)
    return AssignmentSpec(
        name=name,
        title=_text(data.get("title", name), "title", source),
        root=root,
        student_file=student_file,
        problems=problems,
        reference=_optional_text(data, "reference", source),
        problem_text=_optional_text(data, "problem_text", source),
        hidden_tests=_text_list(data, "hidden_tests", source),
        public_tests=_text_list(data, "public_tests", source),
        due=_parse_due(data.get("due"), source),
        limits=_parse_limits(_table(data, "limits", source), source),
        tolerance=_parse_tolerance(_table(data, "tolerance", source), source),
        late=_parse_late(_table(data, "late", source), source),
        extensions=_parse_extensions(_table(data, "extensions", source), source),
        attempts=_parse_attempts(data.get("attempts", "latest"), source),
        portal=_parse_portal(_table(data, "portal", source), source),
        raw=data,
    )


def check_keys(table: dict, allowed: Iterable[str], where: str, source: str) -> None:
    """Refuse a key not in ``allowed``, suggesting the closest allowed one."""
    allowed = list(allowed)
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            close = close or [a for a in allowed if key in a or a in key]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SpecError(
                f"{source}: unknown key {key!r} in {where}{hint}; allowed: {', '.join(allowed)}"
            )


def _need(data: dict, key: str, source: str) -> Any:
    if key not in data:
        raise SpecError(f"{source}: missing required key {key!r}")
    return data[key]


def _text(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{source}: '{key}' must be a non-empty string, got {value!r}")
    return value


def _optional_text(data: dict, key: str, source: str) -> str | None:
    return _text(data[key], key, source) if key in data else None


def _identifier(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise SpecError(
            f"{source}: {key} {value!r} may hold only letters, digits, '_' and '-' "
            "(it names files and notebook cells)"
        )
    return value


def _text_list(data: dict, key: str, source: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SpecError(f'{source}: {key!r} must be a list of file paths, like ["tests/x.py"]')
    return tuple(value)


def _table(data: dict, key: str, source: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise SpecError(f"{source}: {key!r} must be a table ([{key}]), got {value!r}")
    return value


def _number(value: Any, what: str, source: str, *, minimum: float = 0.0) -> float:
    """A real number (not a boolean, not a string) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise SpecError(f"{source}: {what} must be a number >= {minimum:g}, got {value!r}")
    return float(value)


def _parse_limits(table: dict, source: str) -> Limits:
    check_keys(table, [f.name for f in fields(Limits)], "[limits]", source)
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


def _parse_tolerance(table: dict, source: str) -> Tolerance:
    check_keys(table, TOLERANCE_KEYS, "[tolerance]", source)
    return Tolerance(**{k: _number(v, f"[tolerance] {k}", source) for k, v in table.items()})


def _parse_problem(entry: Any, number: int, source: str) -> Problem:
    if not isinstance(entry, dict):
        raise SpecError(f"{source}: [[problems]] entry {number} must be a table, got {entry!r}")
    where = f"[[problems]] entry {number}"
    check_keys(entry, PROBLEM_KEYS, where, source)
    problem_id = _identifier(_need(entry, "id", f"{source}: {where}"), f"{where}: id", source)
    where = f"problem {problem_id!r}"
    written = entry.get("written", False)
    if not isinstance(written, bool):
        raise SpecError(f"{source}: {where}: 'written' must be true or false, got {written!r}")
    if written:
        points = _number(
            _need(entry, "points", f"{source}: written {where}"), f"{where}: 'points'", source
        )
        if points == 0:
            raise SpecError(f"{source}: {where}: a written problem needs 'points' above 0")
    elif "points" in entry:
        raise SpecError(
            f"{source}: {where}: 'points' is only for written problems; a code problem earns "
            "the points of its tests (@pytest.mark.points)"
        )
    prompt = entry.get("prompt", "")
    if not isinstance(prompt, str):
        raise SpecError(f"{source}: {where}: 'prompt' must be a string")
    return Problem(
        id=problem_id,
        title=_text(entry.get("title", problem_id), "title", f"{source}: {where}"),
        written=written,
        points=points if written else 0.0,
        prompt=prompt,
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


def _parse_late(table: dict, source: str) -> LatePolicy:
    check_keys(table, LATE_KEYS, "[late]", source)
    values = {key: _number(value, f"[late] {key}", source) for key, value in table.items()}
    if values.get("penalty_per_day", 0.0) > 1:
        raise SpecError(
            f"{source}: [late] penalty_per_day is a fraction of the score (0.1 = 10%), "
            f"got {values['penalty_per_day']:g}"
        )
    return LatePolicy(**values)


def _parse_extensions(table: dict, source: str) -> tuple[tuple[str, datetime], ...]:
    return tuple(
        (str(student), _parse_due(when, source, f"extensions.{student}"))
        for student, when in sorted(table.items())
    )


def _parse_portal(table: dict, source: str) -> PortalPolicy:
    check_keys(table, PORTAL_KEYS, "[portal]", source)
    policy = PortalPolicy()
    if "cooldown_seconds" in table:
        cooldown = _number(table["cooldown_seconds"], "[portal] cooldown_seconds", source)
        policy = PortalPolicy(cooldown, policy.max_attempts)
    if "max_attempts" in table:
        count = table["max_attempts"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise SpecError(
                f"{source}: [portal] max_attempts must be a whole number of at least 1, "
                f"got {count!r}"
            )
        policy = PortalPolicy(policy.cooldown_seconds, count)
    return policy


def _parse_attempts(value: Any, source: str) -> str:
    if value not in ATTEMPT_POLICIES:
        raise SpecError(f"{source}: 'attempts' must be one of {ATTEMPT_POLICIES}, got {value!r}")
    return value
