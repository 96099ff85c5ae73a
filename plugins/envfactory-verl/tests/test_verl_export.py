"""``verl/verl``: parquet read back by pyarrow, fixed schema, generated reward module, tools.yaml."""

from __future__ import annotations

import builtins
import hashlib
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from envfactory_testing.export_items import example_export, write_run_store
from envfactory_verl.exporter import VerlExporter, row_problems
from envfactory_verl.schema import verl_schema_problems

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.contracts import EXPORTER, Exporter
from envfactory_core.errors import MissingDependencyError
from envfactory_core.export import ExportItem, ExportResult
from envfactory_core.llm.hermes import format_tool_calls
from envfactory_core.options import option_problems
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry


@pytest.fixture(scope="module")
def items() -> tuple[ExportItem, ...]:
    """Eight grounded, refined, solved and scored tasks (varied trajectories; the last has none)."""
    return example_export(tasks=8, seed=0, validation_share=0.34, without_trajectory=1).items


@pytest.fixture
def export_to(tmp_path: Path) -> Callable[..., tuple[ExportResult, Path]]:
    """``export_to(exporter, items, name="out")`` writes into a fresh directory under ``tmp_path``."""

    def run(
        exporter: Exporter, items: tuple[ExportItem, ...] | list[ExportItem], name: str = "out"
    ) -> tuple[ExportResult, Path]:
        directory = tmp_path / name
        directory.mkdir()
        return exporter.export(iter(items), directory), directory

    return run


@pytest.fixture
def verl_registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    """A registry with the built-ins and this plugin, loaded through its entry point."""
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "envfactory-verl")
    return Registry(make_plugin_manager())


def test_the_plugin_registers_the_exporter_as_verl_verl(verl_registry: Registry) -> None:
    entry = verl_registry.entry(EXPORTER, "verl")
    assert entry.name == "verl/verl"
    assert entry.distribution == "envfactory-verl"
    assert isinstance(entry.component, VerlExporter)
    assert isinstance(entry.component, Exporter)
    assert entry.component.description
    assert [name for name in verl_registry.names(EXPORTER) if not name.startswith("core/")] == ["verl/verl"]


@pytest.mark.parametrize(
    ("options", "problem"),
    [({"rows": "task", "reward_options": {"tau": 0.7}, "batch_rows": "64"}, None), ({"batch_rows": 0}, "batch_rows")],
)
def test_options_are_checked_like_a_pipeline_file_checks_them(
    verl_registry: Registry, options: dict[str, object], problem: str | None
) -> None:
    exporter = verl_registry.get(EXPORTER, "verl/verl")
    values, problems = option_problems(exporter, options, location="stage.options")
    if problem is None:
        assert problems == []
        configured = attrs.evolve(exporter, **values)
        assert all(getattr(configured, key) == value for key, value in values.items())
    else:
        assert any(problem in str(found) for found in problems)


def test_format_verl_exports_the_same_bytes_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "envfactory-verl")
    run_dir = write_run_store(example_export(tasks=4), tmp_path / "run")

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(build_cli(App(make_plugin_manager())), list(args), catch_exceptions=False)

    first = invoke("export", str(run_dir), "--format", "verl/verl", "--out", str(tmp_path / "a"), "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["exporter"] == "verl/verl"
    assert report["records"] > 0
    second = invoke("export", str(run_dir), "--format", "verl", "--out", str(tmp_path / "b"), "--json")
    assert second.exit_code == 0, second.output
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted((tmp_path / "a").iterdir())}
    assert digests == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted((tmp_path / "b").iterdir())
    }
    assert {file["path"]: file["sha256"] for file in report["files"]} == digests
    for path in (tmp_path / "a").iterdir():
        if path.suffix != ".parquet":
            assert str(tmp_path) not in path.read_text(encoding="utf-8")  # no absolute paths in the files


def _rows(directory: Path) -> list[dict[str, Any]]:
    return [
        row for split in ("train", "validation") for row in pq.read_table(directory / f"{split}.parquet").to_pylist()
    ]


