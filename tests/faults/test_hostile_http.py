"""Hostile MCP clients over loopback: unclosed sessions, floods of named episodes, foreign episode ids,
hang-ups, a missing token; one client never locks out another, and SIGTERM exits cleanly."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from envfactory_testing.requirements import require_module

from .conftest import PLUGIN_DIR, assert_no_traceback, child_env, command, record


@pytest.fixture(autouse=True)
def _needs_the_mcp_plugin() -> None:
    require_module("envfactory_mcp", "pip install -e ./plugins/envfactory-mcp (requirements-test.txt)")


LIMIT = 6
PROTOCOL = "2025-11-25"
HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


class Server:
    def __init__(self, *extra: str, env: dict[str, str] | None = None) -> None:
        args = ("serve", "local/bookshop", "local/notes", "--transport", "http", "--host", "127.0.0.1", "--port", "0")
        self.process = subprocess.Popen(
            command(*args, "--client-limit", str(LIMIT), *extra),
            env=env or child_env(ENVFACTORY_LOAD_PLUGINS="envfactory-mcp"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        found = threading.Event()

        def drain() -> None:
            assert self.process.stderr is not None
            for line in self.process.stderr:
                self.lines.append(line)
                if " at http://" in line:
                    found.set()
            found.set()

        self.reader = threading.Thread(target=drain, daemon=True)
        self.reader.start()
        assert found.wait(60), "".join(self.lines)
        line = next((line for line in self.lines if " at http://" in line), "")
        assert line, "".join(self.lines)
        self.url = line.rsplit(" at ", 1)[1].strip()
        self.port = int(self.url.split(":")[2].split("/")[0])

    def stop(self) -> str:
        """SIGTERM; the server must drain and exit 0 within a few seconds, printing no traceback."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("the server did not stop on SIGTERM") from None
        self.reader.join(timeout=10)
        output = "".join(self.lines)
        assert_no_traceback(output)
        assert self.process.returncode == 0, output
        return output


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server("--management", "--episode-idle-timeout", "1")
    yield running
    running.stop()


class Client:
    """A raw JSON-RPC client from one loopback address (127.0.0.N is a different client to the server)."""

    def __init__(self, url: str, address: str, token: str | None = None) -> None:
        self.url = url
        self.http = httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=20)
        self.headers = dict(HEADERS)
        if token is not None:
            self.headers["authorization"] = f"Bearer {token}"
        self.ids = 0

    def post(self, method: str, params: dict[str, Any], session: str | None = None) -> httpx.Response:
        self.ids += 1
        headers = dict(self.headers)
        if session is not None:
            headers.update({"mcp-session-id": session, "mcp-protocol-version": PROTOCOL})
        body = {"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params}
        return self.http.post(self.url, headers=headers, content=json.dumps(body))

    def initialize(self) -> httpx.Response:
        params = {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "faults", "version": "1"}}
        return self.post("initialize", params)

    def session(self) -> str:
        response = self.initialize()
        assert response.status_code == 200, response.text
        session = response.headers["mcp-session-id"]
        self.http.post(
            self.url,
            headers={**self.headers, "mcp-session-id": session, "mcp-protocol-version": PROTOCOL},
            content=json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        )
        return session

    def call(self, session: str, tool: str, arguments: dict[str, Any], **meta: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"name": tool, "arguments": arguments}
        if meta:
            params["_meta"] = {f"envfactory/{key}": value for key, value in meta.items()}
        response = self.post("tools/call", params, session)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["result"]
        return result

    def close(self) -> None:
        self.http.close()


def _error(result: dict[str, Any]) -> dict[str, Any]:
    """The error of a failed call, from its text (an error result carries no structured content)."""
    assert result["isError"] is True, result
    assert "structuredContent" not in result, result
    error: dict[str, Any] = json.loads(result["content"][0]["text"])["error"]
    return error


def test_unclosed_sessions_of_one_client_do_not_lock_out_another(server: Server) -> None:
    """Must-show 3 (sessions): client A opens sessions and never closes them; B still gets one."""
    hostile, other = Client(server.url, "127.0.0.1"), Client(server.url, "127.0.0.2")
    responses = [hostile.initialize() for _ in range(LIMIT + 20)]
    statuses = [response.status_code for response in responses]
    assert statuses[:LIMIT] == [200] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    record("hostile requests answered", len(statuses))
    ended = responses[0].headers["mcp-session-id"]
    hostile.http.delete(
        server.url, headers={**hostile.headers, "mcp-session-id": ended, "mcp-protocol-version": PROTOCOL}
    )
    assert hostile.initialize().status_code == 200  # an ended session no longer counts
    session = other.session()
    created = other.call(session, "notes__create_note", {"title": "mine"})
    assert created["isError"] is False
    hostile.close()
    other.close()


def test_a_flood_of_named_episodes_from_one_client_does_not_lock_out_another(server: Server) -> None:
    """Must-show 3 (episodes): client A opens named episodes until refused; B can still open its own."""
    hostile, other = Client(server.url, "127.0.0.3"), Client(server.url, "127.0.0.4")
    session = hostile.session()
    results = [hostile.call(session, "notes__search_notes", {}, episode_id=f"flood-{n}") for n in range(LIMIT + 10)]
    assert all(result["isError"] is False for result in results[:LIMIT])
    assert {_error(result)["kind"] for result in results[LIMIT:]} == {"limit"}
    record("hostile requests answered", len(results))
    mine = other.call(other.session(), "notes__create_note", {"title": "x"}, episode_id="other-1")
    assert mine["isError"] is False
    hostile.close()
    other.close()


