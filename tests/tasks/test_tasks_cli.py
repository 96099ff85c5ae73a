"""``envfactory tasks``: make, stats, examples, and clean errors for bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from envfactory_testing import fresh_plugin_manager

from envfactory_core import hookimpl
from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.store import RunStore
from envfactory_core.store.pipeline import PipelineStore
from envfactory_core.tasks import StoreStates, TaskContext, identifier_count
from envfactory_core.tasks.gates import GATES, run_gates

KEYS = {
    "sampled",
    "processed",
    "grounded",
    "kept",
    "grounded_share",
    "kept_share",
    "dropped_by_reason",
    "multi_tool_tasks",
    "implicit_share",
    "identifiers_stated",
    "mean_gold_calls",
    "solvable_share",
    "quality",
}


class ExamplesPlugin:
    """Registers the SDK's example environments like an installed domain package."""

    @hookimpl
    def register_environments(self, register: Callable[..., None]) -> None:
        register(bookshop)
        register(notes)


def invoke(*args: str) -> Result:
    app = App(fresh_plugin_manager(plugins=[("examples", ExamplesPlugin())]))
    return CliRunner().invoke(build_cli(app), list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("tasks") / "run"
    result = invoke("tasks", "make", "--chains", "12", "--seed", "5", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_make_reports_every_documented_figure(made: tuple[Path, dict[str, Any]]) -> None:
    _, stats = made
    assert set(stats) == KEYS
    assert set(stats["identifiers_stated"]) == {"raw", "refined"}
    assert all(isinstance(count, int) and count > 0 for count in stats["dropped_by_reason"].values())


def test_make_figures_add_up(made: tuple[Path, dict[str, Any]]) -> None:
    _, stats = made
    assert stats["sampled"] == stats["processed"] == 12
    assert 0 <= stats["kept"] <= stats["grounded"] <= stats["processed"]
    drops = stats["dropped_by_reason"]
    assert sum(drops.values()) == stats["processed"] - stats["kept"]
    not_grounded = sum(count for reason, count in drops.items() if reason.startswith(("ground:", "sample:")))
    assert stats["grounded"] == stats["processed"] - not_grounded
    assert stats["grounded_share"] == round(stats["grounded"] / stats["processed"], 4)
    assert stats["kept_share"] == round(stats["kept"] / stats["processed"], 4)
    assert stats["multi_tool_tasks"] <= stats["kept"]
    assert 0.0 <= stats["implicit_share"] <= 1.0
    assert stats["identifiers_stated"]["refined"] <= stats["identifiers_stated"]["raw"]


def test_make_figures_match_the_kept_tasks_in_the_run_store(made: tuple[Path, dict[str, Any]]) -> None:
    out, stats = made
    with RunStore(out, create=False) as store:
        kept = [task for _, task, _ in PipelineStore(store).kept()]
        context = TaskContext(environments={"bookshop": bookshop, "notes": notes}, states=StoreStates(store))
        # every kept task still passes every gate when checked again from the store
        for task in kept:
            reports = run_gates(task, GATES, context)
            assert all(report.passed for report in reports), [report.summary() for report in reports]
    assert len(kept) == stats["kept"] > 0
    multi = [task for task in kept if len(task.gold_calls) >= 2]
    assert stats["multi_tool_tasks"] == len(multi)
    assert stats["mean_gold_calls"] == round(sum(len(task.gold_calls) for task in kept) / len(kept), 3)
    assert stats["identifiers_stated"]["raw"] == sum(identifier_count(task, raw=True) for task in multi)
    fewer = sum(identifier_count(task, raw=False) < identifier_count(task, raw=True) for task in multi)
    assert stats["implicit_share"] == (round(fewer / len(multi), 4) if multi else 0.0)


def test_stats_json_equals_what_make_printed(made: tuple[Path, dict[str, Any]]) -> None:
    out, stats = made
    result = invoke("tasks", "stats", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == stats


def test_stats_in_words_state_the_counts(made: tuple[Path, dict[str, Any]]) -> None:
    out, stats = made
    result = invoke("tasks", "stats", str(out))
    assert result.exit_code == 0, result.output
    assert f"{stats['sampled']} chains sampled" in result.stdout
    assert f"{stats['kept']} kept after the gates" in result.stdout
    for reason, count in stats["dropped_by_reason"].items():
        assert f"dropped {count:>4} × {reason}" in result.stdout


def test_the_same_seed_makes_the_same_figures(made: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, stats = made
    again = invoke("tasks", "make", "--chains", "12", "--seed", "5", "--out", str(tmp_path / "again"), "--json")
    assert json.loads(again.stdout) == stats
    # The same bytes, not only the same counts: every kept task's record, story and requests included.
    first, second = (_kept_records(path) for path in (made[0], tmp_path / "again"))
    assert first == second
    assert first


def _kept_records(run: Path) -> list[str]:
    from envfactory_core.serialize import dumps

    with RunStore(run, create=False) as store:
        return [dumps(task) for _, task, _ in PipelineStore(store).kept()]


def test_env_limits_the_tasks_to_that_environment(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    result = invoke("tasks", "make", "--chains", "6", "--env", "notes", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    with RunStore(out, create=False) as store:
        tasks = [task for _, task, _ in PipelineStore(store).kept()]
    assert all(task.environments == ("notes",) for task in tasks)


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--sampler", "core/nope"], ["--sampler", "core/nope"]),
        (["--writer", "core/nope"], ["--writer", "core/nope"]),
        (["--refiner", "core/nope"], ["--refiner", "core/nope"]),
        (["--writer", "core/implicit"], ["--writer", "unknown writer", "core/implicit", "core/template"]),
        (["--refiner", "core/template"], ["--refiner", "unknown refiner", "core/template", "core/implicit"]),
        (["--env", "nosuch"], ["environment", "nosuch"]),
        (["--chains", "0"], ["--chains"]),
    ],
)
def test_make_with_a_bad_option_exits_non_zero_naming_it(options: list[str], words: list[str], tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = invoke("tasks", "make", *options, "--out", str(out))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert all(word in result.output for word in words), result.output
    if options[0] in ("--sampler", "--writer", "--refiner"):
        assert not out.exists()  # refused before anything ran


def test_stats_of_a_missing_or_non_run_directory_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    missing = invoke("tasks", "stats", str(tmp_path / "missing"))
    assert missing.exit_code == 2
    assert "RUN" in missing.output
    assert "does not exist" in missing.output
    empty = tmp_path / "empty"
    empty.mkdir()
    not_a_run = invoke("tasks", "stats", str(empty))
    assert not_a_run.exit_code == 2
    assert "no run store" in not_a_run.output
    assert "Traceback" not in missing.output + not_a_run.output
