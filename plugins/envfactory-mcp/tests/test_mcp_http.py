"""The SDK's own client over streamable HTTP (loopback), against a spawned server process."""

from __future__ import annotations

import json

import anyio
import pytest
from envfactory_mcp import EPISODE_ID_KEY, EPISODE_SCOPE_KEY
from mcp import Client


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_http_lists_exact_schemas_and_calls_tools(fixture_envs, http_server, mode):
    meta = {EPISODE_ID_KEY: f"http-basics-{mode}"}

    async def scenario():
        async with Client(http_server.url, mode=mode) as client:
            tools = (await client.list_tools()).tools
            read = await client.call_tool("ledger__get_balance", {"account_id": "acc_1"}, meta=meta)
            write = await client.call_tool("ledger__deposit", {"account_id": "acc_1", "amount": 9}, meta=meta)
            again = await client.call_tool("ledger__get_balance", {"account_id": "acc_1"}, meta=meta)
            bad = await client.call_tool("ledger__transfer", {"source": "acc_1", "target": "acc_2"}, meta=meta)
            return client.protocol_version, tools, read, write, again, bad

    version, tools, read, write, again, bad = anyio.run(scenario)
    assert version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
    ours = {
        f"{environment.name}__{spec.name}": spec
        for environment in (fixture_envs.ledger, fixture_envs.notes)
        for spec in environment.spec.tools
    }
    assert [tool.name for tool in tools] == list(ours)
    for tool in tools:
        assert tool.input_schema == ours[tool.name].input_schema
        if mode == "auto":
            assert tool.output_schema == ours[tool.name].output_schema
    start = read.structured_content["balance"]
    assert write.structured_content["balance"] == start + 9
    assert again.structured_content["balance"] == start + 9
    assert again.meta[EPISODE_ID_KEY] == meta[EPISODE_ID_KEY]
    assert bad.is_error is True
    assert json.loads(bad.content[0].text)["error"] == {
        "kind": "invalid_arguments",
        "message": json.loads(bad.content[0].text)["error"]["message"],
        "argument": "amount",
        "expected": json.loads(bad.content[0].text)["error"]["expected"],
    }


def test_an_http_session_keeps_its_own_episode(http_server):
    async def scenario():
        async with Client(http_server.url, mode="legacy") as first, Client(http_server.url, mode="legacy") as second:
            await first.call_tool("notes__add_note", {"title": "mine"})
            await first.call_tool("notes__add_note", {"title": "mine too"})
            mine = await first.call_tool("notes__count_notes", {})
            theirs = await second.call_tool("notes__count_notes", {})
            return mine, theirs

    mine, theirs = anyio.run(scenario)
    assert mine.structured_content == {"count": 2}
    assert mine.meta[EPISODE_SCOPE_KEY] == "session"
    assert theirs.structured_content == {"count": 0}


def test_a_sessionless_request_without_an_episode_id_gets_a_fresh_episode(http_server):
    async def scenario():
        async with Client(http_server.url) as client:
            written = await client.call_tool("notes__add_note", {"title": "lost"})
            counted = await client.call_tool("notes__count_notes", {})
            return written, counted

    written, counted = anyio.run(scenario)
    assert written.is_error is False
    assert written.meta[EPISODE_SCOPE_KEY] == "request"
    assert counted.structured_content == {"count": 0}


def test_named_episodes_survive_reconnection_over_http(http_server):
    meta = {EPISODE_ID_KEY: "reconnect"}

    async def scenario():
        async with Client(http_server.url) as client:
            await client.call_tool("notes__add_note", {"title": "kept"}, meta=meta)
        async with Client(http_server.url, mode="legacy") as client:
            return await client.call_tool("notes__count_notes", {}, meta=meta)

    counted = anyio.run(scenario)
    assert counted.structured_content == {"count": 1}
    assert counted.meta[EPISODE_SCOPE_KEY] == "named"


def test_a_stateless_server_has_no_sessions(start_server):
    server = start_server("local/notes", "--stateless")

    async def scenario():
        async with Client(server.url, mode="legacy") as client:
            await client.call_tool("add_note", {"title": "gone"})
            return await client.call_tool("count_notes", {})

    counted = anyio.run(scenario)
    assert counted.meta[EPISODE_SCOPE_KEY] == "request"
    assert counted.structured_content == {"count": 0}
