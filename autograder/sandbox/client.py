"""The grader's side of a worker: start it, send requests, enforce time, collect output."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from autograder.sandbox.policy import Limits, worker_environment
from autograder.sandbox.protocol import ChannelClosed, ChannelTimeout, ProtocolError, Reader, pack

OUTPUT_LIMIT = 1024 * 1024


@dataclass
class CapturedOutput:
    """What a worker printed: the first ``limit`` bytes kept, the rest counted and dropped."""

    limit: int = OUTPUT_LIMIT
    data: bytearray = field(default_factory=bytearray)
    dropped: int = 0

    def add(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        self.data += chunk[: max(room, 0)]
        self.dropped += max(len(chunk) - max(room, 0), 0)

    def text(self) -> str:
        out = self.data.decode("utf-8", errors="replace")
        if self.dropped:
            out += f"\n[... {self.dropped} more bytes of output were dropped]"
        return out


class ProcessHandle(Protocol):
    """The process behind a worker, however it was started."""

    pid: int

    def poll(self) -> int | None:
        """``None`` while it runs, else its return code (negative: killed by that signal)."""

    def kill(self) -> int:
        """SIGKILL it and everything it started, wait for it, return its return code."""


class WorkerProcess:
    """One running worker: a process speaking the protocol on two pipes, plus its output.

    ``to_worker``, ``from_worker`` and ``output`` are the grader's ends of the request,
    reply and output pipes; this object owns and closes them.
    """

    def __init__(
        self,
        process: ProcessHandle,
        to_worker: int,
        from_worker: int,
        output_fd: int,
        output: CapturedOutput | None = None,
    ) -> None:
        self.process = process
        self.output = output or CapturedOutput()
        self._to_worker = to_worker
        self._from_worker = from_worker
        self._output_fd = output_fd
        self._returncode: int | None = None
        self.cpu_seconds: int | None = None  # for messages; set by the launcher
        os.set_blocking(to_worker, False)
        self._reader = Reader(from_worker)
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def request(self, header: dict, blobs: list[bytes], timeout: float) -> tuple[dict, list[bytes]]:
        """Send one request and wait at most ``timeout`` seconds for the answer.

        Raises ``ChannelTimeout`` (the worker is then killed), ``ChannelClosed`` or
        ``ProtocolError``. Writing has the same deadline as reading: a worker that stops
        reading its requests cannot make the grader wait.
        """
        deadline = time.monotonic() + timeout
        try:
            self._send(pack(header, blobs), deadline)
            return self._reader.read(deadline=deadline)
        except ChannelTimeout:
            self.kill()
            raise

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        poller = select.poll()
        poller.register(self._to_worker, select.POLLOUT)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise ChannelTimeout("the worker stopped reading its requests")
            try:
                view = view[os.write(self._to_worker, view) :]
            except BlockingIOError:
                continue
            except OSError:
                raise ChannelClosed("the worker is no longer running") from None

    def alive(self) -> bool:
        return self._returncode is None and self.process.poll() is None

    def exit_description(self) -> str:
        """Say in words how the process ended."""
        code = self._returncode if self._returncode is not None else self.process.poll()
        return describe_exit(code, getattr(self.process, "limit_hit", ""), self.cpu_seconds)

    def kill(self) -> None:
        """SIGKILL the worker and everything it started; close the pipes."""
        if self._returncode is None:
            self._returncode = self.process.kill()
            for fd in (self._to_worker, self._from_worker):
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._drain.join(timeout=1.0)

    def _drain_output(self) -> None:
        """Read everything the worker prints, keep the first part, never make it wait."""
        try:
            while chunk := os.read(self._output_fd, 65536):
                self.output.add(chunk)
        except OSError:
            pass
        finally:
            os.close(self._output_fd)


def describe_exit(code: int | None, limit_hit: str = "", cpu_seconds: int | None = None) -> str:
    """A return code in words, naming the limit behind the usual signals."""
    if code is None:
        return "still running"
    if code >= 0:
        return f"exited with status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        return f"killed by signal {-code}"
    if limit_hit == "memory":
        return f"killed by signal {name}: its processes used up their memory limit together"
    if limit_hit == "cpu" or name == "SIGXCPU":
        budget = f" ({cpu_seconds} s)" if cpu_seconds else ""
        return f"killed by signal {name}: it used up its CPU time limit{budget}"
    why = {
        "SIGXFSZ": ": it wrote a file larger than allowed",
        "SIGSEGV": ": a segmentation fault (often memory exhausted in native code)",
    }.get(name, "")
    return f"killed by signal {name}{why}"


class PopenHandle:
    """A worker started with ``subprocess``; it leads its own process group."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.pid = proc.pid

    def poll(self) -> int | None:
        return self.proc.poll()

    def kill(self) -> int:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        return self.proc.wait()


class SubprocessLauncher:
    """Starts each worker as a fresh ``python -I -m autograder.sandbox.worker``.

    The fallback where the zygote cannot run (no ``fork``, e.g. Windows or macOS): slow
    (the interpreter and numpy start for every worker) and only as isolated as the
    operating system's process boundary, with the resource limits the platform has. The
    environment is scrubbed, the working directory is the submission's scratch folder,
    and the worker leads its own process group so killing it kills what it started.
    """

    name = "subprocess"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits

    def start(self, scratch: Path) -> WorkerProcess:
        command = [sys.executable, "-I", "-u", "-m", "autograder.sandbox.worker"]
        if self.limits is not None:
            command.append(json.dumps(self.limits.resources()))
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=scratch,
            env=worker_environment(scratch),
            start_new_session=True,
            close_fds=True,
        )
        fds = [os.dup(stream.fileno()) for stream in (proc.stdin, proc.stdout, proc.stderr)]
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
        return WorkerProcess(PopenHandle(proc), *fds)


__all__ = [
    "CapturedOutput",
    "ProtocolError",
    "SubprocessLauncher",
    "WorkerProcess",
    "describe_exit",
]
