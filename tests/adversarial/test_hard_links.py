"""Hard links, and files that are not the student's, inside a submission folder.

A symbolic link to the reference is refused; a hard link to it is the same file under a
second name, and was graded as the student's own (full marks for copying the answer key).
A file with more than one link, or owned by someone other than its folder's owner, is not
the student's work: it is refused with a message wherever student files are read
(grading, the grading sheet, collect), and the honest student graded beside keeps full
marks.
"""

from __future__ import annotations

import os

import pytest

from adversarial.classroom import HONEST, grade_class, honest_notebook
from autograder.collect.sources import collect
from autograder.course.answers import extract_answers

HARD_LINK = "has 2 hard links: it is shared with another file"


def test_hard_links_to_course_files_are_refused(arena, tmp_path):
    reference = arena.paths()["reference"]
    os.link(reference, arena.folder("copies_reference") / "toy.py")
    os.link(arena.paths()["alice"], arena.folder("copies_alice") / "toy.py")
    outside = tmp_path / "answer_key.ipynb"
    outside.write_text(honest_notebook())
    os.link(outside, arena.folder("links_notebook") / "toy.ipynb")
    linked_twice = tmp_path / "spare.py"
    linked_twice.write_text(HONEST)
    os.link(linked_twice, arena.folder("links_own_copy") / "toy.py")
    results = grade_class(arena)
    for student in ("copies_reference", "copies_alice", "links_own_copy"):
        assert (results[student].status, results[student].score) == ("error", 0.0), student
        assert f"toy.py {HARD_LINK}" in results[student].message
    assert results["links_notebook"].score == 0.0
    assert f"toy.ipynb {HARD_LINK}" in results["links_notebook"].message
    # The victim whose file was linked is refused too: say so, and what to do.
    assert results["alice"].status == "error" and "hand in a plain copy" in results["alice"].message


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_files_owned_by_someone_else_are_refused(arena):
    folder = arena.submit(HONEST, "foreign")
    os.chown(folder / "toy.py", 4242, 4242)
    notebook = arena.folder("foreign_notebook") / "toy.ipynb"
    notebook.write_text(honest_notebook())
    os.chown(notebook, 4243, 4243)
    # A folder a student owns (an nbgrader exchange): their own files are theirs ...
    own = arena.submit(HONEST, "exchange_owner")
    os.chown(own, 4300, 4300)
    os.chown(own / "toy.py", 4300, 4300)
    # ... and another student's file dropped in it is not.
    planted = arena.submit(HONEST, "exchange_planted")
    os.chown(planted, 4301, 4301)
    os.chown(planted / "toy.py", 4302, 4302)
    results = grade_class(arena)
    assert (results["exchange_owner"].status, results["exchange_owner"].score) == ("ok", 5.0)
    assert "toy.py belongs to user 4302" in results["exchange_planted"].message
    assert (results["foreign"].status, results["foreign"].score) == ("error", 0.0)
    assert (
        "toy.py belongs to user 4242, not to the owner of its folder" in results["foreign"].message
    )
    assert results["foreign_notebook"].score == 0.0
    assert "toy.ipynb belongs to user 4243" in results["foreign_notebook"].message


def test_hard_linked_answers_are_not_taken(arena, tmp_path):
    spec = arena.course.spec("toy")
    model = tmp_path / "model_answers.md"
    model.write_text("## essay: Essay\nThe instructor's model answer.\n")
    folder = arena.folder("linked_answers")
    os.link(model, folder / "answers.md")
    answers, where = extract_answers(folder, spec)
    assert answers == {"essay": ""}
    assert where.startswith(f"answers.md {HARD_LINK}")


def test_collect_refuses_hard_links_in_nbgrader_folders(toy_course, tmp_path):
    course = tmp_path / "nbgrader"
    for student in ("ada", "mal"):
        (course / "submitted" / student / "toy").mkdir(parents=True)
    (course / "submitted" / "ada" / "toy" / "toy.py").write_text(HONEST)
    key = tmp_path / "key.py"
    key.write_text("# the answer key\n" + HONEST)
    os.link(key, course / "submitted" / "mal" / "toy" / "toy.py")
    target = toy_course.submissions / "toy"
    report = collect(course, toy_course.spec("toy"), target)
    assert (target / "ada" / "toy.py").read_text() == HONEST
    assert not (target / "mal").exists()
    assert any(
        f"submitted/mal/toy/toy.py: skipped: toy.py {HARD_LINK}" in p for p in report.problems
    )
