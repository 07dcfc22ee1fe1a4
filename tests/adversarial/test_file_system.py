"""Writing outside the scratch folder, and hostile submission folders.

``arena.grade`` proves after each attack that the course tree (reports, the gradebook,
other students' folders, the solutions) is byte-for-byte what it was.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from pathlib import Path

from adversarial.arena import HONEST_DOUBLE, HONEST_NORM, failed, output_of


def test_writes_into_reports_other_students_and_the_repository_all_fail(arena):
    victims = [str(p) for p in arena.paths().values()]
    victims += [
        str(arena.root / "reports" / "toy" / "mallory" / "results.json"),
        str(arena.root / "submissions" / "toy" / "alice" / "extra.py"),
        str(Path(__file__).resolve()),
    ]
    relative = [
        "../alice/toy.py",
        "../../../reports/toy/grades.csv",
        "../../../solutions/toy/toy.py",
    ]
    outside = Path(tempfile.gettempdir()) / f"autograder-pwned-{os.getpid()}"
    result = arena.grade(
        HONEST_DOUBLE
        + HONEST_NORM
        + f"""
import os
import shutil

DONE = []
for path in {victims!r} + {relative!r} + [{str(outside)!r}]:
    for action in ("append", "create", "remove", "chmod", "utime", "rename", "symlink"):
        try:
            if action == "append":
                open(path, "a").write("pwned")
            elif action == "create":
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path + ".new", "w").write("pwned")
            elif action == "remove":
                os.remove(path)
            elif action == "chmod":
                os.chmod(path, 0o777)
            elif action == "utime":
                os.utime(path, (0, 0))
            elif action == "rename":
                os.rename(path, path + ".moved")
            else:
                os.symlink("/etc/passwd", path + ".link")
            DONE.append(action + " " + path)
        except OSError:
            pass
print("DONE:", DONE)
"""
    )
    assert result.status == "ok"
    assert result.score == result.max_score
    done = re.search(r"DONE: (\[.*\])", result.output)
    assert done, result.output
    # Inside the sandbox /tmp leads to the worker's own scratch tmpfs: whatever "worked"
    # landed there (this test's course lives under the host's /tmp). Everything else
    # failed, arena.grade checked the real course tree, and the host's /tmp got nothing.
    assert all(
        entry.split(" ", 1)[1].startswith("/tmp/") for entry in ast.literal_eval(done.group(1))
    )
    assert str(Path(__file__).resolve()) not in done.group(1)
    assert not outside.exists()


def test_symlinked_student_file_is_refused_without_reading_its_target(arena):
    folder = arena.folder("mallory")
    (folder / "toy.py").symlink_to(arena.paths()["reference"])
    result = arena.grade(None)
    assert result.status == "error"
    assert result.score == 0
    assert "symbolic link" in result.message
    assert arena.leaked(result) == []


def test_symlinks_next_to_the_student_file_lead_nowhere(arena):
    folder = arena.folder("mallory")
    (folder / "answers").symlink_to(arena.root / "solutions")
    (folder / "alice.py").symlink_to(arena.paths()["alice"])
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os


def norm(x):
    found = []
    for path in ("answers/toy/toy.py", "alice.py", "../mallory/answers/toy/toy.py"):
        try:
            found.append(open(path).read())
        except OSError as exc:
            found.append(f"{path}: {exc.strerror}")
    raise ValueError(" | ".join(found))
"""
    )
    assert arena.leaked(result) == []
    assert failed(result) == {"test_norm"}
    assert "answers/toy/toy.py: No such file or directory" in output_of(result, "test_norm")


def test_enormous_file_named_like_the_student_file_is_refused_unread(arena):
    folder = arena.folder("mallory")
    with open(folder / "toy.py", "wb") as f:
        f.truncate(5 * 1024**3)  # sparse: 5 GB that costs nothing on disk
    result = arena.grade(None)
    assert result.status == "error"
    assert result.score == 0
    assert "5,368,709,120 bytes" in result.message


def test_binary_file_named_like_the_student_file_is_refused(arena):
    folder = arena.folder("mallory")
    (folder / "toy.py").write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096))
    result = arena.grade(None)
    assert result.status == "error"
    assert result.score == 0
    assert "binary file" in result.message


def test_fifo_named_like_the_student_file_does_not_hang_grading(arena):
    folder = arena.folder("mallory")
    os.mkfifo(folder / "toy.py")
    result = arena.grade(None)
    assert result.status == "missing"
    assert result.score == 0
