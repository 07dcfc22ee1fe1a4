"""Attacks that try to read what must stay secret: reference, hidden tests, secret, others.

Each attacker is told exactly where the secrets live, searches everything it can reach,
and sends back all it found inside an exception message (which lands in the test's
output). The test proves the search ran and that no planted token came back.
"""

from __future__ import annotations

import os
import re

from adversarial.arena import DOUBLE_POINTS, HONEST_DOUBLE, NORM_TESTS, failed, output_of


def found_by(result) -> str:
    return output_of(result, "test_norm")


def assert_nothing_leaked(arena, result) -> None:
    assert arena.leaked(result) == []
    assert result.status == "ok"
    assert failed(result) == NORM_TESTS
    assert result.score == DOUBLE_POINTS


# What an attacker looks for: the planted tokens (it knows their shape) and the text of a
# reference or a hidden test. The markers are matched in two halves, so the attack never
# builds the string it searches for and cannot find itself.
SEARCH = """
WORDS = ("reference-", "hidden-", "secret-", "alice-", "report-")
HALVES = (("BEGIN", " SOLUTION"), ("pytest.mark", ".problem"))
HEX = set("0123456789abcdef")


def occurrences(text, word):
    start = text.find(word)
    while start >= 0:
        yield start
        start = text.find(word, start + 1)


def matches(texts):
    found = set()
    for text in texts:
        for word in WORDS:
            for at in occurrences(text, word):
                tail = text[at + len(word) : at + len(word) + 16]
                if len(tail) == 16 and set(tail) <= HEX:
                    found.add(word + tail)
        for head, rest in HALVES:
            for at in occurrences(text, head):
                if text.startswith(rest, at + len(head)):
                    found.add(text[at : at + 40])
    return sorted(found)
"""


def test_frames_and_gc_hold_no_reference_or_hidden_test(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + SEARCH
        + """
import gc
import sys
import types


def strings_in(obj):
    # gc lists containers only, never strings: look inside them.
    if isinstance(obj, dict):
        items = [*obj.keys(), *obj.values()]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = list(obj)
    elif isinstance(obj, types.FunctionType):
        items = list(obj.__code__.co_consts)
    else:
        items = [getattr(obj, "__dict__", None), getattr(obj, "__doc__", None)]
    texts = [i for i in items if isinstance(i, (str, bytes))]
    return [t.decode("latin-1") if isinstance(t, bytes) else t for t in texts]


def norm(x):
    texts = []
    frame = sys._getframe()
    while frame is not None:
        texts += [repr(v) for v in [*frame.f_locals.values(), *frame.f_globals.values()]]
        frame = frame.f_back
    objects = gc.get_objects()
    for obj in objects:
        texts += strings_in(obj)
    modules = [m for m in sys.modules if "reference" in m or "tests" in m or "grading" in m]
    found = matches(texts)
    counts = f"scanned {len(objects)} objects, {len(texts)} strings"
    raise ValueError(f"{counts}; modules {modules}; found {found}")
"""
    )
    assert_nothing_leaked(arena, result)
    scanned = re.search(
        r"scanned (\d+) objects, (\d+) strings; modules \[\]; found \[\]", found_by(result)
    )
    assert scanned and int(scanned.group(2)) > 10_000, found_by(result)


def test_environment_is_scrubbed(arena, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SECRET", arena.tokens["secret"])
    result = arena.grade(
        HONEST_DOUBLE
        + """
import os


def norm(x):
    raise ValueError(repr(dict(os.environ)))
"""
    )
    assert_nothing_leaked(arena, result)
    assert "'PATH'" in found_by(result) and "AUTOGRADER" not in found_by(result)


def test_course_files_cannot_be_opened_by_absolute_or_relative_path(arena):
    targets = [str(path) for path in arena.paths().values()]
    relative = [
        os.path.relpath(path, arena.root / "submissions" / "toy" / "mallory") for path in targets
    ]
    relative += ["../" * depth + "solutions/toy/toy.py" for depth in range(1, 8)]
    result = arena.grade(
        HONEST_DOUBLE
        + f"""
import os

TARGETS = {targets!r}
RELATIVE = {relative!r}


def norm(x):
    found, tried = [], 0
    for path in TARGETS + RELATIVE + [os.path.join(os.getcwd(), p) for p in RELATIVE]:
        tried += 1
        try:
            with open(path) as f:
                found.append(path + ": " + f.read())
        except OSError as exc:
            pass
    raise ValueError(f"tried {{tried}}, opened {{len(found)}}: " + " | ".join(found))
"""
    )
    assert_nothing_leaked(arena, result)
    assert f"tried {len(targets) + 2 * len(relative)}, opened 0:" in found_by(result)


def test_walking_the_whole_file_system_finds_no_course_file(arena):
    result = arena.grade(
        HONEST_DOUBLE
        + SEARCH
        + """
import os

SKIP = ("/usr", "/dev", "site-packages", "/lib/python3", "/include")


def norm(x):
    texts, seen = [], 0
    for folder, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if not any(s in os.path.join(folder, d) for s in SKIP)]
        for name in files:
            seen += 1
            try:
                with open(os.path.join(folder, name), errors="replace") as f:
                    texts.append(f.read(1_000_000))
            except OSError:
                pass
    raise ValueError(f"walked {seen} files; found {matches(texts)}")
"""
    )
    assert_nothing_leaked(arena, result)
    assert "files; found []" in found_by(result)


def test_importing_the_solutions_or_the_grader_fails(arena):
    course, reference = str(arena.root), str(arena.paths()["reference"])
    result = arena.grade(
        HONEST_DOUBLE
        + f"""
import importlib
import importlib.util
import sys

sys.path[:0] = [{course!r}, {course!r} + "/solutions", {course!r} + "/solutions/toy"]


def norm(x):
    errors = []
    for name in ("solutions", "solutions.toy.toy", "toy", "test_hidden",
                 "autograder.author.collector", "autograder.runner.one_submission",
                 "autograder.course.paths"):
        try:
            module = importlib.import_module(name)
            return module.norm(x)
        except Exception as exc:
            errors.append(f"{{name}}: {{type(exc).__name__}}")
    try:
        spec = importlib.util.spec_from_file_location("ref", {reference!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.norm(x)
    except Exception as exc:
        errors.append(f"by path: {{type(exc).__name__}}")
    raise ImportError("; ".join(errors))
"""
    )
    assert_nothing_leaked(arena, result)
    text = found_by(result)
    # "toy" is the submission itself; every other import of course code failed.
    assert "autograder.author.collector: ModuleNotFoundError" in text
    assert "by path: FileNotFoundError" in text


def test_the_grader_process_is_out_of_reach(arena):
    grader = os.getpid()
    result = arena.grade(
        HONEST_DOUBLE
        + f"""
import os
import signal


def norm(x):
    outcomes = []
    for path in ("/proc/{grader}/environ", "/proc/{grader}/mem", "/proc/self/environ"):
        try:
            with open(path, "rb") as f:
                outcomes.append(path + " read " + repr(f.read(200)))
        except OSError as exc:
            outcomes.append(path + " " + type(exc).__name__)
    for target in ({grader}, -1):
        try:
            os.kill(target, signal.SIGKILL)
            outcomes.append(f"kill {{target}} sent")
        except OSError as exc:
            outcomes.append(f"kill {{target}} {{type(exc).__name__}}")
    raise ValueError("; ".join(outcomes))
"""
    )
    assert_nothing_leaked(arena, result)
    text = found_by(result)
    assert f"/proc/{grader}/mem FileNotFoundError" in text
    assert f"kill {grader} ProcessLookupError" in text
