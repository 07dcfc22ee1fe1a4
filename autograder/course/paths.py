"""Where a course's folders are, and its secret.

A course is a folder with ``solutions/`` (instructor-only), ``assignments/`` (released),
``submissions/`` and ``reports/``. Commands find it by walking up from the current folder,
like git finds its repository, or take ``--course DIR``.
"""

from __future__ import annotations

import difflib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from autograder.course.spec import SPEC_FILE, AssignmentSpec, SpecError, load_spec
from autograder.sandbox import Policy

SECRET_ENV = "AUTOGRADER_SECRET"
SECRET_FILE = ".course_secret"
SIMILARITY_PAGE = "similarity.html"  # in reports/<assignment>/; the class report links to it


@dataclass(frozen=True)
class Course:
    root: Path

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def assignments(self) -> Path:
        return self.root / "assignments"

    @property
    def submissions(self) -> Path:
        return self.root / "submissions"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def spec(self, name: str) -> AssignmentSpec:
        """The instructor's spec of assignment ``name``."""
        folder = self.solutions / name
        if not (folder / SPEC_FILE).is_file():
            known = sorted(p.parent.name for p in self.solutions.glob(f"*/{SPEC_FILE}"))
            close = difflib.get_close_matches(name, known, n=1)
            raise SpecError(
                f"no assignment {name!r} in {self.solutions}"
                + (f"; did you mean {close[0]!r}?" if close else "")
                + f" (available: {', '.join(known) or 'none'})"
            )
        return load_spec(folder)

    def secret(self) -> str:
        """The course secret that seeds each student's random test inputs.

        Taken from $AUTOGRADER_SECRET, else from ``solutions/.course_secret``, which is
        created on first use. Keep it out of student hands: with it, a student could
        compute their own random inputs.
        """
        if os.environ.get(SECRET_ENV):
            return os.environ[SECRET_ENV]
        path = self.solutions / SECRET_FILE
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()


def need_course(course: Course) -> Course:
    """``course`` if it has a ``solutions/`` folder; else say how to point at one."""
    if not course.solutions.is_dir():
        raise SpecError(
            f"{course.root} is not a course folder (no solutions/ in it or above it): run "
            "this inside the course folder, or name it with --course DIR (before or after "
            "the command)"
        )
    return course


def find_course(start: Path | None = None) -> Course:
    """The nearest folder at or above ``start`` holding ``solutions/`` or ``assignments/``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir() or (folder / "assignments").is_dir():
            return Course(folder)
    return Course(here)


def course_paths(spec: AssignmentSpec) -> tuple[Path, ...]:
    """Folders student code must never see: the assignment's and its course's."""
    root = spec.root.resolve()
    return (root, root.parents[1]) if len(root.parents) > 2 else (root,)


def policy_for(spec: AssignmentSpec) -> Policy:
    """The sandbox policy of ``spec``'s workers: its limits, with the course hidden."""
    return Policy(spec.limits, hide=tuple(str(p) for p in course_paths(spec)))
