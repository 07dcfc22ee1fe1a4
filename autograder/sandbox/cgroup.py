"""One memory cgroup per worker: a bound on everything it holds, not only address space.

``RLIMIT_AS`` bounds each process's mappings, not the page cache, tmpfs pages, kernel
buffers or the sum over a worker's processes. Where the grader runs as root and the
kernel has a memory controller (cgroup v2, or v1's ``memory`` hierarchy), the fork server
makes a folder of its own in its current cgroup (v1) or at the top of the v2 tree, and
each worker joins a child of it limited to ``memory_mb + scratch_mb`` before any student
code runs. Past the limit the kernel's OOM killer ends the worker, which the grader then
reports as "killed: it used up its memory limit".

Everything is reached through a directory descriptor opened before the fork server pivots
into the sandbox root, where ``/sys`` does not exist.
"""

from __future__ import annotations

import contextlib
import os
import time

CGROUP_ROOT = "/sys/fs/cgroup"


class MemoryCgroups:
    """The fork server's cgroup folder and its per-worker children."""

    def __init__(self, parent_fd: int, version: int, name: str) -> None:
        self.parent_fd = parent_fd  # descriptor of the folder holding this server's own
        self.version = version
        self.name = name
        self.lingering: list[str] = []  # children whose removal has to wait

    @classmethod
    def create(cls) -> tuple[MemoryCgroups | None, str]:
        """A folder for this fork server's workers, or None and the reason there is none."""
        if os.geteuid() != 0:
            return None, "needs root (no writable memory cgroup for an unprivileged grader)"
        for version, path in ((2, _v2_root()), (1, _v1_parent())):
            if path is None:
                continue
            name = f"autograder-{os.getpid()}"
            _remove_stale(path)
            try:
                os.mkdir(os.path.join(path, name))
                if version == 2:
                    _write(os.path.join(path, name, "cgroup.subtree_control"), "+memory")
                return cls(os.open(path, os.O_RDONLY | os.O_DIRECTORY), version, name), ""
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.join(path, name))
                return None, f"could not make a memory cgroup in {path} ({exc.strerror})"
        return None, "this kernel shows no cgroup memory controller here"

    def make(self, worker: str, limit_bytes: int) -> None:
        """Create the child ``worker`` with a memory limit and no swap."""
        folder = f"{self.name}/{worker}"
        os.mkdir(folder, dir_fd=self.parent_fd)
        if self.version == 2:
            self._write(f"{folder}/memory.max", str(limit_bytes))
            with contextlib.suppress(FileNotFoundError):  # no swap accounting: no swap
                self._write(f"{folder}/memory.swap.max", "0")
        else:
            self._write(f"{folder}/memory.limit_in_bytes", str(limit_bytes))
            with contextlib.suppress(FileNotFoundError, PermissionError):
                self._write(f"{folder}/memory.memsw.limit_in_bytes", str(limit_bytes))

    def join(self, worker: str) -> None:
        """Move the calling process into ``worker`` (in the forked child, still root)."""
        self._write(f"{self.name}/{worker}/cgroup.procs", "0")

    def oom_killed(self, worker: str) -> bool:
        """Whether the kernel killed a process of ``worker`` for its memory limit."""
        events = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            fd = os.open(f"{self.name}/{worker}/{events}", os.O_RDONLY, dir_fd=self.parent_fd)
        except OSError:
            return False
        try:
            text = os.read(fd, 4096).decode()
        finally:
            os.close(fd)
        counts = dict(line.split()[:2] for line in text.splitlines() if len(line.split()) >= 2)
        return int(counts.get("oom_kill", "0")) > 0

    def remove(self, worker: str) -> None:
        """Remove ``worker`` once its processes are gone (retried later if they are not)."""
        pending = [*self.lingering, worker]
        self.lingering = []
        for name in pending:
            for _ in range(20):
                try:
                    os.rmdir(f"{self.name}/{name}", dir_fd=self.parent_fd)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.005)
            else:
                self.lingering.append(name)

    def close(self) -> None:
        """Remove every child left and the server's own folder."""
        for name in self.lingering:
            with contextlib.suppress(OSError):
                os.rmdir(f"{self.name}/{name}", dir_fd=self.parent_fd)
        with contextlib.suppress(OSError):
            os.rmdir(self.name, dir_fd=self.parent_fd)
        os.close(self.parent_fd)

    def _write(self, relative: str, text: str) -> None:
        fd = os.open(relative, os.O_WRONLY, dir_fd=self.parent_fd)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)


def _v2_root() -> str | None:
    """The top of the v2 tree, when it offers the memory controller."""
    for path in (CGROUP_ROOT, f"{CGROUP_ROOT}/unified"):
        try:
            with open(f"{path}/cgroup.subtree_control") as f:
                enabled = f.read().split()
            with open(f"{path}/cgroup.controllers") as f:
                available = f.read().split()
        except OSError:
            continue
        if "memory" in enabled or "memory" in available:
            if "memory" not in enabled:
                try:
                    _write(f"{path}/cgroup.subtree_control", "+memory")
                except OSError:
                    continue
            return path
    return None


def _v1_parent() -> str | None:
    """This process's own folder in the v1 memory hierarchy."""
    try:
        with open("/proc/self/cgroup") as lines:
            for line in lines:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if "memory" in controllers.split(","):
                    folder = f"{CGROUP_ROOT}/memory{path}"
                    return folder if os.path.isdir(folder) else None
    except OSError:
        return None
    return None


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _remove_stale(path: str) -> None:
    """Folders left by fork servers that died without cleaning up (SIGKILL): remove them."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(path):
            owner = entry.name.removeprefix("autograder-")
            if entry.name == owner or not owner.isdigit() or os.path.exists(f"/proc/{owner}"):
                continue
            with contextlib.suppress(OSError):
                for child in os.scandir(entry.path):
                    if child.is_dir():
                        os.rmdir(child.path)
                os.rmdir(entry.path)
