"""Two graders on one machine never share worker uids, and a dead grader frees its block."""

from __future__ import annotations

import os

import pytest

from autograder.sandbox.uid_blocks import (
    ACCOUNTS_END,
    UID_POOL,
    NoFreeBlock,
    candidate_bases,
    claim_block,
)
from autograder.sandbox.zygote_launcher import ZygoteServer

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="worker uids are assigned only as root")


def test_blocks_stay_clear_of_accounts_and_nobody():
    for top in (65536, 2**31):
        bases = candidate_bases(top)
        assert len(bases) >= 2
        for base in bases:
            assert base > ACCOUNTS_END
            assert base + UID_POOL <= top
            assert not (base <= 65534 < base + UID_POOL)
        starts = sorted(bases)
        assert all(low + UID_POOL <= high for low, high in zip(starts, starts[1:], strict=False))


def test_a_held_block_is_skipped_and_freed_on_release(tmp_path):
    first = claim_block(lock_dir=str(tmp_path))
    second = claim_block(lock_dir=str(tmp_path))
    assert set(first.uids()).isdisjoint(second.uids())
    first.release()
    again = claim_block(lock_dir=str(tmp_path))
    assert again.base == first.base
    again.release()
    second.release()


def test_every_block_held_is_a_clear_error(tmp_path):
    held = []
    try:
        with pytest.raises(NoFreeBlock, match="in use by another grader"):
            for _ in range(len(candidate_bases(2**31)) + 1):
                held.append(claim_block(lock_dir=str(tmp_path)))
    finally:
        for block in held:
            block.release()


@root_only
def test_two_graders_at_once_get_disjoint_uids():
    one = ZygoteServer(plain="namespaces turned off by this test")
    two = ZygoteServer()
    try:
        low1, high1 = one.report["uid_range"]
        low2, high2 = two.report["uid_range"]
        assert high1 <= low2 or high2 <= low1
    finally:
        one.close()
        two.close()
