"""What one portal server needs to know: its course, data folder, database and workers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from autograder.course.paths import Course

KEY_FILE = ".session_key"
DATA_DIR = "portal"  # under the course's reports folder


@dataclass(frozen=True)
class Settings:
    """One course served by one portal.

    ``data`` holds the uploads (``uploads/``), the folders the batch grader reads
    (``submissions/``), the reports (``reports/``) and the session-signing key.
    """

    course: Course
    data: Path
    db_url: str
    workers: int = 2
    max_request_bytes: int = 12 * 1024 * 1024

    @property
    def course_name(self) -> str:
        return self.course.root.name

    @property
    def reports(self) -> Path:
        return self.data / "reports"

    @property
    def roster(self) -> Path:
        return self.data / "roster.csv"

    def submissions(self, assignment: str) -> Path:
        return self.data / "submissions" / assignment

    def session_key(self) -> str:
        """The key that signs session cookies; made once, kept so restarts keep sessions."""
        path = self.data / KEY_FILE
        if not path.is_file():
            self.data.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()


def make_settings(
    course: Course, db_url: str | None = None, data: Path | None = None, workers: int = 2
) -> Settings:
    """Settings with the defaults: data under ``reports/portal``, the gradebook in it."""
    from autograder.gradebook.store import gradebook_url

    folder = (data or course.reports / DATA_DIR).resolve()
    url = gradebook_url(folder / "reports", db_url)
    return Settings(course=course, data=folder, db_url=url, workers=max(1, workers))
