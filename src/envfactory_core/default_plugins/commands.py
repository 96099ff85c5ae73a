"""Built-in plugin: the core commands (plugins, components)."""

from __future__ import annotations

import click

from ..plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from ..cli.plugins import components_command, plugins_command

    cli.add_command(plugins_command)
    cli.add_command(components_command)
