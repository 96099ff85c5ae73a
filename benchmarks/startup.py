"""Start-up cost of the command line: ``envfactory --help`` beside ``python -c "import click, rich"``.

Every ``envfactory`` command starts a fresh interpreter, builds the plugin manager (which imports
every installed plugin's entry-point module) and lists or runs its command. What that costs is
mostly imports, so the baseline is the two libraries the command line cannot do without:
``python -c "import click, rich"``. ``python -c pass`` (the interpreter alone) and
``envfactory envs list`` (which imports the installed domains and lists their environments) are
measured beside them.

Each command runs ``--repeat`` times (default 9) in a fresh process, the commands interleaved so
a burst of load elsewhere on the machine falls on all alike, after one untimed run each that
writes the bytecode caches (into a scratch ``PYTHONPYCACHEPREFIX``, even where
``PYTHONDONTWRITEBYTECODE`` is set: an installed command line starts from cached bytecode).
The figures are medians: wall time (``time.perf_counter`` around the child) and CPU time of the
child (user + system, from ``resource.getrusage``). CPU time is the steadier figure on a shared
machine. The ratio is the baseline's time over ours, so above 1 would mean faster than importing
click and rich; it is below 1, since ``envfactory --help`` imports click and rich and then the
plugins.

    python benchmarks/startup.py [--repeat N] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import _report  # imported first, it takes this folder off sys.path

ENVFACTORY = "from envfactory_core.cli import main; main()"

COMMANDS: dict[str, tuple[str, list[str]]] = {
    "python": ('python -c "pass"', ["-c", "pass"]),
    "click_rich": ('python -c "import click, rich"', ["-c", "import click, rich"]),
    "help": ("envfactory --help", ["-c", ENVFACTORY, "--help"]),
    "envs_list": ("envfactory envs list", ["-c", ENVFACTORY, "envs", "list"]),
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(arguments: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """``(wall ms, CPU ms)`` of one run of ``python ARGUMENTS`` in a fresh process."""
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, *arguments], check=True, capture_output=True, env=environment)
    wall = time.perf_counter() - started
    return wall * 1000, (_children_cpu() - cpu) * 1000


def measure(repeat: int, pycache: str) -> dict[str, dict[str, float]]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENVFACTORY_") and key != "PYTHONDONTWRITEBYTECODE"
    }
    environment["PYTHONPYCACHEPREFIX"] = pycache
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _, arguments in COMMANDS.values():
        timed(arguments, environment)
    for _ in range(repeat):
        for name, (_, arguments) in COMMANDS.items():
            runs[name].append(timed(arguments, environment))
    return {
        name: {
            "wall_ms": statistics.median(wall for wall, _ in samples),
            "cpu_ms": statistics.median(cpu for _, cpu in samples),
        }
        for name, samples in runs.items()
    }


def table(results: dict[str, dict[str, float]], repeat: int) -> str:
    baseline = results["click_rich"]
    lines = [
        f"| command | wall (median of {repeat}) | CPU (median of {repeat}) | CPU: click + rich / this |",
        "|---|---|---|---|",
    ]
    for name, (label, _) in COMMANDS.items():
        result = results[name]
        lines.append(
            f"| `{label}` | {result['wall_ms']:.0f} ms | {result['cpu_ms']:.0f} ms "
            f"| {baseline['cpu_ms'] / result['cpu_ms']:.2f}× |"
        )
    return "\n".join(lines)


def write_docs(text: str, load: tuple[float, float, float]) -> None:
    body = (
        "## Command-line start-up\n\n"
        "Measured by `python benchmarks/startup.py --write-docs` on a 2-core machine, with every plugin and domain "
        f"of the repository installed (load average {load[0]:.2f} at the start): each command in a fresh process, "
        "medians. The baseline is importing the two "
        "libraries the command line is built on; a ratio below 1 means slower than that baseline. The machine is "
        "shared, so wall times carry other processes' load; CPU time is the steadier figure.\n\n"
        f"{text}\n\n"
        "`envfactory --help` imports each installed plugin's entry-point module, and those import no SDK: a "
        "plugin's components and commands are imported when they are used, and the listing shows each command's "
        "one-line help without importing its module. So neither `--help` nor `envs list` imports mcp, ray, "
        "anthropic, openai, torch, pyarrow or datasets (`tests/core/test_startup.py` holds them to it). What is "
        "left above the baseline is the plugin manager, the entry-point metadata scan, the core's built-in plugins "
        "and the plugins' entry-point modules themselves; the domain "
        "packages build their environments (tools, schemas, jsonschema) only when environments are asked for, "
        "as `envs list` shows.\n"
    )
    _report.write_section("startup", body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9, help="Timed runs of each command (default 9).")
    parser.add_argument("--write-docs", action="store_true", help="Write the table into docs/performance.md.")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as pycache:
        results = measure(args.repeat, pycache)
    text = table(results, args.repeat)
    print(text)
    baseline, ours = results["click_rich"], results["help"]
    print(
        f"\nenvfactory --help: {ours['cpu_ms']:.0f} ms CPU, {ours['wall_ms']:.0f} ms wall; "
        f"python -c 'import click, rich': {baseline['cpu_ms']:.0f} ms CPU, {baseline['wall_ms']:.0f} ms wall "
        f"(ratios below 1: --help does more than import click and rich)"
    )
    if args.write_docs:
        write_docs(text, load)
    figures: dict[str, Any] = {
        f"{name}_{measure_name}": round(value, 1)
        for name, result in results.items()
        for measure_name, value in result.items()
    }
    figures["repeat"] = args.repeat
    figures["load_average"] = [round(value, 2) for value in load]
    ratios = {
        "click_rich_vs_help_cpu": round(baseline["cpu_ms"] / ours["cpu_ms"], 3),
        "click_rich_vs_help_wall": round(baseline["wall_ms"] / ours["wall_ms"], 3),
        "click_rich_vs_envs_list_cpu": round(baseline["cpu_ms"] / results["envs_list"]["cpu_ms"], 3),
    }
    print(json.dumps({"benchmark": "startup", "figures": figures, "ratios": ratios}, sort_keys=True))


if __name__ == "__main__":
    main()
