"""Built-in plugin: environment commands (``envfactory envs``)."""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "envs",
            "envfactory_core.cli.envs:envs_group",
            summary="List, inspect, call and verify the installed environments.",
            plugin="core.environments",
        )
    )
