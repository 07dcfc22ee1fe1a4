"""The live workers of one fork server: fork each into its jail, poll, kill, reap.

Root mode gives every worker a uid of its own from the server's locked block
(``uid_blocks``); a uid goes back to the end of the free queue when its worker is gone, so
the least recently used one is taken next. Student code cannot touch a keyring (the
``seccomp`` filter), and where that filter is missing the uid's user keyring is cleared
before the uid is used again.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
from collections import deque

from autograder.sandbox import jail, linux
from autograder.sandbox.cgroup import MemoryCgroups
from autograder.sandbox.policy import Limits
from autograder.sandbox.uid_blocks import UidBlock

MB = 1024 * 1024
SETUP_TIMEOUT = 30.0


class Workers:
    """Forks workers in ``mode`` and keeps what is needed to end them cleanly."""

    def __init__(self, mode: str, block: UidBlock | None, *, seccomp: bool) -> None:
        self.mode = mode
        self.free_uids: deque[int] = deque(block.uids() if block is not None else ())
        self.root = block is not None
        self.seccomp = seccomp  # the filter is on, so no worker can use a keyring
        self.cgroups: MemoryCgroups | None = None
        self.own_pid_ns = -1  # namespaced modes: where to come back to after each fork
        self.proc_fd = -1  # userns mode: /proc of the server's namespace
        self.live: dict[int, int] = {}  # worker pid -> its uid (-1 when not root)
        self.cpu_limits: dict[int, int] = {}  # worker pid -> its CPU seconds
        self.exited: dict[int, dict] = {}  # reaped by poll, kept until the kill
        self.cgroup_of: dict[int, str] = {}  # worker pid -> its cgroup's name
        self.serial = 0  # cgroup names are never reused, even if one lingers

    def fork(self, fds: list[int], limits: Limits, scratch: str) -> tuple[int, str]:
        """Fork a worker on ``fds`` (request, reply, output); return (pid, error text)."""
        if self.root and not self.free_uids:
            for fd in fds:
                os.close(fd)
            return 0, "too many workers at once"
        uid = self.free_uids.popleft() if self.root else -1
        sync_r, sync_w = os.pipe()
        job = jail.Job(self.mode, uid, limits, fds, sync_w, scratch, self.proc_fd)
        job.seccomp = self.seccomp
        pid, error = self._fork_into(job, sync_r)
        if pid < 0:
            self._release_uid(uid)
            for fd in (*fds, sync_r, sync_w):
                os.close(fd)
            return 0, error
        for fd in (*fds, sync_w):
            os.close(fd)
        self.live[pid] = uid
        if job.cgroup is not None:
            self.cgroup_of[pid] = job.cgroup_name
        self.cpu_limits[pid] = int(limits.cpu_seconds or 0)
        message = _read_until_eof(sync_r, timeout=SETUP_TIMEOUT)
        os.close(sync_r)
        if message != b"ok":
            self.kill(pid)
            return 0, message.decode(errors="replace") or "the worker died while being set up"
        return pid, ""

    def _fork_into(self, job: jail.Job, sync_r: int) -> tuple[int, str]:
        """Fork; the child becomes PID 1 of a new PID namespace and never returns."""
        if self.cgroups is not None and job.uid >= 0:
            self.serial += 1
            job.cgroup, job.cgroup_name = self.cgroups, f"worker{self.serial}"
            limit = (job.limits.memory_mb + job.limits.scratch_mb) * MB
            self.cgroups.make(job.cgroup_name, limit)
        namespaced = self.mode in ("root", "userns")
        if namespaced:
            linux.unshare(linux.CLONE_NEWPID)
        try:
            pid, error = os.fork(), ""
        except OSError as exc:
            pid, error = -1, f"could not fork a worker: {exc}"
        if pid == 0:
            os.close(sync_r)
            jail.run(job)
        if namespaced:
            # Back to our own PID namespace for children, so the next unshare works.
            linux.setns(self.own_pid_ns, linux.CLONE_NEWPID)
        if pid < 0 and job.cgroup is not None:
            self.cgroups.remove(job.cgroup_name)
        return pid, error

    def kill(self, pid: int) -> dict:
        """SIGKILL worker ``pid`` and all it started; reap it; say how it ended."""
        if pid not in self.live:
            raise KeyError(f"no worker {pid}")
        uid = self.live.pop(pid)
        sweep = self.mode == "plain" and uid >= 0
        if sweep:
            _kill_uid(uid)
        ended = self.exited.pop(pid, None)  # already reaped: its pid may belong to another
        if ended is None:
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)
            ended = self._reap(pid, 0)
        if sweep:
            _kill_uid(uid)  # anything forked between the first sweep and the kill
        if self.mode == "plain":
            self._kill_orphans()  # daemons that left the process group (setsid)
        self.reap_orphans()
        cgroup = self.cgroup_of.pop(pid, None)
        if cgroup is not None:
            if self.cgroups.oom_killed(cgroup) and os.WIFSIGNALED(ended["status"]):
                ended["limit"] = ended["limit"] or "memory"
            self.cgroups.remove(cgroup)
        self._release_uid(uid)
        self.cpu_limits.pop(pid, None)
        return ended

    def _release_uid(self, uid: int) -> None:
        if uid < 0:
            return
        if not self.seccomp:
            _as_uid(uid, linux.clear_user_keyring)  # what its worker stored dies with it
        self.free_uids.append(uid)

    def _kill_orphans(self) -> None:
        """SIGKILL our children that are not live workers: as subreaper we inherit what
        a dead worker's processes forked, even after ``setsid``. Repeated, since killing
        one orphans its own children to us."""
        me = str(os.getpid())
        for _ in range(100):
            orphans = [pid for pid in _children_of(me) if pid not in self.live]
            if not orphans:
                return
            for pid in orphans:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            self.reap_orphans()

    def poll(self, pid: int) -> dict | None:
        """How worker ``pid`` ended, if it has (kept until it is killed), else None."""
        if pid not in self.live:
            raise KeyError(f"no worker {pid}")
        if pid not in self.exited:
            ended = self._reap(pid, os.WNOHANG)
            if ended is None:
                return None
            self.exited[pid] = ended
        return self.exited[pid]

    def reap_orphans(self) -> None:
        """Reap every exited child: orphans we inherited as subreaper, and workers
        (whose status is kept for the grader)."""
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.live:
                self.exited[pid] = self._ended(pid, status, usage)

    def _reap(self, pid: int, flags: int) -> dict | None:
        """Wait for ``pid``; its status, and "cpu" when its CPU time reached the limit.

        A worker is PID 1 of its namespace, where the kernel's SIGXCPU has no effect, so
        the CPU limit shows up as the hard limit's SIGKILL: the CPU time used tells.
        """
        done, status, usage = os.wait4(pid, flags)
        return self._ended(pid, status, usage) if done else None

    def _ended(self, pid: int, status: int, usage) -> dict:
        used = usage.ru_utime + usage.ru_stime
        signalled = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (
            signal.SIGKILL,
            signal.SIGXCPU,
        )
        limit = self.cpu_limits.get(pid, 0)
        return {"status": status, "limit": "cpu" if signalled and used >= limit > 0 else ""}

    def shutdown(self) -> None:
        """Kill every live worker; remove the cgroup folder."""
        for pid in list(self.live):
            with contextlib.suppress(ChildProcessError, KeyError):
                self.kill(pid)
        if self.cgroups is not None:
            self.cgroups.close()


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid``: a helper takes that uid and calls kill(-1)."""

    def kill_all() -> None:
        for _ in range(1000):
            os.kill(-1, signal.SIGKILL)

    _as_uid(uid, kill_all)


def _as_uid(uid: int, action) -> None:
    """Run ``action`` in a forked helper that has become ``uid``; wait for it."""
    helper = os.fork()
    if helper == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            action()
        except (ProcessLookupError, OSError):
            os._exit(0)  # nothing left to kill, or no keyring to clear
        except BaseException:  # noqa: BLE001 - a helper must never return into the server
            os._exit(1)
        os._exit(0)
    os.waitpid(helper, 0)


def _children_of(parent: str) -> list[int]:
    """Pids whose parent is ``parent``, from ``/proc`` (plain mode has one)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == parent and fields[0] != "Z":
            found.append(int(entry))
    return found


def _read_until_eof(fd: int, timeout: float) -> bytes:
    data = b""
    while len(data) < 8192:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data
