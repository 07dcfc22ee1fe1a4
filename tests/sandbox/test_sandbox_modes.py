"""Where namespaces are missing the grader still runs, says what is off, and keeps limits."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from toy_course import TOY_CORRECT

from autograder.author.collector import load_suite
from autograder.cli import main
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.sandbox import Limits, Policy, diagnose
from autograder.sandbox.client import SubprocessLauncher
from autograder.sandbox.guarantees import GUARANTEES, partial_warning
from autograder.sandbox.zygote_launcher import ZygoteLauncher, ZygoteServer

CORRECT = TOY_CORRECT

DAEMON = """
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(1)
    os._exit(0)
"""


NON_ROOT = {"uid", "processes", "memory"}


@pytest.fixture(scope="module")
def plain_server():
    server = ZygoteServer(plain="namespaces turned off by this test")
    yield server
    server.close()


def grade_with(launcher, toy_course, submit, source, student="s1"):
    ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret", launcher)
    return grade_submission(submit(student, source), student, ctx)


def processes_of_uids(low: int, high: int) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if low <= int(status.split("\nUid:")[1].split()[0]) < high:
            found.append(int(pid))
    return found


def children_of(parent: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``parent``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(pid))
    return found


def test_plain_mode_reports_each_missing_guarantee_with_its_reason(plain_server):
    report = plain_server.report
    assert report["mode"] == "plain"
    namespaced = {"network", "filesystem", "pid", "ipc"}
    # Without root there is no uid of the worker's own, no process limit, no cgroup either.
    assert set(report["missing"]) == namespaced | (set() if os.geteuid() == 0 else NON_ROOT)
    assert {report["missing"][k] for k in namespaced} == {"namespaces turned off by this test"}
    line = partial_warning(report["missing"])
    assert "\n" not in line
    assert "(namespaces turned off by this test)" in line
    for title in ("no network", "course files hidden", "PID namespace", "IPC namespace"):
        assert title in line
    assert "autograder doctor" in line


def test_plain_mode_still_grades_correct_work_fully(plain_server, toy_course, submit):
    result = grade_with(ZygoteLauncher(plain_server), toy_course, submit, CORRECT)
    assert result.status == "ok"
    assert result.score == result.max_score


def test_plain_mode_keeps_rlimits_and_kills_every_process_of_the_worker_uid(
    plain_server, toy_course, submit
):
    launcher = ZygoteLauncher(plain_server, Limits(memory_mb=512))
    hoarder = CORRECT.replace("return float(np.linalg.norm(x))", "return np.ones(2**33).sum()")
    result = grade_with(launcher, toy_course, submit, hoarder + DAEMON)
    assert {t.name for t in result.tests if t.outcome != "passed"} == {"test_norm"}
    assert "MemoryError" in next(t.output for t in result.tests if t.name == "test_norm")
    if os.geteuid() == 0:  # without root, workers run as you: there is no uid to sweep
        assert processes_of_uids(*plain_server.report["uid_range"]) == []
    assert children_of(plain_server.proc.pid) == []  # the daemon came back to it, and died


def test_subprocess_fallback_applies_the_limits_it_can(toy_course, submit):
    launcher = SubprocessLauncher(Limits(memory_mb=512))
    hoarder = CORRECT.replace("return float(np.linalg.norm(x))", "return np.ones(2**33).sum()")
    result = grade_with(launcher, toy_course, submit, hoarder)
    assert result.score == 4
    assert "MemoryError" in next(t.output for t in result.tests if t.name == "test_norm")


def test_doctor_shows_every_guarantee_held_here(toy_course, capsys):
    """Root holds them all; without root, only the memory cgroup is out of reach, and the
    doctor says so rather than claiming it."""
    code = main(["--course", str(toy_course.root), "doctor"])
    shown = capsys.readouterr().out
    for guarantee in GUARANTEES:
        assert guarantee.title in shown
    if os.geteuid() == 0:
        assert code == 0, shown
        assert "NOT held" not in shown
        assert "Every guarantee holds" in shown
    else:
        assert code == 1
        assert shown.count("NOT held") == 1
        assert "memory cgroup" in shown.split("do not hold here:")[1]


def test_doctor_probes_fail_when_their_holes_are_open():
    """With the system-call filter off, the probe itself sees unshare allowed and shared
    memory created, so those rows could not say "held" by mistake."""
    facts = diagnose(policy=Policy(seccomp=False)).facts
    assert facts["unshare"] == "allowed"
    assert facts["shm"] == "created 64 MB"
    assert facts["add_key"] == "stored"
    assert not facts["grader_key"].startswith("found")  # its session keyring is new
    held = diagnose().facts
    for name in ("unshare", "mount", "shm", "add_key", "grader_key", "grader_shm"):
        assert held[name].startswith("refused"), (name, held[name])
    assert held["capabilities"] == 0


def test_doctor_probe_finds_the_graders_key_and_shm_when_not_jailed():
    """The same probe run outside any jail finds the bait: its verdicts can fail."""
    from autograder.sandbox.probe import PROBE, planted

    namespace: dict = {}
    exec(compile(PROBE, "probe.py", "exec"), namespace)
    with planted() as bait:
        facts: dict = {}
        namespace["bait"](bait.syscalls, bait.shm_key, bait.key_name, facts)
    assert facts["grader_shm"] == "found"
    assert facts["grader_key"] == "found"


def test_zygote_dies_with_its_grader(tmp_path):
    """A grader killed mid-batch leaves no zygote (or worker) behind."""
    import subprocess
    import sys

    script = tmp_path / "grader.py"
    script.write_text(
        "from autograder.sandbox.zygote_launcher import ZygoteServer\n"
        "import sys, time\n"
        "server = ZygoteServer()\n"
        "print(server.proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    grader = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    zygote = int(grader.stdout.readline())
    assert Path(f"/proc/{zygote}").exists()
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{zygote}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{zygote}").exists()
