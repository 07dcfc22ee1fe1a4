"""The one look of every HTML page the grader writes: report, feedback, grading sheets.

Each page is a single self-contained file (it is mailed, uploaded to an LMS, opened from
a file manager), so the stylesheet ``pages.css`` is inlined into each page rather than
linked; it is written once, here.
"""

from __future__ import annotations

import html
from functools import cache
from importlib.resources import files


@cache
def stylesheet() -> str:
    """The shared CSS."""
    return files(__package__).joinpath("pages.css").read_text(encoding="utf-8")


def page(title: str, body: str, *, head: str = "") -> str:
    """A whole HTML document: ``body`` is trusted markup (escape what goes into it)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{stylesheet()}</style>\n{head}"
        f"</head>\n<body>\n{body}\n</body></html>\n"
    )
