"""The host's side of the sandbox: replies it refuses, and what happens where the OS sandbox is missing."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from envfactory_envgen.sandbox import isolation
from envfactory_envgen.sandbox.isolation import UNSAFE_OPT_OUT, SandboxUnavailable, UnsafeSandboxWarning
from envfactory_envgen.sandbox.protocol import ProtocolViolation, receive
from envfactory_envgen.sandbox.server import WorkerHandle, WorkerViolation


class _Server:
    """Stands in for the fork server: kills are recorded, nothing else."""

    def __init__(self) -> None:
        self.killed: list[int] = []

    def kill(self, pid: int) -> int | None:
        self.killed.append(pid)
        return -9

    def exit_status(self, pid: int) -> int | None:
        return None


def _frame(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    host, worker = socket.socketpair()
    yield host, worker
    host.close()
    worker.close()


def _answer(worker: socket.socket, reply: bytes) -> threading.Thread:
    def run() -> None:
        header = worker.recv(4)
        (size,) = struct.unpack(">I", header)
        while size:
            size -= len(worker.recv(size))
        worker.sendall(reply)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (struct.pack(">I", 2**31), "over the"),  # a length prefix claiming 2 GB: refused before reading it
        (_frame(b'{"ok": true, "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"), "not readable JSON"),
        (_frame(b'{"ok": true, "x": ' + b"[" * 100 + b"]" * 100 + b"}"), "deeper than"),
        (_frame(b"[1, 2]"), "must be a JSON object"),
        (_frame(b'{"ok": true, "seq": 1, "x": NaN}'), "not readable JSON"),
        (_frame(b"\xff\xfe"), "not readable JSON"),
        (_frame(json.dumps({"ok": True, "seq": 99}).encode()), "out of step"),
        (_frame(json.dumps({"ok": "yes", "seq": 1}).encode()), "no boolean"),
    ],
    ids=["oversized", "deep-recursion", "deep", "not-object", "nan", "not-utf8", "out-of-step", "ok-not-bool"],
)
def test_a_reply_that_breaks_the_protocol_is_a_violation_and_the_worker_is_killed(
    pair: tuple[socket.socket, socket.socket], reply: bytes, words: str
) -> None:
    host, worker = pair
    server = _Server()
    handle = WorkerHandle(server, 42, host, max_reply_bytes=1024 * 1024)  # type: ignore[arg-type]
    _answer(worker, reply)
    with pytest.raises(WorkerViolation, match=words):
        handle.request({"op": "hash"}, timeout=10)
    assert server.killed == [42]
    assert handle.closed


def test_an_oversized_reply_is_refused_before_it_is_buffered(pair: tuple[socket.socket, socket.socket]) -> None:
    host, worker = pair
    worker.sendall(struct.pack(">I", 80 * 1024 * 1024))  # the 80 MB never come: nothing waits for them
    host.settimeout(5)
    with pytest.raises(ProtocolViolation, match="over the"):
        receive(host, max_bytes=32 * 1024 * 1024)


def test_without_bubblewrap_untrusted_code_does_not_run_and_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(UNSAFE_OPT_OUT, raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(SandboxUnavailable) as caught:
        isolation.os_isolation()
    message = str(caught.value)
    assert "apt-get install bubblewrap" in message
    assert f"{UNSAFE_OPT_OUT}=1" in message
    assert "--trusted" in message


def test_without_root_the_error_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UNSAFE_OPT_OUT, raising=False)
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(SandboxUnavailable, match="root: every worker gets a uid of its own"):
        isolation.os_isolation()


def test_the_unsafe_opt_out_is_loud(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UNSAFE_OPT_OUT, "1")
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.warns(UnsafeSandboxWarning, match="WITHOUT OS isolation"):
        assert isolation.os_isolation() == "none"


def test_the_sandbox_binds_no_checkout_and_no_etc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))  # like a test runner or `python -c` putting the cwd first
    command = isolation.bwrap_command("/usr/bin/python3")
    bound = [command[index + 1] for index, part in enumerate(command) if part == "--ro-bind"]
    assert str(tmp_path) not in bound
    assert not any(path == "/etc" or path.startswith("/home") for path in bound)
    assert [path for path in bound if path.startswith("/etc")] in ([], ["/etc/ld.so.cache"])
    for flag in ("--unshare-pid", "--unshare-net", "--new-session"):
        assert flag in command
