"""Confining a worker process before it runs untrusted code (Linux; other systems get the rlimits).

Order matters: leave the network namespace while still privileged, make and enter the temporary
directory, drop to an unprivileged user when running as root (so the process limit applies and the
user's files are out of reach), then set the resource limits, which can only be lowered afterwards.
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

__all__ = ["CpuLimitExceeded", "confine", "set_call_cpu_limit"]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
NOBODY = 65534


class CpuLimitExceeded(BaseException):
    """Raised in the worker when a call used up its CPU time (BaseException: tool code cannot swallow it)."""


def _unshare(flags: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return int(libc.unshare(flags)) == 0
    except (OSError, AttributeError):
        return False


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
    """Confine this process; return which isolation each layer got (for reports and tests)."""
    applied: dict[str, str] = {}
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
    applied["limits"] = (
        f"memory {limits.memory_mb} MB, cpu {limits.cpu_seconds_per_call:g}s/call, files {limits.file_size_mb} MB, "
        "no new processes"
    )
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
