"""The offline pipeline: tasks per second with one and two workers, and the run store's size.

Runs `envfactory run` on the installed domains (the built-in offline pipeline) into fresh
directories, once with `--workers 1` and once with `--workers 2`, and reads each run's own stage
timings. Tasks per second count kept tasks over the time of the work-item stage (grounding,
requests, gates, the oracle agent and scoring); environment verification, the graph and the
export are the same for both and reported apart. With the Ray plugin installed, a third line runs
the same pipeline with `--executor ray/executor`.

    python benchmarks/pipeline.py [--tasks N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import _report  # imported first, it moves this folder to the end of sys.path


def run(out: Path, tasks: int, workers: int, executor: str = "core/local") -> dict[str, Any]:
    command = [
        sys.executable,
        "-c",
        "from envfactory_core.cli import main; main()",
        "run",
        "--out",
        str(out),
        "--tasks",
        str(tasks),
        "--workers",
        str(workers),
        "--executor",
        executor,
        "--quiet",
        "--json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    summary: dict[str, Any] = json.loads(result.stdout)
    seconds = {stage["stage"]: stage["seconds"] for stage in summary["stages"]}
    store_bytes = (out / "run.sqlite").stat().st_size
    for suffix in ("-wal", "-shm"):
        extra = out / f"run.sqlite{suffix}"
        if extra.exists():
            store_bytes += extra.stat().st_size
    return {
        "kept": summary["kept"],
        "item_seconds": seconds.get("items", 0.0),
        "setup_seconds": seconds.get("verify", 0.0) + seconds.get("graph", 0.0) + seconds.get("sample", 0.0),
        "export_seconds": seconds.get("export", 0.0),
        "tasks_per_s": summary["kept"] / seconds["items"] if seconds.get("items") else 0.0,
        "store_mb": store_bytes / 1e6,
    }


def write_docs(table: str) -> None:
    body = (
        "## Pipeline\n\nMeasured by `python benchmarks/pipeline.py` on a 2-core machine: the built-in offline "
        "pipeline on the seven shipped domains. Tasks per second count kept tasks over the work-item stage (grounding, "
        "requests, gates, the oracle agent and scoring).\n\n"
        f"{table}\n\n"
        "Two workers run work items in two processes; the driver commits results in chain order, so outputs are "
        "byte-identical to one worker. The store holds every task, trajectory, gate report and world state "
        "(content-addressed, so states shared by tasks are stored once).\n"
    )
    _report.write_section("pipeline", body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=200, help="Tasks to keep per run (default 200).")
    parser.add_argument("--write-docs", action="store_true", help="Write the table into docs/performance.md.")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for label, workers, executor in (("workers_1", 1, "core/local"), ("workers_2", 2, "core/local")):
            results[label] = run(Path(scratch) / label, args.tasks, workers, executor)
        if (
            importlib.util.find_spec("envfactory_ray") is not None
            and os.environ.get("ENVFACTORY_BENCH_RAY", "1") != "0"
        ):
            results["ray_2"] = run(Path(scratch) / "ray", args.tasks, 2, "ray/executor")
    lines = [
        "| run | tasks kept | work-item stage | tasks/s | verify + graph + sample | export | store size "
        "| store MB per 1,000 tasks |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, result in results.items():
        per_thousand = result["store_mb"] / result["kept"] * 1000 if result["kept"] else 0.0
        lines.append(
            f"| {label.replace('_', ' ')} | {result['kept']} | {result['item_seconds']:.1f} s "
            f"| {result['tasks_per_s']:.1f} | {result['setup_seconds']:.1f} s | {result['export_seconds']:.2f} s "
            f"| {result['store_mb']:.1f} MB | {per_thousand:.1f} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write_docs:
        write_docs(table)
    one, two = results["workers_1"], results["workers_2"]
    figures: dict[str, float] = {
        "tasks_per_s_workers_1": round(one["tasks_per_s"], 3),
        "tasks_per_s_workers_2": round(two["tasks_per_s"], 3),
        "store_mb_per_1000_tasks": round(one["store_mb"] / one["kept"] * 1000, 3) if one["kept"] else 0.0,
    }
    ratios: dict[str, float] = {
        "workers_2_vs_1": round(two["tasks_per_s"] / one["tasks_per_s"], 3) if one["tasks_per_s"] else 0.0
    }
    if "ray_2" in results:
        figures["tasks_per_s_ray_2"] = round(results["ray_2"]["tasks_per_s"], 3)
        ratios["ray_2_vs_local_2"] = (
            round(results["ray_2"]["tasks_per_s"] / two["tasks_per_s"], 3) if two["tasks_per_s"] else 0.0
        )
    print(json.dumps({"benchmark": "pipeline", "figures": figures, "ratios": ratios}, sort_keys=True))


if __name__ == "__main__":
    main()
