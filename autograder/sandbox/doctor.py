"""``autograder doctor``: which sandbox guarantees hold on this machine, checked for real.

The zygote says what it set up; then a probe (``probe``) runs as student code in a real
worker and tries what a hostile submission would: read the course, connect to a port this
process opens on 127.0.0.1, mount, unshare, make shared memory, find the grader's shared
memory and kernel key. A guarantee is reported as held only when the zygote's word and the
probe agree, and each verdict would turn to *NOT held* if its hole were open.
"""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import autograder
from autograder.sandbox.errors import SubmissionFault
from autograder.sandbox.guarantees import GUARANTEES, Guarantee
from autograder.sandbox.policy import Limits, Policy
from autograder.sandbox.probe import PROBE, Bait, planted
from autograder.sandbox.rootfs import inside
from autograder.sandbox.session import Chunk, open_session
from autograder.sandbox.uid_blocks import is_claimed
from autograder.sandbox.zygote_launcher import ZygoteError, ZygoteLauncher, ZygoteServer

try:
    from resource import RLIM_INFINITY
except ImportError:  # pragma: no cover - no rlimits on this platform
    RLIM_INFINITY = -1

MB = 1024 * 1024


@dataclass(frozen=True)
class Check:
    guarantee: Guarantee
    held: bool
    detail: str


@dataclass
class Diagnosis:
    mode: str
    checks: list[Check]
    problems: list[str]
    facts: dict  # what the probe saw, for tests and the curious


def diagnose(course_root: Path | None = None, policy: Policy | None = None) -> Diagnosis:
    """Start a fresh zygote (with ``policy``'s jail), probe one worker, say what holds."""
    secret_paths = _secret_paths(course_root)
    policy = replace(policy or Policy(), hide=tuple(secret_paths))
    with planted() as bait:  # before the zygote starts, so that it could inherit them
        try:
            server = ZygoteServer(policy)
        except (ZygoteError, OSError) as exc:
            checks = [Check(g, g.name == "process", f"no zygote: {exc}") for g in GUARANTEES]
            return Diagnosis("subprocess", checks, [], {})
        try:
            facts = _run_probe(server, _probe_targets(secret_paths, server), bait)
        finally:
            server.close()
            Path(secret_paths[-1]).unlink(missing_ok=True)
    missing = server.report.get("missing", {})
    checks = [_judge(g, missing.get(g.name), facts, server.report) for g in GUARANTEES]
    mode, problems = server.report.get("mode", "?"), server.report.get("problems", [])
    return Diagnosis(mode, checks, problems, facts)


def _secret_paths(course_root: Path | None) -> list[str]:
    """Paths student code must not see: the course, this engine's source, home, temp."""
    candidates = [course_root, Path(autograder.__file__).resolve().parent, Path.home()]
    candidates.append(Path(tempfile.gettempdir()) / "autograder-doctor-marker")
    paths = [str(p.resolve()) for p in candidates if p is not None]
    marker = Path(paths[-1])
    marker.touch()
    return list(dict.fromkeys(paths))


def _probe_targets(paths: list[str], server: ZygoteServer) -> list[str]:
    """Real entries of the secret folders, for the probe to look for.

    Folders on the way to a bound Python folder (e.g. a course holding its ``.venv``)
    exist in the sandbox as empty mount points; what must not exist is their content.
    """
    binds = server.report.get("binds", [])
    targets = []
    for path in paths:
        entries = [path]
        if os.path.isdir(path):
            entries = [os.path.join(path, name) for name in sorted(os.listdir(path))[:100]]
        targets += [e for e in entries if not any(inside(b, e) for b in binds)]
    return targets


def _run_probe(server: ZygoteServer, paths: list[str], bait: Bait) -> dict:
    """Run the probe in a worker; its facts, plus what the grader saw from outside."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    limits = Limits(call_timeout=20, submission_timeout=60)
    policy = replace(server.policy, limits=limits)
    args = (paths, listener.getsockname()[1], bait.syscalls, bait.shm_key, bait.key_name)
    launcher = ZygoteLauncher(server, limits)
    with open_session(policy, "probe", [Chunk("probe.py", PROBE)], launcher=launcher) as session:
        try:
            session.start()
            facts = session.call(["probe"], args, {})
            facts["cgroup_limit"] = _cgroup_limit(session.worker.pid, server.report)
            low = (server.report.get("uid_range") or [-1])[0]
            facts["uid_block_locked"] = low >= 0 and is_claimed(low)
        except SubmissionFault as fault:
            facts = {"error": str(fault)}
    try:
        listener.accept()[0].close()
        facts["connected"] = True
    except OSError:
        facts["connected"] = False
    listener.close()
    return facts


def _cgroup_limit(pid: int, report: dict) -> int | None:
    """The memory limit of the cgroup worker ``pid`` is in, read from outside (root mode:
    its pid is ours too); None when it has none or it cannot be seen from here."""
    if report.get("mode") not in ("root", "plain") or not report.get("uid_range"):
        return None
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            files = [f"/sys/fs/cgroup{path}/memory.max", f"/sys/fs/cgroup/unified{path}/memory.max"]
        elif "memory" in controllers.split(","):
            files = [f"/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"]
        else:
            continue
        for name in files:
            try:
                value = Path(name).read_text().strip()
            except OSError:
                continue
            if value.isdigit() and int(value) < 2**62:
                return int(value)
    return None


def _judge(g: Guarantee, missing: str | None, facts: dict, report: dict) -> Check:
    """Combine the zygote's word with what the probe saw."""
    if "error" in facts:
        return Check(g, False, f"the probe failed: {facts['error']}")
    if missing:
        return Check(g, False, missing)
    held, detail = VERDICTS[g.name](facts, report)
    return Check(g, bool(held), detail)


