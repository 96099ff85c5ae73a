"""``envfactory verl config``: the agent loop registration and settings for an export."""

from __future__ import annotations

import importlib.util
import json

import pytest
import yaml
from click.testing import CliRunner

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.plugins import make_plugin_manager


def cli():
    return build_cli(App(make_plugin_manager()))


def test_config_writes_the_agent_loop_and_settings(export_dir) -> None:
    result = CliRunner().invoke(cli(), ["verl", "config", str(export_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    entries = yaml.safe_load((export_dir / "agent_loop.yaml").read_text(encoding="utf-8"))
    assert entries == [{"name": "envfactory_agent", "_target_": "envfactory_verl.agent_loop.EnvironmentAgentLoop"}]
    settings = yaml.safe_load((export_dir / "envfactory_verl.yaml").read_text(encoding="utf-8"))
    agent = settings["actor_rollout_ref"]["rollout"]["agent"]
    assert agent["default_agent_loop"] == "envfactory_agent"
    assert agent["agent_loop_config_path"] == str((export_dir / "agent_loop.yaml").resolve())
    assert settings["data"]["train_files"] == str((export_dir / "train.parquet").resolve())
    assert settings["reward"]["custom_reward_function"]["path"] == "pkg://envfactory_verl.reward"
    assert "+reward.custom_reward_function.reward_kwargs.reward=core/envfactory" in report["overrides"]
    assert "actor_rollout_ref.rollout.multi_turn.enable=true" in report["overrides"]


def test_config_refuses_a_directory_that_is_not_a_verl_export(tmp_path) -> None:
    result = CliRunner().invoke(cli(), ["verl", "config", str(tmp_path)])
    assert result.exit_code == 2
    assert "tools.yaml" in result.output


def test_config_refuses_an_unknown_reward(export_dir) -> None:
    result = CliRunner().invoke(cli(), ["verl", "config", str(export_dir), "--reward", "core/nope"])
    assert result.exit_code == 2
    assert "nope" in result.output


@pytest.mark.heavy
@pytest.mark.skipif(importlib.util.find_spec("verl") is None, reason="needs verl, in the heavy test group")
def test_verl_resolves_the_written_agent_loop(export_dir) -> None:
    import hydra.utils

    CliRunner().invoke(cli(), ["verl", "config", str(export_dir)])
    entry = yaml.safe_load((export_dir / "agent_loop.yaml").read_text(encoding="utf-8"))[0]
    from envfactory_verl.agent_loop import EnvironmentAgentLoop

    assert hydra.utils.get_class(entry["_target_"]) is EnvironmentAgentLoop
