"""Terminal control sequences in what students control, printed on a TA's terminal.

Rich's ``escape`` makes its own markup inert but passes control characters through, so a
student's exception message could clear the TA's screen, rewrite lines with a carriage
return, set the window title, plant an OSC 8 hyperlink, or reverse text with a bidi
override. Every CLI path that prints student-controlled text (``grade``'s summary,
``check``, ``collect``'s warnings, ``report``'s notes, errors) strips them first.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from adversarial.classroom import HONEST
from autograder.cli import main
from autograder.course.untrusted_text import for_terminal

SEQUENCES = {
    "clear": "\x1b[2J\x1b[H",
    "title": "\x1b]0;pwned\x07",
    "hyperlink": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "overwrite": "\rall tests passed                    ",
    "bell": "\x07\x07",
    "csi_8bit": "\x9b2J",
    "bidi": "\u202eevil\u202c",
    "backspace": "\x08\x08\x08",
}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def attack(payload: str) -> str:
    return (
        HONEST.replace("return float(np.linalg.norm(x))", f"raise ValueError({payload!r})")
        + f"\nraise RuntimeError({payload!r})\n"
    )


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_for_terminal_leaves_no_control_character(name):
    shown = for_terminal(f"before {SEQUENCES[name]} after")
    assert not CONTROL.search(shown) and "\x1b" not in shown
    assert shown.startswith("before ") and shown.endswith(" after")
    assert for_terminal("line one\n\tline two") == "line one\n\tline two"
    assert for_terminal("a\nb", one_line=True) == "a b"


def test_grade_summary_and_report_notes_print_no_control_characters(arena, capsys):
    for number, payload in enumerate(SEQUENCES.values()):
        arena.submit(attack(payload), f"attacker{number}")
    arena.submit(HONEST, "honest")
    root = ["--course", str(arena.root)]
    assert main([*root, "grade", "toy", "--jobs", "2"]) == 0
    assert main([*root, "report", "toy", "--no-public"]) == 0
    printed = capsys.readouterr()
    for stream in (printed.out, printed.err):
        assert not CONTROL.search(stream), repr(CONTROL.findall(stream)[:5])
    assert "honest" in printed.out and "RuntimeError" in printed.out


def test_check_prints_no_control_characters(toy_course, tmp_path, capsys):
    from autograder.release.package import release

    release(toy_course.spec("toy"), toy_course.assignments)
    student = tmp_path / "toy.py"
    student.write_text(attack("".join(SEQUENCES.values())))
    main(["--course", str(toy_course.root), "check", "toy", str(student)])
    printed = capsys.readouterr()
    assert not CONTROL.search(printed.out + printed.err)
    assert "ValueError" in printed.out


def test_collect_warnings_print_no_control_characters(toy_course, tmp_path, capsys):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for number, payload in enumerate(SEQUENCES.values()):
            zipped.writestr(f"mal{number}_1_2_{payload}.py", "x = 1\n")
        zipped.writestr("ada_3_4_toy.py", HONEST)
    assert main(["--course", str(toy_course.root), "collect", "toy", str(archive)]) == 0
    printed = capsys.readouterr()
    assert not CONTROL.search(printed.out + printed.err)
    assert "is not a file of this assignment" in printed.err
    assert (toy_course.submissions / "toy" / "ada" / "toy.py").read_text() == HONEST
