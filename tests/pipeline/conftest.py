"""Pipelines over the SDK's example environments, registered by a local plugin file, so these
tests need no domain package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = """
from envfactory_core import hookimpl
from envfactory_core.env.examples import bookshop, notes

@hookimpl
def register_environments(register):
    register(bookshop)
    register(notes)
"""

PIPELINE = """
[run]
seed = 3
tasks = {tasks}
chains_per_task = 2.0

[[stage]]
stage = "environments"
use = "core/installed"
options = {{ names = ["bookshop", "notes"] }}

[[stage]]
stage = "verify"
use = "core/conformance"

[[stage]]
stage = "graph"

[[stage]]
stage = "sample"
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
use = ["core/jsonl", "core/messages"]
"""


@pytest.fixture(scope="session")
def plugins_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plugins")
    (folder / "examples_plugin.py").write_text(PLUGIN)
    return folder


@pytest.fixture(scope="session")
def pipeline_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "examples.toml"
    path.write_text(PIPELINE.format(tasks=12))
    return path


def envfactory_command(*args: str, plugins_dir: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run envfactory with only the examples (no installed plugins)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENVFACTORY_")}
    env["ENVFACTORY_LOAD_PLUGINS"] = ""
    command = [
        sys.executable,
        "-c",
        "from envfactory_core.cli import main; main()",
        "--plugins-dir",
        str(plugins_dir),
        *args,
    ]
    return command, env


def envfactory(*args: str, plugins_dir: Path, check: bool = True, **popen: object) -> subprocess.CompletedProcess[str]:
    """Run the envfactory command in a fresh process (no installed plugins: only the examples)."""
    command, env = envfactory_command(*args, plugins_dir=plugins_dir)
    return subprocess.run(command, capture_output=True, text=True, env=env, check=check)  # type: ignore[call-overload, no-any-return]


def output_files(run_dir: Path) -> dict[str, bytes]:
    """Every export file of a run, by relative path."""
    root = run_dir / "exports"
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
