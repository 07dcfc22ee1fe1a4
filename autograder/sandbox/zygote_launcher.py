"""The grader's side of the zygote: start it once, ask it for a sandboxed worker per submission.

:func:`default_launcher` is what grading, ``check``, ``release`` and the pytest plugin use:
the zygote in the best isolation mode this machine allows, or the subprocess launcher
where there is no ``fork``. When some guarantee does not hold it says so, once, in one
line on stderr.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import autograder
from autograder.sandbox.client import SubprocessLauncher, WorkerProcess
from autograder.sandbox.guarantees import partial_warning
from autograder.sandbox.policy import Limits, Policy, worker_environment
from autograder.sandbox.rootfs import inside

START_TIMEOUT = 120.0  # seconds for the zygote to import numpy and build its sandbox
REQUEST_TIMEOUT = 60.0
MAX_REPLY = 1 << 16


class ZygoteError(RuntimeError):
    """The zygote could not be started or stopped answering."""


class ZygoteServer:
    """One zygote process and the socket to it. Safe to share between threads."""

    def __init__(self, policy: Policy | None = None, *, plain: str | None = None) -> None:
        self.policy = policy or Policy()
        self.owner = os.getpid()
        self._lock = threading.Lock()
        self.report = self._start(plain)

    # -- lifecycle --------------------------------------------------------------------

    def _start(self, plain: str | None) -> dict:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config = {**self.policy.zygote_config(), "parent": os.getpid(), "plain": plain}
        package_root = str(Path(autograder.__file__).resolve().parent.parent)
        bootstrap = (
            "import sys; sys.path.append(sys.argv[3]); "
            "from autograder.sandbox.zygote import main; main()"
        )
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the zygote
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", bootstrap, str(theirs.fileno()), json.dumps(config)]
            + [package_root],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            env=worker_environment(Path("/tmp")),
            cwd="/",
            start_new_session=True,
        )
        theirs.close()
        self.sock = ours
        try:
            report = self._receive(START_TIMEOUT)
        except ZygoteError:
            self.close()
            raise
        if report.get("ok"):
            return report
        self.close()
        if report.get("retry_plain") and plain is None:
            reason = f"setting up namespaces failed ({report.get('error')})"
            return self._start(reason)
        raise ZygoteError(f"the zygote did not start: {report.get('error')}")

    def alive(self) -> bool:
        return self.proc.poll() is None and self.owner == os.getpid()

    def close(self) -> None:
        """Stop the zygote; it kills any worker still running first."""
        self.sock.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-2000:]

    # -- requests ---------------------------------------------------------------------

    def request(self, message: dict, fds: list[int] | tuple = ()) -> tuple[dict, list[int]]:
        with self._lock:
            try:
                socket.send_fds(self.sock, [json.dumps(message).encode()], list(fds))
            except OSError as exc:
                raise ZygoteError(f"the zygote is gone ({exc}): {self.log()}") from None
            return self._receive_fds(REQUEST_TIMEOUT)

    def _receive(self, timeout: float) -> dict:
        reply, fds = self._receive_fds(timeout)
        for fd in fds:
            os.close(fd)
        return reply

    def _receive_fds(self, timeout: float) -> tuple[dict, list[int]]:
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            raise ZygoteError(f"the zygote did not answer within {timeout:g} s")
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, MAX_REPLY, 4)
        except OSError as exc:
            raise ZygoteError(f"the zygote is gone ({exc})") from None
        if not data:
            raise ZygoteError(f"the zygote exited: {self.log()}")
        return json.loads(data), fds

    def spawn(self, limits: Limits, scratch: Path) -> WorkerProcess:
        """A new worker, ready for its ``load`` request."""
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        output_r, output_w = os.pipe()
        theirs = [request_r, reply_w, output_w]
        message = {"op": "spawn", "limits": limits.resources(), "scratch": str(scratch)}
        try:
            reply, fds = self.request(message, theirs)
        except BaseException:
            for fd in (request_w, reply_r, output_r):
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        if not reply.get("ok"):
            for fd in (request_w, reply_r, output_r, *fds):
                os.close(fd)
            raise ZygoteError(f"the zygote could not start a worker: {reply.get('error')}")
        handle = ForkedHandle(self, int(reply["pid"]), fds[0] if fds else -1)
        worker = WorkerProcess(handle, request_w, reply_r, output_r)
        worker.cpu_seconds = limits.cpu_seconds
        return worker

    def would_show(self, path: str) -> bool:
        """Whether ``path`` lies in a folder this zygote's workers see and is not covered.

        Only meaningful with a mount namespace; without one, the warning line has already
        said that course files are readable.
        """
        if self.report.get("mode") not in ("root", "userns"):
            return False
        real = os.path.realpath(path)
        return not any(p in self.policy.hide for p in (path, real)) and any(
            inside(p, b) for b in self.report.get("binds", []) for p in (path, real)
        )


class ForkedHandle:
    """A worker forked by the zygote: polled through its pidfd, killed by the zygote."""

    def __init__(self, server: ZygoteServer, pid: int, pidfd: int) -> None:
        self.server = server
        self.pid = pid
        self.pidfd = pidfd
        self.returncode: int | None = None
        self.limit_hit = ""  # "cpu" when it was killed for using up its CPU time

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self.pidfd >= 0:
            poller = select.poll()
            poller.register(self.pidfd, select.POLLIN)
            if not poller.poll(0):
                return None
        reply, _ = self.server.request({"op": "poll", "pid": self.pid})
        if reply.get("running"):
            return None
        self.limit_hit = reply.get("limit", "")
        return os.waitstatus_to_exitcode(reply["status"])

    def kill(self) -> int:
        if self.returncode is None:
            reply, _ = self.server.request({"op": "kill", "pid": self.pid})
            if not reply.get("ok"):
                raise ZygoteError(f"the zygote could not kill worker {self.pid}: {reply}")
            self.returncode = os.waitstatus_to_exitcode(reply["status"])
            self.limit_hit = reply.get("limit", "")
            if self.pidfd >= 0:
                os.close(self.pidfd)
                self.pidfd = -1
        return self.returncode


class ZygoteLauncher:
    """Starts workers by asking a zygote to fork them, with these resource limits."""

    name = "zygote"

    def __init__(self, server: ZygoteServer, limits: Limits | None = None) -> None:
        self.server = server
        self.limits = limits or Limits()

    def start(self, scratch: Path) -> WorkerProcess:
        return self.server.spawn(self.limits, scratch)


# --------------------------------------------------------------------------- the default

_servers: list[ZygoteServer] = []
_servers_lock = threading.Lock()
_warned = False


def shared_server(policy: Policy | None = None) -> ZygoteServer:
    """The process-wide zygote for ``policy``'s jail, (re)started so that its hidden paths
    stay hidden. Limits do not matter here: they travel with each spawn."""
    policy = policy or Policy()
    with _servers_lock:
        current = next((s for s in reversed(_servers) if _same_jail(s.policy, policy)), None)
        hide = tuple(policy.hide)
        if current is not None and current.alive():
            if not any(current.would_show(path) for path in hide):
                return current
            hide = tuple(dict.fromkeys((*current.policy.hide, *hide)))
        server = ZygoteServer(replace(policy, hide=hide))
        _servers.append(server)
        return server


def _same_jail(a: Policy, b: Policy) -> bool:
    return (a.isolate, a.seccomp, a.cgroup) == (b.isolate, b.seccomp, b.cgroup)


def default_launcher(policy: Policy | None = None):
    """The best launcher this machine allows for ``policy`` (limits and hidden paths)."""
    policy = policy or Policy()
    if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
        _warn_once({"all": "no fork() here: each worker is a fresh Python process"})
        return SubprocessLauncher(policy.limits)
    try:
        server = shared_server(policy)
    except (ZygoteError, OSError) as exc:
        _warn_once({"all": f"the zygote could not start ({exc})"})
        return SubprocessLauncher(policy.limits)
    _warn_once(server.report.get("missing", {}), server.report.get("problems", []))
    return ZygoteLauncher(server, policy.limits)


def _warn_once(missing: dict[str, str], problems: list[str] = ()) -> None:
    global _warned
    if _warned:
        return
    lines = ([partial_warning(missing)] if missing else []) + [
        f"autograder: {problem}" for problem in problems
    ]
    if lines:
        _warned = True
        print("\n".join(lines), file=sys.stderr)


@atexit.register
def _stop_servers() -> None:
    for server in _servers:
        if server.owner == os.getpid():
            server.close()
