"""The sandbox workers: a fixed number of threads that take jobs from the queue.

The threads only drive the grading engine; student code runs in the sandbox's worker
processes, never in the server. A web request only adds a job and wakes a thread, so
grading never holds a request up.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import traceback
import uuid
from pathlib import Path

import sqlalchemy as sa

from autograder.portal import engine as core
from autograder.portal.queue import Job, claim, finish, now, requeue_interrupted
from autograder.portal.settings import Settings
from autograder.portal.tables import extensions, public_results, uploads

IDLE_WAIT = 1.0  # seconds between looks at the queue when nobody wakes the workers


def portal_spec(settings: Settings, db: sa.Engine, assignment: str):
    """The instructor's spec of ``assignment`` with the portal's extensions."""
    with db.connect() as conn:
        rows = conn.execute(
            sa.select(extensions.c.student_id, extensions.c.due).where(
                extensions.c.assignment == assignment
            )
        )
        extra = {r.student_id: r.due for r in rows}
    return core.instructor_spec(settings.course, assignment, extra)


class WorkerPool:
    """``settings.workers`` threads grading queued jobs until ``stop``."""

    def __init__(self, settings: Settings, db: sa.Engine) -> None:
        self.settings = settings
        self.db = db
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.boot = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Queue again what a dead server left running, then start the threads."""
        requeue_interrupted(self.db)
        for index in range(self.settings.workers):
            name = f"{self.boot}-{index}"
            thread = threading.Thread(target=self._loop, args=(name,), name=name, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.wake.set()
        for thread in self.threads:
            thread.join(timeout)

    def _loop(self, worker: str) -> None:
        while not self.stopping.is_set():
            try:
                job = claim(self.db, worker)
            except sa.exc.OperationalError:  # database busy or gone for a moment
                job = None
            if job is None:
                self.wake.wait(IDLE_WAIT)
                self.wake.clear()
                continue
            try:
                self.run(job, worker)
            except Exception:  # the database failed us even while recording a failure:
                traceback.print_exc()  # the job stays running and runs again at restart
                self.stopping.wait(IDLE_WAIT)

    def run(self, job: Job, worker: str) -> None:
        """Run one claimed job and record its outcome (result and state together)."""
        try:
            if job.kind == "public":
                write = self._grade_public(job)
                finish(self.db, job, worker, "done", write=write)
            elif job.kind == "hidden":
                finish(self.db, job, worker, "done", note=self._grade_hidden(job))
            else:
                note = core.release_assignment(self.settings.course, job.assignment)
                finish(self.db, job, worker, "done", note=note)
        except Exception:  # a bug of ours or a broken assignment: record it, go on
            finish(self.db, job, worker, "failed", note=traceback.format_exc())

    def _grade_public(self, job: Job):
        with self.db.connect() as conn:
            upload = conn.execute(sa.select(uploads).where(uploads.c.id == job.upload_id)).one()
        result = core.grade_public(
            self.settings.course, upload.assignment, Path(upload.folder), upload.student_id
        )
        row = {
            "upload_id": upload.id,
            "status": result.status,
            "score": result.score,
            "max_score": result.max_score,
            "results_json": json.dumps(result.to_gradescope()),
            "graded_at": now(),
        }
        return lambda conn: conn.execute(public_results.insert().values(**row))

    def _grade_hidden(self, job: Job) -> str:
        from autograder.portal.uploads import arrange_for_grading

        folder = self.settings.submissions(job.assignment)
        count = arrange_for_grading(self.db, job.assignment, folder)
        if count == 0:
            return "no uploads to grade"
        spec = portal_spec(self.settings, self.db, job.assignment)
        core.grade_hidden(
            spec,
            self.settings.course.secret(),
            folder,
            self.settings.reports,
            self.settings.db_url,
            jobs=1,
        )
        return f"graded {count} student(s) on the hidden tests"
