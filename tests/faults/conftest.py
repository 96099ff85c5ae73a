"""The fault-injection suite: kills, damaged stores, hostile HTTP clients and bad input.

Every case runs the real ``envfactory`` command in a child process (loopback only, bounded in
count and time) and asserts that what it printed holds no traceback. Each case adds to one of
four counts, printed at the end of the session (``pytest tests/faults -m faults``):
kills survived, corruptions recognised, hostile requests answered, bad inputs refused.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

PLUGIN_DIR = Path(__file__).parent / "plugin"
COUNT_NAMES = ("kills survived", "corruptions recognised", "hostile requests answered", "bad inputs refused")
COUNTS: Counter[str] = Counter()

PIPELINE = """
[run]
seed = 5
tasks = {tasks}
chains_per_task = 2.0

[[stage]]
stage = "environments"
use = "core/installed"
options = {{ names = ["bookshop", "notes"] }}

[[stage]]
stage = "verify"
use = "local/slow_conformance"

[[stage]]
stage = "graph"
use = "local/slow_graph"

[[stage]]
stage = "sample"
use = "local/slow_topology"
options = {{ max_tools = 3 }}

[[stage]]
stage = "ground"

[[stage]]
stage = "write"

[[stage]]
stage = "refine"

[[stage]]
stage = "gate"

[[stage]]
stage = "collect"

[[stage]]
stage = "score"

[[stage]]
stage = "export"
use = ["local/slow_jsonl", "core/messages"]
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.faults)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not COUNTS:
        return
    counts = ", ".join(f"{name} {COUNTS[name]}" for name in COUNT_NAMES)
    terminalreporter.write_line(f"fault-injection suite: {counts}; tracebacks in any output: {COUNTS['tracebacks']}")


def record(name: str, amount: int = 1) -> None:
    assert name in COUNT_NAMES
    COUNTS[name] += amount


def assert_no_traceback(*outputs: str | bytes | None) -> None:
    for output in outputs:
        text = output.decode(errors="replace") if isinstance(output, bytes) else (output or "")
        if "Traceback (most recent call last)" in text or "CancelledError" in text:
            COUNTS["tracebacks"] += 1
            raise AssertionError(f"a traceback in the output:\n{text[-3000:]}")


def child_env(delay: float = 0.0, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    env.update({"ENVFACTORY_LOAD_PLUGINS": "", "ENVFACTORY_CACHE_DIR": "off", "FAULTS_DELAY": str(delay)})
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    entry = "from envfactory_core.cli import main; main()"
    return [sys.executable, "-c", entry, "--plugins-dir", str(PLUGIN_DIR), *args]


def envfactory(*args: str, delay: float = 0.0, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``envfactory`` in a child process; its output must hold no traceback, whatever it exits with."""
    done = subprocess.run(
        command(*args), check=False, capture_output=True, text=True, env=env or child_env(delay), timeout=300
    )
    assert_no_traceback(done.stdout, done.stderr)
    return done


def output_files(run_dir: Path) -> dict[str, bytes]:
    root = run_dir / "exports"
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def stages_done(run_dir: Path) -> set[str]:
    """Finished stages of a run, read without disturbing a writer (empty while there is no store)."""
    path = run_dir / "run.sqlite"
    if not path.exists():
        return set()
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return {row[0] for row in connection.execute("SELECT stage FROM stage_runs WHERE status = 'done'")}
        finally:
            connection.close()
    except sqlite3.Error:
        return set()


@pytest.fixture(scope="session")
def pipeline_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "faults.toml"
    path.write_text(PIPELINE.format(tasks=16))
    return path


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory, pipeline_file: Path) -> Path:
    """An uninterrupted run of the suite's pipeline."""
    out = tmp_path_factory.mktemp("reference") / "run"
    done = envfactory("run", str(pipeline_file), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert output_files(out)
    return out
