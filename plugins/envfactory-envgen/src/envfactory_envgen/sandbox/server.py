"""The host's side of the fork server and of each worker.

:class:`ForkServer` starts ``python -m envfactory_envgen.sandbox.zygote`` once per host process
(lazily, again after a fork or if it died), inside bubblewrap unless the unsafe opt-out is set
(:mod:`.isolation`). :class:`WorkerHandle` sends one request at a time with a wall-clock timeout;
past it the worker is killed. Every request carries a number the reply must echo, and a reply is
read under the worker's size and depth caps: anything else is a :class:`WorkerViolation` and the
worker is killed (its channel can no longer be trusted to be in step). How a worker ended is
turned into words ("killed after 2 s without an answer", "stopped by its CPU limit").
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from typing import Any, ClassVar

from ..errors import SandboxError
from .isolation import bwrap_command, os_isolation, sandbox_path
from .limits import SandboxLimits
from .protocol import ChannelClosed, ProtocolViolation, receive, send

__all__ = [
    "ForkServer",
    "WorkerDied",
    "WorkerHandle",
    "WorkerRequestError",
    "WorkerTimeout",
    "WorkerViolation",
    "describe_exit",
]

_START_SECONDS = 120.0


class WorkerTimeout(SandboxError):
    """The worker gave no answer within the wall-clock limit and was killed."""


class WorkerDied(SandboxError):
    """The worker process ended (a limit, a crash of the interpreter)."""

    def __init__(self, message: str, exit_code: int | None) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class WorkerViolation(SandboxError):
    """The worker sent what no honest worker sends (too big, too deep, malformed, out of step); it was killed."""


class WorkerRequestError(SandboxError):
    """The worker answered with an error (loading failed, a bad request)."""

    def __init__(self, kind: str, message: str, trace: str = "") -> None:
        super().__init__(f"{kind}: {message}" if kind else message)
        self.kind = kind
        self.message = message
        self.trace = trace


def describe_exit(code: int | None) -> str:
    """Words for a worker's exit code (negative: the signal that ended it)."""
    if code is None:
        return "ended (its exit status is unknown)"
    if code >= 0:
        return f"exited with status {code}"
    number = -code
    reasons: dict[int, str] = {
        int(signal.SIGKILL): "was killed (its wall-clock limit, its CPU time budget, or the memory limit)",
        int(signal.SIGXCPU): "was stopped by its CPU time limit",
        int(signal.SIGXFSZ): "was stopped by its file size limit",
        int(signal.SIGSEGV): "crashed (segmentation fault; often memory exhaustion in native code)",
        int(signal.SIGABRT): "aborted (often memory exhaustion in native code)",
    }
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = str(number)
    return reasons.get(number, f"was ended by signal {name}")


