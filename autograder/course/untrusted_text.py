"""Makes text a student controls safe to store and to print: bounded, and inert in a terminal.

Messages built from a worker's reply or from an exception raised on a student's data can be
as long as the student likes (a 25 MB exception message, a replaced error formatter,
5,000 failing cells), and they can hold terminal control sequences (``ESC [ 2 J``, a
carriage return that overwrites a line, an OSC 8 hyperlink, a bidi override that reverses
what follows). :func:`cap` bounds text where it enters a result; :func:`for_terminal`
removes every control character before text reaches a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MESSAGE_CHARS = 5_000  # one test's message, one cell's error
SUMMARY_CHARS = 20_000  # a submission's whole message or printed output
LISTED_ITEMS = 20  # cells, notes or errors listed one per line
LINE_CHARS = 500  # each of those lines

# ESC sequences (CSI, OSC and two-character ones) first, so that no "[2J" is left behind;
# then any single C0 or C1 control, DEL, and Unicode's invisible direction controls.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, ended by BEL or ST (or not at all)
    r"|\x1b[@-Z\\-_]"  # two-character sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def cap(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` cut to at most about ``limit`` characters, saying how much was left out, and
    with lone surrogates (which JSON can carry but no file can hold) replaced."""
    text = str(text)
    if len(text) > limit:
        text = f"{text[:limit]}\n[... {len(text) - limit:,} more characters cut]"
    return text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be saved


def cap_items(items: Sequence[str], limit: int = LISTED_ITEMS) -> list[str]:
    """The first ``limit`` items, each capped to ``LINE_CHARS``, and a line counting the
    others (so the list stays short however long or many the items are)."""
    kept = [cap(item, LINE_CHARS) for item in items[:limit]]
    if len(items) > limit:
        kept.append(f"[... and {len(items) - limit:,} more]")
    return kept


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """``text`` without escape sequences or control characters (tabs and, unless
    ``one_line``, line breaks are kept), so printing it cannot move the cursor, clear
    the screen, change colours or titles, or reorder what is shown."""
    text = _ESCAPE_SEQUENCE.sub("", str(text))
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    if one_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return text
