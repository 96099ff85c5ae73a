"""Shared pieces of the ``envfactory eval`` tests: a small offline run to evaluate on, and an oracle
model that solves a task from what its conversation shows (the task's request and tool results).

The oracle answers a conversation that has no tool result yet with the task's gold calls, and one
that has with a final answer quoting every result (so read tasks' facts are stated). It fails on
purpose for the (task, trial) pairs a test names, by answering without calling any tool, so the
expected success rates and pass^k are known.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_testing import TEST_PLUGINS

from envfactory_core.cli.app import App
from envfactory_core.cli.run import run_command
from envfactory_core.models import Task
from envfactory_core.pipeline import DEFAULT_PIPELINE
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.store import RunStore
from envfactory_core.store.pipeline import PipelineStore

PLUGIN = """
from envfactory_core import hookimpl
from envfactory_core.env.examples import bookshop, notes

@hookimpl
def register_environments(register):
    register(bookshop)
    register(notes)
"""
TASKS = 4


@pytest.fixture(scope="session")
def plugins_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plugins")
    (folder / "examples_plugin.py").write_text(PLUGIN)
    return folder


def make_app(plugins_dir: Path) -> App:
    manager = make_plugin_manager(plugins_dirs=(str(plugins_dir),), plugins=TEST_PLUGINS)
    return App(manager, plugins_dirs=(str(plugins_dir),))


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory, plugins_dir: Path) -> Path:
    """An offline run on the SDK's examples (bookshop, notes) with a few kept tasks."""
    patch = pytest.MonkeyPatch()
    patch.setenv("ENVFACTORY_LOAD_PLUGINS", "")
    try:
        folder = tmp_path_factory.mktemp("run")
        pipeline = folder / "pipeline.toml"
        pipeline.write_text(
            DEFAULT_PIPELINE.replace(
                "domains = [], include_evaluation = false", 'names = ["bookshop", "notes"]'
            ).replace("chains_per_task = 2.0", "chains_per_task = 6.0")
        )
        out = folder / "out"
        result = CliRunner().invoke(
            run_command, [str(pipeline), "--out", str(out), "--tasks", str(TASKS), "--quiet"], obj=make_app(plugins_dir)
        )
        assert result.exit_code == 0, result.output
    finally:
        patch.undo()
    return out


def run_tasks(run_dir: Path) -> list[Task]:
    store = RunStore(run_dir, create=False)
    try:
        return [task for _, task, _ in PipelineStore(store).kept()]
    finally:
        store.close()


Plan = Callable[[list[dict[str, Any]], int], "tuple[str, list[tuple[str, dict[str, Any]]]]"]


def oracle(tasks: list[Task], failing: Collection[tuple[int, int]] = ()) -> Plan:
    """``plan(messages, trial) -> (text, tool calls)`` over OpenAI-style message dicts.

    ``failing`` holds ``(task index, trial)`` pairs the oracle gets wrong (it answers without acting).
    """
    by_request = {task.turns[0].request: (index, task) for index, task in enumerate(tasks)}

    def plan(messages: list[dict[str, Any]], trial: int) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
        first = next(message["content"] for message in messages if message["role"] == "user")
        index, task = by_request[first]
        results = [str(message.get("content", "")) for message in messages if message["role"] == "tool"]
        if (index, trial) in failing:
            return "I cannot do that.", []
        if results:
            return "Done. " + " ".join(results), []
        calls = [(f"{gold.call.environment}__{gold.call.tool}", dict(gold.call.arguments)) for gold in task.gold_calls]
        return "", calls

    return plan
