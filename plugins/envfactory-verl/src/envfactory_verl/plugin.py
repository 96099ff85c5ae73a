"""The envfactory plugin: the ``verl/verl`` exporter (``--format verl``) and ``envfactory verl config``.

The exporter's and the command's modules are imported when they are used, not when
``envfactory --help`` lists the command.
"""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand
from envfactory_core.hookspecs import Register

__all__ = ["register_commands", "register_exporters"]


@hookimpl
def register_exporters(register: Register) -> None:
    from .exporter import VerlExporter

    register(VerlExporter())


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
