"""The envgen plugin: what it registers, and how sources are resolved to loaders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from envfactory_envgen.build import resolve_loader

from envfactory_core import hookimpl
from envfactory_core.loaders import ResourceLoader
from envfactory_core.registry import Registry

from .conftest import OPENAPI, needs_openapi

DATA = Path(__file__).parent / "data"


def test_loaders_builders_and_the_verifier_are_registered(registry: Registry) -> None:
    loaders = {entry.name: entry.component for entry in registry.components("resource_loader")}
    assert {"envgen/openapi", "envgen/metadata", "envgen/sketch", "envgen/mcp_listing"} <= set(loaders)
    assert all(isinstance(loader, ResourceLoader) for loader in loaders.values())
    assert "envgen/crud" in registry.names("environment_builder")
    assert "envgen/validate" in registry.names("verifier")


def test_the_llm_builder_lives_in_the_envgen_namespace(register_plugin: Any, plugin_manager: Any) -> None:
    builder = Registry(plugin_manager).get("environment_builder", "envgen/llm_builder")
    assert builder.needs_model
    assert builder.wants_scenarios


@needs_openapi
def test_sources_resolve_to_their_loader(registry: Registry, tmp_path: Path) -> None:
    assert resolve_loader(registry, str(OPENAPI / "harbor-v2.0.swagger.yaml")).name == "openapi"
    assert resolve_loader(registry, str(DATA / "taskboard_metadata.json")).name == "metadata"
    sketch = tmp_path / "s.py"
    sketch.write_text("def get_x(x_id: str) -> dict:\n    '''Get.'''\n")
    assert resolve_loader(registry, str(sketch)).name == "sketch"
    listing = tmp_path / "l.json"
    listing.write_text(json.dumps({"tools": []}))
    assert resolve_loader(registry, str(listing)).name == "mcp_listing"


@needs_openapi
def test_a_plugin_resolver_wins_over_the_built_in_one(register_plugin: Any, plugin_manager: Any) -> None:
    class Mine:
        name = "mine"
        description = "Reads everything."

        def can_load(self, source: str) -> bool:
            return True

        def load(self, source: str) -> Any:
            raise NotImplementedError

    class Plugin:
        @hookimpl
        def register_resource_loaders(self, register: Any) -> None:
            register(Mine())

        @hookimpl
        def resolve_resource_loader(self, source: str) -> str | None:
            return "mine/mine" if source.endswith(".yaml") else None

    register_plugin(Plugin(), name="mine")
    registry = Registry(plugin_manager)
    assert isinstance(resolve_loader(registry, str(OPENAPI / "oai-petstore-expanded.yaml")), Mine)
    assert resolve_loader(registry, str(DATA / "taskboard_metadata.json")).name == "metadata"


def test_the_envgen_commands_are_added(registry: Registry) -> None:
    from click.testing import CliRunner

    from envfactory_core.cli import build_cli
    from envfactory_core.cli.app import App

    cli = build_cli(App(registry.manager))
    result = CliRunner().invoke(cli, ["envgen", "--help"])
    assert result.exit_code == 0
    assert all(word in result.output for word in ("build", "package", "report"))
