"""Where a batch's shards run: one small interface, three places.

- :class:`InProcess`: here, one shard after the other (``--jobs 1``, or a custom launcher).
- :class:`LocalProcesses`: ``--jobs N`` grader processes on this machine, each with the
  tests, the reference and its own fork server (threads would share one interpreter lock).
- :class:`DaskCluster`: the workers of a Dask distributed cluster (``--cluster ADDRESS``).
  Dask runs a shard again on another worker when its worker dies.

Each yields shard outcomes as they finish; ``close(abandon=True)`` stops at once,
abandoning what is still running (a shard writes nothing, so nothing is left half-written).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Protocol

from autograder.errors import UserError
from autograder.grade.shard import ShardJob, ShardOutcome, grade_shard
from autograder.runner.one_submission import GradingContext

Shard = Sequence[tuple[str, Path]]


class Executor(Protocol):
    """Runs the shards of one batch and hands back each outcome as it finishes."""

    description: str
    workers: int

    def run(self, job: ShardJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]: ...

    def close(self, abandon: bool = False) -> None: ...


class InProcess:
    """Every shard in this process, in turn."""

    workers = 1

    def __init__(self, ctx: GradingContext | None = None) -> None:
        self.ctx = ctx
        self.description = "1 job, in this process"

    def run(self, job: ShardJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:
        for shard in shards:
            yield grade_shard(job, list(shard), self.ctx)

    def close(self, abandon: bool = False) -> None:
        pass


def _child_start() -> None:
    """In a grader process: Ctrl-C is the batch's to handle, not each process's. (When
    the batch ends a process, its fork server and workers die with it: parent-death signal.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalProcesses:
    """``jobs`` grader processes on this machine."""

    def __init__(self, jobs: int) -> None:
        self.workers = jobs
        self.description = f"{jobs} jobs, each a grader process with its own sandbox"
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        if method == "forkserver":  # children fork from one process that imported these once
            context.set_forkserver_preload(["__main__", "autograder.grade.shard"])
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_child_start)

    def run(self, job: ShardJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:
        futures: list[Future] = [self.pool.submit(grade_shard, job, list(s)) for s in shards]
        for future in as_completed(futures):
            yield future.result()

    def close(self, abandon: bool = False) -> None:
        if not abandon:
            self.pool.shutdown(wait=True)
            return
        processes = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)


class DaskCluster:
    """The workers of a Dask distributed cluster at ``address`` (``tcp://host:8786``).

    Every worker needs this package installed and the course, submission and reports
    folders at the same paths (a shared file system). Each worker process keeps its own
    sandbox; a shard lost with its worker is run again on another one by Dask.
    """

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise UserError(
                "--cluster needs Dask distributed: pip install 'autograder[cluster]'"
            ) from None
        try:
            self.client = Client(address, timeout="20s")
        except OSError as exc:
            raise UserError(
                f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`"
            ) from None
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.description = f"Dask cluster {address}, {self.workers} worker thread(s)"
        self.futures: list = []

    def run(self, job: ShardJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:
        from distributed import as_completed as completed

        self.futures = [
            self.client.submit(grade_shard, job, list(shard), pure=False) for shard in shards
        ]
        for future in completed(self.futures):
            yield future.result()

    def close(self, abandon: bool = False) -> None:
        if abandon and self.futures:
            self.client.cancel(self.futures)
        self.client.close()


def make_executor(
    jobs: int, cluster: str | None = None, ctx: GradingContext | None = None
) -> Executor:
    """The executor for ``--jobs``/``--cluster``; a context with its own launcher stays here."""
    if cluster:
        return DaskCluster(cluster)
    if jobs <= 1 or (ctx is not None and ctx.launcher is not None):
        return InProcess(ctx)
    return LocalProcesses(jobs)
