"""LLM client throughput: 1,000 chat requests at concurrency 64 against a stub with 100 ms latency.

What it measures: the client layer (concurrency limit, retries wrapper, cache lookups and writes
in a run store, accounting) plus the ``openai`` backend over loopback HTTP, against the stub
server running in its own process with a fixed 100 ms latency per reply.

* **cold run**: 1,000 distinct requests, concurrency 64, through the backend's default path for
  an OpenAI-compatible server (``http_transport = "auto"``, which is the direct HTTP path for any
  base URL but api.openai.com), repeated three times with fresh requests; the best time is the
  figure (as ``timeit`` does: other processes on the machine only ever add time) and the median
  is printed beside it. Compared with the *ideal* wall time (requests x latency / concurrency)
  and with a *sequential baseline* (one request at a time). The sequential baseline would take
  more than 100 s, so it is measured on a subset and extrapolated linearly (the output says so).
* **SDK path**: the same cold runs through the official SDK (``http_transport = "aiohttp"``, the
  default for api.openai.com), for comparison.
* **floor**: the same load from a bare ``aiohttp`` client (no SDK, no client layer), when aiohttp
  is installed: what this machine and the stub allow at best, so a loaded machine shows up as a
  high floor rather than as a slow client.
* **warm run**: the same 1,000 requests again with a fresh client on the same run store: every
  answer comes from the cache, and the stub counts the HTTP requests it received (should be 0).

The cold runs of the two paths and the floor are interleaved (default, SDK, floor, three times),
so a burst of load elsewhere on the machine falls on all three alike. Each run's CPU time in this
process (``time.process_time``; the stub runs in its own process) is reported per call: the
client-side work that every wave of replies waits for (docs/performance.md, "LLM client").

Run: ``python benchmarks/llm_client.py`` (needs ``envfactory-openai``; under a minute).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import _report  # noqa: F401  (imported first, it moves this folder to the end of sys.path)
from envfactory_testing.stub_llm_server import StubLLMServer

from envfactory_core.llm import ChatRequest, LLMClient, parse_settings
from envfactory_core.models import Message
from envfactory_core.store import RunStore

REQUESTS = 1000
CONCURRENCY = 64
LATENCY = 0.1
SEQUENTIAL_SAMPLE = 40
COLD_RUNS = 3
SDK_TRANSPORT = "aiohttp"


def make_client(
    base_url: str, *, store: RunStore | None, concurrency: int, cache: bool = True, transport: str = "auto"
) -> LLMClient:
    try:
        from envfactory_openai import OpenAIBackend
    except ImportError:
        sys.exit("this benchmark needs the openai backend: pip install -e plugins/envfactory-openai")
    endpoint = {"kind": "openai", "base_url": base_url, "api_key": "benchmark", "http_transport": transport}
    settings = parse_settings({"backends": {"stub": endpoint}}, environ={})
    return LLMClient(
        settings=settings,
        backends={"openai": OpenAIBackend()},
        store=store,
        concurrency=concurrency,
        cache=cache,
        timeout=30,
    )


def default_transport(base_url: str) -> str:
    """What ``http_transport = "auto"`` picks for the stub's base URL."""
    from envfactory_openai.backend import http_transport

    settings = parse_settings({"backends": {"stub": {"kind": "openai", "base_url": base_url}}}, environ={})
    return http_transport(settings.endpoint("stub"))


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


async def raw_http_floor(base_url: str, count: int) -> float:
    """The same load sent with a bare aiohttp client: what the machine and stub allow at best."""
    import aiohttp

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


def has_aiohttp() -> bool:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return False
    return True


