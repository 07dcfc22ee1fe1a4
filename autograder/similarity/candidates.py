"""Finds the pairs of submissions worth scoring through an inverted index of fingerprints.

A class of 1,000 has 499,500 pairs, nearly all of which share nothing but common code.
Each fingerprint lists the submissions that hold it; only submissions that appear
together in a list (one not held by so many that it is common anyway) become a
candidate pair. The cost grows with how many submissions share each fingerprint, not
with the square of the class.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

MIN_SHARED = 2  # fingerprints two submissions must share to be scored at all
SMALL_CLASS = 40  # up to this many holders a fingerprint always pairs its holders


def inverted_index(hash_sets: Sequence[set[int]]) -> dict[int, list[int]]:
    """Fingerprint -> the (increasing) indices of the submissions that hold it."""
    index: dict[int, list[int]] = defaultdict(list)
    for number, hashes in enumerate(hash_sets):
        for value in hashes:
            index[value].append(number)
    return index


def pairing_limit(submissions: int, common_share: float) -> int:
    """Holders above which a fingerprint is too common to propose pairs."""
    return max(SMALL_CLASS, math.ceil(common_share * submissions))


def candidate_pairs(index: dict[int, list[int]], limit: int) -> dict[tuple[int, int], int]:
    """``(i, j) -> shared fingerprints`` for pairs sharing at least ``MIN_SHARED``."""
    counts: Counter[tuple[int, int]] = Counter()
    for holders in index.values():
        if 2 <= len(holders) <= limit:
            counts.update(combinations(holders, 2))
    return {pair: shared for pair, shared in counts.items() if shared >= MIN_SHARED}
