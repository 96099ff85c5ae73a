"""One test per hook: an inline plugin implements it and the core sees the result.

The meta-test in ``test_meta.py`` requires a ``test_hook_<name>`` for every hookspec.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import click
import pytest
from click.testing import CliRunner

from envfactory_core import contracts, hookimpl
from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.contracts import KINDS, Kind
from envfactory_core.registry import Registry


def _contribute(register_plugin: Any, plugin_manager: Any, hook: str, kind: Kind[Any]) -> Registry:
    component = SimpleNamespace(name="thing", description=f"A {kind.name} for the test.")

    class Plugin:
        pass

    def implementation(register: Any) -> None:
        register(component)

    setattr(Plugin, hook, staticmethod(hookimpl(implementation, specname=hook)))
    register_plugin(Plugin(), name="testplug")
    registry = Registry(plugin_manager)
    entry = registry.entry(kind, "testplug/thing")
    assert entry.component is component
    assert entry.plugin == "testplug"
    assert entry.kind == kind.name
    assert entry.description == f"A {kind.name} for the test."
    assert registry.get(kind, "thing") is component
    return registry


def _kind_of(hook: str) -> Kind[Any]:
    return next(kind for kind in KINDS.values() if kind.hook == hook)


def test_hook_register_resource_loaders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_resource_loaders", contracts.RESOURCE_LOADER)


def test_hook_register_environment_builders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_environment_builders", contracts.ENVIRONMENT_BUILDER)


def test_hook_register_environments(register_plugin: Any, plugin_manager: Any) -> None:
    from envfactory_core.env.catalog import environment_catalog
    from envfactory_core.env.examples import notes

    class Plugin:
        @hookimpl
        def register_environments(self, register: Any) -> None:
            register(notes)

    register_plugin(Plugin(), name="exampleplug")
    registry = Registry(plugin_manager)
    assert registry.get(contracts.ENVIRONMENT, "exampleplug/notes") is notes
    assert environment_catalog(registry)["notes"] is notes


def test_hook_register_environment_checks(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_environment_checks", contracts.ENVIRONMENT_CHECK)


def test_hook_register_environment_sources(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_environment_sources", contracts.ENVIRONMENT_SOURCE)


def test_hook_register_linkers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_linkers", contracts.LINKER)


def test_hook_register_labellers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_labellers", contracts.LABELLER)


def test_hook_register_embedders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_embedders", contracts.EMBEDDER)


def test_hook_register_graph_builders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_graph_builders", contracts.GRAPH_BUILDER)


def test_hook_register_samplers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_samplers", contracts.SAMPLER)


def test_hook_register_stories(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_stories", contracts.STORY)


def test_hook_register_seed_states(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_seed_states", contracts.SEED_STATE)


def test_hook_register_grounders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_grounders", contracts.GROUNDER)


def test_hook_register_writers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_writers", contracts.WRITER)


def test_hook_register_refiners(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_refiners", contracts.REFINER)


def test_hook_register_task_gates(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_task_gates", contracts.TASK_GATE)


def test_hook_register_agents(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_agents", contracts.AGENT)


def test_hook_register_rewards(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_rewards", contracts.REWARD)


def test_hook_register_exporters(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_exporters", contracts.EXPORTER)


def test_hook_register_llm_backends(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_llm_backends", contracts.LLM_BACKEND)


def test_hook_register_executors(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_executors", contracts.EXECUTOR)


def test_hook_resolve_resource_loader(register_plugin: Any, plugin_manager: Any) -> None:
    class Declines:
        @hookimpl
        def resolve_resource_loader(self, source: str) -> str | None:
            return None

    class Knows:
        @hookimpl
        def resolve_resource_loader(self, source: str) -> str | None:
            return "knows/yaml" if source.endswith(".yaml") else None

    register_plugin(Declines(), name="declines")
    register_plugin(Knows(), name="knows")
    assert plugin_manager.hook.resolve_resource_loader(source="api.yaml") == "knows/yaml"
    assert plugin_manager.hook.resolve_resource_loader(source="notes.txt") is None


def test_hook_register_commands(register_plugin: Any, plugin_manager: Any) -> None:
    class Plugin:
        @hookimpl
        def register_commands(self, cli: click.Group) -> None:
            @cli.command("hello-test")
            @click.argument("who")
            def hello(who: str) -> None:
                """Say hello."""
                click.echo(f"hello {who}")

    register_plugin(Plugin(), name="greeter")
    cli = build_cli(App(plugin_manager))
    result = CliRunner().invoke(cli, ["hello-test", "world"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "hello world"


def test_every_kind_has_a_hook_and_every_contribution_hook_a_kind() -> None:
    from envfactory_core import hookspecs

    for kind in KINDS.values():
        assert hasattr(hookspecs, kind.hook)
    contribution_hooks = {name for name in dir(hookspecs) if name.startswith("register_")} - {"register_commands"}
    assert contribution_hooks == {kind.hook for kind in KINDS.values()}


def test_every_kind_names_its_contract() -> None:
    for kind in KINDS.values():
        if kind is contracts.ENVIRONMENT:
            continue  # registered environments are envfactory_core.env.Environment objects
        assert isinstance(getattr(contracts, kind.contract), type), kind


def test_a_kind_named_by_a_user_is_looked_up_in_one_table(registry: Registry) -> None:
    from envfactory_core.errors import UnknownComponentError

    assert contracts.kind_named("sampler") is contracts.SAMPLER
    with pytest.raises(UnknownComponentError, match="environment_check"):
        contracts.kind_named("verifier")
    with pytest.raises(TypeError, match="kind_named"):
        registry.get("sampler", "core/topology")  # type: ignore[arg-type]


def test_builtins_satisfy_their_contracts(registry: Registry) -> None:
    for kind in KINDS.values():
        if kind is contracts.ENVIRONMENT:
            continue
        contract = getattr(contracts, kind.contract)
        for entry in registry.components(kind):
            assert isinstance(entry.component, contract), f"{entry.name} is not a {kind.contract}"


@pytest.mark.parametrize("hook", sorted(kind.hook for kind in KINDS.values()))
def test_registering_without_a_name_is_an_error_naming_the_plugin(
    register_plugin: Any, plugin_manager: Any, hook: str
) -> None:
    from envfactory_core.errors import PluginError

    class Plugin:
        pass

    setattr(Plugin, hook, staticmethod(hookimpl(lambda register: register(object()), specname=hook)))
    register_plugin(Plugin(), name="nameless")
    with pytest.raises(PluginError, match="nameless"):
        Registry(plugin_manager).components(_kind_of(hook))