def _reward_module(directory: Path, plugins_dir: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import the generated reward_fn.py as verl does, with the example environments installed."""
    plugins_dir.mkdir(exist_ok=True)
    (plugins_dir / "example_environments.py").write_text(
        "from envfactory_testing.export_items import register_environments  # noqa: F401\n", encoding="utf-8"
    )
    monkeypatch.setenv("ENVFACTORY_PLUGINS_DIR", str(plugins_dir))
    spec = importlib.util.spec_from_file_location("exported_reward_fn", directory / "reward_fn.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gold_response(row: dict[str, Any]) -> str:
    gold = json.loads(row["reward_model"]["ground_truth"])
    calls = format_tool_calls((call["name"], call["arguments"]) for call in gold)
    # what verl decodes: the model's calls with the tool responses in between
    return calls.replace(
        "</tool_call>\n", "</tool_call>\n<|im_start|>user\n<tool_response>\n{}\n</tool_response><|im_end|>\n"
    )


@pytest.mark.parametrize("rows", ["turn", "task"])
def test_reward_module_scores_gold_one_and_a_truncated_response_less(
    rows: str,
    items: tuple[ExportItem, ...],
    export_to: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, directory = export_to(VerlExporter(rows=rows), items)  # type: ignore[arg-type]
    module = _reward_module(directory, tmp_path / "plugins", monkeypatch)
    exported = _rows(directory)
    assert exported
    for row in exported:
        arguments = (row["data_source"], _gold_response(row), row["reward_model"]["ground_truth"], row["extra_info"])
        gold = module.compute_score(*arguments)
        assert gold["score"] == 1.0, (row["extra_info"]["task_id"], row["extra_info"]["turn"], gold)
        response = arguments[1]
        truncated = module.compute_score(row["data_source"], response[: len(response) // 2], arguments[2], arguments[3])
        assert truncated["score"] < 1.0
        assert set(gold) >= {"score", "trace", "state", "length_penalty", "format_penalty"}
        nothing = module.compute_score(row["data_source"], "I cannot help with that.", arguments[2], arguments[3])
        assert nothing["trace"] == 0.0


def test_the_final_state_from_the_rollout_wins(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, directory = export_to(VerlExporter(), items)
    module = _reward_module(directory, tmp_path / "plugins", monkeypatch)
    row = next(row for row in _rows(directory) if row["extra_info"]["kind"] == "write")
    info = dict(row["extra_info"])
    response = _gold_response(row)
    info["final_state"] = info["initial_state"]  # the rollout says nothing changed
    result = module.compute_score(row["data_source"], response, row["reward_model"]["ground_truth"], info)
    assert result["trace"] == 1.0
    assert result["state"] < 1.0
    assert result["score"] < 1.0


def test_parquet_has_the_fixed_schema_and_json_string_payloads(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any]
) -> None:
    result, directory = export_to(VerlExporter(), items)
    tables = [pq.read_table(directory / f"{split}.parquet") for split in ("train", "validation")]
    assert tables[0].schema.equals(tables[1].schema)
    assert tables[0].column_names == ["data_source", "agent_name", "prompt", "ability", "reward_model", "extra_info"]
    extra = tables[0].schema.field("extra_info").type
    for name in ("initial_state", "gold_state", "prefix_calls"):
        assert extra.field(name).type == pa.string()
    rows = _rows(directory)
    assert result.records == len(rows)
    for split in ("train", "validation"):
        indices = [row["extra_info"]["index"] for row in rows if row["extra_info"]["split"] == split]
        assert indices == list(range(len(indices)))
    for row in rows:
        assert row_problems(row) == []
        assert row["ability"] == "tool_use"
        assert row["agent_name"] == "envfactory_agent"
        assert row["reward_model"]["style"] == "rule"
        assert row["data_source"] == "envfactory/" + "+".join(row["extra_info"]["environments"])
        assert row["prompt"][-1]["role"] == "user"
        # states come back exactly, never merged into a struct with other rows' keys
        state = json.loads(row["extra_info"]["initial_state"])
        assert set(state) == set(row["extra_info"]["environments"])
        gold = json.loads(row["reward_model"]["ground_truth"])
        assert [call["masked_arguments"] for call in gold] == row["extra_info"]["masked_arguments"]


def test_turn_rows_carry_history_and_prefix_calls(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    _, directory = export_to(VerlExporter(), items)
    rows = _rows(directory)
    later = [row for row in rows if row["extra_info"]["turn"] > 0]
    assert later, "the example set has multi-turn tasks"
    for row in later:
        assert json.loads(row["extra_info"]["prefix_calls"])
        assert sum(1 for message in row["prompt"] if message["role"] == "user") == row["extra_info"]["turn"] + 1
        assert any("<tool_call>" in message["content"] for message in row["prompt"] if message["role"] == "assistant")
    no_trajectory = next(item for item in items if item.trajectory is None)
    own = [row for row in rows if row["extra_info"]["task_id"] == no_trajectory.task.id]
    assert own, "a task without a trajectory still makes RL rows (history from its gold calls)"


def test_tools_yaml_passes_verls_rules_and_config_points_at_the_files(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any]
) -> None:
    _, directory = export_to(VerlExporter(tool_class="my.Tool"), items)
    tools = yaml.safe_load((directory / "tools.yaml").read_text(encoding="utf-8"))["tools"]
    names = sorted({tool.name for item in items for tool in item.tools})
    assert [entry["tool_schema"]["function"]["name"] for entry in tools] == names
    for entry in tools:
        assert entry["class_name"] == "my.Tool"
        assert entry["config"]["type"] == "native"
        assert verl_schema_problems(entry["tool_schema"]) == []
    config = yaml.safe_load((directory / "verl_config.yaml").read_text(encoding="utf-8"))
    assert config["data"]["train_files"] == "train.parquet"
    assert config["reward"]["custom_reward_function"] == {"path": "reward_fn.py", "name": "compute_score"}
    assert config["actor_rollout_ref"]["rollout"]["multi_turn"]["tool_config_path"] == "tools.yaml"
    assert str(directory) not in (directory / "verl_config.yaml").read_text(encoding="utf-8")


def test_jsonl_option_writes_the_same_rows(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    _, directory = export_to(VerlExporter(jsonl=True, batch_rows=2), items)
    for split in ("train", "validation"):
        parquet = pq.read_table(directory / f"{split}.parquet").to_pylist()
        lines = [json.loads(line) for line in (directory / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert parquet == lines
        if len(lines) > 3:  # rows are written in batches, not all at once
            assert pq.ParquetFile(directory / f"{split}.parquet").num_row_groups >= 2


def test_missing_pyarrow_names_the_install_command(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(MissingDependencyError, match=r'pip install "pyarrow>=15"'):
        export_to(VerlExporter(), items)
