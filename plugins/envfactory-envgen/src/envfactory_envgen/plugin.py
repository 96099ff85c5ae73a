"""The envfactory plugin: loaders, environment builders, the ``envgen/validate`` check, ``envfactory envgen``.

Loaders: ``envgen/openapi`` (OpenAPI 3.x, Swagger 2.0), ``envgen/metadata`` (the reference metadata
JSON), ``envgen/sketch`` (Python stubs, read with ast), ``envgen/mcp_listing`` (a saved MCP tools/list).
Builders: ``envgen/crud`` (deterministic, offline) and ``envgen/llm_builder`` (an LLM writes the module).
Every import is inside a hook, and the command is a lazy one, so loading the plugin costs nothing until a
component or the command is used.
"""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand
from envfactory_core.hookspecs import Register

__all__ = [
    "register_commands",
    "register_environment_builders",
    "register_environment_checks",
    "register_environment_sources",
    "register_resource_loaders",
    "resolve_resource_loader",
]

ENVFACTORY_NAMESPACE = "envgen"


@hookimpl
def register_resource_loaders(register: Register) -> None:
    from .loaders import McpListingSpecLoader, MetadataLoader, OpenApiLoader, SketchLoader

    register(OpenApiLoader())
    register(MetadataLoader())
    register(SketchLoader())
    register(McpListingSpecLoader())


@hookimpl(trylast=True)
def resolve_resource_loader(source: str) -> str | None:
    """Recognise OpenAPI/Swagger, metadata JSON, Python sketches and saved MCP listings by their content."""
    from .loaders.sniff import resolve_loader_name

    return resolve_loader_name(source)


@hookimpl
def register_environment_builders(register: Register) -> None:
    from .crud.builder import CrudBuilder
    from .llm.builder import LLMBuilder

    register(CrudBuilder())
    register(LLMBuilder())


@hookimpl
def register_environment_checks(register: Register) -> None:
    from .validate.verifier import ValidateVerifier

    register(ValidateVerifier())


@hookimpl
def register_environment_sources(register: Register) -> None:
    from .source import BuiltEnvironments

    register(BuiltEnvironments())


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "envgen",
            "envfactory_envgen.cli:envgen_group",
            summary=(
                "Build executable, verified environments from OpenAPI documents, metadata JSON, sketches and MCP "
                "listings."
            ),
            plugin="envgen",
        )
    )
