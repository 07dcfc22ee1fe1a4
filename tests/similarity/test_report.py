"""`autograder similarity`: the HTML page and CSV table, escaping, and the class report's link."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.similarity.html_page import SIDE_BY_SIDE
from autograder.similarity.writer import CSV_COLUMNS

CORPUS = Path(__file__).parent / "corpus"

HOSTILE = '''
"""</pre><script>alert("docstring")</script>"""
import numpy as np
open(OUT, "w").write("student code ran")
raise SystemExit(3)


def softmax(x):  # </pre><script>alert("comment")</script>
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) * len("<img src=x onerror=alert(1)>") / 28
'''


def similarity(root: Path) -> Path:
    assert main(["--course", str(root), "similarity", "stable"]) == 0
    return root / "reports" / "stable"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The corpus's reports folder after `autograder similarity` (on a copy of it)."""
    root = tmp_path_factory.mktemp("similarity") / "course"
    shutil.copytree(CORPUS, root)
    return similarity(root)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    """Two students handing in the same hostile file, beside two honest ones; and the file
    their code would write if it ran."""
    root = tmp_path_factory.mktemp("hostile") / "course"
    shutil.copytree(CORPUS / "solutions", root / "solutions")
    shutil.copytree(CORPUS / "assignments", root / "assignments")
    for name in ("ben", "cleo"):
        shutil.copytree(
            CORPUS / "submissions" / "stable" / name, root / "submissions" / "stable" / name
        )
    proof = root / "ran.txt"
    loop = (CORPUS / "submissions" / "stable" / "dev" / "stable.py").read_text()
    for name in ("mallory", "trudy", "<b>eve"):  # <b>eve is no usable student id: refused
        folder = root / "submissions" / "stable" / name
        folder.mkdir()
        (folder / "stable.py").write_text(HOSTILE.replace("OUT", repr(str(proof))) + loop)
    broken = root / "submissions" / "stable" / "broken"
    broken.mkdir()
    (broken / "stable.ipynb").write_text('{"cells": [')
    return similarity(root), proof


def rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "similarity.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_csv_lists_pairs_best_first_with_their_functions(written):
    table = rows(written)
    with (written / "similarity.csv").open() as handle:
        assert next(csv.reader(handle)) == CSV_COLUMNS
    scores = [float(r["score"]) for r in table]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    first = table[0]
    assert {first["student_a"], first["student_b"]} & {"ada", "copy_renamed", "copy_reordered"}
    gil = next(r for r in table if {r["student_a"], r["student_b"]} == {"ada", "gil"})
    assert gil["functions"].startswith("mlp_grad ")


def test_the_page_ranks_pairs_and_shows_the_top_ones_side_by_side(written):
    page = (written / "similarity.html").read_text()
    sections = re.findall(r'<section id="pair-(\d+)">', page)
    assert sections == [str(n) for n in range(1, SIDE_BY_SIDE + 1)]
    first = page.split('<section id="pair-1">')[1].split("</section>")[0]
    assert first.count('<div class="file">') == 2
    highlighted = re.findall(r'<span class="c\d+"><i>', first)
    assert len(highlighted) > 20  # matching lines are marked on both sides
    assert 'href="#pair-1"' in page
    assert "<script" not in page.lower() and "http" not in page  # self-contained, inert


def test_student_code_is_read_as_text_never_run(hostile):
    _, proof = hostile
    assert not proof.exists()


def test_an_unreadable_submission_is_named_and_the_rest_compared(hostile):
    folder, _ = hostile
    page = (folder / "similarity.html").read_text()
    assert "broken: stable.ipynb is not a valid notebook" in page
    assert "4 submissions of stable" in page


def test_student_text_and_student_ids_are_escaped(hostile):
    folder, _ = hostile
    page = (folder / "similarity.html").read_text()
    assert "<b>eve" not in page and "&lt;b&gt;eve" not in page  # never a student at all
    assert "&lt;/pre&gt;&lt;script&gt;alert(&quot;comment&quot;)" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img" not in page and "<script" not in page
    first = rows(folder)[0]
    assert {first["student_a"], first["student_b"]} == {"mallory", "trudy"}
    assert float(first["score"]) == 1.0


def test_fewer_than_two_submissions_is_a_clear_error(tmp_path, capsys):
    root = tmp_path / "course"
    shutil.copytree(CORPUS / "solutions", root / "solutions")
    (root / "submissions" / "stable" / "ada").mkdir(parents=True)
    assert main(["--course", str(root), "similarity", "stable"]) == 2
    assert "two are needed" in capsys.readouterr().err


@pytest.mark.slow  # grades two students in the sandbox
def test_the_class_report_links_to_the_similarity_page_when_there_is_one(toy_course, submit):
    submit("ann", "import numpy as np\ndef double(x):\n    return 2 * np.asarray(x)\n")
    submit("bob", "def double(x):\n    return [2 * v for v in x]\n")
    root = ["--course", str(toy_course.root)]
    assert main([*root, "grade", "toy", "-j", "1"]) == 0
    page = toy_course.reports / "toy" / "report.html"
    assert main([*root, "report", "toy", "--no-public"]) == 0
    assert "similarity.html" not in page.read_text()
    assert main([*root, "similarity", "toy"]) == 0
    assert main([*root, "report", "toy", "--no-public"]) == 0
    assert '<a href="similarity.html">' in page.read_text()


# Added to a copy of the page: the browser writes where the first pair's two files are
# and what colour a highlighted line gets into the DOM.
MEASURE = (
    "<script>addEventListener('load', () => {"
    "const [a, b] = document.querySelectorAll('#pair-1 .file');"
    "const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();"
    "document.body.dataset.sideBySide = ra.right <= rb.left && ra.top === rb.top;"
    "const line = document.querySelector('#pair-1 span.c0');"
    "document.body.dataset.colour = getComputedStyle(line).backgroundColor; });</script>"
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="chromium not found: `make install` installs it")
def test_the_two_files_render_side_by_side_in_a_real_browser(written, tmp_path):
    probe = tmp_path / "probe.html"
    page = (written / "similarity.html").read_text()
    probe.write_text(page.replace("</body>", MEASURE + "</body>"))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    dom = subprocess.run(
        [chromium(), *flags, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1300,900",
         "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    assert 'data-side-by-side="true"' in dom
    colour = re.search(r'data-colour="rgb\((\d+), (\d+), (\d+)\)"', dom)
    assert colour and {int(c) for c in colour.groups()} != {255}  # marked, not white
