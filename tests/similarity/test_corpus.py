"""The similarity report on a class of its own (``corpus/``): six independent solutions,
one of them (ada) copied seven times under different disguises, a student who copied only
ada's hardest function, and a student who handed in the template untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.course.paths import Course
from autograder.grade.batch import student_folders
from autograder.release.package import make_template
from autograder.similarity.compare import Comparison, compare_assignment
from autograder.similarity.scores import function_sets

CORPUS = Path(__file__).parent / "corpus"
ORIGINAL = "ada"
DISGUISES = [
    "copy_renamed",
    "copy_reordered",
    "copy_recommented",
    "copy_reformatted",
    "copy_helpers",
    "copy_notebook",
    "copy_all",
]
INDEPENDENT = ["ada", "ben", "cleo", "dev", "eve", "fay"]
TEXTBOOK_SOFTMAX = ["ada", "ben", "cleo", "dev"]  # the same two lines, names aside


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Comparison:
    untouched = tmp_path_factory.mktemp("untouched") / "untouched"
    untouched.mkdir()
    shutil.copy(CORPUS / "assignments" / "stable" / "stable.py", untouched / "stable.py")
    course = Course(CORPUS)
    folders = [*student_folders(course.submissions / "stable"), ("untouched", untouched)]
    return compare_assignment(course.spec("stable"), folders, course.assignments)


def score(comparison: Comparison, a: str, b: str):
    """The scored pair of students ``a`` and ``b``, or None if it scored 0."""
    ids = {doc.student_id: i for i, doc in enumerate(comparison.documents)}
    wanted = {ids[a], ids[b]}
    return next((p for p in comparison.pairs if {p.a, p.b} == wanted), None)


def value(comparison: Comparison, a: str, b: str) -> float:
    pair = score(comparison, a, b)
    return pair.score if pair else 0.0


def best_independent_pair(comparison: Comparison) -> float:
    return max(
        value(comparison, a, b) for i, a in enumerate(INDEPENDENT) for b in INDEPENDENT[i + 1 :]
    )


def test_the_corpus_template_is_the_release_of_its_reference():
    reference = CORPUS / "solutions" / "stable" / "stable.py"
    released = CORPUS / "assignments" / "stable" / "stable.py"
    assert released.read_text() == make_template(reference.read_text(), "stable.py")


def test_every_submission_is_read_and_the_notebook_by_its_code_cells(comparison):
    ids = [doc.student_id for doc in comparison.documents]
    assert sorted(ids) == sorted([*INDEPENDENT, *DISGUISES, "gil", "untouched"])
    notebook = comparison.documents[ids.index("copy_notebook")]
    assert notebook.path.suffix == ".ipynb"
    assert all("[cell" in label for label, _ in notebook.chunks)
    assert comparison.skipped == []


@pytest.mark.parametrize("copy", DISGUISES)
def test_a_disguised_copy_ranks_above_every_independent_pair(comparison, copy):
    assert value(comparison, ORIGINAL, copy) > best_independent_pair(comparison)


def test_copies_of_one_another_rank_above_every_independent_pair(comparison):
    ring = [ORIGINAL, *DISGUISES]
    lowest_copy_pair = min(
        value(comparison, a, b) for i, a in enumerate(ring) for b in ring[i + 1 :]
    )
    assert lowest_copy_pair > best_independent_pair(comparison)
    assert best_independent_pair(comparison) < 0.2  # independent work looks independent
    top = comparison.pairs[: len(ring) * (len(ring) - 1) // 2]
    assert {comparison.documents[i].student_id for p in top for i in (p.a, p.b)} == set(ring)


def test_the_template_alone_scores_nothing(comparison):
    for doc in comparison.documents:
        if doc.student_id != "untouched":
            assert value(comparison, "untouched", doc.student_id) == 0.0


def test_a_pair_sharing_only_the_textbook_softmax_stays_low(comparison):
    docs = {doc.student_id: doc for doc in comparison.documents}
    softmax = {
        name: function_sets(docs[name], comparison.shared.template, ["softmax"])["softmax"]
        for name in ("cleo", "dev")
    }
    assert softmax["cleo"] == softmax["dev"]  # the premise: their softmax is the same code
    assert softmax["cleo"] <= comparison.shared.common  # ... and the class's common code
    assert value(comparison, "cleo", "dev") < 0.2
    pair = score(comparison, "cleo", "dev")
    assert pair is None or "softmax" not in pair.functions


def test_a_ring_of_copies_does_not_make_its_own_code_common(comparison):
    docs = {doc.student_id: doc for doc in comparison.documents}
    ada = function_sets(docs[ORIGINAL], comparison.shared.template, ["mlp_grad"])["mlp_grad"]
    ring = {ORIGINAL, *DISGUISES, "gil"}
    others = set().union(*(d.hashes for name, d in docs.items() if name not in ring))
    only_copied = ada - others  # held by up to nine submissions, all copies of one another
    assert len(only_copied) > len(ada) / 2
    assert not only_copied & comparison.shared.common


def test_one_copied_function_stands_out_when_the_rest_differs(comparison):
    pair = score(comparison, ORIGINAL, "gil")
    assert list(pair.functions)[0] == "mlp_grad" and pair.functions["mlp_grad"] > 0.8
    assert pair.file_score < 0.5  # the whole file alone would not say it
    assert pair.score > best_independent_pair(comparison)


def test_code_moved_into_helpers_counts_for_the_function_calling_them(comparison):
    docs = {doc.student_id: doc for doc in comparison.documents}
    helpers = docs["copy_helpers"]
    sets = function_sets(helpers, comparison.shared.ignored, comparison.graded)
    forward = {fp.hash for fp in helpers.prints if helpers.units[fp.unit].name == "_forward"}
    assert forward - comparison.shared.ignored <= sets["mlp_grad"]
    assert score(comparison, ORIGINAL, "copy_helpers").functions["mlp_grad"] >= 0.5


def test_without_a_released_template_the_reference_gives_it(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(CORPUS / "solutions", root / "solutions")
    for name in ("ada", "copy_renamed", "ben"):
        shutil.copytree(CORPUS / "submissions" / "stable" / name, root / "submissions" / name)
    untouched = root / "submissions" / "untouched"
    untouched.mkdir()
    shutil.copy(CORPUS / "assignments" / "stable" / "stable.py", untouched / "stable.py")
    course = Course(root)
    found = compare_assignment(
        course.spec("stable"), student_folders(course.submissions), course.assignments
    )
    assert "made from the reference" in found.template_note
    assert value(found, "ada", "copy_renamed") == 1.0
    assert all(value(found, "untouched", other) == 0.0 for other in ("ada", "ben"))
