"""Serving semantics through the SDK's in-process client: episodes, errors, management."""

from __future__ import annotations

import json

import anyio
import pytest
from envfactory_mcp import EPISODE_ID_KEY, EPISODE_SCOPE_KEY, MANAGEMENT_KEY, EnvironmentServer
from mcp import Client

from envfactory_core.env import World

MODES = ["auto", "legacy"]  # the 2026-07-28 protocol, and the 2025-11-25 handshake


def run(function, *args):
    return anyio.run(function, *args)


@pytest.mark.parametrize("mode", MODES)
def test_each_client_connection_has_its_own_episode(fixture_envs, mode):
    server = EnvironmentServer([fixture_envs.ledger], seed=1)
    lowlevel = server.mcp_server()
    initial = World.open([fixture_envs.ledger], seed=1).call("get_balance", {"account_id": "acc_2"}).output["balance"]

    async def scenario():
        async with Client(lowlevel, mode=mode) as first, Client(lowlevel, mode=mode) as second:
            one = await first.call_tool("deposit", {"account_id": "acc_2", "amount": 10})
            two = await first.call_tool("deposit", {"account_id": "acc_2", "amount": 5})
            other = await second.call_tool("get_balance", {"account_id": "acc_2"})
            assert one.meta[EPISODE_SCOPE_KEY] == "connection"
            return one.structured_content, two.structured_content, other.structured_content, server.pool.live

    one, two, other, live = run(scenario)
    assert one["balance"] == initial + 10
    assert two["balance"] == initial + 15
    assert other == {"account_id": "acc_2", "balance": initial}
    assert live == 2
    assert server.pool.live == 0  # both connections closed: both episodes released


@pytest.mark.parametrize("mode", MODES)
def test_named_episodes_outlive_connections_and_stay_apart(fixture_envs, mode):
    server = EnvironmentServer([fixture_envs.ledger])
    lowlevel = server.mcp_server()

    async def scenario():
        async with Client(lowlevel, mode=mode) as client:
            await client.call_tool("deposit", {"account_id": "acc_1", "amount": 3}, meta={EPISODE_ID_KEY: "rollout-a"})
            await client.call_tool(
                "deposit", {"account_id": "acc_1", "amount": 100}, meta={EPISODE_ID_KEY: "rollout-b"}
            )
        async with Client(lowlevel, mode=mode) as client:
            a = await client.call_tool("get_balance", {"account_id": "acc_1"}, meta={EPISODE_ID_KEY: "rollout-a"})
            b = await client.call_tool("get_balance", {"account_id": "acc_1"}, meta={EPISODE_ID_KEY: "rollout-b"})
            own = await client.call_tool("get_balance", {"account_id": "acc_1"})
        return a, b, own

    a, b, own = run(scenario)
    start = own.structured_content["balance"]
    assert a.structured_content["balance"] == start + 3
    assert b.structured_content["balance"] == start + 100
    assert a.meta[EPISODE_SCOPE_KEY] == "named"
    assert a.meta[EPISODE_ID_KEY] == "rollout-a"
    assert set(server.pool.named_ids) == {"rollout-a", "rollout-b"}


@pytest.mark.parametrize("mode", MODES)
def test_bad_calls_are_tool_errors_with_structured_failures(fixture_envs, mode):
    server = EnvironmentServer([fixture_envs.ledger], max_episodes=2)
    lowlevel = server.mcp_server()

    async def scenario():
        async with Client(lowlevel, mode=mode) as client:
            return {
                "invalid": await client.call_tool("deposit", {"account_id": "acc_1", "amount": 0}),
                "missing": await client.call_tool("deposit", {"amount": 5}),
                "refused": await client.call_tool("transfer", {"source": "acc_1", "target": "acc_2", "amount": 10**6}),
                "unknown": await client.call_tool("withdraw", {"account_id": "acc_1"}),
                "not_found": await client.call_tool("get_balance", {"account_id": "acc_404"}),
                "bad_id": await client.call_tool("get_balance", {"account_id": "acc_1"}, meta={EPISODE_ID_KEY: ""}),
                # the connection's episode and one named episode fill max_episodes=2
                "named": await client.call_tool("get_balance", {"account_id": "acc_1"}, meta={EPISODE_ID_KEY: "x"}),
                "limit": await client.call_tool("get_balance", {"account_id": "acc_1"}, meta={EPISODE_ID_KEY: "y"}),
            }

    results = run(scenario)
    expected_kinds = {
        "invalid": "invalid_arguments",
        "missing": "invalid_arguments",
        "refused": "tool_error",
        "unknown": "unknown_tool",
        "not_found": "tool_error",
        "bad_id": "invalid_arguments",
        "limit": "limit",
    }
    for name, kind in expected_kinds.items():
        result = results[name]
        assert result.is_error is True, name
        assert json.loads(result.content[0].text)["error"]["kind"] == kind, name
        assert result.structured_content is None, name
    assert json.loads(results["invalid"].content[0].text)["error"]["argument"] == "amount"
    assert json.loads(results["missing"].content[0].text)["error"]["argument"] == "account_id"
    assert json.loads(results["bad_id"].content[0].text)["error"]["argument"] == f"_meta.{EPISODE_ID_KEY}"
    assert results["named"].is_error is False


