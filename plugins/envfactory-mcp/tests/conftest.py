"""Fixtures of the envfactory-mcp tests: the fixture environments and real server processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from envfactory_core.plugins import load_module_from_path

FIXTURE_PLUGINS = Path(__file__).parent / "fixture_plugins"
STARTUP_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def fixture_envs() -> ModuleType:
    """The module defining ``ledger`` and ``notes`` (the same file server processes load)."""
    return load_module_from_path(FIXTURE_PLUGINS / "mcp_fixture_envs.py")


def server_command(*arguments: str) -> list[str]:
    """``python -m envfactory_mcp`` with the fixture environments available as local/…"""
    return [sys.executable, "-m", "envfactory_mcp", "--plugins-dir", str(FIXTURE_PLUGINS), *arguments]


@pytest.fixture(scope="session")
def serve_command() -> Callable[..., list[str]]:
    return server_command


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # Only the core and this plugin: the tests must not depend on other installed plugins.
    env["ENVFACTORY_LOAD_PLUGINS"] = "envfactory-mcp"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@pytest.fixture(scope="session")
def child_env() -> dict[str, str]:
    """Environment variables for server processes (only this plugin among the installed ones)."""
    return child_environment()


@pytest.fixture(scope="session")
def fixture_plugins_dir() -> Path:
    return FIXTURE_PLUGINS


class RunningServer:
    """A ``envfactory serve --transport http`` child process and what it printed."""

    def __init__(self, process: subprocess.Popen[str], url: str, lines: list[str], reader: threading.Thread) -> None:
        self.process = process
        self.url = url
        self.lines = lines
        self.reader = reader

    def output(self) -> list[str]:
        """Everything the process printed on stderr, once it has exited."""
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        return list(self.lines)

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_bytes(self) -> int:
        """The child's resident memory (Linux /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_http_server(*arguments: str) -> RunningServer:
    """Start an HTTP server on a free loopback port; return once it listens."""
    command = server_command(*arguments, "--transport", "http", "--host", "127.0.0.1", "--port", "0")
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )
    lines: list[str] = []
    found = threading.Event()
    url_box: list[str] = []

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if not url_box and " at http://" in line:
                url_box.append(line.rsplit(" at ", 1)[1].strip())
                found.set()
        found.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not found.wait(0.1):
        if time.monotonic() > deadline:
            break
    if not url_box:
        process.kill()
        process.wait()
        raise RuntimeError("the server did not start:\n" + "".join(lines))
    return RunningServer(process, url_box[0], lines, reader)


@pytest.fixture(scope="session")
def http_server() -> Iterator[RunningServer]:
    """One shared HTTP server for local/ledger and local/notes, with management on."""
    server = start_http_server("local/ledger", "local/notes", "--management", "--seed", "3")
    yield server
    server.stop()


@pytest.fixture
def start_server() -> Iterator[Callable[..., RunningServer]]:
    """Start dedicated HTTP servers for one test; all are stopped afterwards."""
    started: list[RunningServer] = []

    def start(*arguments: str) -> RunningServer:
        server = start_http_server(*arguments)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
