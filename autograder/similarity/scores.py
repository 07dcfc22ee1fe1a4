"""Scores a pair of submissions for the whole file and for each graded function.

Scores are shares of distinctive fingerprints (template and common code removed) held by
both: ``|A & B| / |A | B|``, with a floor on the denominator so that two files sharing
three small fingerprints cannot score 1. A graded function's fingerprints include those
of the helpers it calls, so moving code into a helper does not hide it. The pair's score
is the larger of the file score and its best function score: the same unusual
``cost_grad`` stands out even when everything else differs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from autograder.similarity.documents import Document
from autograder.similarity.normalize import MODULE_CODE

FILE_FLOOR = 20  # distinctive fingerprints: about 50 tokens, a few lines of real code
FUNCTION_FLOOR = 10
REPORTED_FUNCTION = 0.5  # function scores from here on are named in the CSV


@dataclass
class Pair:
    """Two submissions (indices into the class's documents) and how alike their code is."""

    a: int
    b: int
    score: float
    file_score: float
    functions: dict[str, float]  # graded function -> score (above 0), best first
    matched: set[int] = field(default_factory=set)

    def strong_functions(self) -> list[tuple[str, float]]:
        """The graded functions scoring ``REPORTED_FUNCTION`` or more, best first."""
        return [(n, s) for n, s in self.functions.items() if s >= REPORTED_FUNCTION]


def share(a: set[int], b: set[int], floor: int) -> float:
    """``|a & b| / max(|a | b|, floor)``: 0 with nothing in common, 1 for equal sets."""
    common = len(a & b)
    return common / max(len(a) + len(b) - common, floor) if common else 0.0


def is_graded(unit_name: str, graded: Collection[str]) -> bool:
    """A graded function, or a method of a graded class (``NetClassifier.cost_grad``)."""
    return unit_name in graded or ("." in unit_name and unit_name.split(".")[0] in graded)


def function_sets(
    doc: Document, ignored: Collection[int], graded: Collection[str]
) -> dict[str, set[int]]:
    """Graded unit name -> its distinctive fingerprints and its helpers', transitively."""
    own: dict[str, set[int]] = {}
    calls: dict[str, set[str]] = {}
    for fp in doc.prints:
        if fp.hash not in ignored:
            own.setdefault(doc.units[fp.unit].name, set()).add(fp.hash)
    for unit in doc.units:
        calls.setdefault(unit.name, set()).update(unit.calls)
    result: dict[str, set[int]] = {}
    for unit in doc.units:
        name = unit.name
        if name == MODULE_CODE or not is_graded(name, graded) or name in result:
            continue
        hashes: set[int] = set()
        seen, todo = {name}, [name]
        while todo:
            current = todo.pop()
            hashes |= own.get(current, set())
            for callee in calls.get(current, ()):
                if callee not in seen and not is_graded(callee, graded):
                    seen.add(callee)
                    todo.append(callee)
        result[name] = hashes
    return result


def score_pair(a: int, b: int, sets: list[set[int]], functions: list[dict[str, set[int]]]) -> Pair:
    """The file score, every shared graded function's score, and the overall score."""
    file_score = share(sets[a], sets[b], FILE_FLOOR)
    per_function = {}
    for name, mine in functions[a].items():
        theirs = functions[b].get(name)
        if theirs is not None:
            per_function[name] = share(mine, theirs, FUNCTION_FLOOR)
    ranked = {
        name: value
        for name, value in sorted(per_function.items(), key=lambda item: (-item[1], item[0]))
        if value > 0
    }
    best = max(ranked.values(), default=0.0)
    return Pair(a, b, max(file_score, best), file_score, ranked, sets[a] & sets[b])
