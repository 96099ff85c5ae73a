"""What the plugin registers, and when: loader and reward always, the environment only with data."""

from __future__ import annotations

import pytest
from envfactory_taubench import plugin
from envfactory_taubench.loader import AirlineLoader
from envfactory_taubench.testing import write_data_folder

from envfactory_core.env import Environment
from envfactory_core.errors import PluginError
from envfactory_core.loaders import LoadResult, ResourceLoader
from envfactory_core.registry import Registry
from envfactory_core.rewards import Reward


@pytest.fixture
def taubench_registry(plugin_manager, register_plugin):
    register_plugin(plugin, name="taubench")
    return Registry(plugin_manager)


def test_loader_and_reward_are_registered_under_the_taubench_namespace(taubench_registry, monkeypatch):
    monkeypatch.delenv("ENVFACTORY_TAUBENCH_DATA", raising=False)
    loader = taubench_registry.get("resource_loader", "taubench/airline")
    reward = taubench_registry.get("reward", "taubench/state_hash")
    assert isinstance(loader, ResourceLoader)
    assert isinstance(reward, Reward)


def test_register_environments_needs_the_data_variable(taubench_registry, monkeypatch):
    monkeypatch.delenv("ENVFACTORY_TAUBENCH_DATA", raising=False)
    assert "taubench/airline" not in taubench_registry.names("environment")


def test_register_environments_with_a_data_folder(plugin_manager, register_plugin, monkeypatch, tmp_path):
    monkeypatch.setenv("ENVFACTORY_TAUBENCH_DATA", str(write_data_folder(tmp_path)))
    register_plugin(plugin, name="taubench")
    environment = Registry(plugin_manager).get("environment", "taubench/airline")
    assert isinstance(environment, Environment)
    assert environment.evaluation_only


def test_register_environments_with_a_bad_folder_fails_loudly(plugin_manager, register_plugin, monkeypatch, tmp_path):
    monkeypatch.setenv("ENVFACTORY_TAUBENCH_DATA", str(tmp_path / "nowhere"))
    register_plugin(plugin, name="taubench")
    with pytest.raises(PluginError, match="does not exist"):
        Registry(plugin_manager).names("environment")


def test_commands_are_added(plugin_manager, register_plugin):
    import click

    from envfactory_core.cli.lazy import LazyCommand

    register_plugin(plugin, name="taubench")
    cli = click.Group("envfactory")
    plugin_manager.hook.register_commands(cli=cli)
    taubench = cli.commands["taubench"]
    assert isinstance(taubench, LazyCommand)
    airline = taubench.load().commands["airline"]
    assert set(airline.commands) == {"replay-gold", "judge", "check-data"}


def test_the_loader_reads_a_folder_into_an_environment_and_resources(tmp_path):
    folder = write_data_folder(tmp_path)
    loader = AirlineLoader()
    assert loader.can_load(str(folder))
    assert not loader.can_load(str(tmp_path / "data" / "flights.json"))
    result = loader.load(str(folder))
    assert isinstance(result, LoadResult)
    assert {resource.name for resource in result.resources} == {
        "data/flights.json",
        "data/reservations.json",
        "data/users.json",
        "wiki.md",
    }
    assert all(resource.provenance.license == "MIT" for resource in result.resources)
    (environment,) = result.environments
    assert result.specs == (environment.spec,)
    assert result.tasks == ()
    assert any("tasks.json" in problem.location for problem in result.skipped)
    # A state made here is not the benchmark's: the loader says so instead of failing.
    assert any("initial state hashes to" in problem.message for problem in result.skipped)


def test_the_loader_on_the_shared_data_grounds_every_task(shared_data_dir):
    result = AirlineLoader().load(str(shared_data_dir))
    assert result.skipped == ()
    assert result.details["initial_state_hash"] == result.details["initial_state_hash_expected"]
    assert len(result.tasks) == 50
    assert all(task.evaluation and task.environments == ("airline",) for task in result.tasks)
    first = result.tasks[0]
    assert first.provenance["task_id"] == "0"
    assert first.provenance["benchmark_state_hash"] == first.provenance["benchmark_gold_state_hash"]
    assert first.kind == "write"
    assert first.gold_calls[0].call.tool == "book_reservation"
    assert first.gold_calls[0].output["reservation_id"] == "HATHAT"
    read_only = [task for task in result.tasks if task.kind == "read"]
    assert read_only
    assert all(task.gold_state_id == task.initial_state_id for task in read_only)
    outputs_task = next(task for task in result.tasks if task.provenance["task_id"] == "2")
    assert outputs_task.answer_facts == ("23553",)
