"""Built-in plugin: resource loaders, environment builders, the ``core/validate`` verifier and ``envfactory envgen``.

Loaders: ``core/openapi`` (OpenAPI 3.x, Swagger 2.0), ``core/metadata`` (the reference metadata JSON),
``core/sketch`` (Python stubs, read with ast), ``core/mcp_listing`` (a saved MCP tools/list).
Builders: ``core/crud`` (deterministic, offline). The LLM builder ``llm/builder`` and the LLM stages
of the validation loop are registered by :mod:`envfactory_core.default_plugins.llm` (namespace ``llm``).
"""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..hookspecs import Register
from ..plugins import hookimpl


@hookimpl
def register_resource_loaders(register: Register) -> None:
    from ..envgen.loaders import McpListingSpecLoader, MetadataLoader, OpenApiLoader, SketchLoader

    register(OpenApiLoader())
    register(MetadataLoader())
    register(SketchLoader())
    register(McpListingSpecLoader())


@hookimpl(trylast=True)
def resolve_resource_loader(source: str) -> str | None:
    """Recognise OpenAPI/Swagger, metadata JSON, Python sketches and saved MCP listings by their content."""
    from ..envgen.loaders.sniff import resolve_loader_name

    return resolve_loader_name(source)


@hookimpl
def register_environment_builders(register: Register) -> None:
    from ..envgen.crud.builder import CrudBuilder

    register(CrudBuilder())


@hookimpl
def register_verifiers(register: Register) -> None:
    from ..envgen.validate.verifier import ValidateVerifier

    register(ValidateVerifier())


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "envgen",
            "envfactory_core.cli.envgen:envgen_group",
            summary=(
                "Build executable, verified environments from OpenAPI documents, metadata JSON, sketches and MCP "
                "listings."
            ),
            plugin="core.loaders",
        )
    )
