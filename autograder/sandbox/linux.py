"""Thin ctypes wrappers for the Linux system calls the sandbox needs.

Python 3.11 has no ``os.unshare``, ``os.setns``, ``mount``, ``pivot_root``, ``keyctl``,
``capset`` or seccomp; these call libc directly and raise ``OSError`` with the errno, like
the ``os`` module does. Nothing here decides policy: ``jail``, ``rootfs`` and ``seccomp`` do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MS_RELATIME = 0x200000
MNT_DETACH = 0x2

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

KEYCTL_JOIN_SESSION_KEYRING = 1
KEYCTL_CLEAR = 7
KEY_SPEC_USER_KEYRING = -4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

# pivot_root has no libc wrapper; its number depends on the architecture.
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41, "riscv64": 41, "ppc64le": 203}
_SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "arm64": 219, "riscv64": 219, "ppc64le": 271}

_libc = None


def is_linux() -> bool:
    return sys.platform.startswith("linux")


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


def unshare(flags: int) -> None:
    """Move this process into new namespaces (``unshare(2)``)."""
    _check(_lib().unshare(ctypes.c_int(flags)), "unshare")


def setns(fd: int, nstype: int) -> None:
    """Join the namespace behind ``fd`` (``setns(2)``)."""
    _check(_lib().setns(ctypes.c_int(fd), ctypes.c_int(nstype)), "setns")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    """``mount(2)``; ``data`` is the comma-separated option string."""
    _check(
        _lib().mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source} on {target}",
    )


def umount(target: str, flags: int = 0) -> None:
    _check(_lib().umount2(target.encode(), ctypes.c_int(flags)), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    number = _syscall_number(_SYS_PIVOT_ROOT, "pivot_root")
    _check(_lib().syscall(ctypes.c_long(number), new_root.encode(), put_old.encode()), "pivot_root")


def prctl(option: int, value: int) -> None:
    _check(_lib().prctl(ctypes.c_int(option), ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def sethostname(name: str) -> None:
    data = name.encode()
    _check(_lib().sethostname(data, ctypes.c_size_t(len(data))), "sethostname")


def _syscall_number(table: dict[str, int], name: str) -> int:
    number = table.get(platform.machine())
    if number is None:
        raise OSError(errno.ENOSYS, f"{name}: unknown architecture {platform.machine()}")
    return number


def keyctl(operation: int, arg: int = 0) -> int:
    """``keyctl(2)`` with one integer argument (libc has no wrapper)."""
    number = _syscall_number(_SYS_KEYCTL, "keyctl")
    result = _lib().syscall(ctypes.c_long(number), ctypes.c_long(operation), ctypes.c_long(arg))
    return _check(result, f"keyctl({operation})")


def join_new_session_keyring() -> int:
    """Leave the inherited session keyring for a new, empty, anonymous one; its serial."""
    return keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0)


def clear_user_keyring() -> None:
    """Unlink every key from this uid's user keyring (what the uid's last worker stored)."""
    keyctl(KEYCTL_CLEAR, KEY_SPEC_USER_KEYRING)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]


def drop_all_capabilities() -> None:
    """Empty this process's effective, permitted and inheritable capability sets.

    Needed where the worker is root of a user namespace of its own: it would otherwise
    hold every capability there (mount a tmpfs, make more namespaces).
    """
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_lib().capset(ctypes.byref(header), data), "capset")


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install_seccomp_filter(program: bytes) -> None:
    """Load a classic-BPF seccomp filter (8-byte instructions); needs ``no_new_privs``."""
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    result = _lib().prctl(
        ctypes.c_int(PR_SET_SECCOMP),
        ctypes.c_ulong(SECCOMP_MODE_FILTER),
        ctypes.byref(fprog),
        ctypes.c_ulong(0),
        ctypes.c_ulong(0),
    )
    _check(result, "seccomp")
