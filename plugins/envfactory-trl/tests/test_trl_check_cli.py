"""``envfactory trl check``: rows, classes and schemas checked before training."""

from __future__ import annotations

import json

from click.testing import CliRunner

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.plugins import make_plugin_manager


def _run(*arguments: str):
    return CliRunner().invoke(build_cli(App(make_plugin_manager())), ["trl", "check", *arguments])


def test_check_passes_an_export_of_installed_environments(export_dir, rows, example_plugins) -> None:
    result = _run(str(export_dir), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert report["rows"] == sum(1 for row in rows if row["extra_info"]["split"] == "train")
    assert {entry["environment"] for entry in report["environments"]} <= {"bookshop", "notes", "bookshop+notes"}


def test_check_fails_when_the_environments_are_not_installed(export_dir, monkeypatch) -> None:
    monkeypatch.delenv("ENVFACTORY_PLUGINS_DIR", raising=False)
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "trl")  # only this plugin: the examples are not installed
    result = _run(str(export_dir), "--json")
    assert result.exit_code == 1
    assert any("not installed" in problem for problem in json.loads(result.stdout)["problems"])


def test_check_explains_a_directory_without_rows(tmp_path) -> None:
    result = _run(str(tmp_path))
    assert result.exit_code == 2
    assert "train.parquet" in result.output
