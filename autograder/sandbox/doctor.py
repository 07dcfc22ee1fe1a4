"""``autograder doctor``: which sandbox guarantees hold on this machine, checked for real.

The zygote says what it set up; then a probe runs as student code in a real worker and
tries what a hostile submission would (read the course, connect to a port this process
opens on 127.0.0.1, look at its limits and its pid). A guarantee is reported as held only
when both agree.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.sandbox.errors import SubmissionFault
from autograder.sandbox.guarantees import GUARANTEES, Guarantee
from autograder.sandbox.limits import ResourceLimits
from autograder.sandbox.session import Chunk, Session
from autograder.sandbox.zygote_launcher import ZygoteError, ZygoteLauncher, ZygoteServer

try:
    from resource import RLIM_INFINITY
except ImportError:  # pragma: no cover - no rlimits on this platform
    RLIM_INFINITY = -1

PROBE = """
import os, resource, socket

def probe(paths, port):
    facts = {"uid": os.getuid(), "pid": os.getpid(), "visible": [], "writable": []}
    for path in paths:
        if os.path.exists(path):
            facts["visible"].append(path)
    for folder in ("/", "/usr", os.path.dirname(paths[0]) if paths else "/"):
        try:
            with open(os.path.join(folder, ".autograder-doctor"), "w"):
                pass
            facts["writable"].append(folder)
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        facts["network"] = "connected to 127.0.0.1"
    except OSError as exc:
        facts["network"] = f"refused: {exc.strerror or exc}"
    facts["rlimits"] = {
        name: resource.getrlimit(getattr(resource, name))[0]
        for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_FSIZE", "RLIMIT_NPROC")
    }
    return facts
"""


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


def diagnose(course_root: Path | None = None) -> Diagnosis:
    """Start a fresh zygote, probe one worker, and say which guarantees hold."""
    secret_paths = _secret_paths(course_root)
    try:
        server = ZygoteServer(hide=tuple(secret_paths))
    except (ZygoteError, OSError) as exc:
        checks = [Check(g, g.name == "process", f"no zygote: {exc}") for g in GUARANTEES]
        return Diagnosis("subprocess", checks, [])
    try:
        facts, connected = _run_probe(server, _probe_targets(secret_paths, server))
    finally:
        server.close()
        Path(secret_paths[-1]).unlink(missing_ok=True)
    missing = server.report.get("missing", {})
    mode = server.report.get("mode", "?")
    checks = [_judge(g, missing.get(g.name), facts, connected, mode) for g in GUARANTEES]
    return Diagnosis(mode, checks, server.report.get("problems", []))


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
        targets += [e for e in entries if not any(_inside(b, e) for b in binds)]
    return targets


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _run_probe(server: ZygoteServer, paths: list[str]) -> tuple[dict, bool]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    scratch = Path(tempfile.mkdtemp(prefix="autograder-doctor-"))
    session = Session(
        ZygoteLauncher(server, ResourceLimits()),
        scratch,
        "probe",
        [Chunk("probe.py", PROBE)],
        call_timeout=20,
        total_timeout=60,
    )
    try:
        session.start()
        facts = session.call(["probe"], (paths, listener.getsockname()[1]), {})
    except SubmissionFault as fault:
        facts = {"error": str(fault)}
    finally:
        session.close()
        shutil.rmtree(scratch, ignore_errors=True)
    try:
        listener.accept()[0].close()
        connected = True
    except OSError:
        connected = False
    listener.close()
    return facts, connected


def _uid_detail(mode: str, uid: object) -> str:
    if mode == "userns":
        return f"uid {uid} in a user namespace of its own: your user outside, no privileges"
    return f"student code runs as uid {uid}, a uid no other worker or account has"


def _judge(g: Guarantee, missing: str | None, facts: dict, connected: bool, mode: str) -> Check:
    """Combine the zygote's word with what the probe saw."""
    if "error" in facts:
        return Check(g, False, f"the probe failed: {facts['error']}")
    if missing:
        return Check(g, False, missing)
    limits = facts.get("rlimits", {})
    unlimited = RLIM_INFINITY
    verdicts = {
        "process": (
            facts.get("pid") != os.getpid(),
            f"student code ran as pid {facts.get('pid')}, forked from the zygote",
        ),
        "uid": (facts.get("uid") != 0, _uid_detail(mode, facts.get("uid"))),
        "rlimits": (
            all(limits.get(k) not in (None, unlimited) for k in ("RLIMIT_AS", "RLIMIT_CPU")),
            ", ".join(f"{k[7:]}={v}" for k, v in limits.items() if k != "RLIMIT_NPROC"),
        ),
        "processes": (
            limits.get("RLIMIT_NPROC") not in (None, unlimited),
            f"NPROC={limits.get('RLIMIT_NPROC')}",
        ),
        "network": (
            not connected and not str(facts.get("network", "")).startswith("connected"),
            f"connecting to a port opened by the grader: {facts.get('network')}",
        ),
        "filesystem": (
            not facts.get("visible") and not facts.get("writable"),
            "visible: "
            + (
                ", ".join(facts.get("visible", []))
                or "none of the course, engine, home or temp folders"
            )
            + "; writable outside scratch: "
            + (", ".join(facts.get("writable", [])) or "nothing"),
        ),
        "pid": (facts.get("pid") == 1, f"student code is pid {facts.get('pid')} in its namespace"),
        "ipc": (True, "own IPC namespace per worker"),
    }
    held, detail = verdicts[g.name]
    return Check(g, bool(held), detail)
