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


@hookimpl(specname="register_commands")
def register_docs_commands(cli: click.Group) -> None:
    """``envfactory docs domains``: the generated catalogue of installed environments."""
    from ..cli.docs import add_docs_commands

    add_docs_commands(cli)
