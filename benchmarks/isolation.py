"""What the sandbox costs: grade N correct softmax submissions with isolation on and off.

    .venv/bin/python benchmarks/isolation.py          # 50 submissions
    .venv/bin/python benchmarks/isolation.py -n 200

Grades the same correct submission N times, one after the other, with:

- isolation on: the default launcher (a zygote forks each worker into its own PID, mount,
  IPC and network namespaces, with a uid of its own, rlimits and a scratch tmpfs);
- isolation off: the same zygote without any of that (a bare fork per worker);
- the subprocess fallback (a fresh ``python`` per worker), for scale;

and measures the floor: a bare ``fork`` + ``exit`` + ``wait`` of a process that imported
numpy. The overhead of isolation is (on - off) per submission, shown in milliseconds and
as a multiple of that floor. The assignment is ``solutions/softmax`` of the course in the
current folder when there is one (its reference is the correct submission), else a small
softmax assignment built in a temporary folder. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

from autograder.author.collector import load_suite
from autograder.course.paths import Course, find_course, policy_for
from autograder.course.spec import AssignmentSpec
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.sandbox import Policy
from autograder.sandbox.client import SubprocessLauncher
from autograder.sandbox.zygote_launcher import ZygoteLauncher, ZygoteServer, default_launcher

SPEC = """
name = "softmax"
title = "Softmax (isolation benchmark)"
student_file = "softmax.py"
reference = "softmax.py"
hidden_tests = ["tests/test_hidden.py"]
public_tests = ["tests/test_hidden.py"]

[[problems]]
id = "softmax"
title = "Softmax"

[[problems]]
id = "cross_entropy"
title = "Cross-entropy"
"""

REFERENCE = '''
import numpy as np


def softmax(x):
    """Row-wise softmax of a vector or a batch."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)
    ### END SOLUTION


def cross_entropy(logits, label):
    """Cross-entropy of one example."""
    ### BEGIN SOLUTION
    x = np.asarray(logits, dtype=float)
    return float(np.log(np.exp(x - x.max()).sum()) + x.max() - x[label])
    ### END SOLUTION
'''

HIDDEN = """
import numpy as np
import pytest

from autograder.author import assert_close


@pytest.mark.problem("softmax")
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 10)])
def test_softmax(submission, reference, rng, shape):
    x = rng.normal(size=shape) * 10
    assert_close(submission.softmax(x), reference.softmax(x), what="softmax(x)")


@pytest.mark.problem("softmax")
def test_softmax_large(submission, reference):
    x = np.array([1000.0, 1001.0, 1002.0])
    assert_close(submission.softmax(x), reference.softmax(x), what="softmax(x)")


@pytest.mark.problem("cross_entropy")
def test_cross_entropy(submission, reference, rng):
    x = rng.normal(size=6)
    assert submission.cross_entropy(x, 2) == pytest.approx(reference.cross_entropy(x, 2))
"""


def build_assignment(root: Path) -> AssignmentSpec:
    folder = root / "solutions" / "softmax"
    (folder / "tests").mkdir(parents=True)
    (folder / "assignment.toml").write_text(SPEC)
    (folder / "softmax.py").write_text(textwrap.dedent(REFERENCE))
    (folder / "tests" / "test_hidden.py").write_text(HIDDEN)
    return Course(root).spec("softmax")


def find_assignment(tmp: Path) -> AssignmentSpec:
    course = find_course()
    if (course.solutions / "softmax" / "assignment.toml").is_file():
        return course.spec("softmax")
    return build_assignment(tmp / "course")


def submissions(spec: AssignmentSpec, tmp: Path, n: int) -> list[Path]:
    source = spec.path(spec.reference).read_text()
    folders = []
    for i in range(n):
        folder = tmp / "submissions" / f"s{i:04d}"
        folder.mkdir(parents=True)
        (folder / spec.student_file).write_text(source)
        folders.append(folder)
    return folders


def time_grading(ctx: GradingContext, folders: list[Path]) -> list[float]:
    """Seconds per submission, graded one after the other; every one must score fully."""
    grade_submission(folders[0], "warm-up", ctx)
    times = []
    for i, folder in enumerate(folders):
        started = time.perf_counter()
        result = grade_submission(folder, f"s{i}", ctx)
        times.append(time.perf_counter() - started)
        if result.score != result.max_score:
            sys.exit(f"a correct submission scored {result.score}/{result.max_score}: {result}")
    return times


def bare_fork(n: int) -> list[float]:
    """fork + exit + wait of this process (numpy imported): the floor for any worker."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50, help="submissions per launcher")
    args = parser.parse_args()
    assert np.__version__  # numpy is imported, as in the zygote, for the fork floor

    with tempfile.TemporaryDirectory(prefix="autograder-bench-") as tmp_name:
        tmp = Path(tmp_name)
        spec = find_assignment(tmp)
        suite = load_suite(spec)
        folders = submissions(spec, tmp, args.n)
        limits = spec.limits

        started = time.perf_counter()
        on = default_launcher(policy_for(spec))
        start_cost = time.perf_counter() - started
        mode = on.server.report["mode"] if isinstance(on, ZygoteLauncher) else on.name
        off_server = ZygoteServer(Policy(isolate=False))
        launchers = {
            f"isolation on ({mode})": on,
            "isolation off (bare fork)": ZygoteLauncher(off_server, limits),
            "subprocess per worker": SubprocessLauncher(limits),
        }
        results = {}
        for label, launcher in launchers.items():
            ctx = GradingContext(suite, "bench", launcher)
            count = args.n if "subprocess" not in label else min(args.n, 20)
            results[label] = time_grading(ctx, folders[:count])
        off_server.close()
        floor = bare_fork(200)

    print(f"assignment {spec.name}: {len(suite.tests)} hidden tests, {args.n} submissions")
    print(f"zygote start (once per grader): {start_cost * 1e3:.0f} ms")
    print(f"{'':28}{'median':>10}{'mean':>10}   per submission")
    for label, times in results.items():
        median, mean = statistics.median(times), statistics.fmean(times)
        print(f"{label:28}{median * 1e3:8.1f} ms{mean * 1e3:8.1f} ms")
    fork = statistics.median(floor)
    print(f"{'bare fork + exit + wait':28}{fork * 1e3:8.2f} ms")
    on_times, off_times = list(results.values())[:2]
    overhead = statistics.median(on_times) - statistics.median(off_times)
    print(
        f"\nisolation overhead: {overhead * 1e3:.1f} ms per submission "
        f"= {overhead / fork:.1f} x a bare fork "
        f"(on/off = {statistics.median(on_times) / statistics.median(off_times):.2f}; "
        f"aim: under 10 ms)"
    )


if __name__ == "__main__":
    main()