def _refused(fact: object) -> bool:
    return str(fact).startswith("refused")


def _uid(facts: dict, report: dict) -> tuple[bool, str]:
    uid, caps = facts.get("uid"), facts.get("capabilities")
    if caps:
        return False, f"uid {uid} holds capabilities {caps:#x} (it could mount, make namespaces)"
    if report.get("mode") == "userns":
        return uid != 0, f"uid {uid} in a user namespace of its own, no capabilities"
    low, high = report.get("uid_range") or (0, 0)
    if not low <= (uid or 0) < high:
        return False, f"student code runs as uid {uid}, outside a block of worker uids"
    if not facts.get("uid_block_locked"):
        return False, f"uid {uid} is from block {low}-{high - 1}, which no grader has locked"
    return uid != 0, f"uid {uid}, no capabilities, of block {low}-{high - 1} locked by this grader"


def _rlimits(facts: dict, report: dict) -> tuple[bool, str]:
    limits = facts.get("rlimits", {})
    bounded = all(limits.get(k) not in (None, RLIM_INFINITY) for k in ("RLIMIT_AS", "RLIMIT_CPU"))
    return bounded, ", ".join(f"{k[7:]}={v}" for k, v in limits.items() if k != "RLIMIT_NPROC")


def _processes(facts: dict, report: dict) -> tuple[bool, str]:
    nproc = facts.get("rlimits", {}).get("RLIMIT_NPROC")
    return nproc not in (None, RLIM_INFINITY), f"NPROC={nproc}"


def _memory(facts: dict, report: dict) -> tuple[bool, str]:
    limit = facts.get("cgroup_limit")
    expected = (Limits().memory_mb + Limits().scratch_mb) * MB
    if limit is None:
        return False, "the probe's worker is in no memory-limited cgroup"
    return limit <= expected, f"the worker's cgroup allows {limit // MB} MB in all"


def _network(facts: dict, report: dict) -> tuple[bool, str]:
    said = str(facts.get("network", ""))
    held = not facts.get("connected") and not said.startswith("connected")
    return held, f"connecting to a port opened by the grader: {said}"


def _filesystem(facts: dict, report: dict) -> tuple[bool, str]:
    visible = ", ".join(facts.get("visible", [])) or "none of the course, engine, home or temp"
    writable = ", ".join(facts.get("writable", [])) or "nothing"
    held = not facts.get("visible") and not facts.get("writable")
    return held, f"visible: {visible}; writable outside scratch: {writable}"


def _ipc(facts: dict, report: dict) -> tuple[bool, str]:
    seen = facts.get("grader_shm")
    return _refused(seen), f"the grader's shared memory segment: {seen}"


def _syscalls(facts: dict, report: dict) -> tuple[bool, str]:
    unshare, mount = facts.get("unshare"), facts.get("mount")
    held = _refused(unshare) and _refused(mount) and not facts.get("capabilities")
    return held, f"unshare(user, mount): {unshare}; mount tmpfs: {mount}"


def _shm(facts: dict, report: dict) -> tuple[bool, str]:
    made = facts.get("shm")
    return _refused(made), f"a 64 MB System V segment: {made}"


def _keyring(facts: dict, report: dict) -> tuple[bool, str]:
    seen, stored = facts.get("grader_key"), facts.get("add_key")
    held = _refused(seen) and _refused(stored)
    return held, f"the grader's session key: {seen}; storing a key: {stored}"


VERDICTS = {
    "process": lambda facts, report: (
        facts.get("pid") != os.getpid(),
        f"student code ran as pid {facts.get('pid')}, forked from the zygote",
    ),
    "uid": _uid,
    "rlimits": _rlimits,
    "processes": _processes,
    "memory": _memory,
    "network": _network,
    "filesystem": _filesystem,
    "pid": lambda facts, report: (
        facts.get("pid") == 1,
        f"student code is pid {facts.get('pid')} in its namespace",
    ),
    "ipc": _ipc,
    "syscalls": _syscalls,
    "shm": _shm,
    "keyring": _keyring,
}
