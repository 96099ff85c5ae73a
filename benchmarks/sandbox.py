"""The sandbox: a sandboxed tool call beside the same call in-process, and what starting a worker costs.

One environment (named counters, a read and a write tool) runs twice in the same process: as an
ordinary in-process :class:`~envfactory_core.env.Environment` (trusted code) and as a
:class:`~envfactory_envgen.sandbox.SandboxedEnvironment`, whose every call crosses a socket to a
worker confined by bubblewrap, its own uid, seccomp and rlimits, and whose reply the host checks
(size, depth, schema, the changed rows against the tables, the state hash it derives itself).
Reported: p50 and p99 per call, the fork server's start, an episode's start (a fork, loading the
module, opening the state), CPU time beside wall time, and the load average.

    python benchmarks/sandbox.py [--calls N] [--write-docs]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import _report  # imported first, it moves this folder to the end of sys.path
from envfactory_envgen.sandbox import ForkServer, SandboxedEnvironment
from envfactory_envgen.sandbox.loading import exec_module
from envfactory_testing.sandbox_sources import counters_source

SOURCE = counters_source('[{"name": f"c{index}", "value": index} for index in range(50)]')


def samples(function: Callable[[], Any], count: int, warmup: int = 50) -> list[float]:
    for _ in range(warmup):
        function()
    taken = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        taken.append(time.perf_counter() - start)
    return taken


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    wall_start, cpu_start = time.perf_counter(), cpu_seconds()

    in_process = exec_module(SOURCE, "<bench>")["environment"]
    start = time.perf_counter()
    server = ForkServer()
    server_start = time.perf_counter() - start
    sandboxed = SandboxedEnvironment(SOURCE, filename="<bench>", server=server)
    starts = []
    for _ in range(20):
        start = time.perf_counter()
        sandboxed.episode(seed=0).close()
        starts.append(time.perf_counter() - start)

    rows: list[tuple[str, list[float], list[float]]] = []
    local = in_process.episode(seed=0)
    remote = sandboxed.episode(seed=0)
    for label, tool, arguments in (
        ("read call", "read", {"name": "c7"}),
        ("write call", "bump", {"name": "c7"}),
    ):
        local_times = samples(lambda: local.call(tool, arguments), args.calls)  # noqa: B023 - called at once
        remote_times = samples(lambda: remote.call(tool, arguments), args.calls)  # noqa: B023
        rows.append((label, local_times, remote_times))
    assert remote.state() == local.state(), "the two episodes ran the same calls and must hold the same state"
    assert remote.state_hash() == local.state_hash()
    remote.close()
    sandboxed.close()
    server.close()

    wall, cpu = time.perf_counter() - wall_start, cpu_seconds() - cpu_start
    load = os.getloadavg()
    isolation = sandboxed.isolation

    def ms(value: float) -> str:
        return f"{value * 1000:.3f} ms"

    lines = [
        "## Sandbox",
        "",
        f"Measured by `python benchmarks/sandbox.py` ({args.calls:,} calls of each kind after a warm-up, one "
        f"process, un-niced; wall {wall:.1f} s, CPU {cpu:.1f} s of this process and the children it waited for, "
        "load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on 2 cores). The same environment runs in-process and "
        f"in the sandbox ({isolation.get('os', '?')}, {isolation.get('user', '?')}, "
        f"{isolation.get('syscalls', '?')}); the two episodes end in the same state and the same hash.",
        "",
        "| measure | in-process p50 | in-process p99 | sandboxed p50 | sandboxed p99 |",
        "|---|---|---|---|---|",
    ]
    for label, local_times, remote_times in rows:
        lines.append(
            f"| {label} | {ms(statistics.median(local_times))} | {ms(percentile(local_times, 0.99))} | "
            f"{ms(statistics.median(remote_times))} | {ms(percentile(remote_times, 0.99))} |"
        )
    lines += [
        "",
        "| start-up | time |",
        "|---|---|",
        f"| fork server (bubblewrap, interpreter, SDK import) | {ms(server_start)} |",
        f"| episode: fork a worker, confine it, load the module, open the state (p50 of 20) | "
        f"{ms(statistics.median(starts))} |",
        "",
        "A sandboxed call adds one round trip over a socket pair and the host's checks of the reply; the "
        "worker is persistent (one per episode, forked from the fork server), so no call starts a process. "
        "The must-hold figure is a sandboxed call at p50 ≤ 2 ms.",
    ]
    body = "\n".join(lines)
    print(body)
    if args.write_docs:
        _report.write_section("sandbox", body)


if __name__ == "__main__":
    main()
