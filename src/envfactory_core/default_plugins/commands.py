"""Built-in plugin: the core commands (plugins, components)."""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "plugins",
            "envfactory_core.cli.plugins:plugins_command",
            summary="List loaded plugins: distribution, version, hooks implemented, components registered.",
            plugin="core.commands",
        )
    )
    cli.add_command(
        LazyCommand(
            "components",
            "envfactory_core.cli.plugins:components_command",
            summary="List registered components, of one KIND or of every kind.",
            plugin="core.commands",
        )
    )
