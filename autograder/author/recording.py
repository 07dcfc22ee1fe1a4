"""The ``record`` fixture: a hidden test keeps data next to its result.

``record("history", history)`` in a hidden test stores ``history`` in that test's
``extra_data.data`` in results.json and in the gradebook, where the report finds it (for
example to draw every student's training curves). Values usually come from student code,
so they are turned into plain JSON here (arrays become lists, NaN and infinities become
null, anything else becomes a short note) and capped in size; recording never fails a test.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

MAX_RECORD_CHARS = 100_000  # JSON characters kept per test
MAX_DEPTH = 20


class Recorder:
    """Collects what one test records; call it as ``record(name, value)``."""

    def __init__(self, limit: int = MAX_RECORD_CHARS) -> None:
        self.data: dict[str, Any] = {}
        self._limit = limit

    def __call__(self, name: str, value: Any) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"record(name, value): name must be a non-empty str, got {name!r}")
        self.data[name] = plain_json(value)
        size = len(json.dumps(self.data))
        if size > self._limit:
            self.data[name] = (
                f"not kept: {size:,} characters of JSON, over the {self._limit:,} limit per test"
            )


def plain_json(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-safe Python data: dict, list, str, int, float (finite), bool, None."""
    if depth > MAX_DEPTH:
        return "not kept: nested too deeply"
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        return plain_json(value.tolist(), depth + 1)
    if isinstance(value, np.generic):
        return plain_json(value.item(), depth + 1)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [plain_json(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_json(v, depth + 1) for k, v in value.items()}
    return f"not kept: a {type(value).__name__}, not plain data"
