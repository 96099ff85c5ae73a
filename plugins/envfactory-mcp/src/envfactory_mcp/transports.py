"""Running an :class:`EnvironmentServer` over stdio or streamable HTTP."""

from __future__ import annotations

import ipaddress
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import uvicorn
from mcp.server.stdio import stdio_server

from .frontdoor import FrontDoor
from .server import EnvironmentServer

__all__ = ["HttpOptions", "http_app", "serve_http", "serve_stdio"]

MCP_PATH = "/mcp"
DRAIN_GRACE = 1.0
"""Seconds a stopping server gives requests in flight before it ends them (uvicorn's own limit is 5)."""


async def serve_stdio(server: EnvironmentServer) -> None:
    """Serve one client over this process's stdin/stdout until it closes the stream."""
    lowlevel = server.mcp_server(stream_scoped=True)
    try:
        async with stdio_server() as (read_stream, write_stream):
            await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
    finally:
        server.pool.close_all()


class HttpOptions:
    """Streamable-HTTP settings: sessions, their idle timeout, JSON or SSE responses."""

    def __init__(
        self,
        *,
        stateless: bool = False,
        session_idle_timeout: float | None = 1800.0,
        json_response: bool = True,
        token: str | None = None,
    ) -> None:
        self.stateless = stateless
        self.session_idle_timeout = session_idle_timeout
        self.json_response = json_response
        self.token = token


def http_app(server: EnvironmentServer, *, host: str = "127.0.0.1", options: HttpOptions | None = None) -> Any:
    """The ASGI app serving ``server`` at ``/mcp`` (its lifespan runs the SDK's session manager)."""
    options = options or HttpOptions()
    lowlevel = server.mcp_server(stream_scoped=False)
    app = lowlevel.streamable_http_app(
        streamable_http_path=MCP_PATH,
        json_response=options.json_response,
        stateless_http=options.stateless,
        session_idle_timeout=options.session_idle_timeout,
        max_sessions=server.pool.max_episodes,
        host=host,
    )
    return FrontDoor(
        app,
        token=options.token,
        sessions_per_client=server.client_limit,
        # The SDK's open sessions by id, so sessions that idled out stop counting (else: until DELETE).
        live_sessions=lambda: getattr(lowlevel.session_manager, "_server_instances", None),
        stateless=options.stateless,
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``): only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio switches Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say they are TCP, and accepted sockets inherit the listener's. With Nagle on, a response
    # written as headers then body waits for the client's delayed ACK: ~40 ms per request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{MCP_PATH}"


class _GracefulServer(uvicorn.Server):
    """uvicorn's server, but SIGTERM/SIGINT end ``serve()`` normally instead of being re-raised.

    The caller then releases every episode and prints its summary; a second SIGINT still forces
    the exit.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(sig: int, _frame: Any) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            else:
                self.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


async def serve_http(
    server: EnvironmentServer,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    options: HttpOptions | None = None,
    ready: Callable[[str], None] | None = None,
    sock: socket.socket | None = None,
) -> None:
    """Serve over streamable HTTP until cancelled or interrupted; ``ready(url)`` once listening."""
    sock = sock if sock is not None else bind(host, port)
    app = http_app(server, host=host, options=options)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    uvicorn_server = _GracefulServer(config)
    url = url_of(sock)

    async def announce() -> None:
        while not uvicorn_server.started:
            await anyio.sleep(0.01)
        if ready is not None:
            ready(url)

    async def drain_when_stopping() -> None:
        """Once SIGTERM/SIGINT arrived: a moment for short requests, then end what is still open."""
        while not uvicorn_server.should_exit:
            await anyio.sleep(0.05)
        await anyio.sleep(DRAIN_GRACE)
        if isinstance(app, FrontDoor):
            app.drain()

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(announce)
            group.start_soon(drain_when_stopping)
            await uvicorn_server.serve(sockets=[sock])
            group.cancel_scope.cancel()
    finally:
        sock.close()
        server.pool.close_all()
