"""The envfactory plugin: ``envfactory trl check``."""

from __future__ import annotations

import click

from envfactory_core import hookimpl

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import trl_group

    cli.add_command(trl_group)
