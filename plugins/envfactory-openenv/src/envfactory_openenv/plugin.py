"""The envfactory plugin: ``envfactory openenv serve``. Importing it does not import openenv."""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "openenv",
            "envfactory_openenv.cli:openenv_group",
            summary="Serve tasks and environments as an OpenEnv environment (reset/step over WebSocket).",
            plugin="openenv",
        )
    )
