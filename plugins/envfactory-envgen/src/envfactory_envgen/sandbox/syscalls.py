"""The seccomp filter of a worker: system calls a tool never needs fail with ``EPERM``.

Built with libseccomp (Debian's ``libseccomp2``) through ``pyseccomp``, a ctypes binding with the
API of libseccomp's own Python module, so it installs in any virtual environment without a
compiler. libseccomp writes the BPF program and handles the architecture checks (a call made
through another ABI, such as 32-bit ``int 0x80``, kills the process). The filter is an allow-list
by exception: the interpreter and SQLite need a long tail of ordinary calls, and what is denied is
what reaches outside the worker: creating sockets, tracing or reading other processes, making or
entering namespaces, mounting, running programs, kernel keyrings, BPF, perf, io_uring, modules,
and changing identity.
"""

from __future__ import annotations

import errno
from typing import Any

__all__ = ["DENIED", "NAMESPACE_FLAGS", "load_filter", "seccomp_available"]

DENIED = (
    # network: no socket can be made (the worker's channel to the host is inherited)
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    # other processes
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_open",
    "pidfd_getfd",
    "fork",
    "vfork",
    "execve",
    "execveat",
    # namespaces and mounts
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "name_to_handle_at",
    "open_by_handle_at",
    # kernel interfaces a tool never needs
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "syslog",
    "quotactl",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    # identity
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "setfsuid",
    "setfsgid",
    "capset",
)
"""System calls that fail with ``EPERM`` in a worker."""

NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
"""``clone`` with any of these flags fails too (threads stay possible; new processes hit the process limit)."""


def seccomp_available() -> str | None:
    """Why no filter can be loaded here (``None`` when it can): the binding or the library is missing."""
    try:
        import pyseccomp

        pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    except ImportError:
        return "the Python package pyseccomp is not installed (pip install pyseccomp)"
    except (OSError, RuntimeError) as error:
        return f"libseccomp could not be loaded ({error}); install libseccomp2 (Debian: apt-get install libseccomp2)"
    return None


def build_filter() -> Any:
    """The filter, built once in the fork server; each worker loads it after dropping its privileges."""
    import pyseccomp

    refuse = pyseccomp.ERRNO(errno.EPERM)
    syscall_filter = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in DENIED:
        try:
            syscall_filter.add_rule(refuse, name)
        except (OSError, RuntimeError, ValueError):  # a call this architecture does not have
            continue
    for flag in NAMESPACE_FLAGS.values():
        syscall_filter.add_rule(refuse, "clone", pyseccomp.Arg(0, pyseccomp.MASKED_EQ, flag, flag))
    # clone3 passes its flags in memory a filter cannot read: make the C library fall back to clone
    syscall_filter.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    return syscall_filter


def load_filter(syscall_filter: Any) -> None:
    """Load ``syscall_filter`` into this process (sets ``no_new_privs``; cannot be undone)."""
    syscall_filter.load()
