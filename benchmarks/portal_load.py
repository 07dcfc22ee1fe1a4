"""Load on the portal: N students sign in and upload at once over the loopback interface.

    .venv/bin/python benchmarks/portal_load.py                 # 200 students
    .venv/bin/python benchmarks/portal_load.py --students 50 --restart
    .venv/bin/python benchmarks/portal_load.py --postgres   # on a throwaway PostgreSQL server

Builds a course in a temporary folder (the bundled softmax assignment, as released),
creates N student accounts, starts ``autograder serve`` on a free port of 127.0.0.1 and
lets every student sign in and upload one of the bundled example submissions, all at
once. With ``--restart`` the server is killed (SIGKILL) once about half the uploads are
acknowledged and started again; students whose request failed try again. Then it waits
for the queue to empty and checks, in the database, that every acknowledged upload was
graded exactly once. Feedback time is from the upload's record to its result's, both
stamped by the server. Last line:

    portal load: N students, A accepted, G graded, L lost, p50 X s, p95 Y s
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password"
FAST_EXAMPLES = ("s001_alice", "s003_carol", "s005_erin", "s007_grace", "s008_heidi", "s012_niaj")
WAIT_LIMIT = 1800.0  # seconds for the queue to empty: the run stops by itself
TRIES = 30


def build_course(root: Path) -> Path:
    """The softmax assignment (instructor and released side) in a course of its own."""
    for side in ("solutions", "assignments"):
        shutil.copytree(REPO / side / "softmax", root / side / "softmax")
    (root / "solutions" / ".course_secret").write_text("load-test-secret\n")
    spec = root / "solutions" / "softmax" / "assignment.toml"
    spec.write_text(spec.read_text() + "\n[portal]\ncooldown_seconds = 0\n")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_students(url: str, course: str, count: int) -> None:
    from argon2 import PasswordHasher

    from autograder.portal.tables import create_engine, users

    digest = PasswordHasher().hash(PASSWORD)  # one hash: creating accounts is not measured
    db = create_engine(url)
    with db.begin() as conn:
        conn.execute(
            users.insert(),
            [
                {
                    "login": f"load{i:04d}",
                    "name": "",
                    "role": "student",
                    "course": course,
                    "password_hash": digest,
                }
                for i in range(count)
            ],
        )
    db.dispose()


class Server:
    """``autograder serve`` in a child process we can kill and start again."""

    def __init__(self, course: Path, port: int, url: str) -> None:
        self.args = [
            sys.executable,
            "-m",
            "autograder",
            "--course",
            str(course),
            "serve",
            "--port",
            str(port),
            "--db",
            url,
            "--workers",
            "2",
        ]
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, cwd=REPO)
        for _ in range(600):
            try:
                httpx.get(f"{self.base}/sign-in", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("the portal did not start within a minute")

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def student(server: Server, index: int, acked: list, lock: threading.Lock) -> None:
    """Sign in and upload once; retry while the server is down. Records the upload id."""
    source = (
        REPO / "submissions" / "softmax" / FAST_EXAMPLES[index % len(FAST_EXAMPLES)] / "softmax.py"
    ).read_bytes()
    for _ in range(TRIES):
        try:
            with httpx.Client(base_url=server.base, timeout=60, follow_redirects=True) as client:
                token = csrf(client.get("/sign-in").text)
                signed = client.post(
                    "/sign-in",
                    data={"login": f"load{index:04d}", "password": PASSWORD, "csrf": token},
                )
                response = client.post(
                    "/student/a/softmax/upload",
                    data={"csrf": csrf(signed.text)},
                    files={"code": ("softmax.py", source, "text/x-python")},
                )
            if response.status_code == 303 or "/student/uploads/" in str(response.url):
                found = re.search(
                    r"/student/uploads/(\d+)", str(response.headers.get("location", response.url))
                )
                with lock:
                    acked.append(int(found.group(1)))
                return
        except (httpx.HTTPError, AttributeError):
            pass
        time.sleep(1.0)


def wait_for_queue(url: str) -> None:
    from autograder.portal.tables import jobs

    db = sa.create_engine(url)
    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        with db.connect() as conn:
            left = conn.execute(
                sa.select(sa.func.count()).where(jobs.c.state.in_(("queued", "running")))
            ).scalar_one()
        if left == 0:
            break
        time.sleep(1.0)
    db.dispose()


def tally(url: str, acked: list[int]) -> tuple[int, int, list[float]]:
    """(graded, lost, seconds from upload to feedback) for the acknowledged uploads."""
    from autograder.portal.tables import public_results, uploads

    db = sa.create_engine(url)
    with db.connect() as conn:
        rows = conn.execute(
            sa.select(uploads.c.id, uploads.c.uploaded_at, public_results.c.graded_at).join(
                public_results, public_results.c.upload_id == uploads.c.id
            )
        ).all()
    db.dispose()
    per_upload: dict[int, list] = {}
    for row in rows:
        per_upload.setdefault(row.id, []).append(row)
    twice = [i for i, found in per_upload.items() if len(found) > 1]
    if twice:
        print(f"graded more than once: uploads {twice}")
    graded = [i for i in acked if len(per_upload.get(i, [])) == 1]
    delays = [
        (per_upload[i][0].graded_at - per_upload[i][0].uploaded_at).total_seconds() for i in graded
    ]
    return len(graded), len(set(acked) - set(per_upload)), delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--restart", action="store_true", help="kill the server mid-run")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
    course = build_course(folder / "course")
    url = f"sqlite:///{folder / 'portal.sqlite'}"
    postgres = None
    if args.postgres:
        sys.path.insert(0, str(REPO / "tests"))
        from pg_server import Server as PostgresServer
        from pg_server import postgres_bin

        postgres = PostgresServer(postgres_bin())
        postgres.start()
        url = postgres.database()
    add_students(url, course.name, args.students)
    server = Server(course, free_port(), url)
    server.start()
    acked: list[int] = []
    lock = threading.Lock()
    try:
        with ThreadPoolExecutor(max_workers=min(64, args.students)) as pool:
            for i in range(args.students):
                pool.submit(student, server, i, acked, lock)
            if args.restart:
                while len(acked) < args.students // 2:
                    time.sleep(0.05)
                server.kill()
                print(f"killed the server after {len(acked)} acknowledged uploads")
                time.sleep(1.0)
                server.start()
                print("started it again")
        wait_for_queue(url)
    finally:
        server.stop()
    graded, lost, delays = tally(url, acked)
    if postgres is not None:
        postgres.stop()
    shutil.rmtree(folder, ignore_errors=True)
    p50 = statistics.median(delays) if delays else float("nan")
    p95 = statistics.quantiles(delays, n=20)[-1] if len(delays) > 1 else p50
    print(
        f"portal load: {args.students} students, {len(acked)} accepted, {graded} graded, "
        f"{lost} lost, p50 {p50:.1f} s, p95 {p95:.1f} s"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