def test_management_is_absent_unless_enabled(fixture_envs):
    server = EnvironmentServer([fixture_envs.ledger])

    async def scenario():
        async with Client(server.mcp_server()) as client:
            listed = await client.list_tools(meta={MANAGEMENT_KEY: True})
            reset = await client.call_tool("envfactory__reset", {"seed": 2})
            return [tool.name for tool in listed.tools], reset, client.server_capabilities

    names, reset, capabilities = run(scenario)
    assert not any(name.startswith("envfactory__") for name in names)
    assert reset.is_error is True
    assert json.loads(reset.content[0].text)["error"]["kind"] == "unknown_tool"
    assert capabilities.resources is None


@pytest.mark.parametrize("mode", MODES)
def test_management_tools_reset_hash_diff_and_close(fixture_envs, mode):
    server = EnvironmentServer([fixture_envs.ledger, fixture_envs.notes], management=True, seed=0)
    lowlevel = server.mcp_server()
    reference = World.open([fixture_envs.ledger, fixture_envs.notes], seed=5)
    reference.call("notes__add_note", {"title": "hello"})
    seeded_state = World.open([fixture_envs.ledger, fixture_envs.notes], seed=9).state()

    async def scenario():
        async with Client(lowlevel, mode=mode) as harness:
            plain = [tool.name for tool in (await harness.list_tools()).tools]
            managed = [tool.name for tool in (await harness.list_tools(meta={MANAGEMENT_KEY: True})).tools]
            reset = await harness.call_tool("envfactory__reset", {"seed": 5})
            await harness.call_tool("notes__add_note", {"title": "hello"})
            state_hash = await harness.call_tool("envfactory__state_hash", {})
            diff = await harness.call_tool("envfactory__diff", {})
            both = await harness.call_tool("envfactory__reset", {"seed": 1, "state": {}})
            stranger = await harness.call_tool("envfactory__reset", {"state": {"mars": {}}})
            to_state = await harness.call_tool("envfactory__reset", {"state": seeded_state})
            closed = await harness.call_tool("envfactory__close_episode", {})
            fresh = await harness.call_tool("envfactory__state_hash", {})
            return plain, managed, reset, state_hash, diff, both, stranger, to_state, closed, fresh

    plain, managed, reset, state_hash, diff, both, stranger, to_state, closed, fresh = run(scenario)
    assert not any(name.startswith("envfactory__") for name in plain)
    assert {"envfactory__reset", "envfactory__state_hash", "envfactory__diff", "envfactory__close_episode"} <= set(
        managed
    )
    assert reset.is_error is False
    assert state_hash.structured_content["state_hash"] == reference.state_hash()
    assert state_hash.structured_content["environments"] == reference.hashes()
    changes = diff.structured_content["changes"]
    assert [(c["environment"], c["table"], c["change"]) for c in changes] == [("notes", "notes", "added")]
    assert json.loads(both.content[0].text)["error"]["kind"] == "invalid_arguments"
    assert "mars" in json.loads(stranger.content[0].text)["error"]["message"]
    assert (
        to_state.structured_content["state_hash"]
        == World.open([fixture_envs.ledger, fixture_envs.notes], seed=9).state_hash()
    )
    assert closed.structured_content == {"closed": True}
    assert (
        fresh.structured_content["state_hash"]
        == World.open([fixture_envs.ledger, fixture_envs.notes], seed=0).state_hash()
    )


def test_management_resources_read_the_addressed_episode(fixture_envs):
    server = EnvironmentServer([fixture_envs.ledger], management=True)
    lowlevel = server.mcp_server()

    async def scenario():
        async with Client(lowlevel) as harness:
            meta = {EPISODE_ID_KEY: "r1"}
            await harness.call_tool("open_account", {"owner": "Ada"}, meta=meta)
            listed = [str(resource.uri) for resource in (await harness.list_resources()).resources]
            state = await harness.read_resource("envfactory://episode/state", meta=meta)
            hashes = await harness.read_resource("envfactory://episode/state_hash", meta=meta)
            diff = await harness.read_resource("envfactory://episode/diff", meta=meta)
            stats = await harness.read_resource("envfactory://server/stats")
            return listed, state, hashes, diff, stats

    listed, state, hashes, diff, stats = run(scenario)
    assert set(listed) == {
        "envfactory://episode/state",
        "envfactory://episode/state_hash",
        "envfactory://episode/diff",
        "envfactory://server/stats",
    }
    owners = [row["owner"] for row in json.loads(state.contents[0].text)["ledger"]["accounts"].values()]
    assert "Ada" in owners
    named = server.pool.named("r1")
    assert json.loads(hashes.contents[0].text)["state_hash"] == named.state_hash()
    assert json.loads(diff.contents[0].text)["changes"][0]["change"] == "added"
    assert json.loads(stats.contents[0].text)["named"] == 1
