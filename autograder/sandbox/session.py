"""One submission's conversation with its worker: load the code, make calls, survive crashes.

A call that times out or kills the worker costs only that call: the next call starts a
fresh worker and loads the student's code again (up to ``max_restarts`` times and within
the submission's total time budget), so one endless loop in one function does not take
the points of the other functions with it.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from autograder.sandbox.client import CapturedOutput, WorkerProcess
from autograder.sandbox.errors import (
    CallTimeout,
    MissingName,
    StudentError,
    SubmissionFault,
    WorkerCrashed,
)
from autograder.sandbox.policy import Policy
from autograder.sandbox.protocol import (
    ChannelClosed,
    ChannelTimeout,
    Handle,
    ProtocolError,
    decode,
    encode,
)

MAX_ERROR_MESSAGE = 2000  # characters of a student exception's message (as the worker cuts)
MAX_ERROR_TRACEBACK = 4000


class Launcher(Protocol):
    """Anything that can start a worker in a scratch folder."""

    name: str

    def start(self, scratch: Path) -> WorkerProcess: ...


@dataclass
class Chunk:
    """A piece of student source: a whole ``.py`` file, or one notebook cell."""

    name: str
    source: str


@dataclass
class LoadReport:
    """What happened when the student's code was loaded."""

    chunk_errors: list[dict] = field(default_factory=list)
    defined: list[str] = field(default_factory=list)
    fault: SubmissionFault | None = None


@contextlib.contextmanager
def open_session(
    policy: Policy,
    module_name: str,
    chunks: list[Chunk],
    *,
    launcher: Launcher | None = None,
    total_timeout: float | None = None,
) -> Iterator[Session]:
    """A session for one submission under ``policy``, not started yet; closed (its worker
    killed, its scratch folder removed) on leaving the block.

    The one place a ``Session`` is put together: grading, the pytest plugin and the
    doctor all come here. ``launcher`` replaces the default (the shared zygote).
    """
    from autograder.sandbox.zygote_launcher import default_launcher

    scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
    session = Session(
        launcher or default_launcher(policy),
        scratch,
        module_name,
        chunks,
        call_timeout=policy.limits.call_timeout,
        total_timeout=total_timeout or policy.limits.submission_timeout,
    )
    try:
        yield session
    finally:
        session.close()
        shutil.rmtree(scratch, ignore_errors=True)


