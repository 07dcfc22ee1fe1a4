"""Build the report for a class and take a screenshot of it in headless Chromium.

    python benchmarks/report_screenshot.py                     # a made-up class of 60
    python benchmarks/report_screenshot.py --students 300      # how the report scales
    python benchmarks/report_screenshot.py --course . --assignment softmax   # a real one
    python benchmarks/report_screenshot.py --feedback feedback.png --height 1400  # + a student

Without ``--course`` it fills a throwaway gradebook with a made-up neural-net class (test
outcomes drawn at random, each student with a training history), so it needs no student
code and no workers. It prints how long the report and the screenshot took, and where the
PNG is: open it to see what an instructor sees.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from autograder.course.attempts import Attempt
from autograder.course.paths import Course
from autograder.course.results import SubmissionResult, TestResult
from autograder.course.spec import AssignmentSpec, parse_spec
from autograder.grade.scoring import score_student
from autograder.gradebook.store import Gradebook
from autograder.report.build import build_report

DUE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def made_up_spec(root: Path) -> AssignmentSpec:
    return parse_spec(
        {
            "name": "neural_net",
            "title": "A two-layer network, trained by hand",
            "student_file": "net.py",
            "due": DUE.isoformat(),
            "late": {"grace_minutes": 15, "penalty_per_day": 0.1, "max_days": 3},
            "problems": [
                {"id": "forward", "title": "Forward pass"},
                {"id": "backward", "title": "Backpropagation"},
                {"id": "fit", "title": "Training loop"},
                {"id": "proof", "title": "Proof", "written": True, "points": 2},
            ],
        },
        root,
    )


TESTS = [  # name, problem, points, how hard (higher = fewer pass)
    ("test_forward_shape", "forward", 1, -2.0),
    ("test_forward_values", "forward", 2, -0.5),
    ("test_backward_gradcheck", "backward", 3, 0.5),
    ("test_backward_bias", "backward", 1, 0.0),
    ("test_fit_loss_decreases", "fit", 2, -0.2),
    ("test_fit_accuracy", "fit", 2, 1.0),
    ("test_never_passed", "fit", 1, 9.0),
]


def fill_gradebook(book: Gradebook, spec: AssignmentSpec, students: int, seed: int = 0) -> None:
    """A class whose results depend on each student's ability, as a real class's do."""
    rng = np.random.default_rng(seed)
    book.record_assignment(spec, sum(t[2] for t in TESTS) + 2)
    for i in range(students):
        student = f"s{i:03d}"
        ability = rng.normal()
        tests = []
        for name, problem, points, hardness in TESTS:
            passed = rng.random() < 1 / (1 + np.exp(-(1.7 * (ability - hardness))))
            message = (
                ""
                if passed
                else f"{problem}(X) is wrong in {rng.integers(1, 50)} of 50 entries; worst at "
                f"[{rng.integers(0, 10)}, 0]: expected {rng.normal():.6g}, got {rng.normal():.6g}"
            )
            tests.append(
                TestResult(
                    name,
                    problem,
                    float(points) if passed else 0.0,
                    float(points),
                    "passed" if passed else "failed",
                    message,
                )
            )
        epochs = 30
        speed = 0.05 + 0.05 * (ability + 3) / 3
        loss = np.exp(-speed * np.arange(epochs)) + 0.05 * rng.random(epochs)
        tests[4].data = {
            "history": {
                "train_loss": loss.tolist(),
                "val_loss": (loss * 1.1 + 0.05).tolist(),
                "train_acc": (1 - loss / 1.2).tolist(),
                "val_acc": (0.95 - loss / 1.1).tolist(),
            }
        }
        tests.append(TestResult("Written: Proof", "proof", 0.0, 2.0, "pending", "Pending."))
        result = SubmissionResult("neural_net", student, "ok", "", tests)
        hours_late = rng.choice([-48, -3, 0.1, 5, 30])
        attempt = Attempt(
            Path(f"/nowhere/{student}"),
            DUE + timedelta(hours=float(hours_late)),
            "timestamp.txt",
            True,
        )
        scored = score_student(spec, {}, student, [(attempt, result)])  # late policy applied
        book.record_students(spec.name, [scored.record])


def screenshot(page: Path, png: Path, height: int = 3000, width: int = 1200) -> float:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium not found: run `make install` (Debian package chromium)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
             f"--window-size={width},{height}", "--hide-scrollbars", page.as_uri()],
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
    return time.perf_counter() - started


def _a_student_who_failed(folder: Path) -> Path:
    """The first student whose feedback lists a failing test with its message."""
    for page in sorted(folder.glob("*/feedback.html")):
        text = page.read_text(encoding="utf-8")
        if '<div class="failure">' in text and "<pre>" in text:
            return page.parent
    return sorted(folder.glob("*/feedback.html"))[0].parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--course", help="a real course folder whose gradebook to use")
    parser.add_argument("--assignment", help="with --course: the assignment to report on")
    parser.add_argument("--out", default="report_screenshot.png", help="the PNG to write")
    parser.add_argument("--height", type=int, default=3000, help="of the window, in pixels")
    parser.add_argument("--feedback", help="also a PNG of the feedback of a student who failed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.course:
            course = Course(Path(args.course).resolve())
            spec, reports = course.spec(args.assignment), course.reports
            book = Gradebook.open(reports)
        else:
            reports = Path(tmp) / "reports"
            spec = made_up_spec(Path(tmp))
            book = Gradebook.open(reports)
            started = time.perf_counter()
            fill_gradebook(book, spec, args.students)
            filled = time.perf_counter() - started
            print(f"gradebook filled: {args.students} students in {filled:.2f} s")
        started = time.perf_counter()
        report = build_report(book, spec, reports, public=bool(args.course))
        took = time.perf_counter() - started
        book.close()
        print(
            f"report: {report.students} students in {took:.2f} s "
            f"({1000 * took / report.students:.1f} ms per student, "
            f"{report.html.stat().st_size / 1024:.0f} KiB of HTML)"
        )
        shot_time = screenshot(report.html, Path(args.out).resolve(), args.height)
        print(f"screenshot: {Path(args.out).resolve()} in {shot_time:.2f} s")
        if args.feedback:
            student = _a_student_who_failed(report.html.parent)
            screenshot(student / "feedback.html", Path(args.feedback).resolve(), args.height, 1000)
            print(f"feedback of {student.name}: {Path(args.feedback).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
