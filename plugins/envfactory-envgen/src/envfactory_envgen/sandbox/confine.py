"""Confining a worker process before it runs untrusted code.

Two ways, chosen by the fork server (:mod:`.isolation` decides which it is):

* :func:`confine_os` (the default): the fork server already runs in a bubblewrap sandbox (a
  read-only root holding only the interpreter and the packages, its own PID and network
  namespaces). Each worker then makes its own mount namespace with a private, size-capped tmpfs on
  ``/tmp``, drops to a uid of its own (no worker can signal or read another), sets the resource
  limits and loads the seccomp filter (:mod:`.syscalls`).
* :func:`confine` (only with the loudly named opt-out): best effort in the host's namespaces,
  rlimits and the ``nobody`` user; no file system or syscall isolation.

Order matters: mount while privileged, drop the uid, set the limits (which can only be lowered
afterwards), load the filter last (it also forbids changing identity again).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import os
import resource
import signal
import socket
from typing import Any

from .limits import SandboxLimits

__all__ = ["CpuLimitExceeded", "confine", "confine_os", "set_call_cpu_limit"]

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
NOBODY = 65534
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REC = 16384
_MS_PRIVATE = 1 << 18


class CpuLimitExceeded(BaseException):
    """Raised in the worker when a call used up its CPU time (BaseException: tool code cannot swallow it)."""


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _unshare(flags: int) -> bool:
    try:
        return int(_libc().unshare(flags)) == 0
    except (OSError, AttributeError):
        return False


def _checked(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def _private_tmp(uid: int, size_mb: int) -> None:
    """A mount namespace of this worker's own with an empty tmpfs of ``size_mb`` on ``/tmp``."""
    libc = _libc()
    _checked(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _checked(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "making / private")
    options = f"size={size_mb}m,nr_inodes=4096,mode=0700,uid={uid},gid={uid}".encode()
    _checked(libc.mount(b"tmpfs", b"/tmp", b"tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, options), "mounting /tmp")


def _set_limits(limits: SandboxLimits) -> None:
    megabyte = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * megabyte, limits.memory_mb * megabyte))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * megabyte, limits.file_size_mb * megabyte))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    files = min(limits.open_files, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
    total = int(limits.cpu_seconds_total)
    resource.setrlimit(resource.RLIMIT_CPU, (total, total + 1))
    signal.signal(signal.SIGXCPU, _on_cpu_limit)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _limits_text(limits: SandboxLimits) -> str:
    return (
        f"memory {limits.memory_mb} MB, cpu {limits.cpu_seconds_per_call:g}s/call, files {limits.file_size_mb} MB, "
        f"disk {limits.disk_mb} MB, {limits.open_files} open files, no new processes"
    )


def confine_os(limits: SandboxLimits, uid: int, syscall_filter: Any) -> dict[str, str]:
    """Confine a worker forked inside the bubblewrap sandbox; return what each layer got."""
    _private_tmp(uid, limits.disk_mb)
    os.chdir("/tmp")
    os.environ.clear()
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _set_limits(limits)
    from .syscalls import load_filter

    load_filter(syscall_filter)
    return {
        "os": "bubblewrap",
        "network": "namespace (no interfaces) + seccomp (no sockets)",
        "processes": "PID namespace",
        "files": f"read-only root with the interpreter and packages; private tmpfs /tmp of {limits.disk_mb} MB",
        "workdir": "/tmp",
        "environment": "cleared",
        "user": f"uid {uid} (one per worker)",
        "syscalls": "seccomp filter",
        "limits": _limits_text(limits),
    }


def _block_sockets() -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError("network access is not allowed in the sandbox")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.socket.bind = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def _on_cpu_limit(signum: int, frame: Any) -> None:
    raise CpuLimitExceeded()


def confine(limits: SandboxLimits, workdir: str) -> dict[str, str]:
    """Best-effort confinement without OS isolation (the unsafe opt-out); return what each layer got."""
    applied: dict[str, str] = {"os": "NONE (unsafe opt-out)"}
    if _unshare(CLONE_NEWNET):
        applied["network"] = "namespace"
    elif _unshare(CLONE_NEWUSER | CLONE_NEWNET):
        applied["network"] = "user+network namespace"
    else:
        applied["network"] = "blocked in-process"
    _block_sockets()
    os.chdir(workdir)
    applied["workdir"] = workdir
    os.environ.clear()
    applied["environment"] = "cleared"
    if os.getuid() == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            applied["user"] = "nobody"
        except OSError as error:  # pragma: no cover - depends on the container
            applied["user"] = f"root (could not drop: {error})"
    else:
        applied["user"] = str(os.getuid())
    _set_limits(limits)
    applied["limits"] = _limits_text(limits)
    return applied


def set_call_cpu_limit(seconds: float) -> None:
    """Let the next call use ``seconds`` more CPU time before :class:`CpuLimitExceeded` is raised."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    wanted = math.ceil(used + seconds)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard - 1 if hard > 1 else hard)
    resource.setrlimit(resource.RLIMIT_CPU, (max(wanted, 1), hard))
