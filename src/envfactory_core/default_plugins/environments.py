"""Built-in plugin: environment commands (``envfactory envs``)."""

from __future__ import annotations

import click

from ..plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from ..cli.envs import envs_group

    cli.add_command(envs_group)


@hookimpl(specname="register_commands")
def register_docs_commands(cli: click.Group) -> None:
    """``envfactory docs domains``: the generated catalogue of installed environments."""
    from ..cli.docs import add_docs_commands

    add_docs_commands(cli)
