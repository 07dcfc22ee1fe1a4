"""Two graders at once: each owns its workers' uids, and no run can kill another's workers.

Grader B is a separate process holding a live worker. Grader A (this process) grades
attackers that try to kill every process they may signal, and B's worker by its pid; in
plain mode as root, A's own clean-up also kills every process of the attacker's uid.
B's worker must answer afterwards, and the two graders' uid blocks must not overlap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from adversarial.arena import DOUBLE_POINTS, HONEST_DOUBLE, NORM_TESTS, failed
from autograder.runner.one_submission import GradingContext
from autograder.sandbox.zygote_launcher import ZygoteLauncher, ZygoteServer

GRADER_B = textwrap.dedent(
    """
    import json, sys
    from autograder.sandbox import Chunk, Policy, open_session
    from autograder.sandbox.zygote_launcher import ZygoteLauncher, ZygoteServer

    server = ZygoteServer(plain=sys.argv[1] or None)
    code = "import os\\ndef ping():\\n    return 'alive'\\n"
    launcher = ZygoteLauncher(server)
    with open_session(Policy(), "victim", [Chunk("v.py", code)], launcher=launcher) as session:
        session.start()
        report = {"pid": session.worker.pid, "uids": server.report.get("uid_range"),
                  "mode": server.report["mode"]}
        print(json.dumps(report), flush=True)
        sys.stdin.readline()
        try:
            print(session.call(["ping"], (), {}), flush=True)
        except BaseException as fault:
            print(f"dead: {fault}", flush=True)
    server.close()
    """
)

KILLER = """
import os
import signal


def norm(x):
    outcome = []
    try:
        os.kill(-1, signal.SIGKILL)
        outcome.append("broadcast sent")
    except OSError as exc:
        outcome.append(f"broadcast: {exc.strerror}")
    for pid in VICTIMS:
        for target in (pid, -pid):
            try:
                os.kill(target, signal.SIGKILL)
                outcome.append(f"killed {target}")
            except OSError as exc:
                outcome.append(f"{target}: {exc.strerror}")
    raise RuntimeError("; ".join(outcome))
"""


@pytest.fixture
def grader_b(request):
    """Start grader B (``request.param``: plain-mode reason, or "" for the best mode)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", GRADER_B, request.param],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc, json.loads(proc.stdout.readline())
    finally:
        proc.kill()
        proc.wait()


def still_alive(proc: subprocess.Popen) -> str:
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def attack(arena, victims: list[int], launcher=None):
    if launcher is not None:
        arena.ctx = GradingContext(arena.ctx.suite, arena.ctx.secret, launcher)
    source = HONEST_DOUBLE + f"\nVICTIMS = {victims!r}\n" + KILLER
    result = arena.grade(source, "killer")
    assert (result.status, failed(result), result.score) == ("ok", NORM_TESTS, DOUBLE_POINTS)
    if launcher is not None:  # honest work beside it, in the same mode
        arena.assert_control_keeps_full_marks()


@pytest.mark.parametrize("grader_b", [""], indirect=True)
def test_a_jailed_worker_cannot_kill_another_graders_worker(arena, grader_b):
    proc, b = grader_b
    attack(arena, [b["pid"], os.getpid(), proc.pid])
    assert still_alive(proc) == "alive"


@pytest.mark.skipif(os.geteuid() != 0, reason="plain mode without root runs workers as you")
@pytest.mark.parametrize("grader_b", ["namespaces turned off by this test"], indirect=True)
def test_plain_mode_graders_own_disjoint_uids_and_spare_each_other(arena, grader_b):
    proc, b = grader_b
    server = ZygoteServer(plain="namespaces turned off by this test")
    try:
        low_a, high_a = server.report["uid_range"]
        low_b, high_b = b["uids"]
        assert high_a <= low_b or high_b <= low_a
        attack(arena, [b["pid"]], ZygoteLauncher(server, arena.ctx.suite.spec.limits))
    finally:
        server.close()
    assert still_alive(proc) == "alive"
