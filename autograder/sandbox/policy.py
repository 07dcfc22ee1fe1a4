"""What a worker may do, declared in one place: limits, environment, hidden paths, jail.

A :class:`Policy` is data, like nsjail's config: the spec's ``[limits]`` (a :class:`Limits`,
which the spec holds directly), the only environment variables student code sees, the
host folders no worker may see, and whether the jail is on. The fork server turns it into
system calls (``jail``, ``rootfs``, ``rlimits``, ``seccomp``, ``cgroup``); nothing else
decides what a worker may do.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

# Below these the worker cannot work at all (numpy alone needs ~200 MB of address space).
LIMIT_MINIMUMS = {
    "memory_mb": 256,
    "cpu_seconds": 1,
    "max_processes": 1,
    "max_open_files": 16,
    "max_file_mb": 1,
    "scratch_mb": 1,
}
TIMEOUTS = ("call_timeout", "submission_timeout")


@dataclass(frozen=True)
class Limits:
    """``[limits]`` of a spec: wall time (enforced by the grader) and the worker's resources."""

    call_timeout: float = 10.0
    submission_timeout: float = 120.0
    memory_mb: int = 1024  # address space of each process; the worker's cgroup gets this
    cpu_seconds: int | None = None  # CPU time per worker; default: the submission timeout
    max_processes: int = 8  # processes and threads
    max_open_files: int = 64
    max_file_mb: int = 16  # largest file student code may write
    scratch_mb: int = 64  # size of its private scratch folder

    def __post_init__(self) -> None:
        if self.cpu_seconds is None:
            object.__setattr__(self, "cpu_seconds", max(1, math.ceil(self.submission_timeout)))

    def resources(self) -> dict[str, int]:
        """The limits the fork server applies (everything but wall time), as JSON."""
        return {k: int(v) for k, v in asdict(self).items() if k not in TIMEOUTS}

    @classmethod
    def from_resources(cls, data: dict[str, Any]) -> Limits:
        """Inverse of :meth:`resources` (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)} - set(TIMEOUTS)
        return cls(**{k: int(v) for k, v in data.items() if k in known})


def worker_environment(scratch: Path | str) -> dict[str, str]:
    """The only environment variables student code gets to see."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        # One BLAS thread per worker: parallelism comes from grading submissions side by side.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


@dataclass(frozen=True)
class Policy:
    """The whole jail of one course's workers."""

    limits: Limits = field(default_factory=Limits)
    hide: tuple[str, ...] = ()  # host folders no worker may see (the course, its assignment)
    isolate: bool = True  # False: a bare fork with no jail at all (benchmarks only)
    seccomp: bool = True  # the system-call filter of ``seccomp``
    cgroup: bool = True  # a memory cgroup per worker, where the machine offers one

    def zygote_config(self) -> dict[str, Any]:
        """What the fork server needs of this policy (limits travel with each spawn)."""
        return {
            "isolate": self.isolate,
            "hide": list(self.hide),
            "seccomp": self.seccomp,
            "cgroup": self.cgroup,
        }
