"""Plugin loading: misspelled hooks, duplicates, operator controls."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from envfactory_testing import fresh_plugin_manager, inline_plugin

from envfactory_core import hookimpl
from envfactory_core.contracts import ENVIRONMENT_CHECK, SAMPLER
from envfactory_core.errors import DuplicateComponentError, PluginError, UnknownComponentError
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry


class Misspelled:
    @hookimpl
    def register_verifers(self, register: Any) -> None:  # sic: the typo is the point
        register(SimpleNamespace(name="x"))


def test_a_misspelled_hook_fails_loudly_naming_the_plugin() -> None:
    manager = fresh_plugin_manager()
    with pytest.raises(PluginError) as caught, inline_plugin(manager, Misspelled(), name="typo-plugin"):
        pass
    assert "typo-plugin" in str(caught.value)
    assert "register_verifers" in str(caught.value)
    assert isinstance(caught.value, RuntimeError)


def test_a_wrong_hook_argument_fails_naming_the_plugin() -> None:
    class WrongArgument:
        @hookimpl
        def register_environment_checks(self, registrar: Any) -> None:
            pass

    manager = fresh_plugin_manager()
    with pytest.raises(PluginError, match="wrong-args"), inline_plugin(manager, WrongArgument(), name="wrong-args"):
        pass


def test_a_duplicate_component_name_names_both_plugins(register_plugin: Any, plugin_manager: Any) -> None:
    class First:
        @hookimpl
        def register_samplers(self, register: Any) -> None:
            register(SimpleNamespace(name="walk"))

    class Second:
        @hookimpl
        def register_samplers(self, register: Any) -> None:
            register(SimpleNamespace(name="walk"))

    register_plugin(First(), name="first", namespace="shared")
    register_plugin(Second(), name="second", namespace="shared")
    with pytest.raises(DuplicateComponentError) as caught:
        Registry(plugin_manager).components(SAMPLER)
    assert "first" in str(caught.value)
    assert "second" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_same_short_name_in_different_namespaces_is_fine_but_ambiguous(
    register_plugin: Any, plugin_manager: Any
) -> None:
    for plugin_name in ("alpha", "beta"):

        class Plugin:
            @hookimpl
            def register_samplers(self, register: Any) -> None:
                register(SimpleNamespace(name="walk"))

        register_plugin(Plugin(), name=plugin_name)
    registry = Registry(plugin_manager)
    assert registry.get(SAMPLER, "alpha/walk") is not registry.get(SAMPLER, "beta/walk")
    with pytest.raises(UnknownComponentError, match="ambiguous"):
        registry.get(SAMPLER, "walk")


def test_unknown_component_lists_what_is_registered(registry: Registry) -> None:
    with pytest.raises(UnknownComponentError) as caught:
        registry.get(ENVIRONMENT_CHECK, "core/nope")
    assert "core/conformance" in str(caught.value)
    assert isinstance(caught.value, KeyError)


def test_plugins_dir_loads_local_files(tmp_path: Any) -> None:
    (tmp_path / "my_checks.py").write_text(
        "from types import SimpleNamespace\n"
        "from envfactory_core import hookimpl\n"
        "@hookimpl\n"
        "def register_environment_checks(register):\n"
        "    register(SimpleNamespace(name='always_green', description='A local check.'))\n"
    )
    manager = make_plugin_manager(load_entrypoints=False, plugins_dirs=[tmp_path])
    entry = Registry(manager).entry(ENVIRONMENT_CHECK, "local/always_green")
    assert entry.plugin == "local.my_checks"


def test_a_missing_plugins_dir_is_a_clear_error(tmp_path: Any) -> None:
    with pytest.raises(PluginError, match="does not exist"):
        make_plugin_manager(load_entrypoints=False, plugins_dirs=[tmp_path / "absent"])


def test_builtins_register_under_core() -> None:
    registry = Registry(fresh_plugin_manager())
    assert registry.entry(ENVIRONMENT_CHECK, "core/conformance").distribution == "envfactory-core"


def test_components_lists_one_kind_by_its_name(plugin_manager: Any) -> None:
    import json

    from click.testing import CliRunner

    from envfactory_core.cli import build_cli
    from envfactory_core.cli.app import App

    cli = build_cli(App(plugin_manager))
    result = CliRunner().invoke(cli, ["components", "task_gate", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["kind"] for row in rows} == {"task_gate"}
    assert "core/minimal" in {row["name"] for row in rows}
    refused = CliRunner().invoke(cli, ["components", "verifier"])
    assert refused.exit_code == 2
    assert "environment_check" in refused.output
