"""How long a student waits for ``autograder check``, and where the time goes.

    python benchmarks/check.py                 # the released softmax package, 7 runs
    python benchmarks/check.py --runs 15 --assignment logistic

It times the real command in a fresh process, as a student runs it (the template, so every
test fails fast, and the reference answers are not needed), then splits one run into its
phases in-process: Python and the command's imports, finding the released spec, collecting
the public tests, starting the sandbox and running the tests. Other work on the machine
(other graders, test suites) slows every figure; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def command_times(folder: Path, assignment: str, student_file: str, runs: int) -> list[float]:
    """Wall time of ``autograder check`` in a new process, ``runs`` times."""
    command = [sys.executable, "-m", "autograder", "check", assignment, student_file, "--quiet"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=folder, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def phases(folder: Path, assignment: str, student_file: str) -> dict[str, float]:
    """One check split into phases, run in a child so that imports are not yet cached."""
    script = f"""
import time
t0 = time.perf_counter()
from pathlib import Path
from autograder.cli import build_parser
from autograder.check.public import find_public_spec
from autograder.author.collector import load_suite
from autograder.course.paths import find_course
from autograder.course.paths import policy_for
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.sandbox import default_launcher
t1 = time.perf_counter()
spec = find_public_spec({assignment!r}, Path({student_file!r}), find_course())
t2 = time.perf_counter()
suite = load_suite(spec, "public")
t3 = time.perf_counter()
launcher = default_launcher(policy_for(spec))
t4 = time.perf_counter()
grade_submission(Path("."), "student", GradingContext(suite, "x", launcher))
t5 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, check=True
    ).stdout.split()
    names = ["imports", "find spec", "collect tests", "start sandbox", "run tests"]
    return dict(zip(names, map(float, out), strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="softmax")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    released = REPO / "assignments" / args.assignment
    student_file = next(p.name for p in released.glob("*.py"))
    with tempfile.TemporaryDirectory() as tmp:  # away from the repository, as a student has it
        folder = Path(tmp) / args.assignment
        shutil.copytree(released, folder)
        python = min(
            _time([sys.executable, "-c", "pass"], folder) for _ in range(max(3, args.runs // 2))
        )
        times = command_times(folder, args.assignment, student_file, args.runs)
        split = phases(folder, args.assignment, student_file)
    median = statistics.median(times)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(
        f"autograder check {args.assignment}: median {median:.2f} s, best {min(times):.2f} s, "
        f"worst {max(times):.2f} s over {len(times)} runs"
    )
    print(f"  bare Python start-up: {python:.2f} s ({python / median:.0%} of the median)")
    total = sum(split.values())
    for name, seconds in split.items():
        print(f"  {name:14s} {seconds:.3f} s  ({seconds / total:.0%})")
    print("  (in the command, collecting the tests overlaps starting the sandbox)")
    return 0


def _time(command: list[str], folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, capture_output=True, check=False)
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
