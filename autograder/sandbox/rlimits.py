"""How a worker's resource limits are applied (``setrlimit``).

They are set in the worker after it is created and before any student code runs, by
trusted code; an unprivileged process can lower its limits but never raise them again.
Wall time is not here: the grader enforces it from outside (``Session``) and kills with
SIGKILL, which no process can ignore.
"""

from __future__ import annotations

import contextlib
import signal

from autograder.sandbox.policy import Limits

try:
    import resource
except ImportError:  # pragma: no cover - Windows has no rlimits
    resource = None

MB = 1024 * 1024


def apply_rlimits(limits: Limits, *, processes: bool = True) -> list[str]:
    """Set the worker's rlimits; return what could not be set (empty when all held).

    ``processes=False`` leaves RLIMIT_NPROC alone: it counts every process of the real
    user, so it only means "this worker's processes" when the worker has a uid (or user
    namespace) of its own.
    """
    if resource is None:
        return ["rlimits (this platform has none)"]
    wanted = [
        ("RLIMIT_AS", limits.memory_mb * MB),
        ("RLIMIT_CPU", limits.cpu_seconds),
        ("RLIMIT_NOFILE", limits.max_open_files),
        ("RLIMIT_FSIZE", limits.max_file_mb * MB),
        ("RLIMIT_CORE", 0),
        ("RLIMIT_MEMLOCK", 0),
        ("RLIMIT_MSGQUEUE", 0),
    ]
    if processes:
        wanted.append(("RLIMIT_NPROC", limits.max_processes))
    failed = []
    for name, value in wanted:
        which = getattr(resource, name, None)
        if which is None:
            continue
        # CPU: SIGXCPU at the soft limit, SIGKILL one second later if it is ignored.
        hard = value + 1 if name == "RLIMIT_CPU" else value
        try:
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError) as exc:
            failed.append(f"{name} ({exc})")
    # Writing past RLIMIT_FSIZE then fails with an OSError the student can read,
    # instead of killing the process.
    with contextlib.suppress(AttributeError, ValueError, OSError):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return failed
