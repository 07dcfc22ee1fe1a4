"""Time the grader's own reading of hostile notebooks, against an honest one.

    .venv/bin/python benchmarks/notebook_conversion.py

Notebooks are parsed and their IPython syntax converted in the grader, before any sandbox
limit. Issue 10's attacks (30 cells of 499 ``!`` lines took 173-250 s unbounded) must now
cost a few seconds at most. Prints seconds per notebook and the ratio to the honest
notebook; nothing is asserted (the machine may be busy).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course.notebooks import BadNotebook, read_notebook

HONEST = "import numpy as np\n\n\ndef double(x):\n    return 2 * np.asarray(x)\n"


def shell(lines: int) -> str:
    return "".join(f"!echo {i}\n" for i in range(lines))


CASES = {
    "honest (20 cells, a few magics)": ["%matplotlib inline\n" + HONEST] * 20,
    "30 cells of 499 ! lines": [shell(499)] * 30,
    "60 cells of 99 ! lines": [shell(99)] * 60,
    "1 cell of 5,000 ! lines": [shell(5000)],
    "999 cells of 3 magics": ["%time x = 1\n!ls\n%load_ext foo\n"] * 999,
}


def timed(path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        code = read_notebook(path)
        outcome = f"{len(code.chunks)} chunks, {len(code.notes)} notes"
    except BadNotebook as bad:
        outcome = f"refused: {bad.message[:60]}"
    return time.perf_counter() - started, outcome


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for name, cells in CASES.items():
            path = Path(tmp) / "case.ipynb"
            nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
            rows.append((name, *timed(path)))
    honest = rows[0][1]
    for name, seconds, outcome in rows:
        print(f"{name:36} {seconds:7.3f} s  x{seconds / honest:8.1f}  {outcome}")


if __name__ == "__main__":
    main()
