"""``envfactory graph``: build, stats, show, sample, export, and their errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_testing import fresh_plugin_manager

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.graph import ToolGraph
from envfactory_core.serialize import to_json


@pytest.fixture
def run(trio_plugin: Any) -> Any:
    """Run ``envfactory ARGS`` with the trio installed (and nothing else); returns the click result."""

    def invoke(*args: str, with_trio: bool = True) -> Any:
        plugins = [("fixtures", trio_plugin())] if with_trio else []
        app = App(fresh_plugin_manager(plugins=plugins))
        return CliRunner().invoke(build_cli(app), list(args), catch_exceptions=False)

    return invoke


def test_build_writes_a_graph_and_reports(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    result = run("graph", "build", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    graph = ToolGraph.load(out)
    assert report["content_id"] == graph.content_id
    assert report["tools"] == 11
    assert report["environments"] == 3
    assert report["reachable_tools"] == 10
    human = run("graph", "build", "store", "payments", "--out", str(tmp_path / "two.json"))
    assert human.exit_code == 0
    assert "2 environments" in human.stdout
    assert ToolGraph.load(tmp_path / "two.json").content_id != graph.content_id


def test_build_into_a_run_store(run: Any, tmp_path: Path) -> None:
    result = run("graph", "build", "--out", str(tmp_path / "g.json"), "--store", str(tmp_path / "run"), "--json")
    report = json.loads(result.stdout)
    from envfactory_core.store import RunStore

    with RunStore(tmp_path / "run") as store:
        assert ToolGraph.load_from_store(store, report["store_id"]).content_id == report["content_id"]


def test_stats_show_and_export(run: Any, tmp_path: Path) -> None:
    graph_file = tmp_path / "g.json"
    run("graph", "build", "--out", str(graph_file))
    stats = json.loads(run("graph", "stats", "--graph", str(graph_file), "--json").stdout)
    assert stats["unreachable_tools"] == ["payments__settle_batch"]
    table = run("graph", "stats", "--graph", str(graph_file))
    assert table.exit_code == 0
    assert "unreachable: payments__settle_batch" in table.stdout
    shown = json.loads(run("graph", "show", "charge", "--graph", str(graph_file), "--json").stdout)
    assert shown["name"] == "payments__charge"
    assert shown["depth"] == 2
    order_id = next(item for item in shown["inputs"] if item["path"] == "order_id")
    assert "store__create_order:out:order_id" in {link["source"] for link in order_id["providers"]}
    assert run("graph", "show", "store__create_order", "--graph", str(graph_file)).exit_code == 0
    graphml = run("graph", "export", "--graph", str(graph_file), "--format", "graphml")
    assert ET.fromstring(graphml.stdout).tag.endswith("graphml")
    out = tmp_path / "g.dot"
    assert run("graph", "export", "--graph", str(graph_file), "--format", "dot", "--out", str(out)).exit_code == 0
    assert out.read_text().startswith("digraph")


def test_sample_json_and_jsonl(run: Any, tmp_path: Path) -> None:
    lines = tmp_path / "chains.jsonl"
    result = run(
        "graph", "sample", "--sampler", "core/topology", "--chains", "25", "--seed", "7", "--out", str(lines), "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["chains"] == 25
    assert report["summary"]["valid_share"] == 1.0
    assert report["sampler"] == "core/topology"
    assert report["options"]["max_tools"] == 10
    written = [json.loads(line) for line in lines.read_text().splitlines()]
    assert written == report["chains"]
    again = run("graph", "sample", "--sampler", "core/topology", "--chains", "25", "--seed", "7", "--json")
    assert again.stdout == result.stdout
    other = run("graph", "sample", "--sampler", "topology", "--chains", "25", "--seed", "8", "--json")
    assert json.loads(other.stdout)["chains"] != report["chains"]
    human = run("graph", "sample", "--sampler", "core/random_walk", "--chains", "5", "--option", "max_tools=4")
    assert human.exit_code == 0
    assert "of 5 valid" in human.stdout


def test_sample_from_spec_files_without_any_installed_environment(run: Any, trio_plugin: Any, tmp_path: Path) -> None:
    specs = [environment.spec for environment in trio_plugin().environments]
    path = tmp_path / "specs.json"
    path.write_text(json.dumps(to_json(specs)))
    result = run("graph", "sample", "--spec-file", str(path), "--chains", "3", "--json", with_trio=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["chains"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("graph", "sample", "--option", "max_servers=9"), "max_servers=9 but the graph has only 3 environments"),
        (("graph", "sample", "--option", "oops"), "expected KEY=VALUE"),
        (("graph", "sample", "--option", "depth=3"), "unknown option"),
        (("graph", "sample", "--sampler", "core/nope"), "unknown sampler 'core/nope'"),
        (("graph", "show", "store__nothing"), "has no tool 'store__nothing'"),
        (("graph", "build", "nowhere"), "no such environment"),
        (("graph", "stats", "--graph", "/nonexistent/g.json"), "cannot read the tool graph"),
        (("graph", "build", "--linker", "core/lexical", "--linker-option", "floor=2"), "floor"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(run: Any, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_no_environment_installed(run: Any) -> None:
    result = run("graph", "build", with_trio=False)
    assert result.exit_code == 2
    assert "no environment is installed" in result.stderr
    assert "--spec-file" in result.stderr


def test_invalid_spec_file_names_the_field(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "name": "x",
                "domain": "d",
                "description": "d",
                "tools": [{"name": "t", "description": "T.", "input_schema": {"type": "array"}, "effect": "read"}],
                "state_schema": {"tables": []},
            }
        )
    )
    result = run("graph", "build", "--spec-file", str(path), with_trio=False)
    assert result.exit_code == 2
    assert "bad.json is not a valid EnvironmentSpec" in result.stderr
    assert "input_schema must have type 'object'" in result.stderr


def test_both_graph_and_environments_is_usage_error(run: Any, tmp_path: Path) -> None:
    run("graph", "build", "--out", str(tmp_path / "g.json"))
    result = run("graph", "stats", "--graph", str(tmp_path / "g.json"), "--env", "store")
    assert result.exit_code == 2
    assert "not both" in result.stderr
