"""The official TypeScript SDK client (``@modelcontextprotocol/sdk``) against our server, over stdio and HTTP.

The TypeScript client is the one under the MCP Inspector and most agent hosts, and it is stricter
than the Python one: it checks any structured content of a tool with an output schema against that
schema, error results included. So a failing call must come back as a tool error whose text says
what went wrong, and a successful one with structured content that matches the schema.

The SDK is installed by ``.ci/setup.d/20-mcp-typescript-sdk.sh`` into ``ts_client/node_modules``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from envfactory_testing.requirements import missing, require_program

CLIENT_DIR = Path(__file__).parent / "ts_client"
SETUP_HINT = "run `bash .ci/setup.d/20-mcp-typescript-sdk.sh` (npm install of @modelcontextprotocol/sdk)"

CALLS = [
    {"name": "ledger__get_balance", "arguments": {"account_id": "acc_1"}},
    # the amount is out of range: a tool error, on a tool that has an output schema
    {"name": "ledger__deposit", "arguments": {"account_id": "acc_1", "amount": 0}},
    # refused by the tool itself (it would overdraw the account)
    {"name": "ledger__transfer", "arguments": {"source": "acc_1", "target": "acc_2", "amount": 10**6}},
    {"name": "ledger__withdraw", "arguments": {"account_id": "acc_1"}},
]


def _run_client(spec: dict[str, Any]) -> dict[str, Any]:
    node = require_program("node", "install Node.js 18 or later")
    if not (CLIENT_DIR / "node_modules" / "@modelcontextprotocol" / "sdk" / "package.json").is_file():
        missing(f"@modelcontextprotocol/sdk is not installed in {CLIENT_DIR}: {SETUP_HINT}")
    done = subprocess.run(
        [node, str(CLIENT_DIR / "client.mjs"), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _check(outcome: dict[str, Any]) -> None:
    tools = {tool["name"]: tool for tool in outcome["tools"]}
    assert {"ledger__get_balance", "ledger__deposit", "ledger__transfer", "notes__add_note"} <= set(tools)
    assert tools["ledger__deposit"]["hasOutputSchema"] is True
    good, invalid, refused, unknown = outcome["calls"]
    for call in outcome["calls"]:
        assert "thrown" not in call, call["thrown"]
    assert good["result"].get("isError") is not True
    assert good["result"]["structuredContent"]["account_id"] == "acc_1"
    errors = {}
    for name, call in {"invalid": invalid, "refused": refused, "unknown": unknown}.items():
        result = call["result"]
        assert result["isError"] is True, name
        assert "structuredContent" not in result, name
        errors[name] = json.loads(result["content"][0]["text"])["error"]
    assert errors["invalid"]["kind"] == "invalid_arguments"
    assert errors["invalid"]["argument"] == "amount"
    assert errors["refused"]["kind"] == "tool_error"
    assert errors["unknown"]["kind"] == "unknown_tool"
    assert "ledger__withdraw" in errors["unknown"]["message"]


def test_the_typescript_client_over_stdio(serve_command, child_env):
    command = serve_command("local/ledger", "local/notes", "--seed", "3")
    _check(_run_client({"transport": "stdio", "command": command, "env": child_env, "calls": CALLS}))


@pytest.mark.slow
def test_the_typescript_client_over_streamable_http(http_server):
    _check(_run_client({"transport": "http", "url": http_server.url, "calls": CALLS}))
