"""The ``llm`` preset end to end on the SDK's example environments with the scripted fake: trajectories
that pass the quality gates, LLM usage recorded per stage, budget stops that resume, drops counted."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_testing import TEST_PLUGINS
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.cli.app import App
from envfactory_core.cli.llm import usage_command
from envfactory_core.cli.run import init_command, run_command
from envfactory_core.llm import ChatRequest
from envfactory_core.pipeline import parse_pipeline
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry
from envfactory_core.synthesis import llm_pipeline

from .conftest import MODEL, PLUGIN, Playbook

TASKS = 4
LLM_STAGES = {"label", "edges", "story", "world", "write", "refine", "collect"}
GATES = {"core/gold_replay", "core/noop", "core/minimal", "core/read_answer", "core/solvable", "core/unique"}


@pytest.fixture
def plugins_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "")  # only the built-ins and the examples below
    folder = tmp_path_factory.mktemp("plugins")
    (folder / "examples_plugin.py").write_text(PLUGIN)
    return folder


def preset_file(directory: Path, *, model: str = MODEL) -> Path:
    """The preset as `envfactory init --llm` writes it, narrowed to the examples and made small."""
    path = directory / "llm.toml"
    result = CliRunner().invoke(init_command, ["--llm", model, str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text()
    text = text.replace("domains = [], include_evaluation = false", 'names = ["bookshop", "notes"]')
    text = (
        text.replace("tasks = 40", f"tasks = {TASKS}")
        .replace("chains_per_task = 3.0", "chains_per_task = 4.0")
        .replace("max_rows = 8", "max_rows = 20")
        .replace(" k = 4,", " k = 2,")
    )
    path.write_text(text)
    return path


def run(plugins_dir: Path, pipeline: Path, out: Path, *extra: str) -> Any:
    app = App(
        make_plugin_manager(plugins_dirs=(str(plugins_dir),), plugins=TEST_PLUGINS), plugins_dirs=(str(plugins_dir),)
    )
    result = CliRunner().invoke(run_command, [str(pipeline), "--out", str(out), "--quiet", *extra], obj=app)
    assert result.exit_code == 0, result.output
    return result


def run_json(plugins_dir: Path, pipeline: Path, out: Path, *extra: str) -> dict[str, Any]:
    return json.loads(run(plugins_dir, pipeline, out, "--json", *extra).stdout)  # type: ignore[no-any-return]


def export_files(out: Path) -> dict[str, bytes]:
    root = out / "exports"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_llm_writes_a_pipeline_of_llm_components(tmp_path: Path, plugins_dir: Path) -> None:
    path = tmp_path / "p.toml"
    result = CliRunner().invoke(init_command, ["--llm", "openai/gpt-4.1-mini", str(path)])
    assert result.exit_code == 0
    assert "--max-cost" in result.output
    registry = Registry(make_plugin_manager(plugins_dirs=(str(plugins_dir),), plugins=TEST_PLUGINS))
    pipeline = parse_pipeline(path.read_text(), registry)
    uses = {stage.type: stage.use for stage in pipeline.stages}
    assert uses["story"] == ("llm/story",)
    assert uses["world"] == ("llm/seed_state",)
    assert uses["write"] == ("llm/writer",)
    assert uses["refine"] == ("llm/refiner",)
    assert uses["collect"] == ("llm/agent",)
    graph = pipeline.stage("graph")
    assert graph is not None
    assert (graph.components[0].linker, graph.components[0].labeller) == ("llm/edges", "llm/labeller")
    models = {getattr(c, "model", None) for stage in pipeline.stages for c in stage.components} - {None}
    assert models == {"openai/gpt-4.1-mini"}
    assert path.read_text() == llm_pipeline("openai/gpt-4.1-mini")
    bad = CliRunner().invoke(init_command, ["--llm", "gpt-4", str(tmp_path / "q.toml")])
    assert bad.exit_code == 2
    assert "backend/model" in bad.output


def test_the_llm_preset_makes_gated_trajectories_and_records_usage_per_stage(
    tmp_path: Path, plugins_dir: Path, fake_llm: ScriptedLLM
) -> None:
    book = Playbook()
    book.install(fake_llm)
    out = tmp_path / "run"
    pipeline = preset_file(tmp_path)
    summary = run_json(plugins_dir, pipeline, out)
    assert summary["kept"] == TASKS, summary
    assert summary["complete"] is True
    assert summary["stopped"] == ""
    assert summary["rewards"] == {"core/envfactory": 1.0, "core/state_diff": 1.0}
    assert {"story", "seed_state", "writer", "refiner", "agent", "labeller", "edges"} <= set(book.roles)

    with sqlite3.connect(out / "run.sqlite") as db:
        kept = db.execute("SELECT task_id FROM items WHERE status = 'kept'").fetchall()
        assert len(kept) == TASKS
        for (task_id,) in kept:
            verdicts = dict(db.execute("SELECT verifier, passed FROM reports WHERE subject = ?", (task_id,)).fetchall())
            assert set(verdicts) == GATES - {"core/unique"}  # the unique gate is kept by the driver, not a report
            assert all(verdicts.values()), verdicts
        trajectories = [json.loads(body) for (body,) in db.execute("SELECT body FROM trajectories")]
        tasks = [json.loads(body) for (body,) in db.execute("SELECT body FROM tasks")]
    assert len(trajectories) == TASKS
    for trajectory in trajectories:
        assert trajectory["agent"] == "llm/agent"
        assert trajectory["metadata"]["model"] == MODEL
        assert trajectory["metadata"]["accuracy"] == 1.0
        assert {reward["reward"]: reward["score"] for reward in trajectory["rewards"]}["core/envfactory"] == 1.0
    for task in tasks:
        assert task["story"]
        assert task["provenance"]["writer"] == "llm/writer"
        assert all(turn["user_intent"] and turn["raw_request"] for turn in task["turns"])

    rows = {row["stage"]: row for row in summary["llm_usage"]["rows"]}
    assert set(rows) == LLM_STAGES
    for row in rows.values():
        assert row["model"] == MODEL
        assert row["calls"] > 0
        assert row["input_tokens"] > 0
        assert row["output_tokens"] > 0
        assert row["cost_usd"] > 0
    assert summary["llm_usage"]["total"]["calls"] == sum(row["calls"] for row in rows.values())

    usage = CliRunner().invoke(usage_command, [str(out), "--json"], obj=App(make_plugin_manager(plugins=TEST_PLUGINS)))
    assert json.loads(usage.stdout)["total"]["calls"] == summary["llm_usage"]["total"]["calls"]
    requests = len(fake_llm.requests)
    again = run(plugins_dir, pipeline, out)  # complete: nothing to do, nothing asked
    assert len(fake_llm.requests) == requests
    assert "LLM usage" in again.stdout
    assert "collect" in again.stdout
    assert "Nothing to do" in again.output


def test_a_budget_stop_commits_nothing_half_done_and_the_run_resumes_to_the_same_files(
    tmp_path: Path, plugins_dir: Path, fake_llm: ScriptedLLM
) -> None:
    Playbook().install(fake_llm, count=20000)
    pipeline = preset_file(tmp_path)
    reference = tmp_path / "reference"
    assert run_json(plugins_dir, pipeline, reference)["complete"]
    expected = export_files(reference)

    with sqlite3.connect(reference / "run.sqlite") as db:
        stories = [seq for (seq,) in db.execute("SELECT seq FROM llm_calls WHERE stage = 'story' ORDER BY seq")]
    cap = stories[3]  # the call after the fourth story is that item's seed state: the stop falls mid-item

    out = tmp_path / "capped"
    stopped = run_json(plugins_dir, pipeline, out, "--max-calls", str(cap))
    assert stopped["complete"] is False
    assert f"LLM budget reached: max_calls is {cap} calls" in stopped["stopped"]
    assert stopped["kept"] < TASKS
    assert stopped["exports"] == []
    assert stopped["llm_usage"]["total"]["calls"] == cap
    with sqlite3.connect(out / "run.sqlite") as db:
        committed = [index for (index,) in db.execute("SELECT chain_index FROM items ORDER BY chain_index")]
    assert committed == list(range(len(committed)))  # in order, and the item in progress is not there

    again = run(plugins_dir, pipeline, out, "--max-calls", str(cap))  # same cap: replays the cache, stops again
    assert "Stopped before finishing" in again.output
    assert "LLM usage" in again.output
    resumed = run_json(plugins_dir, pipeline, out, "--max-calls", "1000")
    assert resumed["complete"] is True
    assert resumed["kept"] == TASKS
    assert resumed["llm_usage"]["total"]["cached"] > 0  # what the stopped item had paid for was replayed
    assert export_files(out) == expected


def test_answers_that_never_validate_are_dropped_and_counted(
    tmp_path: Path, plugins_dir: Path, fake_llm: ScriptedLLM
) -> None:
    class Stubborn(Playbook):
        def writer(self, request: ChatRequest) -> str:
            return "<user_intent>x</user_intent><query>Please sort out my stuff.</query>"

    Stubborn().install(fake_llm)
    pipeline = preset_file(tmp_path)
    pipeline.write_text(
        pipeline.read_text().replace("tasks = 4", "tasks = 2").replace("chains_per_task = 4.0", "chains_per_task = 2.0")
    )
    summary = run_json(plugins_dir, pipeline, tmp_path / "run")
    assert summary["kept"] == 0
    dropped = summary["dropped_by_reason"]
    assert dropped["write: request_invalid"] >= 1
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as db:
        reasons = [r for (r,) in db.execute("SELECT reason FROM items WHERE code = 'request_invalid'")]
    assert all("no usable answer in 3 attempts" in reason for reason in reasons)


def test_the_how_to_stage_snippets_fit_the_preset(plugins_dir: Path) -> None:
    """Each ```toml stage block of docs/how-to/llm-pipeline.md, put in place of the preset's stage, parses."""
    import re
    import tomllib

    page = (Path(__file__).resolve().parents[2] / "docs" / "how-to" / "llm-pipeline.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", page, re.DOTALL)
    assert len(blocks) == 2
    registry = Registry(make_plugin_manager(plugins_dirs=(str(plugins_dir),), plugins=TEST_PLUGINS))
    preset = llm_pipeline("openai/gpt-4.1-mini")
    head, *stages = preset.split("\n[[stage]]\n")
    for block in blocks:
        kind = tomllib.loads(block)["stage"][0]["stage"]
        replaced = [
            block.replace("[[stage]]\n", "", 1) if tomllib.loads("[[stage]]\n" + s)["stage"][0]["stage"] == kind else s
            for s in stages
        ]
        pipeline = parse_pipeline("\n[[stage]]\n".join([head, *replaced]), registry)
        stage = pipeline.stage(kind)
        assert stage is not None
        assert getattr(stage.components[0], "model", None) or stage.options


def test_two_worker_processes_make_the_same_files_with_their_own_clients(
    tmp_path: Path, plugins_dir: Path, fake_llm: ScriptedLLM
) -> None:
    Playbook().install(fake_llm, count=20000)  # forked workers inherit the active script
    pipeline = preset_file(tmp_path)
    one = run_json(plugins_dir, pipeline, tmp_path / "one")
    two = run_json(plugins_dir, pipeline, tmp_path / "two", "--workers", "2")
    assert one["kept"] == two["kept"] == TASKS
    assert export_files(tmp_path / "one") == export_files(tmp_path / "two")
    assert {row["stage"] for row in two["llm_usage"]["rows"]} == LLM_STAGES
