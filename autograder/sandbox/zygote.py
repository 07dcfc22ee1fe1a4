"""The pre-warmed process that forks one sandboxed worker per submission.

Run by the grader as a fresh ``python -I`` calling :func:`main` (never a fork of the
grader), with a scrubbed environment and ``SOCKET_FD CONFIG_JSON`` as arguments. It imports
numpy and the worker code, and nothing of any course: no reference, hidden test, spec,
secret or submission is ever in its memory, so a worker forked from it has nothing to
steal. It never even sees student code: that goes straight from the grader to the worker
over the worker's own pipe.

At start it isolates itself (see ``rootfs``) when it can, then answers requests on a
SOCK_SEQPACKET socket:

- ``spawn`` (with three file descriptors: the worker's request, reply and output pipes)
  forks a worker into its jail (``workers``, ``jail``) and replies with its pid and a pidfd;
- ``kill`` SIGKILLs a worker and everything it started, reaps it and replies with its
  wait status; ``poll`` reports whether it has exited.

Isolation modes, best first: ``root`` (namespaces plus a uid of its own per worker),
``userns`` (an unprivileged user namespace when not run as root), ``plain`` (rlimits, own
process group, and a uid of its own when root) and ``none`` (a bare fork, for benchmarks).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import socket
import sys
import traceback

import numpy  # noqa: F401 - the point of the zygote: every worker starts with numpy loaded

from autograder.sandbox import jail, linux, rootfs, seccomp
from autograder.sandbox.cgroup import MemoryCgroups
from autograder.sandbox.guarantees import GUARANTEES
from autograder.sandbox.policy import Limits
from autograder.sandbox.uid_blocks import NoFreeBlock, UidBlock, claim_block
from autograder.sandbox.workers import Workers

# Imported once here so that workers start with them loaded (the rest import on demand).
WARM_MODULES = (  # noqa: SIM905 - a word list reads better than 28 lines
    "numpy.linalg numpy.random numpy.fft math cmath random statistics itertools functools "
    "collections heapq bisect copy dataclasses typing re json decimal fractions numbers "
    "operator enum datetime warnings contextlib string time encodings.idna"
).split()
MAX_MESSAGE = 1 << 16


class SetupFailed(Exception):
    """An isolation step failed; the message says which and why."""


class Zygote:
    """Holds the isolation mode and the live workers; forks and kills them on request."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.mode = "none"
        self.missing: dict[str, str] = {}
        self.root = os.geteuid() == 0
        self.uid_block: UidBlock | None = None  # root only: this grader's own uids, locked
        self.binds: list[str] = []
        self.workers = Workers("none", None, seccomp=False)

    # -- set-up -----------------------------------------------------------------------

    def setup(self) -> dict:
        """Isolate the zygote as well as this machine allows; report what holds.

        If building the namespaces fails half way, this process is not trusted to carry
        on: the reply asks the grader to start a fresh zygote in plain mode.
        """
        for name in WARM_MODULES:
            importlib.import_module(name)
        if not self.config.get("isolate", True):  # a bare fork: no uid, no jail
            self.missing = {name: "isolation was turned off" for name in GUARANTEE_NAMES}
            return self.report()
        if self.root:
            try:
                self.uid_block = claim_block()
            except (NoFreeBlock, OSError) as exc:
                return {"ok": False, "error": f"no worker uids for this grader: {exc}"}
        self._prepare_jail()
        if self.config.get("plain") is None and linux.is_linux():
            try:
                self.workers.mode = self.mode = "root" if self.root else "userns"
                self._enter_namespaces()
                self._try_worker_setup()
            except (OSError, SetupFailed) as exc:
                return {"ok": False, "error": str(exc), "retry_plain": True}
            return self.report()
        self.workers.mode = self.mode = "plain"
        if linux.is_linux():
            # Orphans of workers (daemons) come back to us, to be killed and reaped.
            linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)
        reason = self.config.get("plain") or "Linux namespaces are not available on this system"
        for name in ("network", "filesystem", "pid", "ipc"):
            self.missing[name] = reason
        if not self.root:
            self.missing["uid"] = "not root and no user namespace: student code runs as you"
            self.missing["processes"] = "needs root or a user namespace, so it is not set"
        return self.report()

    def _prepare_jail(self) -> None:
        """The per-worker mechanisms this machine offers; name the ones it does not."""
        use_filter = self.config.get("seccomp", True) and seccomp.supported()
        if not self.config.get("seccomp", True):
            self.missing["syscalls"] = "the system-call filter was turned off"
        elif not use_filter:
            self.missing["syscalls"] = f"no system-call filter for {os.uname().machine}"
        if "syscalls" in self.missing:
            self.missing["shm"] = self.missing["syscalls"]
        self.workers = Workers("none", self.uid_block, seccomp=use_filter)
        cgroups, reason = None, "turned off"
        if self.config.get("cgroup", True) and linux.is_linux():
            cgroups, reason = MemoryCgroups.create()
        self.workers.cgroups = cgroups
        if cgroups is None:
            self.missing["memory"] = f"no memory cgroup per worker: {reason}"

    def report(self) -> dict:
        return {
            "ok": True,
            "mode": self.mode,
            "missing": self.missing,
            "uid_range": _range_of(self.uid_block),
            "binds": self.binds,
            "pid": os.getpid(),
            "problems": self.problems(),
        }

    def problems(self) -> list[str]:
        """Set-up problems that would make correct submissions fail, in words."""
        if not self.root or self.mode == "none":
            return []
        namespaced = self.mode in ("root", "userns")
        dirs = self.binds if namespaced else rootfs.python_dirs()
        blocked = rootfs.unreadable_for_others(dirs, with_parents=not namespaced)
        if not blocked:
            return []
        return [
            f"student code runs as an unprivileged user who cannot read {', '.join(blocked)}; "
            "modules not preloaded by the zygote will fail to import there. Make that path "
            "readable by others (chmod o+rx) or use a Python installed elsewhere."
        ]

    def _enter_namespaces(self) -> None:
        mounts = rootfs.plan_mounts(self.config.get("hide", []))
        self.binds = [m.target for m in mounts if m.kind == "bind"]
        if self.root:
            linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWUTS)
        else:
            uid, gid = os.geteuid(), os.getegid()
            linux.unshare(linux.CLONE_NEWUSER | linux.CLONE_NEWNS | linux.CLONE_NEWUTS)
            jail.write_id_maps(os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY), uid, gid)
            self._become_pid_ns_init()
            self.workers.proc_fd = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
        linux.sethostname("sandbox")
        self.workers.own_pid_ns = os.open("/proc/self/ns/pid", os.O_RDONLY)
        rootfs.enter_sandbox_root(mounts)

    def _become_pid_ns_init(self) -> None:
        """Without root, per-worker PID namespaces need ours to be owned by our user ns.

        The process the grader started waits for its child (the real zygote, PID 1 of a
        new PID namespace) and exits with its status.
        """
        linux.unshare(linux.CLONE_NEWPID)
        child = os.fork()
        if child:
            os.close(self.config["socket_fd"])
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)

    def _try_worker_setup(self) -> None:
        """Fork one throw-away worker to prove the per-worker steps work here."""
        r, w = os.pipe()
        pid, error = self.workers.fork([os.dup(0), os.dup(w), os.dup(w)], Limits(), "")
        os.close(r)
        os.close(w)
        if error:
            raise SetupFailed(error)
        self.workers.kill(pid)

    # -- workers ----------------------------------------------------------------------

    def spawn(self, fds: list[int], limits: Limits, scratch: str) -> tuple[dict, int]:
        """A new worker on ``fds``; the reply and a pidfd to poll it by (-1 if none)."""
        pid, error = self.workers.fork(fds, limits, scratch)
        if error:
            return {"ok": False, "error": error}, -1
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = -1
        return {"ok": True, "pid": pid}, pidfd

    # -- the request loop -------------------------------------------------------------

    def serve(self, sock: socket.socket) -> None:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 8)
            except OSError as exc:
                # The grader's end is gone in an unusual way: say so in the log, then stop.
                print(f"autograder zygote: reading requests failed: {exc}", file=sys.stderr)
                data, fds = b"", []
            if not data:
                self.workers.shutdown()
                return
            try:
                reply, out_fds = self.handle(json.loads(data), fds)
            except Exception as exc:  # a bug here must not take the batch down
                reply, out_fds = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}, []
                for fd in fds:
                    _close_quietly(fd)
            socket.send_fds(sock, [json.dumps(reply).encode()], out_fds)
            for fd in out_fds:
                os.close(fd)

    def handle(self, request: dict, fds: list[int]) -> tuple[dict, list[int]]:
        op = request.get("op")
        if op == "spawn":
            if len(fds) != 3:
                raise ValueError("spawn needs three file descriptors")
            limits = Limits.from_resources(request.get("limits", {}))
            reply, pidfd = self.spawn(fds, limits, str(request.get("scratch", "")))
            return reply, [pidfd] if pidfd >= 0 else []
        if op == "kill":
            return {"ok": True, **self.workers.kill(int(request["pid"]))}, []
        if op == "poll":
            ended = self.workers.poll(int(request["pid"]))
            return {"ok": True, "running": ended is None, **(ended or {})}, []
        raise ValueError(f"unknown op {op!r}")


GUARANTEE_NAMES = tuple(g.name for g in GUARANTEES if g.name != "process")


def _range_of(block: UidBlock | None) -> list[int] | None:
    """``[first, end)`` of the uids this grader's workers run as, for the report."""
    return None if block is None else [block.base, block.base + block.size]


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def main() -> None:
    sock_fd, config = int(sys.argv[1]), json.loads(sys.argv[2])
    config["socket_fd"] = sock_fd
    # Workers inherit this interpreter: leave them no trace of where the course lives.
    if len(sys.argv) > 3 and sys.argv[3] in sys.path:
        sys.path.remove(sys.argv[3])
    sys.argv = ["autograder-zygote"]
    if linux.is_linux():
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != config.get("parent"):
            sys.exit(1)  # the grader is already gone
    sys.dont_write_bytecode = True
    sock = socket.socket(fileno=sock_fd)
    zygote = Zygote(config)
    try:
        report = zygote.setup()
    except Exception:
        report = {"ok": False, "error": traceback.format_exc(limit=3)}
    socket.send_fds(sock, [json.dumps(report).encode()], [])
    if report.get("ok"):
        zygote.serve(sock)
    else:
        zygote.workers.shutdown()


if __name__ == "__main__":
    main()
