"""The envfactory plugin: ``envfactory serve``, ``envfactory mcp …`` and the ``mcp/listing`` loader."""

from __future__ import annotations

from typing import Any

import click

from envfactory_core import hookimpl

__all__ = ["register_commands", "register_resource_loaders", "resolve_resource_loader"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import mcp_group, serve_command

    cli.add_command(serve_command)
    cli.add_command(mcp_group)


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
