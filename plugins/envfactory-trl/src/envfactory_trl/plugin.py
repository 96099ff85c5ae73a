"""The envfactory plugin: ``envfactory trl check``.

The command's module (and with it TRL's data helpers and the pipeline) is imported when the
command runs or shows its help, not when ``envfactory --help`` lists it.
"""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "trl",
            "envfactory_trl.cli:trl_group",
            summary="TRL (GRPO) training on envfactory environments.",
            plugin="trl",
        )
    )
