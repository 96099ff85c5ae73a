"""The envfactory plugin: ``envfactory verl config``."""

from __future__ import annotations

import click

from envfactory_core import hookimpl

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import verl_group

    cli.add_command(verl_group)
