"""The command's printing: whole cells, colour and a live line only on a terminal."""

from __future__ import annotations

import io

from autograder.console import Output, Progress, paint, table


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_cells_are_never_cut():
    long_note = "toy.py failed while loading: SyntaxError: expected ':' (toy.py, line 3) " * 2
    text = table(["student", "note"], [["amy", long_note], ["bo", ""]], stream=io.StringIO())
    assert long_note.rstrip() in text and len(text.splitlines()) == 4


def test_colour_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert paint("FAIL", "red", io.StringIO()) == "FAIL"
    assert paint("FAIL", "red", Terminal()) == "\x1b[31mFAIL\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert paint("FAIL", "red", Terminal()) == "FAIL"


def test_progress_is_one_live_line_on_a_terminal_and_plain_lines_elsewhere():
    live, plain = Terminal(), io.StringIO()
    for stream in (live, plain):
        with Progress("grading toy", 2, stream, enabled=True) as bar:
            bar.advance("amy: ok")
            bar.advance("bob: error")
    assert "\n" not in live.getvalue() and live.getvalue().endswith("\r\x1b[2K")
    assert plain.getvalue().splitlines() == [
        "grading toy: 2 to do",
        "[1/2] amy: ok",
        "[2/2] bob: error",
    ]


def test_quiet_and_json_silence_the_human_lines(capsys):
    Output(quiet=True).say("hello")
    Output(json_mode=True).say("hello")
    Output(json_mode=True).emit_json({"a": 1})
    Output(quiet=True).warn("careful")
    captured = capsys.readouterr()
    assert captured.out == '{\n  "a": 1\n}\n' and "careful" in captured.err
