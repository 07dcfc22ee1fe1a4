"""Which block of worker uids a fork server owns: one block per grader, held by a lock.

When the grader runs as root, each worker runs as a uid of its own, drawn from a block of
``UID_POOL`` uids that no account uses. Process limits, kernel keyrings and "kill every
process of this uid" all act per uid, so two graders on one machine (a batch ``grade``
beside the portal, two courses, a test suite beside a demo) must never draw from the same
block. Each fork server therefore takes an exclusive ``flock`` on the lock file of the
first free block and keeps it for its whole life; the kernel drops the lock when the
process dies, however it dies, so a crashed grader never leaves a block claimed.

Workers never hold the lock: they close every descriptor above stderr before student code
runs, so a worker cannot release its grader's block to another grader.
"""

from __future__ import annotations

import fcntl
import os
import pwd
from dataclasses import dataclass

UID_POOL = 1024  # uids in one block: more than the workers one grader runs at once
MAX_BLOCKS = 64  # graders that may run side by side on one machine
# Fixed, machine-wide places (never $TMPDIR: two graders must agree on the lock files, and
# asking ``tempfile`` here would fix its cached folder in the fork server, so that workers
# would make temporary files outside their scratch folder): the first that is writable.
LOCK_DIRS = ("/run/lock", "/var/lock", "/tmp")
ACCOUNTS_END = 60_000  # Debian's UID_MAX: login accounts live below, so blocks stay above


class NoFreeBlock(RuntimeError):
    """Every block is held by another grader (or none fits this uid range)."""


@dataclass(frozen=True)
class UidBlock:
    """``size`` uids from ``base``, owned while ``lock_fd`` stays open."""

    base: int
    size: int
    lock_fd: int

    def uids(self) -> range:
        return range(self.base, self.base + self.size)

    def release(self) -> None:
        """Give the block back (also happens when the process exits)."""
        os.close(self.lock_fd)


def mapped_uid_top() -> int:
    """One past the highest uid this user namespace maps (65536 if unreadable)."""
    top = 0
    try:
        with open("/proc/self/uid_map") as lines:
            for line in lines:
                inside, _, count = (int(x) for x in line.split())
                top = max(top, inside + count)
    except OSError:
        top = 65536
    return min(top, 2**31)


def candidate_bases(top: int, size: int = UID_POOL) -> list[int]:
    """Block starts, in the order to try them, that no account or ``nobody`` can be in.

    With a large range mapped (root on the host), blocks start at 2**30: far above any
    account and far below 2**31, where some tools mishandle uids as signed. In a namespace
    of only 65,536 uids they squeeze between ``ACCOUNTS_END`` and ``nobody`` (65534).
    """
    if top > 2**30 + MAX_BLOCKS * size:
        return [2**30 + k * size for k in range(MAX_BLOCKS)]
    first = top - size - 2  # keep 65534 (nobody) and 65535 out of every block
    return [first - k * size for k in range(MAX_BLOCKS) if first - k * size > ACCOUNTS_END]


def claim_block(size: int = UID_POOL, lock_dir: str | None = None) -> UidBlock:
    """Lock the first free block of ``size`` uids no account uses; raise if all are taken."""
    folder = lock_dir or _lock_dir()
    used = {entry.pw_uid for entry in pwd.getpwall()}
    for base in candidate_bases(mapped_uid_top(), size):
        if any(uid in used for uid in range(base, base + size)):
            continue
        fd = os.open(os.path.join(folder, f"autograder-uids-{base}.lock"), os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return UidBlock(base, size, fd)
    raise NoFreeBlock(
        f"every block of {size} worker uids is in use by another grader on this machine "
        f"(at most {MAX_BLOCKS} run at once): wait for one to finish"
    )


def _lock_dir() -> str:
    for folder in LOCK_DIRS:
        if os.path.isdir(folder) and os.access(folder, os.W_OK):
            return folder
    raise NoFreeBlock(f"no writable folder for uid-block locks among {', '.join(LOCK_DIRS)}")


def is_claimed(base: int, lock_dir: str | None = None) -> bool:
    """Whether some live process holds the lock of the block starting at ``base``."""
    path = os.path.join(lock_dir or _lock_dir(), f"autograder-uids-{base}.lock")
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the shared lock, if we got it
    return False
