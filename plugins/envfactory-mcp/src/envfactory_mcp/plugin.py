"""The envfactory plugin: ``envfactory serve``, ``envfactory mcp …`` and the ``mcp/listing`` loader.

Importing it does not import the mcp SDK (a third of a second): the commands' module is imported
when one of them runs or shows its help, the loader's when a source is loaded.
"""

from __future__ import annotations

from typing import Any

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand

__all__ = ["register_commands", "register_resource_loaders", "resolve_resource_loader"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "serve",
            "envfactory_mcp.cli:serve_command",
            summary="Serve ENV... (registered environments) as one MCP server.",
            plugin="mcp",
        )
    )
    cli.add_command(
        LazyCommand(
            "mcp",
            "envfactory_mcp.cli:mcp_group",
            summary="Work with MCP servers: save a server's tool listing as a resource.",
            plugin="mcp",
        )
    )


@hookimpl
def register_resource_loaders(register: Any) -> None:
    from .listing import McpListingLoader

    register(McpListingLoader())


@hookimpl
def resolve_resource_loader(source: str) -> str | None:
    """Claim only sources no other loader could mean: mcp+…, stdio:… and saved listings."""
    from pathlib import Path

    from .listing import _saved_listing

    lowered = source.strip().lower()
    if lowered.startswith(("mcp+http://", "mcp+https://", "mcp+stdio:", "stdio:")):
        return "mcp/listing"
    if _saved_listing(Path(source)) is not None:
        return "mcp/listing"
    return None
