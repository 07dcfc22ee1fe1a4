"""The system calls student code may not make, as a seccomp filter assembled here.

A classic-BPF program, built in Python (no C compiler or libseccomp needed at run time),
answers ``EPERM`` for:

- new namespaces and mounts: ``unshare``, ``setns``, ``mount`` and the new mount API,
  ``pivot_root``, and ``clone`` with any namespace flag (``clone3`` answers ``ENOSYS``,
  so the C library falls back to ``clone``, whose flags a filter can read). Without
  these, a worker that is root of its own user namespace cannot mount a tmpfs or make a
  namespace whose memory escapes ``RLIMIT_AS``;
- kernel keyrings: ``add_key``, ``request_key``, ``keyctl``, so nothing can be read from
  or left in a keyring for the next user of a uid;
- memory that no rlimit counts: System V shared memory, message queues and semaphores
  (``shmget``, ``msgget``, ``semget``) and ``memfd_create``;
- kernel attack surface no homework needs: ``bpf``, ``perf_event_open``, ``userfaultfd``,
  ``io_uring_setup``, ``ptrace``.

Any other architecture than the one the kernel runs natively (x32, i386 on x86-64) kills
the process. On an architecture this table does not know, there is no filter and
``autograder doctor`` says so.
"""

from __future__ import annotations

import errno
import platform
import struct

from autograder.sandbox import linux

DENIED = (
    "mount",
    "umount2",
    "pivot_root",
    "unshare",
    "setns",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "add_key",
    "request_key",
    "keyctl",
    "shmget",
    "msgget",
    "semget",
    "memfd_create",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "ptrace",
)

# System call numbers per architecture (x86_64: arch/x86/entry/syscalls/syscall_64.tbl;
# aarch64 and riscv64: the generic table include/uapi/asm-generic/unistd.h).
_GENERIC = {
    "mount": 40, "umount2": 39, "pivot_root": 41, "unshare": 97, "setns": 268,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442, "add_key": 217, "request_key": 218, "keyctl": 219,
    "shmget": 194, "msgget": 186, "semget": 190, "memfd_create": 279, "bpf": 280,
    "perf_event_open": 241, "userfaultfd": 282, "io_uring_setup": 425, "ptrace": 117,
    "clone": 220, "clone3": 435,
}  # fmt: skip
_X86_64 = {
    "mount": 165, "umount2": 166, "pivot_root": 155, "unshare": 272, "setns": 308,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442, "add_key": 248, "request_key": 249, "keyctl": 250,
    "shmget": 29, "msgget": 68, "semget": 64, "memfd_create": 319, "bpf": 321,
    "perf_event_open": 298, "userfaultfd": 323, "io_uring_setup": 425, "ptrace": 101,
    "clone": 56, "clone3": 435,
}  # fmt: skip
# machine -> (AUDIT_ARCH_* value, numbers, lowest number of a foreign ABI to refuse)
ARCHES = {
    "x86_64": (0xC000003E, _X86_64, 0x40000000),  # x32 calls have bit 30 set
    "aarch64": (0xC00000B7, _GENERIC, None),
    "arm64": (0xC00000B7, _GENERIC, None),
    "riscv64": (0xC00000F3, _GENERIC, None),
}

NAMESPACE_FLAGS = (
    linux.CLONE_NEWNS
    | linux.CLONE_NEWCGROUP
    | linux.CLONE_NEWUTS
    | linux.CLONE_NEWIPC
    | linux.CLONE_NEWUSER
    | linux.CLONE_NEWPID
    | linux.CLONE_NEWNET
)

# Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL_PROCESS, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_NR, _ARCH, _ARG0_LOW = 0, 4, 16  # offsets in struct seccomp_data (little endian)


def supported() -> bool:
    """Whether a filter exists for the architecture this process runs on."""
    return platform.machine() in ARCHES


def build_filter(machine: str | None = None) -> bytes:
    """The filter program for ``machine`` (default: this one), as ``sock_filter`` bytes."""
    audit_arch, numbers, foreign = ARCHES[machine or platform.machine()]
    code: list[tuple[int, str | int, str | int, int]] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ, 0, "kill", audit_arch),
        (_LD_W_ABS, 0, 0, _NR),
    ]
    if foreign is not None:
        code.append((_JGE, "kill", 0, foreign))
    code += [(_JEQ, "deny", 0, numbers[name]) for name in DENIED]
    code += [
        (_JEQ, "nosys", 0, numbers["clone3"]),
        (_JEQ, 0, "allow", numbers["clone"]),
        (_LD_W_ABS, 0, 0, _ARG0_LOW),
        (_JSET, "deny", "allow", NAMESPACE_FLAGS),
    ]
    labels = {"allow": _ALLOW, "deny": _ERRNO | errno.EPERM}
    labels.update({"nosys": _ERRNO | errno.ENOSYS, "kill": _KILL_PROCESS})
    at = {name: len(code) + i for i, name in enumerate(labels)}
    code += [(_RET, 0, 0, value) for value in labels.values()]
    return b"".join(
        struct.pack("<HBBI", op, _offset(jt, i, at), _offset(jf, i, at), k)
        for i, (op, jt, jf, k) in enumerate(code)
    )


def _offset(target: str | int, index: int, at: dict[str, int]) -> int:
    """A jump's target, relative to the next instruction (BPF jumps only go forward)."""
    if isinstance(target, int):
        return target
    return at[target] - index - 1


def install() -> None:
    """Apply the filter to this process and everything it starts (for good)."""
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    linux.install_seccomp_filter(build_filter())
