"""Uploading a file whose name poses as another student's in an LMS download.

The attacker controls only the name of the file they upload; the LMS writes the rest of
the entry's name (login or full name, ids). Each attack shapes that file name to make the
entry read as the victim's, in the same download or in a later one. The victim's files
must stay theirs (byte for byte), the attacker's entry is refused with a message, and
grading the collected class gives the victim full marks.
"""

from __future__ import annotations

import zipfile

import pytest

from adversarial.classroom import FULL_MARKS, HONEST, grade_class
from autograder.collect.sources import collect

WHEN = (2026, 11, 20, 9, 0, 0)
LATER = (2026, 11, 21, 9, 0, 0)
EVIL = "def double(x):\n    return x\n\n\ndef norm(x):\n    return 0.0\n"


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, when in entries:
            archive.writestr(zipfile.ZipInfo(name, when), data)
    return path


def roster(tmp_path, rows):
    path = tmp_path / "roster.csv"
    path.write_text("lms_id,student_id\n" + "".join(f"{a},{b}\n" for a, b in rows))
    return path


VICTIM_FLAT = ("Ada Lovelace_77_assignsubmission_file_toy.py", HONEST, WHEN)
ATTACKS = {
    # old flat Moodle style: the uploaded file name repeats the marker with the victim's id
    "moodle_flat": "Mallory Evil_12_assignsubmission_file_x_77_assignsubmission_file_toy.py",
    "moodle_flat_bare": "Mallory Evil_12_assignsubmission_file__77_assignsubmission_file_toy.py",
    # a Canvas upload whose file name reads as a Moodle flat entry of id 77
    "canvas_as_moodle": "mallory_12_500_x_77_assignsubmission_file_toy.py",
    # a Moodle folder whose (editable) full name carries a second marker
    "moodle_folder": "Mal_12_assignsubmission_file_Ada_77_assignsubmission_file_/toy.py",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("attacker_first", [True, False])
def test_a_file_name_cannot_claim_another_students_id(toy_course, tmp_path, attack, attacker_first):
    evil = (ATTACKS[attack], EVIL, LATER)
    entries = [evil, VICTIM_FLAT] if attacker_first else [VICTIM_FLAT, evil]
    archive = make_zip(tmp_path / "download.zip", entries)
    mapping = roster(tmp_path, [("77", "s077"), ("12", "s012")])
    target = toy_course.submissions / "toy"
    report = collect(archive, toy_course.spec("toy"), target, roster=mapping)
    assert (target / "s077" / "toy.py").read_text() == HONEST
    assert sorted(p.name for p in target.iterdir()) == ["s077"]
    refusal = [p for p in report.problems if ATTACKS[attack] in p]
    assert len(refusal) == 1 and "ambiguous owner" in refusal[0], report.problems


def test_a_later_download_cannot_replace_a_namesakes_work(toy_course, tmp_path):
    target = toy_course.submissions / "toy"
    first = make_zip(tmp_path / "first.zip", [VICTIM_FLAT])
    collect(first, toy_course.spec("toy"), target)
    # Another "Ada Lovelace" (Moodle id 78) hands in later: same slug, another person.
    namesake = ("Ada Lovelace_78_assignsubmission_file_/toy.py", EVIL, LATER)
    second = make_zip(tmp_path / "second.zip", [namesake])
    report = collect(second, toy_course.spec("toy"), target)
    assert (target / "ada_lovelace" / "toy.py").read_text() == HONEST
    assert not (target / "ada_lovelace" / "attempts").exists()
    assert any(
        "holds the work of moodle:77, and moodle:78" in p and "--roster" in p
        for p in report.problems
    )
    # The same person handing in again still replaces their own work.
    again = make_zip(tmp_path / "again.zip", [(VICTIM_FLAT[0], HONEST + "\n# v2\n", LATER)])
    collect(again, toy_course.spec("toy"), target)
    assert (target / "ada_lovelace" / "toy.py").read_text().endswith("# v2\n")


def test_two_namesakes_in_one_download_are_both_refused(toy_course, tmp_path):
    archive = make_zip(
        tmp_path / "download.zip",
        [VICTIM_FLAT, ("Ada Lovelace_78_assignsubmission_file_toy.py", EVIL, LATER)],
    )
    report = collect(archive, toy_course.spec("toy"), toy_course.submissions / "toy")
    assert not (toy_course.submissions / "toy" / "ada_lovelace").exists()
    assert any("2 different students map to this id" in p for p in report.problems)


def test_honest_names_with_underscores_still_parse(toy_course, tmp_path):
    archive = make_zip(
        tmp_path / "download.zip",
        [
            ("Ada_Lovelace_77_assignsubmission_file_toy.py", HONEST, WHEN),
            ("Alan Turing_78_assignsubmission_file_/toy.py", HONEST, WHEN),
            ("hopper_LATE_1003_5003_toy-1.py", HONEST, WHEN),
        ],
    )
    target = toy_course.submissions / "toy"
    report = collect(archive, toy_course.spec("toy"), target)
    assert sorted(p.name for p in target.iterdir()) == ["ada_lovelace", "alan_turing", "hopper"]
    assert report.problems == []


def test_the_collected_class_is_graded_as_collected(arena, tmp_path):
    archive = make_zip(
        tmp_path / "download.zip",
        [VICTIM_FLAT, (ATTACKS["moodle_flat"], EVIL, LATER)],
    )
    mapping = roster(tmp_path, [("77", "s077"), ("12", "s012")])
    collect(archive, arena.course.spec("toy"), arena.course.submissions / "toy", roster=mapping)
    results = grade_class(arena)
    assert (results["s077"].status, results["s077"].score) == ("ok", FULL_MARKS)
    assert "s012" not in results
