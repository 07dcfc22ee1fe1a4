"""Common code: held by enough independent submissions, near copies counted once."""

from __future__ import annotations

from autograder.similarity.candidates import candidate_pairs, inverted_index
from autograder.similarity.shared_code import common_threshold, shared_code


def test_code_held_by_three_unrelated_submissions_is_common_in_a_small_class():
    sets = [{1, 10}, {1, 20}, {1, 30}, {2, 40}, {2, 50}, {60}]
    shared = shared_code(set(), inverted_index(sets), [], len(sets))
    assert shared.threshold == 3
    assert shared.common == {1}  # 2 is held by two only: that may be evidence


def test_near_copies_count_once():
    sets = [{1, 7}, {1, 7}, {1, 7}, {1, 7}, {8}, {9}]
    ring = [(0, 1), (1, 2), (2, 3)]
    assert shared_code(set(), inverted_index(sets), ring, 6).common == frozenset()
    assert shared_code(set(), inverted_index(sets), [], 6).common == {1, 7}


def test_a_huge_group_of_near_copies_is_the_usual_solution_not_a_ring():
    n = 30
    sets = [{1, 100 + i} for i in range(n)]
    chain = [(i, i + 1) for i in range(n - 1)]  # each alike to the next: one group of 30
    assert shared_code(set(), inverted_index(sets), chain, n).common == {1}


def test_the_threshold_is_a_share_of_a_large_class():
    assert common_threshold(10) == 3
    assert common_threshold(1000) == 50


def test_candidates_are_pairs_sharing_rare_fingerprints_only():
    n = 300
    sets = [{0, 1, 2, 1000 + i} for i in range(n)]  # everyone: 0, 1, 2; each: one of their own
    sets[5] |= {7, 8}
    sets[250] |= {7, 8}
    sets[9] |= {9}  # one shared fingerprint is not enough to be scored
    sets[10] |= {9}
    assert candidate_pairs(inverted_index(sets), limit=40) == {(5, 250): 2}
