"""The rules for reading what students hand in: files, times and ids."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest

from autograder.course.student_files import StudentFileError, read_student_file
from autograder.course.student_ids import student_id_problem
from autograder.course.timestamps import TimestampError, parse_timestamp, read_timestamp


def test_a_plain_file_is_read_whole_and_the_cap_is_exact(tmp_path):
    path = tmp_path / "toy.py"
    path.write_bytes(b"x" * 100)
    assert read_student_file(path, 100) == b"x" * 100
    with pytest.raises(StudentFileError, match="toy.py is 100 bytes; the limit is 99"):
        read_student_file(path, 99)


@pytest.mark.parametrize(
    ("make", "message", "not_a_file"),
    [
        (lambda p: os.symlink("/etc/passwd", p), "is a symbolic link", False),
        (os.mkfifo, "is a named pipe (FIFO)", True),
        (os.mkdir, "is a folder", True),
    ],
)
def test_links_and_special_files_are_refused_unopened(tmp_path, make, message, not_a_file):
    path = tmp_path / "toy.py"
    make(path)
    with pytest.raises(StudentFileError, match=re.escape(message)) as refused:
        read_student_file(path, 1000)
    assert refused.value.not_a_file is not_a_file


def test_a_second_link_makes_a_file_nobodys_own(tmp_path):
    original = tmp_path / "reference.py"
    original.write_text("answer = 42\n")
    os.link(original, tmp_path / "toy.py")
    with pytest.raises(StudentFileError, match="toy.py has 2 hard links"):
        read_student_file(tmp_path / "toy.py", 1000)
    (tmp_path / "reference.py").unlink()
    assert read_student_file(tmp_path / "toy.py", 1000) == b"answer = 42\n"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "0001-01-01 00:00:00 UTC",
        "2300-01-01 00:00:00 UTC",
        "1969-12-31T23:59:59Z",
        "not a time",
    ],
)
def test_impossible_times_are_timestamp_errors(text):
    with pytest.raises(TimestampError, match="not a"):
        parse_timestamp(text)


def test_timestamp_files_are_read_with_the_same_rules(tmp_path):
    assert read_timestamp(tmp_path) is None
    os.mkfifo(tmp_path / "timestamp.txt")
    with pytest.raises(TimestampError, match="named pipe"):
        read_timestamp(tmp_path)
    (tmp_path / "timestamp.txt").unlink()
    (tmp_path / "timestamp.txt").write_text("2026-11-20T15:00:00+01:00\n")
    assert read_timestamp(tmp_path) == datetime(2026, 11, 20, 14, tzinfo=UTC)


@pytest.mark.parametrize("good", ["ada", "s0078", "ada.lovelace", "a-b_c", "ada@uni.edu", "x+1"])
def test_usable_student_ids(good):
    assert student_id_problem(good) == ""


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("=1+1", "not a usable student id"),
        ("-rf", "not a usable student id"),
        ("@SUM", "not a usable student id"),
        (".hidden", "not a usable student id"),
        ("ada lovelace", "not a usable student id"),
        ("a" * 65, "not a usable student id"),
        ("ada\x1b[2J", "not a usable student id"),
        ("grades.csv", "one of the class's own report files"),
        ("Report.HTML", "one of the class's own report files"),
        ("exports", "one of the class's own report files"),
    ],
)
def test_unusable_student_ids_say_why(bad, why):
    assert why in student_id_problem(bad)
