"""The arena: the toy assignment with secrets planted, victims in place, and checks after.

Every hostile submission is graded through :meth:`Arena.grade`, which also asserts the two
things every attack must leave untouched: the course tree (byte for byte, modes and
times included) and the process table (no process of a sandbox uid survives grading).
Each test then asserts the exact score, failed tests and status it expects, and the
``arena`` fixture grades an honest control submission after it, which must keep full marks.

Secrets are random tokens planted where an attacker would look: in the reference
solution, the hidden tests, the course secret, another student's submission and reports.
A test that exfiltrates what it found (through an exception message or its output)
proves that no token came back.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from autograder.author.collector import load_suite
from autograder.course.paths import Course
from autograder.course.results import SubmissionResult
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.sandbox.zygote_launcher import shared_server

# A call limit of a few seconds: honest calls must not time out on a loaded machine.
ARENA_LIMITS = """
[limits]
call_timeout = 3.0
submission_timeout = 20.0
memory_mb = 512
cpu_seconds = 10
max_processes = 16
max_open_files = 32
max_file_mb = 2
scratch_mb = 8
"""

HONEST_DOUBLE = """
import numpy as np


def double(x):
    return 2 * np.asarray(x, dtype=float)
"""

HONEST_NORM = """
import numpy as np


def norm(x):
    return float(np.linalg.norm(x))
"""

DOUBLE_TESTS = {"test_double_fixed", "test_double_random[1]", "test_double_random[4]"}
NORM_TESTS = {"test_norm"}
DOUBLE_POINTS, NORM_POINTS = 4.0, 1.0


@dataclass
class Arena:
    course: Course
    ctx: GradingContext
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.course.root

    def paths(self) -> dict[str, Path]:
        """Where the secrets are, by absolute path (attackers are told, to try harder)."""
        solutions = self.course.solutions / "toy"
        return {
            "reference": solutions / "toy.py",
            "hidden": solutions / "tests" / "test_hidden.py",
            "spec": solutions / "assignment.toml",
            "secret": self.course.solutions / ".course_secret",
            "alice": self.course.submissions / "toy" / "alice" / "toy.py",
            "report": self.course.reports / "toy" / "alice" / "results.json",
            "grades": self.course.reports / "toy" / "grades.csv",
        }

    def submit(self, source: str, student: str = "mallory") -> Path:
        folder = self.course.submissions / "toy" / student
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "toy.py").write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        return folder

    def grade(self, source: str | None, student: str = "mallory") -> SubmissionResult:
        """Grade ``source`` (or the folder as it is, when None) and check the aftermath."""
        folder = self.submit(source, student) if source is not None else self.folder(student)
        before = tree_digest(self.root)
        result = grade_submission(folder, student, self.ctx)
        assert tree_digest(self.root) == before, "grading changed files of the course tree"
        assert sandbox_processes() == [], "processes of the sandbox outlived grading"
        return result

    def assert_control_keeps_full_marks(self) -> None:
        """An honest submission graded right after an attacker loses nothing."""
        result = self.grade(HONEST_DOUBLE + HONEST_NORM, "control")
        assert (result.status, result.score) == ("ok", DOUBLE_POINTS + NORM_POINTS)

    def folder(self, student: str) -> Path:
        path = self.course.submissions / "toy" / student
        path.mkdir(parents=True, exist_ok=True)
        return path

    def leaked(self, result: SubmissionResult) -> list[str]:
        """The planted tokens found anywhere in the result."""
        text = str(result.to_gradescope()) + result.message
        return [name for name, token in self.tokens.items() if token in text]


def failed(result: SubmissionResult) -> set[str]:
    return {t.name for t in result.tests if t.outcome != "passed"}


def output_of(result: SubmissionResult, test: str) -> str:
    return next(t.output for t in result.tests if t.name == test)


def tree_digest(root: Path) -> dict[str, str]:
    """Every entry under ``root``: content hash (or link target), mode and mtime.

    Files over 64 MB (a sparse decoy) are known by size, ctime and inode instead of read.
    """
    digest = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if os.path.islink(path):
                what = "link:" + os.readlink(path)
            elif not os.path.isfile(path):
                what = "dir"
            elif info.st_size > 64 * 1024 * 1024:  # any change would move its ctime
                what = f"{info.st_size} {info.st_ctime_ns} {info.st_ino}"
            else:
                what = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            digest[path] = f"{what} {info.st_mode:o} {info.st_mtime_ns}"
    return digest


def sandbox_processes() -> list[str]:
    """Processes left by workers: any with a worker uid, or any descendant of the zygote.

    With root, workers get uids of their own; without (user namespace mode), the zygote
    is the child of the process the grader started, and workers are its children.
    """
    server = shared_server()
    table = _process_table()
    zygote = server.proc.pid
    if server.report["mode"] == "userns":
        zygote = next(pid for pid, (ppid, _, _) in table.items() if ppid == server.proc.pid)
    found = [
        f"pid {pid}: {name}" for pid, (_, _, name) in table.items() if _descends(pid, zygote, table)
    ]
    if server.report.get("uid_range"):
        low, high = server.report["uid_range"]
        found += [
            f"pid {pid} uid {uid}: {name}"
            for pid, (_, uid, name) in table.items()
            if low <= uid < high
        ]
    return sorted(set(found))


def _process_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, real uid, name) for every process."""
    table = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        table[int(pid)] = (
            int(fields["PPid"].split()[0]),
            int(fields["Uid"].split()[0]),
            fields["Name"].strip(),
        )
    return table


def _descends(pid: int, ancestor: int, table: dict[int, tuple[int, int, str]]) -> bool:
    seen = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        pid = table[pid][0]
        if pid == ancestor:
            return True
    return False


def plant_tokens(course: Course) -> dict[str, str]:
    """Put a unique token in every secret place; return them by name."""
    tokens = {name: f"{name}-{secrets.token_hex(8)}" for name in ("reference", "hidden", "secret")}
    tokens.update({name: f"{name}-{secrets.token_hex(8)}" for name in ("alice", "report")})
    solutions = course.solutions / "toy"
    with open(solutions / "toy.py", "a") as f:
        f.write(f'\nREFERENCE_NOTE = "{tokens["reference"]}"\n')
    with open(solutions / "tests" / "test_hidden.py", "a") as f:
        f.write(f'\nHIDDEN_NOTE = "{tokens["hidden"]}"\n')
    (course.solutions / ".course_secret").write_text(tokens["secret"] + "\n")
    alice = course.submissions / "toy" / "alice"
    alice.mkdir(parents=True)
    (alice / "toy.py").write_text(f"# {tokens['alice']}\n" + HONEST_DOUBLE + HONEST_NORM)
    report = course.reports / "toy" / "alice"
    report.mkdir(parents=True)
    (report / "results.json").write_text(f'{{"score": 5, "note": "{tokens["report"]}"}}\n')
    (course.reports / "toy" / "grades.csv").write_text("student_id,score\nalice,5\n")
    return tokens


def make_arena(course: Course) -> Arena:
    """Turn the toy course into an arena: tight limits, planted secrets, victims."""
    spec_path = course.solutions / "toy" / "assignment.toml"
    head, _, tail = spec_path.read_text().partition("[limits]")
    tail = tail.split("\n[", 1)[1]  # drop the toy's own limits
    spec_path.write_text(head + ARENA_LIMITS + "\n[" + tail)
    tokens = plant_tokens(course)
    suite = load_suite(course.spec("toy"))
    return Arena(course, GradingContext(suite, course.secret()), tokens)
