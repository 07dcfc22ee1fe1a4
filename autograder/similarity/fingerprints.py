"""Fingerprints of normalized code by winnowing over token k-grams (the algorithm of MOSS).

Every run of ``K`` consecutive tokens of a unit is hashed; of each window of ``W``
consecutive hashes the smallest is kept (the rightmost on ties). Two units that share a
run of at least ``K + W - 1`` tokens are then sure to share a fingerprint, runs shorter
than ``K`` tokens are ignored as coincidence, and a unit keeps about 2/(W+1) of its
k-grams. K-grams never cross units, so the order of definitions does not matter.
(Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
fingerprinting", SIGMOD 2003.)
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograder.similarity.normalize import Unit

K = 8  # `V = numpy . asarray ( V ,` is 8 tokens: one line of code, at least
W = 4
_BASE = np.uint64(0x100000001B3)


class Fingerprint(NamedTuple):
    """A kept k-gram hash and where its tokens are: unit index, chunk, lines (1-based)."""

    hash: int
    unit: int
    chunk: int
    lines: tuple[int, ...]  # the lines its tokens are on (a docstring between is not)


@lru_cache(maxsize=65536)
def token_id(text: str) -> int:
    """A stable 64-bit number for a normalized token (the same in every run)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def kgram_hashes(ids: np.ndarray, k: int = K) -> np.ndarray:
    """Polynomial hash of every run of ``k`` ids (uint64 arithmetic wraps around)."""
    count = len(ids) - k + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for j in range(k):
        hashes = hashes * _BASE + ids[j : j + count]
    return hashes


def winnow(ids: np.ndarray, k: int = K, w: int = W) -> list[tuple[int, int]]:
    """``(position, hash)`` of the kept k-grams; a unit shorter than ``k`` gives one."""
    if len(ids) == 0:
        return []
    if len(ids) < k:
        return [(0, int(kgram_hashes(ids, len(ids))[0]))]
    hashes = kgram_hashes(ids, k)
    if len(hashes) <= w:
        position = len(hashes) - 1 - int(np.argmin(hashes[::-1]))
        return [(position, int(hashes[position]))]
    windows = sliding_window_view(hashes, w)
    rightmost = w - 1 - np.argmin(windows[:, ::-1], axis=1) + np.arange(len(windows))
    positions = np.unique(rightmost)
    return list(zip(positions.tolist(), hashes[positions].tolist(), strict=True))


def fingerprints(units: list[Unit]) -> list[Fingerprint]:
    """The winnowed fingerprints of every unit, with the source lines each one covers."""
    prints = []
    for index, unit in enumerate(units):
        ids = np.fromiter((token_id(t.text) for t in unit.tokens), np.uint64, len(unit.tokens))
        for position, value in winnow(ids):
            covered = unit.tokens[position : position + K]
            lines = {n for t in covered for n in range(t.first_line, t.last_line + 1)}
            prints.append(Fingerprint(value, index, covered[0].chunk, tuple(sorted(lines))))
    return prints
