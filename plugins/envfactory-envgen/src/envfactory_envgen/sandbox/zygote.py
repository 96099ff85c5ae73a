"""The fork server: a clean process that forks one confined worker per request.

It imports the SDK once and never runs generated code itself, so forking a worker costs
milliseconds instead of a new interpreter. The host talks to it over a ``SOCK_SEQPACKET`` socket:
``spawn`` answers with the worker's pid and one end of a fresh socket pair (passed as a file
descriptor); ``kill`` ends a worker and ``status`` reports how one ended. When the host goes away,
so does the server, and it kills its workers.

Under OS isolation (``--isolation bubblewrap``, the server then runs inside ``bwrap``) every worker
gets a uid of its own from :data:`UID_BASE` upwards, never two live workers the same, and the
seccomp filter is built here once and loaded by each worker.

Run as ``python -m envfactory_envgen.sandbox.zygote FD [--isolation bubblewrap|none]``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from typing import Any

__all__ = ["UID_BASE", "main"]

PRELOAD = (
    "envfactory_core.env",
    "envfactory_core.env.fake",
    "envfactory_envgen.runtime",
    "envfactory_envgen.sandbox.worker",
    "envfactory_core.serialize",
    "jsonschema",
)
UID_BASE = 1_600_000
"""Workers run as ``UID_BASE + n``: uids no account on the host uses."""
_UIDS = 60_000
_NOBODY = 65534


class _Server:
    def __init__(self, control: socket.socket, isolation: str) -> None:
        self.control = control
        self.isolation = isolation
        self.workdirs: dict[int, str] = {}
        self.uids: dict[int, int] = {}
        self.statuses: dict[int, int] = {}
        self.next_uid = 0
        self.syscall_filter: Any = None
        if isolation == "bubblewrap":
            from envfactory_envgen.sandbox.syscalls import build_filter

            self.syscall_filter = build_filter()

    def reply(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        data = json.dumps(message).encode("utf-8")
        if fds:
            socket.send_fds(self.control, [data], fds)
        else:
            self.control.send(data)

    def reap(self, pid: int | None = None) -> None:
        for child in [pid] if pid is not None else list(self.uids):
            try:
                done, status = os.waitpid(child, 0 if pid is not None else os.WNOHANG)
            except ChildProcessError:
                done, status = child, 0
            if done:
                self.statuses[child] = os.waitstatus_to_exitcode(status)
                self.uids.pop(child, None)
                workdir = self.workdirs.pop(child, None)
                if workdir:
                    shutil.rmtree(workdir, ignore_errors=True)

    def _uid(self) -> int:
        taken = set(self.uids.values())
        for _ in range(_UIDS):
            uid = UID_BASE + self.next_uid
            self.next_uid = (self.next_uid + 1) % _UIDS
            if uid not in taken:
                return uid
        raise RuntimeError(f"all {_UIDS} worker uids are in use")

    def spawn(self, message: dict[str, Any]) -> None:
        from envfactory_envgen.sandbox.worker import worker_main

        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        uid = self._uid() if self.isolation == "bubblewrap" else _NOBODY
        workdir = ""
        if self.isolation != "bubblewrap":
            workdir = tempfile.mkdtemp(prefix="envfactory-sandbox-")
            if os.getuid() == 0:
                os.chown(workdir, _NOBODY, _NOBODY)
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()
                keep = theirs.fileno()
                null = os.open(os.devnull, os.O_RDWR)
                for target in (0, 1, 2):
                    os.dup2(null, target)
                os.closerange(3, keep)
                os.closerange(keep + 1, 65536)
                confinement = {"uid": uid, "filter": self.syscall_filter, "workdir": workdir}
                worker_main(keep, dict(message.get("limits", {})), confinement)
            finally:
                os._exit(4)
        theirs.close()
        self.uids[pid] = uid
        if workdir:
            self.workdirs[pid] = workdir
        self.reply({"ok": True, "pid": pid, "uid": uid}, [mine.fileno()])
        mine.close()

    def status(self, message: dict[str, Any]) -> None:
        pid = int(message["pid"])
        if pid not in self.statuses and pid in self.uids:
            self.reap(pid)
        self.reply({"ok": True, "pid": pid, "exit": self.statuses.get(pid)})

    def kill(self, message: dict[str, Any]) -> None:
        pid = int(message["pid"])
        if pid in self.uids:  # only its own workers: a pid number alone is never trusted
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self.reap(pid)
        self.reply({"ok": True, "pid": pid, "exit": self.statuses.get(pid)})

    def run(self) -> None:
        while True:
            try:
                data = self.control.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            self.reap()
            try:
                message = json.loads(data.decode("utf-8"))
                op = message.get("op")
                if op == "spawn":
                    self.spawn(message)
                elif op == "status":
                    self.status(message)
                elif op == "kill":
                    self.kill(message)
                else:
                    self.reply({"ok": False, "error": f"unknown request {op!r}"})
            except Exception as error:  # keep serving; the host sees the error
                self.reply({"ok": False, "error": f"{type(error).__name__}: {error}"})
        for pid in list(self.uids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self.reap(pid)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    control = socket.socket(fileno=int(args[0]))
    isolation = args[args.index("--isolation") + 1] if "--isolation" in args else "none"
    import importlib

    try:
        for name in PRELOAD:
            importlib.import_module(name)
        server = _Server(control, isolation)
    except Exception as error:  # tell the host why, instead of dying silently
        control.send(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}).encode("utf-8"))
        return
    control.send(json.dumps({"ok": True, "ready": True, "pid": os.getpid(), "isolation": isolation}).encode("utf-8"))
    server.run()


if __name__ == "__main__":
    main()
