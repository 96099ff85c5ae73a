"""``envfactory export``: every format from a run directory, deterministic bytes, options, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_testing import fresh_plugin_manager
from envfactory_testing.export_items import ExampleExport, write_run_store

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.export.canonical import read_canonical

FORMATS = ["core/jsonl", "core/messages", "core/openai_ft", "core/llamafactory"]


@pytest.fixture(scope="module")
def run_dir(example: ExampleExport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run_store(example, tmp_path_factory.mktemp("run"))


def invoke(*args: str) -> Any:
    app = App(fresh_plugin_manager())
    return CliRunner().invoke(build_cli(app), list(args), catch_exceptions=False)


def _digests(directory: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(directory.iterdir())}


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_exports_the_same_bytes_twice(name: str, run_dir: Path, tmp_path: Path) -> None:
    first = invoke("export", str(run_dir), "--format", name, "--out", str(tmp_path / "a"), "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["exporter"] == name
    assert report["records"] > 0
    second = invoke("export", str(run_dir), "--format", name.split("/")[1], "--out", str(tmp_path / "b"), "--json")
    assert second.exit_code == 0, second.output
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert {file["path"]: file["sha256"] for file in report["files"]} == _digests(tmp_path / "a")
    for path in (tmp_path / "a").iterdir():
        if path.suffix != ".parquet":
            assert str(tmp_path) not in path.read_text(encoding="utf-8")  # no absolute paths in the files


def test_default_directory_split_and_summary(example: ExampleExport, run_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    write_run_store(example, run)
    result = invoke("export", str(run), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert "kept tasks in the run" in result.stdout
    directory = run / "exports" / "jsonl"
    assert len(list(read_canonical(directory))) == len(example.items)
    again = invoke("export", str(run), "--format", "jsonl")
    assert again.exit_code == 2
    assert "not empty" in again.output
    assert "--overwrite" in again.output
    everything = invoke("export", str(run), "--format", "jsonl", "--split", "1", "--overwrite", "--json")
    assert everything.exit_code == 0, everything.output
    files = {file["path"] for file in json.loads(everything.stdout)["files"]}
    assert files == {"train.jsonl", "environments.jsonl"}
    assert not any(path.name.startswith(".tmp") for path in (run / "exports").iterdir())


def test_filters_and_options(example: ExampleExport, run_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        "export", str(run_dir), "--format", "messages", "--out", str(tmp_path / "m"),
        "--min-reward", "1", "--env", "notes", "--option", "expand=step", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    kept = [
        t
        for task, t in zip(example.tasks, example.trajectories, strict=True)
        if t is not None and task.environments == ("notes",) and t.reward("core/envfactory").score >= 1.0  # type: ignore[union-attr]
    ]
    assert report["records"] == sum(1 for t in kept for m in t.messages if m.role == "assistant")
    assert sum(report["filtered_out"].values()) == len(example.items) - len(kept)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "nope"], "nope"),
        (["--format", "messages", "--option", "expand=sideways"], "expand"),
        (["--format", "messages", "--option", "colour=blue"], "unknown option"),
        (["--format", "messages", "--domain", "nowhere"], "no domain 'nowhere'"),
        (["--format", "messages", "--split", "0"], "--split"),
    ],
)
def test_bad_input_exits_2_and_says_why(args: list[str], expected: str, run_dir: Path, tmp_path: Path) -> None:
    result = invoke("export", str(run_dir), "--out", str(tmp_path / "x"), *args)
    assert result.exit_code == 2
    assert expected in result.output
    assert not (tmp_path / "x").exists()


def test_a_directory_without_a_run_is_refused(tmp_path: Path) -> None:
    result = invoke("export", str(tmp_path / "missing"), "--format", "jsonl")
    assert result.exit_code == 2
    assert "no run store" in result.output
