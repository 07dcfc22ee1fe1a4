"""The grading queue on SQLite and on PostgreSQL: one claim per job, restarts lose nothing,
every accepted upload is graded exactly once."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from portal_helpers import CORRECT, WRONG

from autograder.portal.app import create_app
from autograder.portal.queue import claim, enqueue, finish, requeue_interrupted
from autograder.portal.settings import Settings
from autograder.portal.tables import create_engine, jobs, public_results, uploads
from autograder.portal.uploads import Limits, UploadRefused, accept

WAIT_LIMIT = 300  # seconds: a bound so a broken queue fails instead of hanging, not a speed test


def test_concurrent_workers_never_take_the_same_job(database_url):
    db = create_engine(database_url)
    with db.begin() as conn:
        for _ in range(40):
            enqueue(conn, "hidden", "toy")
    taken: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (job := claim(db, name)) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(1, 41))


def test_a_job_running_when_the_server_died_runs_again_and_writes_once(database_url):
    db = create_engine(database_url)
    with db.begin() as conn:
        enqueue(conn, "hidden", "toy")
    first = claim(db, "old-server")
    assert requeue_interrupted(db) == 1  # the restart
    again = claim(db, "new-server")
    assert again.id == first.id and again.runs == 2
    wrote = []
    assert not finish(db, first, "old-server", "done", write=lambda c: wrote.append("old"))
    assert finish(db, again, "new-server", "done", write=lambda c: wrote.append("new"))
    assert wrote == ["new"]
    with db.connect() as conn:
        assert conn.execute(sa.select(jobs.c.state)).scalar_one() == "done"


def test_an_upload_and_its_job_are_recorded_together_and_files_hashed(database_url, tmp_path):
    db = create_engine(database_url)
    upload_id = accept(
        db, tmp_path, "toy", "alice", {"toy.py": b"x = 1\n"}, ["mine.py"], Limits(0.0)
    )
    with db.connect() as conn:
        row = conn.execute(sa.select(uploads)).one()
        job = conn.execute(sa.select(jobs)).one()
    assert job.upload_id == upload_id and job.state == "queued"
    name, digest, size = row.files.split()
    assert name == "toy.py" and size == "6" and len(digest) == 64
    assert row.original_names == "mine.py"


def test_the_cooldown_and_the_attempt_limit_refuse_with_a_reason(database_url, tmp_path):
    db = create_engine(database_url)
    files = {"toy.py": b"x = 1\n"}
    accept(db, tmp_path, "toy", "alice", files, ["toy.py"], Limits(600.0, 2))
    try:
        accept(db, tmp_path, "toy", "alice", files, ["toy.py"], Limits(600.0, 2))
    except UploadRefused as refused:
        assert "please wait" in str(refused)
    else:
        raise AssertionError("a second upload within the cooldown was accepted")
    accept(db, tmp_path, "toy", "bob", files, ["toy.py"], Limits(600.0, 2))  # others may
    accept(db, tmp_path, "toy", "alice", files, ["toy.py"], Limits(0.0, 2))
    try:
        accept(db, tmp_path, "toy", "alice", files, ["toy.py"], Limits(0.0, 2))
    except UploadRefused as refused:
        assert "all 2 attempts" in str(refused)
    else:
        raise AssertionError("a third attempt was accepted with max_attempts = 2")
    assert len(list((tmp_path / "uploads").iterdir())) == 3  # refused ones leave no file


def test_after_a_restart_every_accepted_upload_is_graded_exactly_once(
    database_url, course, tmp_path
):
    settings = Settings(course, tmp_path / "data", database_url, workers=2)
    down = create_app(settings, start_workers=False)  # a server that died before grading
    for i in range(6):
        accept(
            down.state.db,
            settings.data,
            "toy",
            f"s{i}",
            {"toy.py": (CORRECT if i % 2 else WRONG).encode()},
            ["toy.py"],
            Limits(0.0),
        )
    claim(down.state.db, "dead-worker")  # one was running when it died
    down.state.db.dispose()

    up = create_app(settings)
    up.state.pool.start()
    try:
        deadline = time.monotonic() + WAIT_LIMIT
        while time.monotonic() < deadline:
            with up.state.db.connect() as conn:
                states = conn.execute(sa.select(jobs.c.state)).scalars().all()
            if all(s in ("done", "failed") for s in states):
                break
            time.sleep(0.5)
    finally:
        up.state.pool.stop()
    with up.state.db.connect() as conn:
        assert conn.execute(sa.select(jobs.c.state)).scalars().all() == ["done"] * 6
        graded = conn.execute(sa.select(public_results.c.upload_id)).scalars().all()
        scores = dict(
            conn.execute(
                sa.select(uploads.c.student_id, public_results.c.score).join(
                    public_results, public_results.c.upload_id == uploads.c.id
                )
            ).all()
        )
    assert sorted(graded) == [1, 2, 3, 4, 5, 6]
    assert scores["s1"] == 2.0 and scores["s0"] == 1.0
