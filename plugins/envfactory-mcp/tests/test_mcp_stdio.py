"""The SDK's own client over stdio, against a spawned server process."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import anyio
import pytest
from envfactory_mcp import EPISODE_SCOPE_KEY
from mcp import Client, StdioServerParameters


def _client(command: list[str], mode: str, env: dict[str, str]) -> Client:
    return Client(StdioServerParameters(command=command[0], args=command[1:], env=env), mode=mode)


def _exercise(command, mode, env):
    async def scenario():
        async with _client(command, mode, env) as client:
            tools = (await client.list_tools()).tools
            read = await client.call_tool("get_balance", {"account_id": "acc_3"})
            write = await client.call_tool("deposit", {"account_id": "acc_3", "amount": 25})
            again = await client.call_tool("get_balance", {"account_id": "acc_3"})
            bad = await client.call_tool("deposit", {"account_id": "acc_3", "amount": "lots"})
            return client.protocol_version, tools, read, write, again, bad

    return anyio.run(scenario)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_stdio_lists_exact_schemas_and_calls_tools(fixture_envs, serve_command, child_env, mode):
    version, tools, read, write, again, bad = _exercise(serve_command("local/ledger", "--seed", "4"), mode, child_env)
    assert version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
    ours = {spec.name: spec for spec in fixture_envs.ledger.spec.tools}
    assert [tool.name for tool in tools] == list(ours)
    for tool in tools:
        assert tool.input_schema == ours[tool.name].input_schema
        assert tool.description == ours[tool.name].description
        if mode == "auto":
            assert tool.output_schema == ours[tool.name].output_schema
    assert read.is_error is False
    start = read.structured_content["balance"]
    assert write.structured_content["balance"] == start + 25
    assert again.structured_content == {"account_id": "acc_3", "balance": start + 25}
    assert again.meta[EPISODE_SCOPE_KEY] == "connection"
    assert bad.is_error is True
    assert json.loads(bad.content[0].text)["error"]["kind"] == "invalid_arguments"
    assert json.loads(bad.content[0].text)["error"]["argument"] == "amount"


def test_the_envfactory_serve_command_speaks_stdio(fixture_plugins_dir, child_env):
    executable = shutil.which("envfactory", path=str(Path(sys.executable).parent))
    assert executable, "the envfactory console script is installed next to the interpreter"
    command = [executable, "--plugins-dir", str(fixture_plugins_dir), "serve", "local/ledger", "local/notes"]
    _, tools, read, write, again, bad = _exercise_prefixed(command, child_env)
    assert {tool.name for tool in tools} >= {"ledger__deposit", "notes__add_note"}
    assert read.is_error is False
    assert write.structured_content["title"] == "groceries"
    assert again.structured_content == {"count": 1}
    assert json.loads(bad.content[0].text)["error"]["kind"] == "unknown_tool"


def _exercise_prefixed(command, env):
    async def scenario():
        async with _client(command, "auto", env) as client:
            tools = (await client.list_tools()).tools
            read = await client.call_tool("ledger__get_balance", {"account_id": "acc_1"})
            write = await client.call_tool("notes__add_note", {"title": "groceries", "tags": ["home"]})
            again = await client.call_tool("notes__count_notes", {})
            bad = await client.call_tool("deposit", {"account_id": "acc_1", "amount": 1})
            return client.protocol_version, tools, read, write, again, bad

    return anyio.run(scenario)
