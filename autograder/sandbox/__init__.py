"""The untrusted side of the grader, behind one small face.

What stages use, and all they may import from here::

    from autograder.sandbox import Policy, Limits, Chunk, open_session, SubmissionProxy

- :class:`Policy` (with its :class:`Limits`): what a worker may do;
- :func:`open_session`: a :class:`Session` for one submission's code (``start()`` loads
  it, calls go through a :class:`SubmissionProxy` that records them in a :class:`CallLog`);
- the faults a call can end in: :class:`SubmissionFault` and its kinds;
- :func:`default_launcher`: the shared fork server, to start it early (``check`` overlaps
  its start with collecting tests);
- :func:`fetch`: an attribute of the student's code as plain data (a trained model's
  parameters), without calling it;
- :func:`diagnose`: what ``autograder doctor`` prints.

Nothing course-specific lives here. ``worker`` is the only module that runs in the
student's process; ``zygote``, ``workers`` and ``jail`` run in the fork server; the rest
in the grader. Names load lazily, so the worker never imports the grader-side modules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "Policy": "policy",
    "Limits": "policy",
    "LIMIT_MINIMUMS": "policy",
    "Chunk": "session",
    "LoadReport": "session",
    "Launcher": "session",
    "Session": "session",
    "open_session": "session",
    "CallLog": "proxy",
    "SubmissionProxy": "proxy",
    "fetch": "proxy",
    "SubmissionFault": "errors",
    "StudentError": "errors",
    "MissingName": "errors",
    "CallTimeout": "errors",
    "WorkerCrashed": "errors",
    "diagnose": "doctor",
    "default_launcher": "zygote_launcher",
}
__all__ = [
    "LIMIT_MINIMUMS",
    "CallLog",
    "CallTimeout",
    "Chunk",
    "Launcher",
    "Limits",
    "LoadReport",
    "MissingName",
    "Policy",
    "Session",
    "StudentError",
    "SubmissionFault",
    "SubmissionProxy",
    "WorkerCrashed",
    "default_launcher",
    "diagnose",
    "fetch",
    "open_session",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from autograder.sandbox.doctor import diagnose
    from autograder.sandbox.errors import (
        CallTimeout,
        MissingName,
        StudentError,
        SubmissionFault,
        WorkerCrashed,
    )
    from autograder.sandbox.policy import LIMIT_MINIMUMS, Limits, Policy
    from autograder.sandbox.proxy import CallLog, SubmissionProxy, fetch
    from autograder.sandbox.session import Chunk, Launcher, LoadReport, Session, open_session
    from autograder.sandbox.zygote_launcher import default_launcher


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'autograder.sandbox' has no attribute {name!r}")
    value = getattr(import_module(f"autograder.sandbox.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
