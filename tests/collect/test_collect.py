"""Collecting: nbgrader course folders and LMS zips into submissions/, times kept, nothing
written outside the target."""

from __future__ import annotations

import stat
import zipfile
from datetime import UTC, datetime

import pytest

from autograder.cli import main
from autograder.collect.sources import CollectError, collect
from autograder.course.timestamps import parse_timestamp, read_timestamp

CODE = b"def double(x):\n    return x\n"


@pytest.fixture
def spec(toy_course):
    return toy_course.spec("toy")


def make_zip(path, entries):
    """``entries``: (name, data, date_time) or (name, data, date_time, mode)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, when, *mode in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            if mode:
                info.external_attr = mode[0] << 16
            archive.writestr(info, data)
    return path


def test_timestamps_read_nbgrader_and_iso_text():
    expected = datetime(2026, 11, 20, 14, 3, 11, 123456, tzinfo=UTC)
    assert parse_timestamp("2026-11-20 14:03:11.123456 UTC") == expected
    assert parse_timestamp("2026-11-20T15:03:11.123456+01:00") == expected
    assert parse_timestamp("2026-11-20T14:03:11.123456Z") == expected


def test_nbgrader_course_folder_is_imported_with_its_times(spec, tmp_path):
    course = tmp_path / "nbgrader"
    for student, when in (("alice", "2026-11-20 14:03:11.000000 UTC"), ("bob", None)):
        folder = course / "submitted" / student / "toy"
        folder.mkdir(parents=True)
        (folder / "toy.ipynb").write_bytes(b"{}")
        (folder / "notes.txt").write_text("hi")
        (folder / ".ipynb_checkpoints").mkdir()
        (folder / ".ipynb_checkpoints" / "toy-checkpoint.ipynb").write_text("{}")
        if when:
            (folder / "timestamp.txt").write_text(when)
    target = tmp_path / "submissions"
    report = collect(course, spec, target)
    assert (target / "alice" / "toy.ipynb").read_bytes() == b"{}"
    assert read_timestamp(target / "alice") == parse_timestamp("2026-11-20 14:03:11 UTC")
    assert read_timestamp(target / "bob") is not None  # collection time, with a warning
    assert not (target / "alice" / "notes.txt").exists()
    problems = "\n".join(report.problems)
    assert "'notes.txt' is not a file of this assignment" in problems
    assert "submitted/bob/toy: no readable timestamp.txt" in problems
    assert "checkpoint" not in problems and len(report.problems) == 3  # notes.txt twice


def test_a_newer_attempt_replaces_the_latest_and_keeps_the_old_one(spec, tmp_path):
    course = tmp_path / "nbgrader"
    folder = course / "submitted" / "alice" / "toy"
    folder.mkdir(parents=True)
    target = tmp_path / "submissions"
    for text, when in (
        (b"first", "2026-11-20 10:00:00 UTC"),
        (b"second", "2026-11-21 09:30:00 UTC"),
    ):
        (folder / "toy.py").write_bytes(text)
        (folder / "timestamp.txt").write_text(when)
        collect(course, spec, target)
    assert (target / "alice" / "toy.py").read_bytes() == b"second"
    old = target / "alice" / "attempts" / "20261120T100000Z"
    assert (old / "toy.py").read_bytes() == b"first"
    assert read_timestamp(old) == parse_timestamp("2026-11-20 10:00:00 UTC")
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    collect(course, spec, target)  # collecting again changes nothing
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before


def test_canvas_zip_with_late_and_resubmitted_files(spec, tmp_path):
    archive = make_zip(
        tmp_path / "canvas.zip",
        [
            ("lovelaceada_1001_5001_toy.py", CODE, (2026, 11, 20, 9, 0, 0)),
            ("lovelaceada_1001_5001_answers.md", b"## essay: x\nBecause.", (2026, 11, 20, 9, 0, 0)),
            ("turingalan_LATE_1002_5002_toy-1.ipynb", b"{}", (2026, 11, 22, 8, 0, 0)),
            ("turingalan_LATE_1002_5002_screenshot.png", b"png", (2026, 11, 22, 8, 0, 0)),
        ],
    )
    target = tmp_path / "submissions"
    report = collect(archive, spec, target)
    assert (target / "lovelaceada" / "toy.py").read_bytes() == CODE
    assert (target / "lovelaceada" / "answers.md").is_file()
    assert (target / "turingalan" / "toy.ipynb").read_bytes() == b"{}"
    assert read_timestamp(target / "turingalan") == datetime(2026, 11, 22, 8, tzinfo=UTC)
    assert any("screenshot.png" in p for p in report.problems)


def test_moodle_zip_folders_and_a_roster(spec, tmp_path):
    archive = make_zip(
        tmp_path / "moodle.zip",
        [
            ("Ada Lovelace_77_assignsubmission_file_/toy.py", CODE, (2026, 11, 20, 9, 0, 0)),
            ("Alan Turing_78_assignsubmission_file_/toy.ipynb", b"{}", (2026, 11, 20, 9, 0, 0)),
            ("Grace Hopper_79_assignsubmission_file_toy.py", CODE, (2026, 11, 20, 9, 0, 0)),
        ],
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("lms_id,student_id\n78,s0078\n")
    target = tmp_path / "submissions"
    collect(archive, spec, target, roster=roster)
    assert sorted(p.name for p in target.iterdir()) == ["ada_lovelace", "grace_hopper", "s0078"]
    assert (target / "s0078" / "toy.ipynb").is_file()


def test_hostile_zip_entries_are_refused_and_nothing_leaves_the_target(spec, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    archive = make_zip(
        work / "evil.zip",
        [
            ("../evil.py", CODE, (2026, 1, 1, 0, 0, 0)),
            ("ada_1_2_../../evil.py", CODE, (2026, 1, 1, 0, 0, 0)),
            ("/etc/evil_1_2_toy.py", CODE, (2026, 1, 1, 0, 0, 0)),
            ("C:/evil_1_2_toy.py", CODE, (2026, 1, 1, 0, 0, 0)),
            ("link_1_2_toy.py", b"/etc/passwd", (2026, 1, 1, 0, 0, 0), stat.S_IFLNK | 0o777),
            ("random.txt", b"?", (2026, 1, 1, 0, 0, 0)),
            ("good_3_4_toy.py", CODE, (2026, 1, 1, 0, 0, 0)),
        ],
    )
    target = work / "out" / "submissions"
    report = collect(archive, spec, target)
    outside = sorted(p for p in work.rglob("*") if target not in p.parents and p != target)
    assert outside == sorted([work / "evil.zip", work / "out"])
    assert not (tmp_path / "evil.py").exists() and not list(tmp_path.rglob("evil.py"))
    assert sorted(p.name for p in target.iterdir()) == ["good"]
    assert not (target / "link").exists()
    problems = "\n".join(report.problems)
    assert "zip slip" in problems and "absolute path" in problems
    assert "symbolic link" in problems and "'random.txt' does not follow" in problems


def test_two_students_with_one_id_are_refused_together(spec, tmp_path):
    archive = make_zip(
        tmp_path / "moodle.zip",
        [
            ("John Smith_10_assignsubmission_file_/toy.py", CODE, (2026, 1, 1, 0, 0, 0)),
            ("John Smith_11_assignsubmission_file_/toy.py", b"x = 2\n", (2026, 1, 1, 0, 0, 0)),
        ],
    )
    target = tmp_path / "submissions"
    report = collect(archive, spec, target)
    assert not (target / "john_smith").exists()
    assert any(
        "2 different students map to this id" in p and "--roster" in p for p in report.problems
    )


def test_not_a_zip_is_a_clear_error(spec, tmp_path):
    bogus = tmp_path / "x.zip"
    bogus.write_text("not a zip")
    with pytest.raises(CollectError, match="not a readable zip"):
        collect(bogus, spec, tmp_path / "submissions")


def test_collect_command(toy_course, tmp_path, capsys):
    archive = make_zip(tmp_path / "c.zip", [("ada_1_2_toy.py", CODE, (2026, 1, 1, 0, 0, 0))])
    code = main(["--course", str(toy_course.root), "collect", "toy", str(archive)])
    assert code == 0
    assert (toy_course.submissions / "toy" / "ada" / "toy.py").read_bytes() == CODE
    assert "Collected 1 submission(s)" in capsys.readouterr().out
