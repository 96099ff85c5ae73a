"""The HTTP server's front door: who the client is, whether it may come in, and how many sessions it holds.

An ASGI middleware in front of the SDK's streamable-HTTP app:

* **a bearer token** (``--token`` or ``ENVFACTORY_MCP_TOKEN``): every request must carry
  ``Authorization: Bearer <token>`` or gets 401; compared in constant time;
* **a client's identity** is its address; it is put in the request scope (``envfactory.client``)
  for the server's per-client limits on named episodes;
* **sessions per client**: a request that would open one more MCP session than the client's
  share (``--client-limit``) gets 429, so one client that never closes its sessions cannot make
  the server refuse everyone else (the SDK's own limit, on all sessions together, still holds);
* **a client that hangs up**: the request it was waiting for is cancelled instead of waiting for
  an answer nobody will read.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from .server import CLIENT_SCOPE_KEY

__all__ = ["FrontDoor", "TOKEN_ENV"]

TOKEN_ENV = "ENVFACTORY_MCP_TOKEN"
SESSION_HEADER = b"mcp-session-id"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _answer(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            + (headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body})


class FrontDoor:
    """Token check, client identity, per-client session limit, cancellation on hang-up."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        sessions_per_client: int | None,
        live_sessions: Callable[[], Any],
        stateless: bool,
    ) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.sessions_per_client = sessions_per_client
        self.live_sessions = live_sessions
        self.stateless = stateless
        self.sessions: dict[str, set[str]] = {}
        self.opening: dict[str, int] = {}
        self.refused = 0
        self.draining = False
        self._in_flight: set[anyio.CancelScope] = set()

    def is_draining(self) -> bool:
        """Whether :meth:`drain` was called (it may have been while a request was awaiting)."""
        return self.draining

    def drain(self) -> None:
        """The server is stopping: end every request still in flight (open SSE streams, slow bodies) cleanly.

        Each one is cancelled and its response completed (an open stream is ended, an unanswered
        request gets 503), so the server exits without waiting out its grace period and without
        tracebacks of requests cancelled at the end.
        """
        self.draining = True
        for scope in list(self._in_flight):
            scope.cancel()

    def _authorized(self, scope: Scope) -> bool:
        if self.token is None:
            return True
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, given = bytes(value).partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.token)
        return False

    def _open_sessions(self, client: str) -> int:
        live = self.live_sessions()
        mine = {session for session in self.sessions.get(client, ()) if live is None or session in live}
        if mine:
            self.sessions[client] = mine
        else:
            self.sessions.pop(client, None)
        return len(mine) + self.opening.get(client, 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._authorized(scope):
            self.refused += 1
            await _answer(
                send,
                401,
                "this server needs a bearer token: send Authorization: Bearer <token>",
                [(b"www-authenticate", b'Bearer realm="envfactory-mcp"')],
            )
            return
        client = str(scope["client"][0]) if scope.get("client") else ""
        scope[CLIENT_SCOPE_KEY] = client
        headers = dict(scope.get("headers", ()))
        opens_session = (
            not self.stateless
            and self.sessions_per_client is not None
            and scope.get("method") == "POST"
            and SESSION_HEADER not in headers
        )
        if not opens_session:
            if scope.get("method") == "DELETE" and SESSION_HEADER in headers:
                self.sessions.get(client, set()).discard(bytes(headers[SESSION_HEADER]).decode("latin-1"))
            await self._serve(scope, receive, send)
            return
        assert self.sessions_per_client is not None
        if self._open_sessions(client) >= self.sessions_per_client:
            self.refused += 1
            await _answer(
                send,
                429,
                f"this client already has {self.sessions_per_client} open MCP sessions (the server's --client-limit); "
                "end finished sessions (HTTP DELETE) or wait for their idle timeout",
            )
            return
        self.opening[client] = self.opening.get(client, 0) + 1
        opened: list[str] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status", 500) < 400:
                for name, value in message.get("headers", ()):
                    if bytes(name).lower() == SESSION_HEADER:
                        opened.append(bytes(value).decode("latin-1"))
            await send(message)

        try:
            await self._serve(scope, receive, watch)
        finally:
            self.opening[client] -= 1
            if not self.opening[client]:
                del self.opening[client]
            if opened:
                self.sessions.setdefault(client, set()).update(opened)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; cancel it when the client disconnects before the response is complete.

        The request body is read here first (the SDK reads it whole anyway), so any later
        ``http.disconnect`` means the client has gone. While the server drains, the request is
        cancelled and its response completed here (an open stream ended, an unanswered request
        answered 503).
        """
        if self.draining:
            await _answer(send, 503, "the server is shutting down")
            return
        state = {"started": False}
        finished = anyio.Event()

        async def sent(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.start":
                state["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished.set()

        with anyio.CancelScope() as request_scope:
            self._in_flight.add(request_scope)
            try:
                await self._run(scope, receive, sent, finished)
            finally:
                self._in_flight.discard(request_scope)
        if self.is_draining() and not finished.is_set():
            with anyio.CancelScope(shield=True):
                try:
                    if state["started"]:
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                    else:
                        await _answer(send, 503, "the server is shutting down")
                except OSError:
                    return  # the client is gone as well

    async def _run(self, scope: Scope, receive: Receive, send: Send, finished: anyio.Event) -> None:
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            await finished.wait()
            return {"type": "http.disconnect"}

        async with anyio.create_task_group() as group:

            async def watch_disconnect() -> None:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        if not finished.is_set():
                            group.cancel_scope.cancel()
                        return

            group.start_soon(watch_disconnect)
            try:
                await self.app(scope, replay, send)
            finally:
                group.cancel_scope.cancel()
