"""Reads whose file an LMS download entry is, from the fields the LMS itself writes.

An entry's name mixes what the LMS controls (the student's login or full name, their
numeric id) with what the student controls (the name of the file they uploaded), so the
parse is strict and anchored on the LMS's part:

- Canvas, flat: ``<login>[_LATE]_<userid>_<submissionid>_<file>``; the login has no ``_``.
- Moodle, folders: ``<Full Name>_<id>_assignsubmission_<plugin>_/<file>``; only the first
  path component says whose it is.
- Moodle, older flat style: ``<Full Name>_<id>_assignsubmission_file_<file>``.

A name the student could have shaped to read as someone else's (the Moodle marker
``_<id>_assignsubmission_`` twice, or a name that reads as both Canvas and Moodle) is
*ambiguous* and refused with a message: a file called
``x_77_assignsubmission_file_softmax.py`` never becomes student 77's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CANVAS = re.compile(r"^(?P<login>[^_/]+)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE_MARK = re.compile(r"_(\d+)_assign(?:submission|feedback)_")
MOODLE_DIR = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_[a-z]+_?$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_file_(?P<file>.+)$")


@dataclass(frozen=True)
class LmsEntry:
    """Whose an entry is, by the LMS's fields, and the file's name inside the submission."""

    lms: str  # "canvas" | "moodle"
    number: str  # Canvas user id or Moodle id
    name: str  # Canvas login or Moodle full name
    filename: str

    @property
    def identity(self) -> str:
        """The LMS's own key for the student: ``canvas:1001``, ``moodle:77``."""
        return f"{self.lms}:{self.number}"


class AmbiguousName(ValueError):
    """The entry's name could be read as more than one student's; the message says why."""


def parse_entry(parts: tuple[str, ...]) -> LmsEntry | None:
    """The owner of the entry whose path components are ``parts``; None when it follows
    no LMS's naming; ``AmbiguousName`` when it could be more than one student's."""
    if len(parts) >= 2:
        head = parts[0]
        if len(MOODLE_MARK.findall(head)) > 1:
            raise AmbiguousName(f"the folder {head!r} names more than one Moodle id")
        match = MOODLE_DIR.match(head)
        if match is None:
            return None
        return LmsEntry("moodle", match["id"], match["name"], "/".join(parts[1:]))
    (entry,) = parts
    readings = []
    if match := MOODLE_FLAT.match(entry):
        if len(MOODLE_MARK.findall(entry)) > 1:
            raise AmbiguousName(
                "the Moodle marker _<id>_assignsubmission_ appears more than once, so the "
                "uploaded file's name could be posing as another student's"
            )
        readings.append(LmsEntry("moodle", match["id"], match["name"], match["file"]))
    if match := CANVAS.match(entry):
        readings.append(LmsEntry("canvas", match["uid"], match["login"], match["file"]))
    if len(readings) > 1:
        raise AmbiguousName("it reads both as a Canvas and as a Moodle entry")
    return readings[0] if readings else None
