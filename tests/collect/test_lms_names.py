"""Whose an LMS entry is, read only from the fields the LMS writes."""

from __future__ import annotations

import pytest

from autograder.collect.lms_names import AmbiguousName, LmsEntry, parse_entry


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lovelaceada_1001_5001_toy.py", LmsEntry("canvas", "1001", "lovelaceada", "toy.py")),
        ("hopper_LATE_1003_5003_toy-1.py", LmsEntry("canvas", "1003", "hopper", "toy-1.py")),
        ("ada_1_2_my_toy_v2.py", LmsEntry("canvas", "1", "ada", "my_toy_v2.py")),
        (
            "Ada Lovelace_77_assignsubmission_file_toy.py",
            LmsEntry("moodle", "77", "Ada Lovelace", "toy.py"),
        ),
        (
            "Ada_Lovelace_77_assignsubmission_file_toy.py",
            LmsEntry("moodle", "77", "Ada_Lovelace", "toy.py"),
        ),
        (
            "Alan Turing_78_assignsubmission_file_/sub/toy.py",
            LmsEntry("moodle", "78", "Alan Turing", "sub/toy.py"),
        ),
        ("random.txt", None),
        ("folder/toy.py", None),
    ],
)
def test_honest_entries(name, expected):
    assert parse_entry(tuple(name.split("/"))) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Mal_12_assignsubmission_file_x_77_assignsubmission_file_toy.py",
        "mal_12_500_x_77_assignsubmission_file_toy.py",
        "Mal_12_assignsubmission_file_Ada_77_assignsubmission_file_/toy.py",
        "Mal_12_assignfeedback_file_Ada_77_assignsubmission_file_/toy.py",
    ],
)
def test_entries_that_could_be_someone_elses_are_ambiguous(name):
    with pytest.raises(AmbiguousName):
        parse_entry(tuple(name.split("/")))
