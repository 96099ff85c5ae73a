"""LLM client throughput: 1,000 chat requests at concurrency 64 against a stub with 100 ms latency.

What it measures: the client layer (concurrency limit, retries wrapper, cache lookups and writes
in a run store, accounting) plus the real ``openai`` SDK over loopback HTTP, against the stub
server running in its own process with a fixed 100 ms latency per reply.

* **cold run**: 1,000 distinct requests, concurrency 64, repeated three times with fresh requests;
  the best time is the figure (as ``timeit`` does: other processes on the machine only ever add
  time) and the median is printed beside it. Compared with the *ideal* wall time
  (requests x latency / concurrency) and with a *sequential baseline* (one request at a time).
  The sequential baseline would take more than 100 s, so it is measured on a subset and
  extrapolated linearly (the output says so).
* **floor**: the same load from a bare ``aiohttp`` client (no SDK, no client layer), when aiohttp
  is installed: what this machine and the stub allow at best, so a loaded machine shows up as a
  high floor rather than as a slow client.
* **warm run**: the same 1,000 requests again with a fresh client on the same run store: every
  answer comes from the cache, and the stub counts the HTTP requests it received (should be 0).

Run: ``python benchmarks/llm_client.py`` (needs ``envfactory-openai``; under a minute).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from envfactory_core.llm import ChatRequest, LLMClient, parse_settings
from envfactory_core.models import Message
from envfactory_core.store import RunStore
from envfactory_core.testing.stub_llm_server import StubLLMServer

REQUESTS = 1000
CONCURRENCY = 64
LATENCY = 0.1
SEQUENTIAL_SAMPLE = 40
COLD_RUNS = 3


def make_client(base_url: str, *, store: RunStore | None, concurrency: int, cache: bool = True) -> LLMClient:
    try:
        from envfactory_openai import OpenAIBackend
    except ImportError:
        sys.exit("this benchmark needs the openai backend: pip install -e plugins/envfactory-openai")
    settings = parse_settings(
        {"backends": {"stub": {"kind": "openai", "base_url": base_url, "api_key": "benchmark"}}}, environ={}
    )
    return LLMClient(
        settings=settings,
        backends={"openai": OpenAIBackend()},
        store=store,
        concurrency=concurrency,
        cache=cache,
        timeout=30,
    )


def requests(count: int, prefix: str = "request") -> list[ChatRequest]:
    return [
        ChatRequest(
            model="stub/bench-model",
            messages=[
                Message(role="system", content="You write user requests for tool-use tasks."),
                Message(role="user", content=f"{prefix} {index}: book a table for {index % 7 + 1} people."),
            ],
            temperature=0.0,
            max_tokens=64,
        )
        for index in range(count)
    ]


async def run_all(client: LLMClient, batch: list[ChatRequest]) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(client.chat(request, stage="benchmark") for request in batch))
    elapsed = time.perf_counter() - started
    await client.aclose()
    return elapsed


async def raw_http_floor(base_url: str, count: int) -> float | None:
    """The same load sent with a bare aiohttp client: what the machine and stub allow at best."""
    try:
        import aiohttp
    except ImportError:
        return None
    limit = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession() as session:

        async def one(index: int) -> None:
            async with limit:
                body = {"model": "bench-model", "messages": [{"role": "user", "content": f"floor {index}"}]}
                async with session.post(f"{base_url}/chat/completions", json=body) as response:
                    await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(one(index) for index in range(count)))
        return time.perf_counter() - started


async def run_sequential(client: LLMClient, batch: list[ChatRequest]) -> float:
    started = time.perf_counter()
    for request in batch:
        await client.chat(request, stage="baseline")
    elapsed = time.perf_counter() - started
    await client.aclose()
    return elapsed


def main() -> None:
    batch = requests(REQUESTS)
    ideal = REQUESTS * LATENCY / CONCURRENCY
    with StubLLMServer.spawn(latency=LATENCY) as stub, tempfile.TemporaryDirectory() as folder:
        print(f"stub server at {stub.url} (own process), latency {LATENCY * 1000:.0f} ms", file=sys.stderr)
        with RunStore(Path(folder) / "run") as store:
            # A few requests first, so imports and the first connection are not timed.
            asyncio.run(run_all(make_client(stub.openai_base_url, store=None, concurrency=4), requests(4, "warmup")))

            # Cold runs: each with its own 1,000 distinct requests (nothing cached); the best of
            # COLD_RUNS is the figure, as timeit does, since other processes only ever add time.
            colds: list[float] = []
            cold_requests = 0
            for run in range(COLD_RUNS):
                fresh = batch if run == 0 else requests(REQUESTS, f"cold run {run}")
                before = stub.request_count
                client = make_client(stub.openai_base_url, store=store, concurrency=CONCURRENCY)
                colds.append(asyncio.run(run_all(client, fresh)))
                cold_requests = stub.request_count - before
            cold = min(colds)
            cold_median = sorted(colds)[len(colds) // 2]

            before = stub.request_count
            warm = asyncio.run(run_all(make_client(stub.openai_base_url, store=store, concurrency=CONCURRENCY), batch))
            warm_requests = stub.request_count - before

        floor = asyncio.run(raw_http_floor(stub.openai_base_url, REQUESTS))
        sample = requests(SEQUENTIAL_SAMPLE, "sequential")
        measured = asyncio.run(run_sequential(make_client(stub.openai_base_url, store=None, concurrency=1), sample))
        sequential = measured / SEQUENTIAL_SAMPLE * REQUESTS

    wall_over_ideal = cold / ideal
    rows = [
        ("ideal (requests x latency / concurrency)", ideal, REQUESTS),
        (f"cold run, concurrency {CONCURRENCY} (best of {COLD_RUNS})", cold, cold_requests),
        (f"cold run, concurrency {CONCURRENCY} (median of {COLD_RUNS})", cold_median, cold_requests),
        (f"sequential baseline (measured {SEQUENTIAL_SAMPLE}, extrapolated)", sequential, REQUESTS),
        ("warm run (cache in the run store)", warm, warm_requests),
    ]
    if floor is not None:
        rows.insert(1, ("floor: bare aiohttp client, no SDK, no client layer", floor, REQUESTS))
    print(f"\nLLM client: {REQUESTS} requests, {LATENCY * 1000:.0f} ms stub latency")
    print(f"{'run':<58} {'wall s':>9} {'HTTP requests':>14}")
    for name, seconds, count in rows:
        print(f"{name:<58} {seconds:>9.3f} {count:>14}")
    print(f"\ncold wall / ideal = {wall_over_ideal:.3f} best, {cold_median / ideal:.3f} median  (target <= 1.25)")
    print(f"sequential / cold = {sequential / cold:.1f}x;  cold / warm = {cold / warm:.1f}x")
    print(
        f"note: the sequential baseline was measured on {SEQUENTIAL_SAMPLE} requests "
        f"({measured:.2f} s) and extrapolated to {REQUESTS}, since running all would take > 100 s"
    )
    result = {
        "benchmark": "llm_client",
        "figures": {
            "requests": REQUESTS,
            "concurrency": CONCURRENCY,
            "latency_s": LATENCY,
            "ideal_s": round(ideal, 4),
            "wall_s": round(cold, 4),
            "wall_over_ideal": round(wall_over_ideal, 4),
            "wall_median_s": round(cold_median, 4),
            "wall_over_ideal_median": round(cold_median / ideal, 4),
            "cold_runs": COLD_RUNS,
            "cold_requests": cold_requests,
            "sequential_s_extrapolated": round(sequential, 3),
            "sequential_measured_requests": SEQUENTIAL_SAMPLE,
            "warm_wall_s": round(warm, 4),
            "warm_cache_requests": warm_requests,
            "floor_raw_http_s": None if floor is None else round(floor, 4),
            "floor_over_ideal": None if floor is None else round(floor / ideal, 4),
        },
        "ratios": {
            "concurrent_vs_sequential": round(sequential / cold, 2),
            "warm_cache_vs_cold": round(cold / warm, 2),
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
