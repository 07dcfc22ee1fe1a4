"""Cutting a class into shards, and what each shard reports about where it ran."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from autograder.author.collector import load_suite
from autograder.grade.batch import MAX_SHARD, shards_of
from autograder.grade.shard import sandbox_note
from autograder.runner.one_submission import GradingContext


def test_shards_cover_the_class_once_even_out_over_workers_and_stay_small():
    folders = [(f"s{i:04d}", Path(f"/x/s{i:04d}")) for i in range(1000)]
    for workers in (1, 2, 8):
        shards = shards_of(folders, workers)
        assert [f for shard in shards for f in shard] == folders
        assert max(len(s) for s in shards) <= MAX_SHARD
        assert len(shards) >= 4 * workers
    assert shards_of(folders[:3], 2) == [[f] for f in folders[:3]]


def test_a_worker_without_the_full_sandbox_is_named_with_what_it_lacks(toy_course):
    """Each shard reports its worker's sandbox; a missing guarantee becomes a note."""
    ctx = GradingContext(load_suite(toy_course.spec("toy")), "secret")
    weak = SimpleNamespace(server=SimpleNamespace(report={"missing": {"network": "no netns"}}))
    ctx.__dict__["worker_launcher"] = weak  # as if this worker's zygote had no namespaces
    assert "network" in sandbox_note(ctx) and "no netns" in sandbox_note(ctx)
    ctx.__dict__["worker_launcher"] = SimpleNamespace(server=SimpleNamespace(report={}))
    assert sandbox_note(ctx) == ""
