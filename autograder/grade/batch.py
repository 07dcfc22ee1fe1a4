"""Grades a folder of submissions in shards, storing each shard's results once it is done.

One ``<student_id>/`` folder per student. The batch is cut into shards that run where the
executor says (this process, local grader processes, a Dask cluster); each finished shard
is scored, its ``results.json`` files written and its rows stored in the gradebook in one
transaction before the next one is taken, with Ctrl-C held off meanwhile. Stopping a
batch half way therefore loses only what was still running, and ``resume=True`` skips
students whose code has not changed since their last grading.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from autograder.course.results import SubmissionResult, read_results
from autograder.course.student_ids import student_id_problem
from autograder.grade.executors import make_executor
from autograder.grade.scoring import ManualScores, manual_index, score_student, write_scored
from autograder.grade.shard import RESULTS_FILE, ShardJob, ShardOutcome
from autograder.grade.table import grades_frame, write_grades
from autograder.gradebook.store import Gradebook
from autograder.runner.one_submission import GradingContext

MAX_SHARD = 16  # students per shard: what a lost worker or a Ctrl-C can cost at most


class GradedBatch(list):
    """The counted result of every student graded or kept, sorted by id, and the tally."""

    graded: int = 0  # attempts graded in this run
    reused: int = 0  # attempts whose earlier results were kept (``resume``)
    interrupted: bool = False  # Ctrl-C stopped the batch; what finished is stored
    remaining: int = 0  # students not reached because of the interruption
    sandbox_notes: dict[str, str]  # worker -> what its sandbox lacks


def student_folders(submissions: Path, problems: list[str] | None = None) -> list[tuple[str, Path]]:
    """``(student_id, folder)`` for every non-hidden sub-folder, sorted by id.

    A folder whose name cannot be a student id (see ``student_ids``: e.g. ``grades.csv``)
    is left out, and why goes into ``problems`` when given.
    """
    if not submissions.is_dir():
        raise FileNotFoundError(f"submissions folder {submissions} does not exist")
    found = []
    for path in sorted(submissions.iterdir()):
        if not path.is_dir() or path.is_symlink() or path.name.startswith((".", "_")):
            continue
        problem = student_id_problem(path.name)
        if problem:
            if problems is not None:
                problems.append(f"{path}: {problem}; not graded")
            continue
        found.append((path.name, path))
    return found


def shards_of(folders: Sequence[tuple[str, Path]], workers: int) -> list[list[tuple[str, Path]]]:
    """Cut the class into shards: several per worker (so they even out), none too big."""
    size = max(1, min(MAX_SHARD, math.ceil(len(folders) / (4 * max(1, workers)))))
    return [list(folders[i : i + size]) for i in range(0, len(folders), size)]


def grade_batch(
    ctx: GradingContext,
    folders: Iterable[tuple[str, Path]],
    out: Path,
    *,
    jobs: int = 1,
    resume: bool = False,
    on_done: Callable[[SubmissionResult], None] | None = None,
    gradebook: Gradebook | None = None,
    cluster: str | None = None,
) -> GradedBatch:
    """Grade every folder with ``jobs`` grader processes (or on the Dask ``cluster``).

    The spec's ``attempts`` policy decides what is graded: the top folder ("latest"), or
    every attempt ("best", each attempt's results in ``<sid>/attempts/<label>/``, the best
    one after late penalty also in ``<sid>/results.json``). Every attempt's time, and each
    graded attempt, goes into the gradebook (``out/gradebook.sqlite`` unless one is given).
    """
    spec = ctx.suite.spec
    folders = [  # absolute: a Dask worker has a cwd of its own
        (sid, Path(folder).absolute()) for sid, folder in folders if not student_id_problem(sid)
    ]
    job = ShardJob(spec, ctx.secret, Path(out).absolute(), resume, public=ctx.public is not None)
    book = gradebook or Gradebook.open(out)
    written_points = sum(p.points for p in spec.written_problems)
    book.record_assignment(spec, ctx.suite.max_score + written_points)
    store = _Store(job, book, manual_index(book.manual(spec.name)), on_done)
    executor = make_executor(jobs, cluster, ctx)
    finished = False
    try:
        for outcome in executor.run(job, shards_of(folders, executor.workers)):
            with _interrupt_held():
                store.keep(outcome)
        finished = True
    except KeyboardInterrupt:
        store.batch.interrupted = True
    finally:
        executor.close(abandon=not finished)
        if gradebook is None:
            book.close()
    batch = store.batch
    reached = {r.student_id for r in batch}
    if batch.interrupted:  # grades.csv lists what results.json files say, stored earlier or now
        batch.remaining = sum(sid not in reached for sid, _ in folders)
        batch += _stored_results(job, [sid for sid, _ in folders if sid not in reached])
    batch.sort(key=lambda r: r.student_id)
    write_grades(grades_frame(spec, batch), out / spec.name)
    return batch


class _Store:
    """Scores each finished shard and writes it: results files, then one transaction."""

    def __init__(
        self,
        job: ShardJob,
        book: Gradebook,
        manual: ManualScores,
        on_done: Callable[[SubmissionResult], None] | None,
    ) -> None:
        self.job, self.book, self.manual, self.on_done = job, book, manual, on_done
        self.batch = GradedBatch()
        self.batch.sandbox_notes = {}

    def keep(self, outcome: ShardOutcome) -> None:
        spec, out = self.job.spec, self.job.out
        if outcome.sandbox_note:
            self.batch.sandbox_notes[outcome.worker] = outcome.sandbox_note
        records, counted = [], []
        for student in outcome.students:
            sid = student.student_id
            scored = score_student(spec, self.manual, sid, student.attempts)
            write_scored(spec, out, sid, student.attempts, scored)
            graded = sum(result is not None for _, result in student.attempts)
            self.batch.graded += graded - student.reused
            self.batch.reused += student.reused
            records.append(scored.record)
            counted.append(scored.counted)
        self.book.record_students(spec.name, records)
        for result in counted:
            if result is not None:
                self.batch.append(result)
                if self.on_done:
                    self.on_done(result)


def _stored_results(job: ShardJob, student_ids: list[str]) -> Iterator[SubmissionResult]:
    for sid in student_ids:
        path = job.out / job.spec.name / sid / RESULTS_FILE
        if path.is_file():
            yield read_results(path)


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Hold Ctrl-C off while a shard is written, so files and gradebook stay in step."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