def test_a_named_episode_belongs_to_the_session_that_opened_it_unless_shared(server: Server) -> None:
    owner, stranger = Client(server.url, "127.0.0.5"), Client(server.url, "127.0.0.6")
    mine, theirs = owner.session(), stranger.session()
    created = owner.call(mine, "notes__create_note", {"title": "secret"}, episode_id="private")
    note_id = created["structuredContent"]["note_id"]
    foreign = [
        stranger.call(theirs, "notes__get_note", {"note_id": note_id}, episode_id="private"),
        stranger.call(theirs, "notes__delete_note", {"note_id": note_id}, episode_id="private"),
        stranger.call(theirs, "envfactory__close_episode", {}, episode_id="private"),
    ]
    for result in foreign:
        error = _error(result)
        assert error["kind"] == "invalid_arguments"
        assert "belongs to another session" in error["message"]
    record("hostile requests answered", len(foreign))
    still = owner.call(mine, "notes__get_note", {"note_id": note_id}, episode_id="private")
    assert still["isError"] is False
    assert still["structuredContent"]["title"] == "secret"
    owner.call(mine, "notes__create_note", {"title": "ours"}, episode_id="together", episode_shared=True)
    seen = stranger.call(theirs, "notes__search_notes", {"query": "ours"}, episode_id="together")
    assert seen["isError"] is False
    assert "ours" in json.dumps(seen["structuredContent"])
    owner.close()
    stranger.close()


def _stats(client: Client, session: str) -> dict[str, Any]:
    response = client.post("resources/read", {"uri": "envfactory://server/stats"}, session)
    stats: dict[str, Any] = json.loads(response.json()["result"]["contents"][0]["text"])
    return stats


def test_idle_named_episodes_are_reaped_on_a_timer(server: Server) -> None:
    client = Client(server.url, "127.0.0.7")
    session = client.session()
    for n in range(3):
        client.call(session, "notes__search_notes", {}, episode_id=f"idle-{n}")
    assert _stats(client, session)["named"] == 3
    time.sleep(2.5)  # the idle timeout is 1 s (of sessions too); nothing opens an episode meanwhile
    assert _stats(client, client.session())["named"] == 0
    record("hostile requests answered")
    client.close()


def _hang_up(port: int, body: bytes, declared: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        head = (
            f"POST /mcp HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\naccept: application/json, text/event-stream\r\n"
            f"content-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
        )
        sock.sendall(head.encode() + body)


def test_clients_hanging_up_leave_nothing_stuck_and_sigterm_exits_cleanly() -> None:
    running = Server("--management")
    try:
        client = Client(running.url, "127.0.0.8")
        session = client.session()
        call = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "x"}},
            }
        ).encode()
        threads = [
            threading.Thread(target=_hang_up, args=(running.port, call[:20], len(call)))  # body never completes
            for _ in range(50)
        ] + [threading.Thread(target=_hang_up, args=(running.port, call, len(call))) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        record("hostile requests answered", len(threads))
        time.sleep(1.0)
        stats = _stats(client, session)
        assert stats["live"] <= 1, stats  # only this client's own session episode, if any
        answer = client.call(session, "notes__search_notes", {})
        assert answer["isError"] is False
        # At SIGTERM: an open SSE stream and requests whose bodies never finish are still in flight.
        stream = threading.Thread(target=_hold_stream, args=(client, session), daemon=True)
        stream.start()
        held = [_held_open(running.port) for _ in range(10)]
        time.sleep(0.5)
        record("hostile requests answered", len(held) + 1)
    finally:
        started = time.monotonic()
        output = running.stop()
    assert time.monotonic() - started < 15  # drained (a traceback would show a cut at uvicorn's 5 s limit)
    assert "stopped" in output
    for sock in held:
        sock.close()
    client.close()


def _hold_stream(client: Client, session: str) -> None:
    headers = {**client.headers, "accept": "text/event-stream", "mcp-session-id": session}
    try:
        with client.http.stream("GET", client.url, headers={**headers, "mcp-protocol-version": PROTOCOL}) as response:
            for _ in response.iter_bytes():
                pass
    except httpx.HTTPError:
        return


def _held_open(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    head = (
        f"POST /mcp HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\naccept: application/json, text/event-stream\r\n"
        "content-type: application/json\r\ncontent-length: 500\r\n\r\n{"
    )
    sock.sendall(head.encode())
    return sock


def test_a_token_is_required_when_set_and_off_loopback() -> None:
    running = Server("--token", "s3cret")
    try:
        anonymous = Client(running.url, "127.0.0.9")
        wrong = Client(running.url, "127.0.0.9", token="guess")
        right = Client(running.url, "127.0.0.9", token="s3cret")
        assert anonymous.initialize().status_code == 401
        assert wrong.initialize().status_code == 401
        assert right.initialize().status_code == 200
        record("hostile requests answered", 2)
        for client in (anonymous, wrong, right):
            client.close()
    finally:
        running.stop()
    refused = subprocess.run(
        command("serve", "local/notes", "--transport", "http", "--host", "0.0.0.0", "--port", "0"),
        env=child_env(ENVFACTORY_LOAD_PLUGINS="envfactory-mcp"),
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "--token" in refused.stderr
    assert "ENVFACTORY_MCP_TOKEN" in refused.stderr
    assert_no_traceback(refused.stderr)
    record("hostile requests answered")


assert PLUGIN_DIR.is_dir()
