"""Tasks per second with the Ray executor beside the local executor, on this machine.

    python plugins/envfactory-ray/benchmarks/ray_vs_local.py [--tasks 60] [--workers 2]

Runs the offline default pipeline with the same seed, taking turns between ``core/local`` and the
Ray executor on a local Ray instance (same number of workers, best of ``--repeats`` runs each),
prints a table, and ends with one line of
JSON: ``{"benchmark": "ray_vs_local", "figures": {...}, "ratios": {...}}`` (a ratio above 1 means
Ray was faster than the local executor). See docs/performance.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import json
import os

from envfactory_ray.bench import measure
from rich.console import Console
from rich.table import Table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=60, help="tasks to keep per run (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="workers for both executors (default 2)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per executor, best kept (default 2)")
    arguments = parser.parse_args()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    result = measure(tasks=arguments.tasks, workers=arguments.workers, repeats=arguments.repeats)
    local, ray = result["local"], result["ray"]
    table = Table(
        title=(
            f"work-item stage, {result['tasks']} tasks, {result['workers']} workers, {os.cpu_count()} CPUs, "
            f"best of {result['repeats']} runs each"
        )
    )
    for column in ("executor", "tasks/s", "items stage", "start-up", "shut-down", "tasks/s after start-up"):
        table.add_column(column, justify="left" if column == "executor" else "right")
    for label, entry in (("core/local (process pool)", local), ("ray/executor (local Ray instance)", ray)):
        table.add_row(
            label,
            f"{entry['tasks_per_s']:.2f}",
            f"{entry['items_seconds']:.1f} s",
            f"{entry['startup_seconds']:.1f} s",
            f"{entry['close_seconds']:.1f} s",
            f"{entry['steady_tasks_per_s']:.2f}",
        )
    console = Console(width=120)
    console.print(table)
    console.print(
        f"Ray / local: {result['ray_vs_local']:.2f}x end to end, {result['ray_steady_vs_local']:.2f}x after start-up; "
        f"same output bytes: {'yes' if result['identical_outputs'] else 'NO'}"
    )
    figures = {key: result[key] for key in ("tasks", "workers", "repeats", "identical_outputs")}
    for name, entry in (("local", local), ("ray", ray)):
        figures |= {
            f"{name}_tasks_per_s": entry["tasks_per_s"],
            f"{name}_steady_tasks_per_s": entry["steady_tasks_per_s"],
            f"{name}_startup_s": entry["startup_seconds"],
            f"{name}_close_s": entry["close_seconds"],
        }
    ratios = {"ray_vs_local": result["ray_vs_local"], "ray_steady_vs_local": result["ray_steady_vs_local"]}
    print(json.dumps({"benchmark": "ray_vs_local", "figures": figures, "ratios": ratios}))


if __name__ == "__main__":
    main()
