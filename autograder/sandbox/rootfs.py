"""The file system student code sees: system libraries and Python, read-only, and nothing else.

The zygote calls :func:`enter_sandbox_root` once, in a fresh mount namespace. It builds a
new root on an empty tmpfs holding read-only bind mounts of an allow-list (``/usr``, the
dynamic loader's cache, a few ``/dev`` nodes, the Python installation and the virtualenv's
``site-packages``), pivots into it and detaches the old root, so no other path of the
machine, the course tree included, exists any more for the zygote and every worker it
forks. A course folder that happens to lie *inside* an allowed directory is covered by an
empty read-only tmpfs. Each worker then mounts its own private tmpfs on ``/scratch``, and
``/tmp`` points there (unless a Python folder lives under the host's ``/tmp``).

Everything is bound at the path it has on the host, so ``sys.path`` keeps working.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath

from autograder.sandbox import linux

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
STAGING = "/tmp"  # a tmpfs is mounted over it in our private namespace only
SCRATCH = "/scratch"  # where each worker mounts its private tmpfs
RO_FLAGS = linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV


@dataclass(frozen=True)
class Mount:
    """One entry of the sandbox's file system, at ``target`` (a host path)."""

    target: str
    source: str = ""  # host path bound read-only; "" with kind "hide" = empty tmpfs
    kind: str = "bind"  # bind | symlink | hide


def plan_mounts(hide: list[str] | tuple[str, ...] = ()) -> list[Mount]:
    """What the sandbox shows: the allow-list, plus covers for ``hide`` paths it would expose.

    Ordered parents first, so a deeper bind lands inside a cover instead of under it.
    """
    mounts: list[Mount] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            mounts.append(Mount(path, os.readlink(path), "symlink"))
        elif os.path.isdir(path):
            mounts.append(Mount(path, path))
    mounts += [Mount(p, os.path.realpath(p)) for p in SYSTEM_FILES if os.path.exists(p)]
    mounts += [Mount(p, p) for p in DEVICES if os.path.exists(p)]
    for path in python_dirs():
        if not any(inside(path, m.target) for m in mounts if m.kind == "bind"):
            mounts.append(Mount(path, os.path.realpath(path)))
    for path in hide:
        real = os.path.realpath(path)
        for shown in {path, real}:
            if any(inside(shown, m.target) for m in mounts if m.kind == "bind"):
                mounts.append(Mount(shown, "", "hide"))
    return sorted(set(mounts), key=lambda m: (PurePosixPath(m.target).parts, m.kind))


def python_dirs() -> list[str]:
    """The Python installation and the package folders on ``sys.path``.

    Only folders that hold installed packages are shown (the standard library, lib-dynload,
    ``site-packages``/``dist-packages``, the venv's ``bin`` and ``pyvenv.cfg``); a source
    checkout that an editable install put on ``sys.path`` is not.
    """
    base = os.path.abspath(sys.base_prefix)
    found = [base] if base != "/" else []
    if os.path.abspath(sys.prefix) != base:
        venv = os.path.abspath(sys.prefix)
        found += [p for p in (f"{venv}/bin", f"{venv}/pyvenv.cfg") if os.path.exists(p)]
    for entry in sys.path:
        path = os.path.abspath(entry) if entry else ""
        if not os.path.isdir(path):
            continue
        if os.path.basename(path) in ("site-packages", "dist-packages") or inside(path, base):
            found.append(path)
    return list(dict.fromkeys(found))


def unreadable_for_others(paths: list[str], *, with_parents: bool) -> list[str]:
    """Which of ``paths`` an unprivileged user could not read (or whose parents it could
    not enter, when ``with_parents``): student code would fail to import from them."""
    blocked = []
    for path in paths:
        chain = [path]
        if with_parents:
            chain = [str(p) for p in reversed(PurePosixPath(path).parents)] + chain
        for part in chain:
            try:
                mode = os.stat(part).st_mode
            except OSError:
                continue
            needed = 0o005 if os.path.isdir(part) else 0o004
            if mode & needed != needed:
                blocked.append(f"{part} (mode {mode & 0o777:o})")
                break
    return list(dict.fromkeys(blocked))


def enter_sandbox_root(mounts: list[Mount]) -> None:
    """Replace this process's root by one built from ``mounts`` (needs a private mount ns)."""
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("staging", STAGING, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0700")
    os.mkdir(f"{STAGING}/old")
    os.mkdir(f"{STAGING}/new")
    linux.pivot_root(STAGING, f"{STAGING}/old")
    os.chdir("/")
    linux.mount("sandbox", "/new", "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755")
    covers = []
    for entry in mounts:
        target = "/new" + entry.target
        if entry.kind == "symlink":
            _make_parents(target)
            os.symlink(entry.source, target)
        elif entry.kind == "hide":
            if _lexists(target) and os.path.isdir(target):
                linux.mount("hidden", target, "tmpfs", RO_FLAGS & ~linux.MS_RDONLY, "mode=0755")
                covers.append(target)
            elif _lexists(target):
                _bind("/old/dev/null", target)
        else:
            _bind("/old" + entry.source, target)
    for cover in covers:
        linux.mount("none", cover, None, linux.MS_REMOUNT | RO_FLAGS)
    os.makedirs("/new" + SCRATCH, exist_ok=True)
    os.makedirs("/new/dev", exist_ok=True)
    if not os.path.lexists("/new/tmp"):
        # /tmp is the scratch too, unless something bound lives under the host's /tmp.
        os.symlink(SCRATCH, "/new/tmp")
    linux.mount("none", "/new", None, linux.MS_REMOUNT | RO_FLAGS)
    os.chdir("/new")
    linux.pivot_root(".", ".")
    linux.umount(".", linux.MNT_DETACH)
    os.chdir("/")


def _bind(source: str, target: str) -> None:
    """Bind ``source`` on ``target`` read-only, keeping flags the source mount already had."""
    is_dir = os.path.isdir(source)
    _make_parents(target)
    if is_dir:
        os.makedirs(target, exist_ok=True)
    elif not _lexists(target):
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
    linux.mount(source, target, None, linux.MS_BIND)
    linux.mount("none", target, None, linux.MS_REMOUNT | linux.MS_BIND | _kept_flags(source))


def _kept_flags(path: str) -> int:
    """Read-only, nosuid, plus the flags a remount may not drop (locked in user namespaces)."""
    flags = RO_FLAGS
    if os.path.basename(path) in ("null", "zero", "full", "random", "urandom"):
        flags &= ~linux.MS_NODEV  # device nodes must keep working
    have = os.statvfs(path).f_flag
    for st, ms in (
        (os.ST_NOEXEC, linux.MS_NOEXEC),
        (os.ST_NOATIME, linux.MS_NOATIME),
        (os.ST_NODIRATIME, linux.MS_NODIRATIME),
        (os.ST_RELATIME, linux.MS_RELATIME),
        (os.ST_NODEV, linux.MS_NODEV),
    ):
        if have & st:
            flags |= ms
    return flags


def _make_parents(target: str) -> None:
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)


def _lexists(path: str) -> bool:
    return os.path.lexists(path)


def inside(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it (by path components, no file system access)."""
    path, folder = os.path.normpath(path), os.path.normpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")
