"""Compares the submissions of an assignment pairwise and ranks the pairs by similarity.

The steps: fingerprint every submission and the template; index the fingerprints to find
candidate pairs; find common code, counting near copies once; score the candidates on
what is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.author.markers import expected_names
from autograder.course.spec import AssignmentSpec
from autograder.similarity.candidates import candidate_pairs, inverted_index, pairing_limit
from autograder.similarity.documents import Document, read_class, read_template
from autograder.similarity.scores import FILE_FLOOR, Pair, function_sets, score_pair, share
from autograder.similarity.shared_code import COMMON_SHARE, NEAR_COPY, SharedCode, shared_code


@dataclass
class Comparison:
    """Everything the report shows: documents, what was ignored, and the scored pairs."""

    documents: list[Document]
    graded: list[str]
    shared: SharedCode
    pairs: list[Pair]  # every candidate that scored above 0, best first
    candidates: int
    template_note: str = ""
    skipped: list[str] = field(default_factory=list)

    @property
    def all_pairs(self) -> int:
        n = len(self.documents)
        return n * (n - 1) // 2


def compare_assignment(
    spec: AssignmentSpec, folders: Iterable[tuple[str, Path]], assignments: Path
) -> Comparison:
    """Read every submission in ``folders`` and the released template, then compare."""
    graded = expected_names(spec)
    documents, skipped = read_class(folders, spec, graded)
    template, note = read_template(spec, assignments, graded)
    comparison = compare(documents, template, graded)
    comparison.template_note, comparison.skipped = note, skipped
    return comparison


def compare(documents: list[Document], template: Document | None, graded: list[str]) -> Comparison:
    """Score the candidate pairs of ``documents`` on their distinctive code."""
    template_hashes = template.hashes if template else set()
    sets = [doc.hashes - template_hashes for doc in documents]
    index = inverted_index(sets)
    candidates = candidate_pairs(index, pairing_limit(len(documents), COMMON_SHARE))
    near = [(a, b) for a, b in candidates if share(sets[a], sets[b], FILE_FLOOR) >= NEAR_COPY]
    shared = shared_code(template_hashes, index, near, len(documents))
    distinct = [hashes - shared.common for hashes in sets]
    functions = [function_sets(doc, shared.ignored, graded) for doc in documents]
    pairs = [score_pair(a, b, distinct, functions) for a, b in candidates]
    pairs = [pair for pair in pairs if pair.score > 0]
    names = [doc.student_id for doc in documents]
    pairs.sort(key=lambda p: (-p.score, -p.file_score, names[p.a], names[p.b]))
    return Comparison(documents, graded, shared, pairs, len(candidates))
