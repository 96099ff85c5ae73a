"""Fifty concurrent clients writing at once: each sees only its own writes, and its final state
hash equals the hash of the same calls replayed in-process."""

from __future__ import annotations

import json

import anyio
import pytest
from envfactory_mcp import EPISODE_ID_KEY, EPISODE_SCOPE_KEY, MANAGEMENT_KEY
from mcp import Client

from envfactory_core.env import World

SESSIONS = 50
SEED = 3  # the shared http_server's --seed


def plan(index: int) -> list[tuple[str, dict]]:
    """Writes that differ for every client (some transfers are refused, which must replay too)."""
    own = f"acc_{index % 10 + 1}"
    calls = [
        ("ledger__deposit", {"account_id": own, "amount": index + 1}),
        ("ledger__open_account", {"owner": f"client {index}"}),
        ("notes__add_note", {"title": f"note of client {index}", "tags": [f"c{index}"]}),
        (
            "ledger__transfer",
            {"source": f"acc_{(index + 3) % 10 + 1}", "target": own, "amount": (index * 37) % 400 + 1},
        ),
    ]
    if index % 2:
        calls.append(("notes__add_note", {"title": f"second note of client {index}"}))
    else:
        calls.append(("ledger__deposit", {"account_id": own, "amount": 1000 + index}))
    return calls


def probes(index: int) -> list[tuple[str, dict]]:
    return [
        ("ledger__list_accounts", {}),
        ("notes__count_notes", {}),
        ("ledger__get_balance", {"account_id": f"acc_{index % 10 + 1}"}),
    ]


def replay(fixture_envs, index: int) -> tuple[list, str]:
    world = World.open([fixture_envs.ledger, fixture_envs.notes], seed=SEED)
    payloads = [world.call(name, arguments).as_payload() for name, arguments in plan(index) + probes(index)]
    return payloads, world.state_hash()


@pytest.mark.parametrize(
    ("mode", "scope"),
    [("auto", "named"), ("legacy", "session")],
    ids=["episode-id-in-meta", "mcp-session"],
)
def test_fifty_concurrent_clients_see_only_their_own_writes(fixture_envs, http_server, mode, scope):
    results: dict[int, tuple[list, list[str], str]] = {}

    async def client(index: int) -> None:
        meta = {EPISODE_ID_KEY: f"isolation-{index}"} if scope == "named" else None
        async with Client(http_server.url, mode=mode) as session:
            await session.list_tools(meta={MANAGEMENT_KEY: True})
            payloads, scopes = [], []
            for name, arguments in plan(index) + probes(index):
                result = await session.call_tool(name, arguments, meta=meta)
                # the text content is the payload an agent reads, on every protocol version
                payloads.append(json.loads(result.content[0].text))
                scopes.append(result.meta[EPISODE_SCOPE_KEY])
                await anyio.sleep(0)
            final = await session.call_tool("envfactory__state_hash", {}, meta=meta)
            results[index] = (payloads, scopes, final.structured_content["state_hash"])
            if scope == "named":
                await session.call_tool("envfactory__close_episode", {}, meta=meta)

    async def everyone() -> None:
        with anyio.fail_after(300):  # a hang guard, not a timing assertion
            async with anyio.create_task_group() as group:
                for index in range(SESSIONS):
                    group.start_soon(client, index)

    anyio.run(everyone)

    assert sorted(results) == list(range(SESSIONS))
    for index, (payloads, scopes, state_hash) in results.items():
        expected_payloads, expected_hash = replay(fixture_envs, index)
        assert set(scopes) == {scope}
        # every answer, writes and reads, equals the in-process replay of this client's calls alone
        assert payloads == expected_payloads, f"client {index}"
        assert state_hash == expected_hash, f"client {index}"
        accounts, notes, _ = payloads[-3:]
        owners = {account["owner"] for account in accounts}
        assert f"client {index}" in owners
        assert not {f"client {other}" for other in range(SESSIONS) if other != index} & owners
        assert notes == {"count": 2 if index % 2 else 1}
    assert len({state_hash for _, _, state_hash in results.values()}) == SESSIONS