class Session:
    """Loads a submission into a worker and forwards calls to it."""

    def __init__(
        self,
        launcher: Launcher,
        scratch: Path,
        module_name: str,
        chunks: list[Chunk],
        *,
        call_timeout: float,
        total_timeout: float,
        max_restarts: int = 3,
    ) -> None:
        self.launcher = launcher
        self.scratch = scratch
        self.module_name = module_name
        self.chunks = chunks
        self.call_timeout = call_timeout
        self.deadline = time.monotonic() + total_timeout
        self.restarts_left = max_restarts
        self.worker: WorkerProcess | None = None
        self.generation = 0
        self.outputs: list[CapturedOutput] = []
        self.faults: list[SubmissionFault] = []
        self.skipped: dict[int, dict] = {}  # chunks that timed out or crashed while loading

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> LoadReport:
        """Start the first worker and load the code; never raises for student faults."""
        try:
            return self._spawn_and_load()
        except SubmissionFault as fault:
            self.faults.append(fault)
            return LoadReport(fault=fault)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    def output(self) -> str:
        """Everything the student's code printed, over all workers, capped."""
        return "".join(o.text() for o in self.outputs)

    # -- calls ------------------------------------------------------------------------

    def call(self, path: list[str], args: tuple, kwargs: dict, handle: Handle | None = None) -> Any:
        """Call the student's ``path`` (on ``handle``, when given) and return its value."""
        blobs: list = []
        header = {
            "op": "call",
            "path": path,
            "args": encode(list(args), blobs),
            "kwargs": encode(dict(kwargs), blobs),
        }
        return self._request(header, blobs, path, handle)

    def get(self, path: list[str], handle: Handle | None = None) -> Any:
        """The value of the student's ``path`` (an attribute, e.g. a model's trained
        parameters), as plain data, without calling it."""
        return self._request({"op": "get", "path": path}, [], path, handle)

    def _request(self, header: dict, blobs: list, path: list[str], handle: Handle | None) -> Any:
        worker = self._ready_worker()
        if handle is not None:
            if handle.generation != self.generation:
                raise WorkerCrashed(
                    f"the {handle.type_name} object was lost when your code was restarted "
                    "after an earlier crash or timeout"
                )
            header["handle"] = handle.id
        name = ".".join(path) or "value"
        reply, value = self._exchange(worker, header, blobs, f"calling {name}", decoded=True)
        if not reply.get("ok"):
            error = reply.get("error")
            raise _fault_from_error(error if isinstance(error, dict) else {}, name)
        return value

    # -- internals --------------------------------------------------------------------

    def _ready_worker(self) -> WorkerProcess:
        if self.worker is not None and self.worker.alive():
            return self.worker
        if self.restarts_left <= 0:
            raise WorkerCrashed(
                "your code crashed or timed out too many times; no more calls are made"
            )
        self.restarts_left -= 1
        self._spawn_and_load()
        return self.worker

    def _spawn_and_load(self) -> LoadReport:
        self.close()
        self._check_budget("starting your code")
        self.worker = self.launcher.start(self.scratch)
        self.generation += 1
        self.outputs.append(self.worker.output)
        if len(self.chunks) > 1:
            return self._load_chunk_by_chunk()
        header = {
            "op": "load",
            "module": self.module_name,
            "chunks": [{"name": c.name, "source": c.source} for c in self.chunks],
        }
        reply, _ = self._exchange(self.worker, header, [], "loading your code")
        return LoadReport(_chunk_errors(reply), _strings(reply.get("defined")))

    def _load_chunk_by_chunk(self) -> LoadReport:
        """Run the chunks (notebook cells) one request each, each within the call limit.

        A cell that runs out of time or ends the process (a training loop, ``exit()``) is
        skipped: a fresh worker runs the cells before it again and loading goes on after
        it, so functions defined in other cells are still graded.
        """
        header = {"op": "load", "module": self.module_name, "chunks": []}
        reply, _ = self._exchange(self.worker, header, [], "starting your code")
        errors, defined = [], _strings(reply.get("defined"))
        for index, chunk in enumerate(self.chunks):
            if index in self.skipped:
                continue
            header = {
                "op": "exec",
                "first": index,
                "chunks": [{"name": chunk.name, "source": chunk.source}],
            }
            try:
                reply, _ = self._exchange(self.worker, header, [], f"running {chunk.name}")
            except (CallTimeout, WorkerCrashed) as fault:
                self.faults.remove(fault)
                self.skipped[index] = _skipped_chunk(index, chunk, fault)
                return self._spawn_and_load()
            errors += _chunk_errors(reply)
            defined = _strings(reply["defined"]) if "defined" in reply else defined
        errors = sorted([*errors, *self.skipped.values()], key=lambda e: e["chunk"])
        return LoadReport(errors, defined)

    def _exchange(
        self, worker: WorkerProcess, header: dict, blobs: list, doing: str, decoded: bool = False
    ) -> tuple[dict, Any]:
        """Send one request; the reply and its blobs (or, ``decoded``, its value).

        Reading and decoding the reply share the call's deadline; any way the reply can be
        wrong (forged, oversized, too deep) is the student's fault, never the grader's.
        """
        timeout = self._check_budget(doing)
        deadline = time.monotonic() + timeout
        try:
            reply, reply_blobs = worker.request(header, blobs, timeout)
            if not decoded:
                return reply, reply_blobs
            if not reply.get("ok"):
                return reply, None
            handles: list[Handle] = []
            value = decode(reply.get("value"), reply_blobs, deadline=deadline, handles=handles)
            for handle in handles:  # which worker incarnation holds the object
                handle.generation = self.generation
            return reply, value
        except ChannelTimeout:
            worker.kill()
            fault = CallTimeout(f"time limit ({timeout:.3g} s) exceeded while {doing}")
        except ChannelClosed:
            worker.kill()
            fault = WorkerCrashed(
                f"your code ended the process while {doing} ({worker.exit_description()})"
            )
        except ProtocolError as exc:
            worker.kill()
            fault = WorkerCrashed(f"the worker sent an unreadable answer while {doing}: {exc}")
        self.faults.append(fault)
        raise fault

    def _check_budget(self, doing: str) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            fault = CallTimeout(f"the submission's total time limit ran out before {doing}")
            self.faults.append(fault)
            raise fault
        return min(self.call_timeout, remaining)


def _skipped_chunk(index: int, chunk: Chunk, fault: SubmissionFault) -> dict:
    return {
        "chunk": index,
        "name": chunk.name,
        "type": "CellTimeout" if fault.status == "timeout" else "CellCrashed",
        "message": f"{fault.message}; this cell was skipped and the cells after it still ran",
        "traceback": "",
        "status": fault.status,
    }


def _chunk_errors(reply: dict) -> list[dict]:
    """The load reply's errors as plain string fields: the worker may have forged them."""
    errors = reply.get("chunk_errors")
    if not isinstance(errors, list):
        return []
    fields = ("name", "type", "message", "traceback")
    clean = []
    for entry in errors[:100]:
        if not isinstance(entry, dict):
            continue
        error = {key: str(entry.get(key, ""))[:4000] for key in fields}
        chunk = entry.get("chunk")
        error["chunk"] = chunk if isinstance(chunk, int) and not isinstance(chunk, bool) else 0
        clean.append(error)
    return clean


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value[:10_000]] if isinstance(value, list) else []


def _fault_from_error(error: dict, name: str) -> SubmissionFault:
    """The fault a worker's error reply stands for, its texts capped: the worker's own
    formatter may have been replaced by student code."""
    kind = str(error.get("type", "Exception"))[:200]
    message = str(error.get("message", ""))[:MAX_ERROR_MESSAGE]
    trace = str(error.get("traceback", ""))[-MAX_ERROR_TRACEBACK:]
    if kind == "MissingName":
        return MissingName(message)
    if kind == "NotImplementedError":
        return StudentError(f"{name} is not implemented yet", exc_type=kind, detail=trace)
    return StudentError(f"{name} raised {kind}: {message}", exc_type=kind, detail=trace)
