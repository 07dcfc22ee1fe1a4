"""Runs the real ``autograder`` command in a subprocess, as a person or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AUTOGRADER = Path(sys.executable).with_name("autograder")


def autograder(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """``autograder ARGS`` in ``cwd``; stdout and stderr are pipes (not a terminal)."""
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [str(AUTOGRADER), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
