"""Grade a class of N softmax submissions, then report on it; print times and ratios.

    .venv/bin/python benchmarks/scale.py                    # 1,000 .py, --jobs = CPU count
    .venv/bin/python benchmarks/scale.py -n 300 --jobs 2 --notebooks
    .venv/bin/python benchmarks/scale.py --cluster tcp://127.0.0.1:8786

The class is built from the bundled examples of ``submissions/softmax``: 75% correct
(s001, s002), 20% buggy (s003-s006, s012), 5% failing at import (s007-s009). Every
student's outcome (status, and exactly which hidden tests fail) is checked against
``solutions/softmax/examples.toml``. ``grade`` and ``report`` run as the real command, in
a subprocess, so start-up counts. Unless ``--jobs 1``, the class is graded a second time
with one job for the ratio. Nothing is asserted: the last line carries the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "submissions" / "softmax"
CORRECT = ["s001_alice", "s002_bob"]
BUGGY = ["s003_carol", "s004_dave", "s005_erin", "s006_frank", "s012_niaj"]
FAILING = ["s007_grace", "s008_heidi", "s009_ivan"]


def example_for(index: int) -> str:
    """Out of every 20 students: 15 correct, 4 buggy, 1 failing at import."""
    slot, cycle = index % 20, index // 20
    if slot < 15:
        return CORRECT[(cycle * 15 + slot) % len(CORRECT)]
    if slot < 19:
        return BUGGY[(cycle * 4 + slot - 15) % len(BUGGY)]
    return FAILING[cycle % len(FAILING)]


def as_notebook(source: str) -> str:
    """The released notebook with the student's whole file in its first solution cell."""
    notebook = json.loads((REPO / "assignments" / "softmax" / "softmax.ipynb").read_text())
    first = True
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution") and cell["cell_type"] == "code":
            cell["source"] = source if first else ""
            first = False
    return json.dumps(notebook, indent=1)


def build_class(root: Path, count: int, notebooks: bool) -> dict[str, str]:
    """A course folder with the softmax assignment and ``count`` submissions."""
    shutil.copytree(REPO / "solutions" / "softmax", root / "solutions" / "softmax")
    (root / "solutions" / ".course_secret").write_text("scale-benchmark\n")
    which = {}
    for index in range(count):
        example = example_for(index)
        student = f"st{index:04d}_{example.split('_')[1]}"
        folder = root / "submissions" / "softmax" / student
        folder.mkdir(parents=True)
        source = (EXAMPLES / example / "softmax.py").read_text()
        if notebooks:
            (folder / "softmax.ipynb").write_text(as_notebook(source))
        else:
            (folder / "softmax.py").write_text(source)
        shutil.copy(EXAMPLES / example / "timestamp.txt", folder / "timestamp.txt")
        which[student] = example
    return which


def run(args: list[str], root: Path) -> tuple[float, float]:
    """Wall and CPU seconds the real command takes, its grader processes, fork servers and
    student workers included; its output is dropped unless it fails."""
    command = [str(Path(sys.executable).parent / "autograder"), "--course", str(root), *args]
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    _reap_orphans()
    return elapsed, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _become_subreaper() -> None:
    """Adopt the command's orphans (its fork servers), so their CPU time is counted."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap_orphans(wait: float = 10.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def check_outcomes(reports: Path, which: dict[str, str]) -> list[str]:
    """Every student's status and failing hidden tests against examples.toml."""
    expected = tomllib.loads((REPO / "solutions" / "softmax" / "examples.toml").read_text())
    problems = []
    for student, example in which.items():
        want = expected["examples"][example]
        path = reports / "softmax" / student / "results.json"
        if not path.is_file():
            problems.append(f"{student}: no results.json")
            continue
        data = json.loads(path.read_text())
        hidden = [t for t in data["tests"] if not t["name"].startswith("Written:")]
        failed = {t["name"] for t in hidden if t.get("status") != "passed"}
        names = {t["name"] for t in hidden}
        fails = names if want["fails"] == ["*"] else set(want["fails"])
        status = data["extra_data"]["status"]
        if status != want["status"] or failed != fails:
            problems.append(
                f"{student} ({example}): status {status} (expected {want['status']}), "
                f"failed {sorted(failed ^ fails)} differ"
            )
    return problems


def grade(root: Path, out: str, jobs: int, cluster: str | None) -> tuple[float, float]:
    extra = ["--cluster", cluster] if cluster else []
    return run(["grade", "softmax", "--out", str(root / out), "--jobs", str(jobs), *extra], root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cluster", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    parser.add_argument("--notebooks", action="store_true", help="hand in .ipynb, not .py")
    parser.add_argument("--no-ratio", action="store_true", help="skip the one-job run")
    args = parser.parse_args()
    _become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="autograder-scale-"))
    try:
        which = build_class(work / "course", args.count, args.notebooks)
        root = work / "course"
        kind = ".ipynb" if args.notebooks else ".py"
        print(f"{args.count} {kind} submissions; load average before: {_load()}")
        graded, cpu = grade(root, "reports", args.jobs, args.cluster)
        n = args.count
        jobs = f"cluster {args.cluster}" if args.cluster else f"{args.jobs}"
        where = (
            "this command only; the cluster's workers are not counted"
            if args.cluster
            else f"{1000 * cpu / n:.1f} ms per submission; on {os.cpu_count()} idle cores "
            f"about {cpu / os.cpu_count():.1f} s"
        )
        print(f"grade, jobs {jobs}: {graded:.2f} s; CPU {cpu:.1f} s ({where}); load: {_load()}")
        problems = check_outcomes(root / "reports", which)
        for line in problems[:20]:
            print(f"  MISMATCH {line}")
        print(
            f"outcomes checked against examples.toml: {len(which) - len(problems)} agree, "
            f"{len(problems)} differ"
        )
        report, report_cpu = run(["report", "softmax", "--out", str(root / "reports")], root)
        print(f"report: {report:.2f} s; CPU {report_cpu:.1f} s; load average: {_load()}")
        ratio = 1.0
        if args.jobs > 1 and not args.no_ratio and not args.cluster:
            one, one_cpu = grade(root, "reports_one_job", 1, None)
            ratio = one / graded
            print(f"grade, 1 job: {one:.2f} s; CPU {one_cpu:.1f} s; load average: {_load()}")
        print(
            f"scale: {n} submissions, grade {graded:.1f} s ({1000 * graded / n:.1f} ms each), "
            f"report {report:.1f} s, jobs {jobs}, ratio to one job {ratio:.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
