"""The sandbox's guarantees, named once, for ``autograder doctor`` and the one-line warning.

The zygote reports which guarantees do *not* hold on this machine (``missing``: name ->
reason); the doctor then checks every one with a probe that would fail if it did not hold.
Everything here turns that into words for people.
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
        "each worker runs as a user of its own (from a block of uids this grader has locked) "
        "with no capabilities, so it cannot signal, trace or read other workers",
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
        "memory",
        "memory cgroup",
        "all a worker holds (every process, page cache, its scratch tmpfs) is capped by a "
        "memory cgroup of its own",
        "hold up to memory_mb times max_processes",
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
        "System V IPC objects of the grader and of other workers are out of reach",
        "share memory with other workers",
    ),
    Guarantee(
        "syscalls",
        "no mounts or namespaces",
        "a system-call filter refuses mount, unshare, setns and namespace flags of clone, so "
        "no worker can mount a tmpfs or make a namespace to hold memory or escape its jail",
        "mount file systems of their own, outside every memory limit",
    ),
    Guarantee(
        "shm",
        "no shared memory",
        "System V shared memory, message queues and memfd (memory no rlimit counts) are refused",
        "hold memory outside their limits in shared memory",
    ),
    Guarantee(
        "keyring",
        "keyrings empty and private",
        "each worker starts in a new, empty session keyring and cannot use keyrings, so it "
        "reads nothing of the grader's login and leaves nothing for the next worker",
        "read the grader's kernel keys and pass keys to later workers",
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
