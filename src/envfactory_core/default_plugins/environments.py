"""Built-in plugin: environment commands (``envfactory envs``)."""

from __future__ import annotations

import click

from ..plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from ..cli.envs import envs_group

    cli.add_command(envs_group)