def timed(coroutine: Coroutine[Any, Any, float]) -> tuple[float, float]:
    """``(wall seconds, CPU milliseconds per request)`` of one run on a fresh event loop."""
    cpu = time.process_time()
    wall = asyncio.run(coroutine)
    return wall, (time.process_time() - cpu) * 1000 / REQUESTS


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
        base_url = stub.openai_base_url
        transport = default_transport(base_url)
        print(f"stub server at {stub.url} (own process), latency {LATENCY * 1000:.0f} ms", file=sys.stderr)
        with RunStore(Path(folder) / "run") as store:
            # A few requests first on each path, so imports and the first connection are not timed.
            for path in ("auto", SDK_TRANSPORT):
                warmup = make_client(base_url, store=None, concurrency=4, transport=path)
                asyncio.run(run_all(warmup, requests(4, path)))

            # Cold runs: each with its own 1,000 distinct requests (nothing cached); the best of
            # COLD_RUNS is the figure, as timeit does, since other processes only ever add time.
            runs: dict[str, list[tuple[float, float]]] = {"default": [], "sdk": [], "floor": []}
            cold_requests = {"default": 0, "sdk": 0}
            for run in range(COLD_RUNS):
                for name, path in (("default", "auto"), ("sdk", SDK_TRANSPORT)):
                    fresh = batch if (run, name) == (0, "default") else requests(REQUESTS, f"{name} cold run {run}")
                    before = stub.request_count
                    client = make_client(base_url, store=store, concurrency=CONCURRENCY, transport=path)
                    runs[name].append(timed(run_all(client, fresh)))
                    cold_requests[name] = stub.request_count - before
                if has_aiohttp():
                    runs["floor"].append(timed(raw_http_floor(base_url, REQUESTS)))

            before = stub.request_count
            warm = asyncio.run(run_all(make_client(base_url, store=store, concurrency=CONCURRENCY), batch))
            warm_requests = stub.request_count - before

        sample = requests(SEQUENTIAL_SAMPLE, "sequential")
        measured = asyncio.run(run_sequential(make_client(base_url, store=None, concurrency=1), sample))
        sequential = measured / SEQUENTIAL_SAMPLE * REQUESTS

    def best(name: str) -> float:
        return min(wall for wall, _ in runs[name])

    def median(name: str) -> float:
        return statistics.median(wall for wall, _ in runs[name])

    def cpu(name: str) -> float:
        return statistics.median(cost for _, cost in runs[name])

    cold, cold_median = best("default"), median("default")
    sdk, sdk_median = best("sdk"), median("sdk")
    floor = best("floor") if runs["floor"] else None
    wall_over_ideal = cold / ideal
    rows = [
        ("ideal (requests x latency / concurrency)", ideal, REQUESTS, None),
        (f"cold run, default path ({transport}), best of {COLD_RUNS}", cold, cold_requests["default"], cpu("default")),
        (f"cold run, default path ({transport}), median of {COLD_RUNS}", cold_median, cold_requests["default"], None),
        (f"cold run, SDK path ({SDK_TRANSPORT}), best of {COLD_RUNS}", sdk, cold_requests["sdk"], cpu("sdk")),
        (f"cold run, SDK path ({SDK_TRANSPORT}), median of {COLD_RUNS}", sdk_median, cold_requests["sdk"], None),
        (f"sequential baseline (measured {SEQUENTIAL_SAMPLE}, extrapolated)", sequential, REQUESTS, None),
        ("warm run (cache in the run store)", warm, warm_requests, None),
    ]
    if floor is not None:
        rows.insert(1, (f"floor: bare aiohttp client, best of {COLD_RUNS}", floor, REQUESTS, cpu("floor")))
    print(f"\nLLM client: {REQUESTS} requests, concurrency {CONCURRENCY}, {LATENCY * 1000:.0f} ms stub latency")
    print(f"{'run':<52} {'wall s':>8} {'x ideal':>8} {'HTTP requests':>14} {'CPU ms/call':>12}")
    for name, seconds, count, cost in rows:
        cost_text = "" if cost is None else f"{cost:.3f}"
        print(f"{name:<52} {seconds:>8.3f} {seconds / ideal:>8.3f} {count:>14} {cost_text:>12}")
    print(f"\ncold wall / ideal = {wall_over_ideal:.3f} best, {cold_median / ideal:.3f} median  (target <= 1.25)")
    print(f"SDK path: {sdk / ideal:.3f} best, {sdk_median / ideal:.3f} median")
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
            "transport": transport,
            "wall_s": round(cold, 4),
            "wall_over_ideal": round(wall_over_ideal, 4),
            "wall_median_s": round(cold_median, 4),
            "wall_over_ideal_median": round(cold_median / ideal, 4),
            "client_cpu_ms_per_call": round(cpu("default"), 4),
            "cold_runs": COLD_RUNS,
            "cold_requests": cold_requests["default"],
            "sdk_transport": SDK_TRANSPORT,
            "wall_s_sdk": round(sdk, 4),
            "wall_over_ideal_sdk": round(sdk / ideal, 4),
            "wall_over_ideal_sdk_median": round(sdk_median / ideal, 4),
            "client_cpu_ms_per_call_sdk": round(cpu("sdk"), 4),
            "cold_requests_sdk": cold_requests["sdk"],
            "sequential_s_extrapolated": round(sequential, 3),
            "sequential_measured_requests": SEQUENTIAL_SAMPLE,
            "warm_wall_s": round(warm, 4),
            "warm_cache_requests": warm_requests,
            "floor_raw_http_s": None if floor is None else round(floor, 4),
            "floor_over_ideal": None if floor is None else round(floor / ideal, 4),
            "floor_cpu_ms_per_call": round(cpu("floor"), 4) if runs["floor"] else None,
        },
        "ratios": {
            "concurrent_vs_sequential": round(sequential / cold, 2),
            "warm_cache_vs_cold": round(cold / warm, 2),
            "sdk_vs_default": round(sdk / cold, 3),
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
