"""Viewer benchmark: every page of a 10,000-task run store answers in under a second.

Run: ``python benchmarks/browse.py`` (about two minutes on 2 cores; ``--tasks N`` for another size;
``--write-docs`` also rewrites this benchmark's section of ``docs/performance.md``).

The store is a real run scaled up: the offline pipeline makes a run on every installed domain, and
its rows (chains, work items kept and dropped, tasks, trajectories, gate reports) are copied until
the store holds 10,000 kept tasks, each copy with its own task id, trajectory id and chain index.
World states and the tool graph are shared by the copies, as content-addressed blobs are.

``envfactory browse`` serves the store on loopback (datasette with the envfactory plugin). Each page is fetched
once to warm up, then ``--repeat`` times; the table reports the median and the slowest answer.
The baseline is datasette's own plain table page of the same store (``/run/tasks``, the first
100 rows, with its row count). CPU time is the server process's user + system time over the timed
requests; the load average is the machine's one-minute average before and after.

The last line is JSON: ``{"benchmark": "browse", "figures": {...}, "ratios": {...}}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import _report  # imported first, it moves this folder to the end of sys.path
from rich.console import Console
from rich.table import Table

ENVFACTORY = [sys.executable, "-c", "from envfactory_core.cli import main; main()"]
LIMIT_SECONDS = 1.0


def _new_id(old: str, copy: int) -> str:
    return "sha256:" + hashlib.sha256(f"{old}/{copy}".encode()).hexdigest()


def make_base_run(directory: Path, tasks: int) -> Path:
    out = directory / "base"
    subprocess.run([*ENVFACTORY, "run", "--out", str(out), "--tasks", str(tasks), "--quiet"], check=True)
    return out


def scale_store(base: Path, target: Path, tasks: int) -> Path:
    """Copy ``base``'s run store to ``target`` and repeat its work items until ``tasks`` are kept."""
    from envfactory_core.store import RunStore
    from envfactory_core.store.pipeline import PipelineStore

    target.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(base / "run.sqlite")
    source.execute(f"VACUUM INTO '{target / 'run.sqlite'}'")
    items = source.execute(
        "SELECT i.chain_index, i.status, i.stage, i.code, i.reason, i.task_id, i.trajectory_id, i.unique_key, "
        "c.chain_id, c.valid, c.body FROM items AS i JOIN chains AS c ON c.chain_index = i.chain_index "
        "ORDER BY i.chain_index"
    ).fetchall()
    tasks_by_id = {row[0]: row[1:] for row in source.execute("SELECT task_id, kind, body FROM tasks")}
    trajectories = {
        row[0]: row[1:]
        for row in source.execute("SELECT trajectory_id, task_id, agent, body, rewards FROM trajectories")
    }
    reports: dict[str, list[tuple[Any, ...]]] = {}
    for subject, verifier, passed, body in source.execute("SELECT subject, verifier, passed, body FROM reports"):
        reports.setdefault(subject, []).append((verifier, passed, body))
    source.close()
    with RunStore(target) as store:
        PipelineStore(store)
        connection = store.connection
        connection.execute("BEGIN")
        for table in ("items", "chains", "tasks", "trajectories", "reports"):
            connection.execute(f"DELETE FROM {table}")
        kept = 0
        index = 0
        copy = 0
        while kept < tasks:
            for item in items:
                if kept >= tasks:
                    break
                (_, status, stage, code, reason, task_id, trajectory_id, unique_key, chain_id, valid, chain) = item
                new_chain = _new_id(chain_id, copy)
                connection.execute(
                    "INSERT INTO chains (chain_index, chain_id, valid, body) VALUES (?, ?, ?, ?)",
                    (index, new_chain, valid, chain),
                )
                new_task = new_trajectory = ""
                if status == "kept" and task_id in tasks_by_id:
                    kind, body = tasks_by_id[task_id]
                    task = json.loads(body)
                    new_task = task["id"] = _new_id(task_id, copy)
                    connection.execute(
                        "INSERT INTO tasks (task_id, chain_index, kind, body) VALUES (?, ?, ?, ?)",
                        (new_task, index, kind, json.dumps(task, sort_keys=True, separators=(",", ":"))),
                    )
                    kept += 1
                    for verifier, passed, report in reports.get(task_id, []):
                        connection.execute(
                            "INSERT INTO reports (subject, verifier, passed, body) VALUES (?, ?, ?, ?)",
                            (new_task, verifier, passed, report),
                        )
                    if trajectory_id in trajectories:
                        _, agent, body, rewards = trajectories[trajectory_id]
                        trajectory = json.loads(body)
                        new_trajectory = trajectory["id"] = _new_id(trajectory_id, copy)
                        trajectory["task_id"] = new_task
                        connection.execute(
                            "INSERT INTO trajectories (trajectory_id, task_id, agent, body, rewards) "
                            "VALUES (?, ?, ?, ?, ?)",
                            (
                                new_trajectory,
                                new_task,
                                agent,
                                json.dumps(trajectory, sort_keys=True, separators=(",", ":")),
                                rewards,
                            ),
                        )
                connection.execute(
                    "INSERT INTO items (chain_index, status, stage, code, reason, task_id, trajectory_id, unique_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        index,
                        status,
                        stage,
                        code,
                        reason,
                        new_task,
                        new_trajectory,
                        unique_key and f"{unique_key}/{copy}",
                    ),
                )
                index += 1
            copy += 1
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
    return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _get(url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - started, status, len(body)


def pages(store: Path) -> dict[str, str]:
    """The pages to time, by label: the envfactory pages and datasette's own table pages."""
    connection = sqlite3.connect(store / "run.sqlite")
    middle = connection.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] // 2
    task_id, chain_index = connection.execute(
        "SELECT task_id, chain_index FROM tasks WHERE kind = 'write' ORDER BY chain_index LIMIT 1 OFFSET ?",
        (middle // 2,),
    ).fetchone()
    trajectory_id = connection.execute(
        "SELECT trajectory_id FROM trajectories WHERE task_id = ?", (task_id,)
    ).fetchone()[0]
    environment = connection.execute("SELECT name FROM environments ORDER BY name LIMIT 1").fetchone()[0]
    last_page = connection.execute("SELECT MAX(chain_index) - 50 FROM tasks").fetchone()[0]
    connection.close()
    return {
        "datasette plain table page /run/tasks (baseline)": "/run/tasks",
        "run summary (charts)": "/-/envfactory/run",
        "task page": f"/-/envfactory/run/task/{quote(task_id, safe=':')}",
        "trajectory page": f"/-/envfactory/run/trajectory/{quote(trajectory_id, safe=':')}",
        "environment page": f"/-/envfactory/run/environment/{environment}",
        "chain page": f"/-/envfactory/run/chain/{chain_index}",
        "task_list with facets": "/run/task_list",
        "task_list filtered and faceted": f"/run/task_list?environment={environment}",
        "task_list, a late page": f"/run/task_list?_next={last_page}",
        "trajectory_list with facets": "/run/trajectory_list",
        "item_list with facets": "/run/item_list",
        "gate_results": "/run/gate_results",
        "tool_list": "/run/tool_list",
        "blobs (decoded)": "/run/blobs",
        "canned query drops_by_reason": "/run/drops_by_reason",
    }


def measure(store: Path, repeat: int) -> dict[str, Any]:
    port = _free_port()
    # `envfactory browse` becomes datasette (exec), so the process measured is the server.
    server = subprocess.Popen(
        [*ENVFACTORY, "browse", str(store), "--host", "127.0.0.1", "--port", str(port), "--no-open"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/-/versions.json")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        results: dict[str, Any] = {}
        load_before = os.getloadavg()[0]
        for label, path in pages(store).items():
            _, status, size = _get(base + path)  # warm-up
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            cpu = _cpu_seconds(server.pid)
            times = [_get(base + path)[0] for _ in range(repeat)]
            results[label] = {
                "path": path,
                "median_s": statistics.median(times),
                "max_s": max(times),
                "server_cpu_s": (_cpu_seconds(server.pid) - cpu) / repeat,
                "bytes": size,
            }
        return {"pages": results, "load_before": load_before, "load_after": os.getloadavg()[0]}
    finally:
        server.terminate()
        server.wait(timeout=20)


def time_report(store: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    before = os.times()
    subprocess.run([*ENVFACTORY, "report", str(store), "--html", str(out), "--sample", "5"], check=True)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall_s": time.perf_counter() - started, "cpu_s": cpu, "bytes": out.stat().st_size}


def docs_section(tasks: int, measured: dict[str, Any], report: dict[str, float], repeat: int) -> str:
    lines = [
        "## Viewer pages on a 10,000-task run store",
        "",
        f"`python benchmarks/browse.py`: datasette with the envfactory plugin over a run store of {tasks:,} kept "
        f"tasks (a real run's rows repeated), each page fetched once to warm up, then {repeat} times on loopback. "
        "Server CPU is the datasette process's user + system time per answer. "
        f"One-minute load average {measured['load_before']:.2f} before, {measured['load_after']:.2f} after "
        "(2 cores, shared).",
        "",
        "| page | median | slowest | server CPU |",
        "|---|---:|---:|---:|",
    ]
    for label, row in measured["pages"].items():
        lines.append(f"| {label} | {row['median_s']:.3f} s | {row['max_s']:.3f} s | {row['server_cpu_s']:.3f} s |")
    lines += [
        "",
        f"`envfactory report` on the same store (summary and five sample tasks): {report['wall_s']:.2f} s wall, "
        f"{report['cpu_s']:.2f} s CPU, {report['bytes'] / 1024:,.0f} KiB.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="kept tasks in the scaled store")
    parser.add_argument("--base-tasks", type=int, default=40, help="tasks of the real run that is scaled up")
    parser.add_argument("--repeat", type=int, default=5, help="timed fetches per page")
    parser.add_argument("--keep", type=Path, help="make the stores in this folder and leave them there")
    parser.add_argument("--write-docs", action="store_true", help="rewrite this benchmark's section of the docs")
    arguments = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="envfactory-browse-") as scratch:
        folder = arguments.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        base = make_base_run(folder, arguments.base_tasks)
        store = scale_store(base, folder / "run", arguments.tasks)
        console.print(f"store: {arguments.tasks:,} tasks in {time.perf_counter() - started:.1f} s", style="dim")
        measured = measure(store, arguments.repeat)
        report = time_report(store, folder / "report.html")
    table = Table(title=f"viewer pages, {arguments.tasks:,} tasks")
    for column in ("page", "median", "slowest", "server CPU", "bytes"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for label, row in measured["pages"].items():
        table.add_row(
            label,
            f"{row['median_s']:.3f} s",
            f"{row['max_s']:.3f} s",
            f"{row['server_cpu_s']:.3f} s",
            f"{row['bytes']:,}",
        )
    console.print(table)
    console.print(
        f"load average (1 min): {measured['load_before']:.2f} before, {measured['load_after']:.2f} after; "
        f"report: {report['wall_s']:.2f} s wall, {report['cpu_s']:.2f} s CPU, {report['bytes']:,} bytes"
    )
    slowest = max(row["max_s"] for row in measured["pages"].values())
    baseline = measured["pages"]["datasette plain table page /run/tasks (baseline)"]["median_s"]
    ours = [row["median_s"] for label, row in measured["pages"].items() if "baseline" not in label]
    figures = {
        "tasks": arguments.tasks,
        "slowest_page_s": slowest,
        "baseline_median_s": baseline,
        "report_s": report["wall_s"],
    }
    ratios = {"slowest_median_over_baseline": max(ours) / baseline, "slowest_over_limit": slowest / LIMIT_SECONDS}
    if arguments.write_docs:
        _report.write_section("browse", docs_section(arguments.tasks, measured, report, arguments.repeat))
    print(json.dumps({"benchmark": "browse", "figures": figures, "ratios": ratios}))
    if slowest >= LIMIT_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
