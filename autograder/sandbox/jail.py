"""The steps that turn a freshly forked child of the fork server into a worker, in order.

:func:`contain` reads top to bottom like the jail it builds (compare nsjail's
``contain.cc``): memory cgroup, namespaces and scratch, descriptors, user namespace,
rlimits, uid, keyring, capabilities, ``no_new_privs``, system-call filter, then serve.
Each step either holds or raises; a worker whose set-up failed reports why on its sync
pipe and exits before any student code exists in it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import signal
import sys
import tempfile
from dataclasses import dataclass

from autograder.sandbox import linux, rootfs, seccomp, worker
from autograder.sandbox.cgroup import MemoryCgroups
from autograder.sandbox.policy import Limits
from autograder.sandbox.rlimits import apply_rlimits

PER_WORKER_NS = linux.CLONE_NEWNS | linux.CLONE_NEWIPC | linux.CLONE_NEWNET
SCRATCH = rootfs.SCRATCH  # inside the sandbox: the worker's private tmpfs
REQUEST_FD, REPLY_FD, SYNC_FD, PROC_FD = 3, 4, 5, 6
MAX_FD = 1 << 20
NOBODY = 65534
MB = 1024 * 1024


@dataclass
class Job:
    """One worker to build: how isolated, as whom, with what, talking on which pipes."""

    mode: str  # root | userns | plain | none (see ``zygote``)
    uid: int  # its own uid (root), else -1
    limits: Limits
    fds: list[int]  # request, reply, output
    sync_fd: int  # where set-up reports "ok" or what failed
    scratch: str = ""  # host folder (plain mode); namespaced modes mount their own
    proc_fd: int = -1  # /proc of the fork server's namespace (userns mode)
    cgroup: MemoryCgroups | None = None
    cgroup_name: str = ""
    seccomp: bool = True


def run(job: Job) -> None:
    """The forked child's whole life: it ends here whatever happens, never back in the
    fork server's code (not even when student code raises out of the serve loop)."""
    try:
        contain(job)
    except BaseException as exc:  # noqa: BLE001 - report a set-up failure, then die
        with contextlib.suppress(BaseException):
            text = f"worker set-up failed: {type(exc).__name__}: {exc}"
            os.write(job.sync_fd, text.encode()[:4000])
    finally:
        os._exit(111)


def contain(job: Job) -> None:
    """Isolate, limit and unprivilege this process, then serve requests. Never returns."""
    jailed = job.mode != "none"
    os.setsid()
    if job.cgroup is not None:
        job.cgroup.join(job.cgroup_name)  # memory of all its processes, tmpfs included
    if job.mode in ("root", "userns"):
        linux.unshare(PER_WORKER_NS)  # own mounts, System V IPC objects, empty network
        _mount_scratch(job.limits, owner=job.uid if job.mode == "root" else 0)
        job.scratch = SCRATCH
    _arrange_fds(job.fds, job.sync_fd, job.proc_fd)
    job.sync_fd = SYNC_FD
    if job.mode == "userns":
        _enter_own_user_namespace()  # root of the server's namespace becomes "nobody"
    _enter_scratch(job)
    if jailed:
        failed = apply_rlimits(job.limits, processes=job.uid >= 0 or job.mode == "userns")
        if failed:
            raise OSError(errno.EPERM, "could not set " + ", ".join(failed))
    if job.uid >= 0:
        os.setgroups([])
        os.setresgid(job.uid, job.uid, job.uid)
        os.setresuid(job.uid, job.uid, job.uid)  # also empties every capability set
    if jailed:
        _join_empty_session_keyring()  # nothing of the grader's login session
        if job.mode == "userns":
            linux.drop_all_capabilities()  # no CAP_SYS_ADMIN in its own user namespace
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)  # setuid programs give nothing
        if job.seccomp and seccomp.supported():
            seccomp.install()  # no mounts, namespaces, keyrings, shm (see ``seccomp``)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    _unbuffered_stdio()
    os.write(SYNC_FD, b"ok")
    os.close(SYNC_FD)
    worker.serve(REQUEST_FD, REPLY_FD)
    os._exit(0)


def _mount_scratch(limits: Limits, owner: int) -> None:
    options = f"size={limits.scratch_mb}m,nr_inodes=4096,mode=0700,uid={owner},gid={owner}"
    linux.mount("scratch", SCRATCH, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, options)


def _enter_own_user_namespace() -> None:
    linux.unshare(linux.CLONE_NEWUSER)
    write_id_maps(PROC_FD, 0, 0, inside=NOBODY, relative="self")
    os.close(PROC_FD)


def _enter_scratch(job: Job) -> None:
    if job.scratch and job.mode == "plain" and job.uid >= 0:
        os.chown(job.scratch, job.uid, job.uid)
        os.chmod(job.scratch, 0o700)
    if job.scratch:
        os.chdir(job.scratch)
        os.environ.update(HOME=job.scratch, TMPDIR=job.scratch)
        tempfile.tempdir = None  # forget any folder the fork server's tempfile had cached


def _join_empty_session_keyring() -> None:
    """A new anonymous session keyring replaces the one inherited from the grader's login.

    Where the kernel has no keyrings, or a container's own filter already refuses them,
    there is nothing to inherit and nothing to do.
    """
    try:
        linux.join_new_session_keyring()
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EPERM, errno.EACCES):
            raise


def write_id_maps(dir_fd: int, uid: int, gid: int, *, inside: int = 0, relative: str = "") -> None:
    """Map ``uid``/``gid`` to ``inside`` in a user namespace this process just created.

    ``dir_fd`` is ``/proc/self`` (``relative=""``) or ``/proc`` (``relative="self"``): a
    directory opened before the root was switched, since the sandbox has no ``/proc``.
    """
    prefix = f"{relative}/" if relative else ""
    maps = (
        ("uid_map", f"{inside} {uid} 1"),
        ("setgroups", "deny"),
        ("gid_map", f"{inside} {gid} 1"),
    )
    for name, text in maps:
        fd = os.open(prefix + name, os.O_WRONLY, dir_fd=dir_fd)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)
    if not relative:
        os.close(dir_fd)


def _arrange_fds(fds: list[int], sync_fd: int, proc_fd: int) -> None:
    """0 = /dev/null, 1 and 2 = output, 3 = requests, 4 = replies, 5 = sync, 6 = /proc
    (user-namespace mode only); every other descriptor is closed."""
    request, reply, output = fds
    wanted = {0: os.open(os.devnull, os.O_RDONLY), 1: output, 2: output, REQUEST_FD: request}
    wanted.update({REPLY_FD: reply, SYNC_FD: sync_fd})
    if proc_fd >= 0:
        wanted[PROC_FD] = proc_fd
    high = {target: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 64) for target, fd in wanted.items()}
    for target, fd in high.items():
        os.dup2(fd, target, inheritable=target <= 2)
    os.closerange(max(wanted) + 1, MAX_FD)


def _unbuffered_stdio() -> None:
    """What ``python -u`` gives: every print reaches the pipe at once, so nothing the
    student printed is lost when the worker is killed."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
