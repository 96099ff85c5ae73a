"""Load on loopback: 50 MCP sessions x 200 calls, no failed request, and every episode released
(memory back to its baseline) once the sessions close."""

from __future__ import annotations

import json

import anyio
import pytest
from mcp import Client

SESSIONS = 50
CALLS = 200
WARM_UP_CALLS = 50
RSS_TOLERANCE = 16 * 1024 * 1024  # allocator slack after a warm-up round of the same shape


async def _read_stats(url: str) -> dict:
    async with Client(url) as client:
        result = await client.read_resource("envfactory://server/stats")
    return json.loads(result.contents[0].text)


async def _round(url: str, calls: int) -> tuple[int, list[str]]:
    """Open SESSIONS sessions at once, make ``calls`` calls in each, close them; count successes."""
    succeeded = 0
    failures: list[str] = []

    async def session(index: int) -> None:
        nonlocal succeeded
        account = f"acc_{index % 10 + 1}"
        async with Client(url, mode="legacy") as client:
            for number in range(calls):
                try:
                    if number % 2:
                        result = await client.call_tool("get_balance", {"account_id": account})
                    else:
                        result = await client.call_tool("deposit", {"account_id": account, "amount": number + 1})
                except Exception as error:  # a transport failure counts as a failed request
                    failures.append(f"session {index} call {number}: {type(error).__name__}: {error}")
                    continue
                if result.is_error:
                    failures.append(f"session {index} call {number}: {result.content[0].text}")
                else:
                    succeeded += 1

    async with anyio.create_task_group() as group:
        for index in range(SESSIONS):
            group.start_soon(session, index)
    return succeeded, failures


async def _settled(url: str) -> dict:
    """Server stats once every closed session's episode is released (sessions end asynchronously)."""
    stats = await _read_stats(url)
    for _ in range(600):  # up to ~30 s: a bound on waiting, not a timing assertion
        if stats["live"] == 0:
            break
        await anyio.sleep(0.05)
        stats = await _read_stats(url)
    return stats


@pytest.mark.slow
def test_fifty_sessions_of_two_hundred_calls_leave_nothing_behind(start_server):
    server = start_server("local/ledger", "--management", "--max-episodes", "64")

    async def load() -> tuple:
        with anyio.fail_after(900):  # bounds the run; a hang guard, not a timing assertion
            warm_ok, warm_failures = await _round(server.url, WARM_UP_CALLS)
            warm_stats = await _settled(server.url)
            baseline = server.rss_bytes()
            peak = baseline

            async def sample() -> None:
                nonlocal peak
                while True:
                    peak = max(peak, server.rss_bytes())
                    await anyio.sleep(0.25)

            async with anyio.create_task_group() as group:
                group.start_soon(sample)
                ok, failures = await _round(server.url, CALLS)
                group.cancel_scope.cancel()
            stats = await _settled(server.url)
            return warm_ok, warm_failures, warm_stats, baseline, ok, failures, peak, stats, server.rss_bytes()

    warm_ok, warm_failures, warm_stats, baseline, ok, failures, peak, stats, after = anyio.run(load)
    assert warm_failures == []
    assert warm_ok == SESSIONS * WARM_UP_CALLS
    assert warm_stats["live"] == 0
    assert failures == [], failures[:5]
    assert ok == SESSIONS * CALLS
    assert stats["live"] == 0, stats
    assert stats["opened"] == stats["released"] == 2 * SESSIONS
    assert after - baseline < RSS_TOLERANCE, (baseline, peak, after)
    print(f"rss baseline {baseline / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB, after {after / 2**20:.1f} MiB")
