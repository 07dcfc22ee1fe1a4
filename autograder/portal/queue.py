"""The grading queue: a jobs table that survives restarts and grades each upload once.

A job is ``queued``, then ``running`` (claimed by one worker), then ``done`` or
``failed``. Claiming is a conditional update (``... WHERE state = 'queued'``), so two
workers never take the same job, on SQLite or PostgreSQL alike. A job's result is
written in the same transaction that marks it done, and only by the worker that holds
it: a job that was running when the server died is queued again at start-up
(``requeue_interrupted``), graded again from scratch, and still leaves one result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from autograder.portal.tables import jobs

KINDS = ("public", "hidden", "release")


@dataclass(frozen=True)
class Job:
    """One unit of work for a sandbox worker."""

    id: int
    kind: str
    assignment: str
    upload_id: int | None
    runs: int


def now() -> datetime:
    """Naive UTC, the form every database stores alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def enqueue(conn: sa.Connection, kind: str, assignment: str, upload_id: int | None = None) -> int:
    """Add a job inside the caller's transaction (so an upload and its job commit together)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    row = conn.execute(
        jobs.insert().values(
            kind=kind,
            assignment=assignment,
            upload_id=upload_id,
            state="queued",
            runs=0,
            queued_at=now(),
        )
    )
    return int(row.inserted_primary_key[0])


def claim(engine: sa.Engine, worker: str) -> Job | None:
    """Take the oldest queued job for ``worker``, or None when the queue is empty."""
    while True:
        with engine.begin() as conn:
            candidate = conn.execute(
                sa.select(jobs).where(jobs.c.state == "queued").order_by(jobs.c.id).limit(1)
            ).first()
            if candidate is None:
                return None
            taken = conn.execute(
                jobs.update()
                .where(jobs.c.id == candidate.id, jobs.c.state == "queued")
                .values(state="running", worker=worker, runs=jobs.c.runs + 1, started_at=now())
            )
            if taken.rowcount == 1:
                return Job(
                    candidate.id,
                    candidate.kind,
                    candidate.assignment,
                    candidate.upload_id,
                    candidate.runs + 1,
                )
        # another worker took it between our read and our update: try the next one


def finish(
    engine: sa.Engine,
    job: Job,
    worker: str,
    state: str,
    note: str = "",
    write: Callable[[sa.Connection], None] | None = None,
) -> bool:
    """Mark ``job`` done or failed and run ``write`` (its result) in the same transaction.

    Returns False, writing nothing, when ``worker`` no longer holds the job (it was
    handed to another worker after a restart): the result is then someone else's to write.
    """
    with engine.begin() as conn:
        held = conn.execute(
            jobs.update()
            .where(jobs.c.id == job.id, jobs.c.state == "running", jobs.c.worker == worker)
            .values(state=state, finished_at=now(), note=note[:4000])
        )
        if held.rowcount != 1:
            return False
        if write is not None:
            write(conn)
        return True


def requeue_interrupted(engine: sa.Engine) -> int:
    """At start-up: every job left running by a server that died is queued again."""
    with engine.begin() as conn:
        moved = conn.execute(
            jobs.update().where(jobs.c.state == "running").values(state="queued", worker=None)
        )
        return moved.rowcount


def job_for_upload(conn: sa.Connection, upload_id: int) -> sa.Row | None:
    """The grading job of one upload (its state tells the student's page what to show)."""
    return conn.execute(sa.select(jobs).where(jobs.c.upload_id == upload_id)).first()


def recent_jobs(conn: sa.Connection, assignment: str | None = None, limit: int = 50) -> list:
    """The latest jobs, newest first, for the instructor's queue view."""
    query = sa.select(jobs).order_by(jobs.c.id.desc()).limit(limit)
    if assignment:
        query = query.where(jobs.c.assignment == assignment)
    return list(conn.execute(query))


def queue_counts(conn: sa.Connection) -> dict[str, int]:
    """How many jobs are in each state."""
    rows = conn.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state))
    return {state: count for state, count in rows}
