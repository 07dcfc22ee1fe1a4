"""Writes ``similarity.html`` and ``similarity.csv`` into an assignment's reports folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from autograder.course.csv_files import write_csv
from autograder.course.paths import SIMILARITY_PAGE
from autograder.course.spec import AssignmentSpec
from autograder.similarity.compare import Comparison
from autograder.similarity.html_page import render_page

CSV_FILE = "similarity.csv"
CSV_COLUMNS = ["student_a", "student_b", "score", "functions"]


@dataclass
class SimilarityFiles:
    html: Path
    csv: Path


def write_similarity(
    comparison: Comparison, spec: AssignmentSpec, folder: Path, now: datetime | None = None
) -> SimilarityFiles:
    """Write the page and the table of every scored pair (best first) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / SIMILARITY_PAGE
    page.write_text(render_page(comparison, spec, now or datetime.now(UTC)), encoding="utf-8")
    rows = [
        [
            comparison.documents[pair.a].student_id,
            comparison.documents[pair.b].student_id,
            f"{pair.score:.3f}",
            "; ".join(f"{name} {s:.3f}" for name, s in pair.strong_functions()),
        ]
        for pair in comparison.pairs
    ]
    table = write_csv(rows, folder / CSV_FILE, columns=CSV_COLUMNS)
    return SimilarityFiles(page, table)
