"""One test per hook: an inline plugin implements it and the core sees the result.

The meta-test in ``test_meta.py`` requires a ``test_hook_<name>`` for every hookspec.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import click
import pytest
from click.testing import CliRunner

from envfactory_core import hookimpl
from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.registry import KINDS, Registry


def _contribute(register_plugin: Any, plugin_manager: Any, hook: str, kind: str) -> Registry:
    component = SimpleNamespace(name="thing", description=f"A {kind} for the test.")

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
    assert entry.description == f"A {kind} for the test."
    assert registry.get(kind, "thing") is component
    return registry


def _kind_of(hook: str) -> str:
    return next(kind for kind, name in KINDS.items() if name == hook)


def test_hook_register_resource_loaders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_resource_loaders", _kind_of("register_resource_loaders"))


def test_hook_register_environment_builders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(
        register_plugin, plugin_manager, "register_environment_builders", _kind_of("register_environment_builders")
    )


def test_hook_register_environments(register_plugin: Any, plugin_manager: Any) -> None:
    from envfactory_core.env.catalog import environment_catalog
    from envfactory_core.env.examples import notes

    class Plugin:
        @hookimpl
        def register_environments(self, register: Any) -> None:
            register(notes)

    register_plugin(Plugin(), name="exampleplug")
    registry = Registry(plugin_manager)
    assert registry.get("environment", "exampleplug/notes") is notes
    assert environment_catalog(registry)["notes"] is notes


def test_hook_register_verifiers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_verifiers", "verifier")


def test_hook_register_linkers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_linkers", "linker")


def test_hook_register_labellers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_labellers", "labeller")


def test_hook_register_embedders(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_embedders", "embedder")


def test_hook_register_samplers(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_samplers", "sampler")


def test_hook_register_refiners(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_refiners", "refiner")


def test_hook_register_agents(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_agents", "agent")


def test_hook_register_rewards(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_rewards", "reward")


def test_hook_register_exporters(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_exporters", "exporter")


def test_hook_register_llm_backends(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_llm_backends", "llm_backend")


def test_hook_register_executors(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_executors", "executor")


def test_hook_register_stages(register_plugin: Any, plugin_manager: Any) -> None:
    _contribute(register_plugin, plugin_manager, "register_stages", "stage")


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


def test_every_kind_has_a_hook() -> None:
    from envfactory_core import hookspecs

    for hook in KINDS.values():
        assert hasattr(hookspecs, hook)


@pytest.mark.parametrize("hook", sorted(KINDS.values()))
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
