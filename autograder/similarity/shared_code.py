"""Finds the code that is no evidence of copying: the template and what much of the class shares.

The released template (stubs, docstrings, given helpers) is in everyone's file. Beyond
it, a fingerprint held by many independent submissions is the usual way to write that
line (the textbook stable softmax), not a sign that two students worked together. Near
copies of each other count as one submission here, so that a ring of five copies does
not make its own code look common and hide itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

COMMON_SHARE = 0.05  # of the (independent) submissions
COMMON_MIN = 3  # held by this many independent submissions, code is common in any class
NEAR_COPY = 0.6  # file score (template removed) at which two submissions count as one
LARGEST_RING = 10  # a bigger group of near copies is the usual solution, not a ring


@dataclass(frozen=True)
class SharedCode:
    """Fingerprints to ignore, and how "common" was decided (for the report's header)."""

    template: frozenset[int]
    common: frozenset[int]
    threshold: int  # independent holders that make a fingerprint common
    groups: int  # independent submissions (near copies counted once)

    @property
    def ignored(self) -> frozenset[int]:
        return self.template | self.common


def common_threshold(groups: int) -> int:
    """Independent holders from which a fingerprint is common: 5% of them, at least 3."""
    return max(COMMON_MIN, math.ceil(COMMON_SHARE * groups))


def shared_code(
    template: set[int],
    index: dict[int, list[int]],
    near_copies: Iterable[tuple[int, int]],
    submissions: int,
) -> SharedCode:
    """The template's fingerprints and those held by many independent submissions.

    ``index`` maps each (non-template) fingerprint to its holders; ``near_copies`` are
    pairs of submissions similar enough to count as one holder.
    """
    group = _groups(near_copies, submissions)
    count = len(set(group))
    threshold = common_threshold(count)
    common = frozenset(
        value
        for value, holders in index.items()
        if len(holders) >= threshold and len({group[h] for h in holders}) >= threshold
    )
    return SharedCode(frozenset(template), common, threshold, count)


def _groups(pairs: Iterable[tuple[int, int]], submissions: int) -> list[int]:
    """A group label per submission: connected near copies share one."""
    parent = list(range(submissions))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[find(a)] = find(b)
    labels = [find(i) for i in range(submissions)]
    sizes: dict[int, int] = {}
    for label in labels:
        sizes[label] = sizes.get(label, 0) + 1
    too_big = max(LARGEST_RING, COMMON_SHARE * submissions)
    return [i if sizes[label] > too_big else label for i, label in enumerate(labels)]
