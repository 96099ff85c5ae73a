"""The envfactory plugin: the ``verl/verl`` exporter (``--format verl``) and ``envfactory verl config``."""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.hookspecs import Register

__all__ = ["register_commands", "register_exporters"]


@hookimpl
def register_exporters(register: Register) -> None:
    from .exporter import VerlExporter

    register(VerlExporter())


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import verl_group

    cli.add_command(verl_group)
