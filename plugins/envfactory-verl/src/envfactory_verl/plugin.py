"""The envfactory plugin: ``envfactory verl config``.

The command's module is imported when the command runs or shows its help, not when
``envfactory --help`` lists it.
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
            "verl",
            "envfactory_verl.cli:verl_group",
            summary="verl training on envfactory environments.",
            plugin="verl",
        )
    )
