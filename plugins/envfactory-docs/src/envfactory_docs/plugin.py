"""The envfactory plugin: the ``envfactory docs`` commands (``domains``, ``prompts``, ``tasks``)."""

from __future__ import annotations

import click

from envfactory_core import hookimpl

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add the page generators to the ``docs`` group (another plugin's, when it made one first)."""
    from .cli import add_docs_command, domains_command, prompts_command, tasks_command

    for command in (domains_command, prompts_command, tasks_command):
        add_docs_command(cli, command)
