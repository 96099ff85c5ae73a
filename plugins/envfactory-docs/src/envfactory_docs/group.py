"""The ``envfactory docs`` group, which other plugins may join.

It is built for every ``envfactory`` command, so it imports nothing but click: the page
generators are lazy commands in it, imported when one of them runs.
"""

from __future__ import annotations

import click

from envfactory_core.errors import PluginError

__all__ = ["add_docs_command", "docs_group"]


@click.group("docs")
def docs_group() -> None:
    """Generate documentation pages from the installed components."""


def add_docs_command(cli: click.Group, command: click.Command, *, plugin: str = "docs") -> None:
    """Add ``command`` to the ``docs`` group: the one another plugin made, or ours."""
    existing = cli.commands.get("docs")
    if existing is None:
        cli.add_command(docs_group)
        existing = docs_group
    if not isinstance(existing, click.Group):
        raise PluginError(plugin, "another plugin registered 'docs' as a command, not a group")
    existing.add_command(command)
