"""The sandbox's guarantees, named once, for ``autograder doctor`` and the one-line warning.

The zygote reports which guarantees do *not* hold on this machine (``missing``: name ->
reason); everything here turns that into words for people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guarantee:
    name: str  # key in the zygote's report
    title: str  # what an instructor reads in the doctor's table
    means: str  # what holding it protects against
    risk: str  # what student code can do when it does not hold (for the warning line)


GUARANTEES = (
    Guarantee(
        "process",
        "separate process",
        "student code runs in its own process, forked from a zygote that never held the "
        "reference, hidden tests, secret or other submissions; comparisons run in the grader",
        "",
    ),
    Guarantee(
        "uid",
        "unprivileged user",
        "each worker runs as a user of its own with no privileges, so it cannot signal, "
        "trace or read other workers, or change files it does not own",
        "run with your user's rights",
    ),
    Guarantee(
        "rlimits",
        "resource limits",
        "address space, CPU time, open files and file size are capped per process",
        "use unbounded memory and CPU",
    ),
    Guarantee(
        "processes",
        "process limit",
        "the number of processes and threads a worker may start is capped (fork bombs stop)",
        "fork without limit",
    ),
    Guarantee(
        "network",
        "no network",
        "a network namespace with no interface up: no connection anywhere, not even to 127.0.0.1",
        "use the network",
    ),
    Guarantee(
        "filesystem",
        "course files hidden",
        "a mount namespace whose root holds only read-only system and Python files and a "
        "private scratch tmpfs: the course tree, other submissions and reports do not exist",
        "read and write course files",
    ),
    Guarantee(
        "pid",
        "PID namespace",
        "a worker sees only its own processes, and every process it started dies with it",
        "see other processes and leave processes behind",
    ),
    Guarantee(
        "ipc",
        "IPC namespace",
        "System V shared memory and queues are private to the worker and vanish with it",
        "share memory with other workers",
    ),
)


def partial_warning(missing: dict[str, str]) -> str:
    """One line saying which guarantees are off, for stderr."""
    if "all" in missing:
        return (
            f"autograder: sandbox is weak here: {missing['all']}; student code runs with "
            "your rights, with only the limits this platform has. See `autograder doctor`."
        )
    risks = [g.risk for g in GUARANTEES if g.name in missing and g.risk]
    titles = [g.title for g in GUARANTEES if g.name in missing]
    reason = missing.get("filesystem") or next(iter(missing.values()))
    return (
        f"autograder: sandbox incomplete ({reason}); off: {', '.join(titles)}. Student code "
        f"can {', '.join(risks)}. Run `autograder doctor` for details."
    )
