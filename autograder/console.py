"""How the command prints: colour and a live progress line on a terminal, plain lines in a pipe.

Nothing here wraps text: a terminal wraps long lines itself, and a pipe or a log file gets
each message on one line, whole, so that ``grep`` finds it. Colour is used only on a
terminal and never when ``$NO_COLOR`` is set. ``--quiet`` silences everything but warnings
and errors; ``--json`` replaces the human output by one JSON document on stdout. This
module imports only the standard library (and our own text sanitizer): students'
``autograder check`` uses it. Warnings, errors and table cells may carry student text, so
their control characters are stripped here; other student text is stripped by the caller.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from autograder.course.untrusted_text import for_terminal

COLOURS = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}


class Output:
    """Where one command's output goes, and in what form (people, quiet, or JSON)."""

    def __init__(self, *, quiet: bool = False, json_mode: bool = False) -> None:
        self.quiet = quiet or json_mode
        self.json_mode = json_mode

    @property
    def stdout(self) -> TextIO:
        return sys.stdout  # looked up at each call: tests and callers may swap it

    @property
    def stderr(self) -> TextIO:
        return sys.stderr

    def say(self, text: str = "") -> None:
        """A line for people on stdout (nothing with --quiet or --json)."""
        if not self.quiet:
            print(text, file=self.stdout, flush=True)

    def warn(self, text: str) -> None:
        """A warning on stderr, shown even with --quiet."""
        text = for_terminal(text)
        print(f"{paint('warning:', 'yellow', self.stderr)} {text}", file=self.stderr, flush=True)

    def error(self, text: str) -> None:
        """An error on stderr, shown even with --quiet."""
        text = for_terminal(text)
        print(f"{paint('error:', 'red', self.stderr)} {text}", file=self.stderr, flush=True)

    def emit_json(self, data: Any) -> None:
        """The machine-readable summary (only with --json)."""
        if self.json_mode:
            json.dump(data, self.stdout, indent=2, default=str)
            self.stdout.write("\n")
            self.stdout.flush()

    def paint(self, text: str, colour: str) -> str:
        return paint(text, colour, self.stdout)

    def progress(self, description: str, total: int) -> Progress:
        """A progress display on stderr: a live line on a terminal, plain lines otherwise."""
        return Progress(description, total, self.stderr, enabled=not self.quiet)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def paint(text: str, colour: str, stream: TextIO) -> str:
    """``text`` in ``colour`` when ``stream`` is a terminal that accepts colour."""
    if not is_terminal(stream) or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return text
    return f"\x1b[{COLOURS[colour]}m{text}\x1b[0m"


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[str] = (),
    colours: Sequence[Sequence[str | None]] | None = None,
    stream: TextIO | None = None,
) -> str:
    """Columns padded to their widest cell; no cell is cut. ``colours[i][j]`` paints a cell.

    Cells may hold student text (ids, messages): control characters are stripped first.
    """
    rows = [[for_terminal(cell, one_line=True) for cell in row] for row in rows]
    widths = [max([len(h), *(len(r[j]) for r in rows)]) for j, h in enumerate(header)]

    def line(cells: Sequence[str], paints: Sequence[str | None]) -> str:
        parts = []
        for j, cell in enumerate(cells):
            padded = cell.rjust(widths[j]) if header[j] in right else cell.ljust(widths[j])
            parts.append(paint(padded, paints[j], stream or sys.stdout) if paints[j] else padded)
        return "  ".join(parts).rstrip()

    none = [None] * len(header)
    lines = [line(header, ["bold"] * len(header)), line(["-" * w for w in widths], none)]
    for i, row in enumerate(rows):
        lines.append(line(row, colours[i] if colours else none))
    return "\n".join(lines)


class Progress:
    """``with out.progress("grading softmax", 40) as bar: bar.advance("s001: ok")``.

    On a terminal: one line rewritten in place, gone at the end. Elsewhere (a pipe, a log,
    CI): one plain line per finished item, so a log shows how far a batch got.
    """

    def __init__(self, description: str, total: int, stream: TextIO, *, enabled: bool) -> None:
        self.description, self.total, self.stream = description, total, stream
        self.enabled = enabled
        self.live = enabled and is_terminal(stream)
        self.done = 0
        self.started = time.monotonic()

    def __enter__(self) -> Progress:
        if self.live:
            self._draw()
        elif self.enabled:
            print(f"{self.description}: {self.total} to do", file=self.stream, flush=True)
        return self

    def advance(self, label: str = "") -> None:
        self.done += 1
        if self.live:
            self._draw()
        elif self.enabled:
            suffix = f" {label}" if label else ""
            print(f"[{self.done}/{self.total}]{suffix}", file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

    def _draw(self) -> None:
        width = 30
        filled = width * self.done // max(1, self.total)
        elapsed = int(time.monotonic() - self.started)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(
            f"\r{self.description} [{bar}] {self.done}/{self.total} "
            f"{elapsed // 60}:{elapsed % 60:02d}"
        )
        self.stream.flush()
