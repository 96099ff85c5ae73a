"""500 chains from the shipped domains: the yield the docs state, and the thresholds it must meet."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from envfactory_docs.sections import replace_section
from envfactory_docs.tasks import stats_markdown

from envfactory_core import load_registry
from envfactory_core.cli.tasks import task_pipeline_text, task_stats
from envfactory_core.env.catalog import environment_catalog
from envfactory_core.pipeline import parse_pipeline, run_pipeline
from envfactory_core.pipeline.runner import RunOptions
from envfactory_core.store import RunStore

DOMAINS = ("commerce", "finance", "travel", "office", "lifestyle", "academia", "utilities")
PAGE = Path(__file__).resolve().parents[3] / "docs" / "explanation" / "tasks.md"


@pytest.fixture(scope="module")
def stats(tmp_path_factory: pytest.TempPathFactory) -> dict:
    missing = [name for name in DOMAINS if importlib.util.find_spec(f"envfactory_{name}") is None]
    if missing:
        pytest.skip(f"the figures are made from all seven domain packages; not installed: {', '.join(missing)}")
    out = tmp_path_factory.mktemp("yield") / "run"
    text = task_pipeline_text(chains=500, seed=0)
    registry = load_registry()
    run_pipeline(parse_pipeline(text, registry, source="<yield>"), registry, RunOptions(out=out), pipeline_text=text)
    with RunStore(out, create=False) as store:
        figures = task_stats(store, environment_catalog(registry))
    shutil.rmtree(out, ignore_errors=True)
    return figures


@pytest.mark.slow
def test_most_sampled_chains_become_tasks_that_pass_every_gate(stats: dict) -> None:
    assert stats["sampled"] == stats["processed"] == 500
    assert stats["grounded_share"] >= 0.70
    assert stats["kept"] >= 0.70 * 500  # kept tasks passed every gate
    assert sum(stats["dropped_by_reason"].values()) == stats["processed"] - stats["kept"]
    assert all(reason.startswith(("ground:", "gate:", "sample:")) for reason in stats["dropped_by_reason"])


@pytest.mark.slow
def test_refined_requests_state_fewer_identifiers_in_most_multi_tool_tasks(stats: dict) -> None:
    assert stats["multi_tool_tasks"] > 0
    assert stats["implicit_share"] >= 0.60
    assert stats["identifiers_stated"]["refined"] < stats["identifiers_stated"]["raw"]


@pytest.mark.slow
def test_the_docs_state_these_figures(stats: dict) -> None:
    page = PAGE.read_text(encoding="utf-8")
    expected = replace_section(page, "task-yield", stats_markdown(stats, {"seed": 0, "tasks": 500}))
    assert page == expected, (
        "regenerate it with: envfactory tasks make -n 500 --seed 0 --out RUN && "
        "envfactory docs tasks RUN --out docs/explanation/tasks.md"
    )


@pytest.mark.slow
def test_the_requests_read_like_a_persons_and_the_chains_hold_together(stats: dict) -> None:
    quality = stats["quality"]
    assert quality["description_copy_share"] <= 0.02
    assert quality["parenthesis_share"] <= 0.02
    assert quality["distinct_4gram_ratio"] >= 0.7
    assert quality["repeated_reference_share"] == 0
    assert quality["value_range_violations"] == 0
    assert quality["undo_pair_share"] == 0
    assert quality["cross_environment_unshared"] == 0
    assert stats["solvable_share"] == 1.0
