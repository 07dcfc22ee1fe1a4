"""How long `autograder similarity` takes for a class of N, and whether planted copies top it.

    python benchmarks/similarity.py            # a made-up class of 1,000 for `softmax`
    python benchmarks/similarity.py -n 200 --copies 5 --keep reports_demo

Each made-up student writes every function of the `softmax` homework by picking one of
the ways the bundled example students and the reference wrote it, and adds a few lines
of their own (checks, constants) to some functions, so that most code is shared by
many students and a little is personal, as in a real class. A few students copy another
student's file and disguise it (functions reordered, comments rewritten). The script
prints the time of each step, how many pairs were scored out of all pairs, and where the
planted copies rank.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import tempfile
import time
from pathlib import Path

from autograder.author.markers import expected_names, without_markers
from autograder.course.paths import Course
from autograder.grade.batch import student_folders
from autograder.similarity.compare import compare
from autograder.similarity.documents import read_class, read_template
from autograder.similarity.writer import write_similarity

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "softmax"


def variant_pool(course: Course, names: list[str]) -> dict[str, list[str]]:
    """Every way the bundled examples and the reference wrote each graded function."""
    pool: dict[str, list[str]] = {name: [] for name in names}
    sources = [course.solutions / ASSIGNMENT / "softmax.py"]
    sources += sorted((course.submissions / ASSIGNMENT).glob("*/softmax.py"))
    for path in sources:
        text = path.read_text()
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # an example with a deliberate syntax error
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in pool:
                code = ast.get_source_segment(text, node) or ""
                pool[node.name].append(without_markers(code))
    return {name: sorted(set(variants)) for name, variants in pool.items() if variants}


def personal(function: str, rng: random.Random) -> str:
    """The function with a line of the student's own after its signature and docstring."""
    lines = function.splitlines()
    body = 1
    node = ast.parse(function).body[0]
    if ast.get_docstring(node) is not None:
        body = node.body[0].end_lineno
    own = rng.choice(
        [
            f"    tolerance = {rng.uniform(1e-9, 1e-3):.3g}",
            f"    assert {rng.randint(1, 9)} > 0, 'shape {rng.randint(0, 999)}'",
            f"    limit = {rng.randint(10, 10_000)} * {rng.randint(2, 99)}",
            f"    scale = {rng.uniform(0.5, 2):.4f} / {rng.randint(1, 9)}",
        ]
    )
    return "\n".join([*lines[:body], own, *lines[body:]])


def student_file(pool: dict[str, list[str]], rng: random.Random) -> str:
    functions = []
    for variants in pool.values():
        chosen = rng.choice(variants)
        functions.append(personal(chosen, rng) if rng.random() < 0.6 else chosen)
    return "import numpy as np\n\n\n" + "\n\n\n".join(functions) + "\n"


def disguised(source: str, rng: random.Random) -> str:
    """The same functions in another order, with the comments rewritten."""
    header, *functions = source.split("\n\n\ndef ")
    functions = ["def " + f for f in functions]
    rng.shuffle(functions)
    text = "\n\n\n".join([header, *functions])
    lines = [line.split("  #")[0] if "  #" in line else line for line in text.splitlines()]
    return "# my own work\n" + "\n".join(lines) + "\n"


def build_class(folder: Path, pool, students: int, copies: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    sources = {f"s{i:04d}": student_file(pool, rng) for i in range(students - copies)}
    planted = []
    originals = rng.sample(sorted(sources), copies)
    for number, original in enumerate(originals):
        copy = f"s{students - copies + number:04d}"
        sources[copy] = disguised(sources[original], rng)
        planted.append((original, copy))
    for student, text in sources.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "softmax.py").write_text(text)
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--students", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=10, help="planted pairs of copies")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", help="write the report to this folder")
    args = parser.parse_args()

    course = Course(ROOT)
    spec = course.spec(ASSIGNMENT)
    graded = expected_names(spec)
    with tempfile.TemporaryDirectory() as tmp:
        submissions = Path(tmp) / "submissions"
        planted = build_class(
            submissions, variant_pool(course, graded), args.students, args.copies, args.seed
        )
        started = time.perf_counter()
        documents, skipped = read_class(student_folders(submissions), spec, graded)
        template, note = read_template(spec, course.assignments, graded)
        read = time.perf_counter()
        comparison = compare(documents, template, graded)
        compared = time.perf_counter()
        comparison.template_note, comparison.skipped = note, skipped
        out = Path(args.keep) if args.keep else Path(tmp) / "reports"
        files = write_similarity(comparison, spec, out / spec.name)
        written = time.perf_counter()
        if args.keep:
            print(f"report: {files.html}")

    total = written - started
    n = len(documents)
    print(f"class of {n} submissions of {spec.name} ({args.copies} planted copies)")
    print(f"  read, normalize, fingerprint: {read - started:6.2f} s")
    print(f"  index, common code, scoring:  {compared - read:6.2f} s")
    print(f"  write HTML and CSV:           {written - compared:6.2f} s")
    print(f"  total:                        {total:6.2f} s ({1000 * total / n:.1f} ms per student)")
    print(
        f"  pairs scored: {comparison.candidates:,} of {comparison.all_pairs:,} "
        f"({100 * comparison.candidates / max(comparison.all_pairs, 1):.2f}%); "
        f"{len(comparison.shared.common):,} fingerprints common "
        f"(held by >= {comparison.shared.threshold} independent submissions)"
    )
    ids = [doc.student_id for doc in documents]
    ranks = {frozenset((ids[p.a], ids[p.b])): rank for rank, p in enumerate(comparison.pairs, 1)}
    found = sorted(ranks.get(frozenset(pair), 10**9) for pair in planted)
    top = sum(rank <= len(planted) for rank in found)
    print(f"  planted copies among the top {len(planted)} pairs: {top} of {len(planted)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
