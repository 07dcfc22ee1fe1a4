"""The grader's side of a worker: start it, send requests, enforce time, collect output."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

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


class WorkerProcess:
    """One running worker: a child process speaking the protocol on its stdin/stdout."""

    def __init__(self, proc: subprocess.Popen, output: CapturedOutput) -> None:
        self.proc = proc
        self.output = output
        self._reader = Reader(proc.stdout.fileno())
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    def request(self, header: dict, blobs: list[bytes], timeout: float) -> tuple[dict, list[bytes]]:
        """Send one request and wait at most ``timeout`` seconds for the answer.

        Raises ``ChannelTimeout`` (the worker is then killed), ``ChannelClosed`` or
        ``ProtocolError``.
        """
        try:
            self.proc.stdin.write(pack(header, blobs))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise ChannelClosed("the worker is no longer running") from None
        try:
            return self._reader.read(deadline=time.monotonic() + timeout)
        except ChannelTimeout:
            self.kill()
            raise

    def alive(self) -> bool:
        return self.proc.poll() is None

    def exit_description(self) -> str:
        """Say in words how the process ended."""
        code = self.proc.poll()
        if code is None:
            return "still running"
        if code < 0:
            name = (
                signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
            )
            return f"killed by signal {name}"
        return f"exited with status {code}"

    def kill(self) -> None:
        """SIGKILL the worker's whole process group, so nothing it started survives."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._drain.join(timeout=1.0)

    def _drain_output(self) -> None:
        stream = self.proc.stderr
        try:
            while chunk := os.read(stream.fileno(), 65536):
                self.output.add(chunk)
        except OSError:
            pass
        finally:
            stream.close()


class SubprocessLauncher:
    """Starts each worker as a fresh ``python -I -m autograder.sandbox.worker``.

    The environment is scrubbed (no secrets, no grader settings), the working directory is
    the submission's private scratch folder, and the worker leads its own process group so
    that killing it kills everything it started.
    """

    name = "subprocess"

    def start(self, scratch: Path) -> WorkerProcess:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-u", "-m", "autograder.sandbox.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=scratch,
            env=worker_environment(scratch),
            start_new_session=True,
            close_fds=True,
        )
        return WorkerProcess(proc, CapturedOutput())


def worker_environment(scratch: Path) -> dict[str, str]:
    """The only environment variables student code gets to see."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        # One BLAS thread per worker: parallelism comes from grading submissions side by side.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


__all__ = ["CapturedOutput", "ProtocolError", "SubprocessLauncher", "WorkerProcess"]