class WorkerHandle:
    """One worker process, from the host."""

    def __init__(
        self, server: ForkServer, pid: int, channel: socket.socket, *, uid: int = -1, max_reply_bytes: int = 0
    ) -> None:
        self.server = server
        self.pid = pid
        self.uid = uid
        self.channel = channel
        self.closed = False
        self.max_reply_bytes = max_reply_bytes or 32 * 1024 * 1024
        self._sequence = 0

    def request(self, message: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        if self.closed:
            raise SandboxError(f"worker {self.pid} is closed")
        self._sequence += 1
        number = self._sequence
        self.channel.settimeout(timeout)
        try:
            send(self.channel, {**message, "seq": number})
            reply = receive(self.channel, max_bytes=self.max_reply_bytes)
        except TimeoutError as error:
            self.kill()
            raise WorkerTimeout(f"no answer within {timeout:g} s; the worker was killed") from error
        except ProtocolViolation as error:
            self.kill()
            raise WorkerViolation(f"the worker's reply was refused: {error}") from None
        except (ChannelClosed, ConnectionError, OSError) as error:
            self.closed = True
            code = self.server.exit_status(self.pid)
            raise WorkerDied(f"the worker {describe_exit(code)}", code) from error
        if reply.get("seq") != number:
            self.kill()
            raise WorkerViolation(f"the worker answered out of step (reply {reply.get('seq')!r} to request {number})")
        if not isinstance(reply.get("ok"), bool):
            self.kill()
            raise WorkerViolation("the worker's reply has no boolean `ok`")
        if not reply.get("ok"):
            raise WorkerRequestError(
                str(reply.get("kind", "")), str(reply.get("error", "")), str(reply.get("trace", ""))
            )
        return reply

    def kill(self) -> None:
        """End the worker (through the fork server: worker pids live in its PID namespace)."""
        if not self.closed:
            self.closed = True
            self.channel.close()
            self.server.kill(self.pid)

    def close(self) -> None:
        if self.closed:
            return
        with contextlib.suppress(SandboxError):
            self.request({"op": "close"}, timeout=5.0)
        self.kill()


class ForkServer:
    """The fork server of this host process."""

    _shared: ClassVar[dict[int, ForkServer]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self.isolation = os_isolation()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        environment = {
            "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
            "PYTHONSAFEPATH": "1",  # the working directory is not on the path (and not in the sandbox)
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PATH": os.defpath,
        }
        command = [sys.executable, "-m", "envfactory_envgen.sandbox.zygote", str(theirs.fileno())]
        command += ["--isolation", self.isolation]
        if self.isolation == "bubblewrap":
            command = [*bwrap_command(sys.executable), *command[1:]]
            environment["PYTHONPATH"] = os.pathsep.join(sandbox_path())
        self.process = subprocess.Popen(
            command,
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
            close_fds=True,
        )
        theirs.close()
        self.control = mine
        self.lock = threading.Lock()
        self.owner = os.getpid()
        self.control.settimeout(_START_SECONDS)
        try:
            ready = json.loads(self.control.recv(65536) or b"{}")
        except (OSError, ValueError) as error:
            ready = {"error": str(error)}
        if not ready.get("ready"):
            self.process.kill()
            raise SandboxError(
                f"the sandbox fork server did not start: {ready.get('error') or 'no answer'} (python: {sys.executable})"
            )
        self.control.settimeout(None)

    @classmethod
    def shared(cls) -> ForkServer:
        """The fork server of this process (started on first use; restarted if it died)."""
        with cls._shared_lock:
            server = cls._shared.get(os.getpid())
            if server is None or server.process.poll() is not None:
                server = cls()
                cls._shared[os.getpid()] = server
            return server

    def _ask(self, message: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
        with self.lock:
            self.control.send(json.dumps(message).encode("utf-8"))
            data, fds, _flags, _address = socket.recv_fds(self.control, 65536, 4)
        if not data:
            raise SandboxError("the sandbox fork server stopped")
        return json.loads(data.decode("utf-8")), list(fds)

    def spawn(self, limits: SandboxLimits) -> WorkerHandle:
        """A new confined worker (it confines itself before reading any request)."""
        reply, fds = self._ask({"op": "spawn", "limits": limits.to_json()})
        if not reply.get("ok") or not fds:
            for fd in fds:
                os.close(fd)
            raise SandboxError(f"could not start a sandbox worker: {reply.get('error', 'no socket received')}")
        return WorkerHandle(
            self,
            int(reply["pid"]),
            socket.socket(fileno=fds[0]),
            uid=int(reply.get("uid", -1)),
            max_reply_bytes=limits.reply_mb * 1024 * 1024,
        )

    def kill(self, pid: int) -> int | None:
        """Kill worker ``pid`` and wait for it; how it ended."""
        try:
            reply, _ = self._ask({"op": "kill", "pid": pid})
        except (OSError, SandboxError, ValueError):
            return None
        code = reply.get("exit")
        return int(code) if isinstance(code, int) else None

    def exit_status(self, pid: int) -> int | None:
        """How worker ``pid`` ended (waits for it; negative numbers are signals)."""
        try:
            reply, _ = self._ask({"op": "status", "pid": pid})
        except (OSError, SandboxError, ValueError):
            return None
        code = reply.get("exit")
        return int(code) if isinstance(code, int) else None

    def close(self) -> None:
        if self.owner != os.getpid():
            return
        try:
            self.control.close()
        finally:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@atexit.register
def _stop_servers() -> None:
    for pid, server in list(ForkServer._shared.items()):
        if pid == os.getpid():
            server.close()
