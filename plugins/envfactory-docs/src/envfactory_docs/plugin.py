"""The envfactory plugin: the ``envfactory docs`` commands (``domains``, ``prompts``, ``tasks``, ``examples``).

The generators (and the store, the tool graph and the templates they read) are imported when one
of them runs or shows its help, not when ``envfactory --help`` lists the ``docs`` group.
"""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand

from .group import add_docs_command

__all__ = ["register_commands"]

COMMANDS = {
    "domains": "Render the catalogue of installed environments (docs/domains.md).",
    "prompts": "Render the prompt template reference (docs/reference/prompts.md).",
    "tasks": "Write the task-yield figures of RUN (an `envfactory tasks make` run) into a page.",
    "examples": "Render kept tasks (story, requests, gold calls, final answer) as a page (docs/examples/tasks.md).",
}
"""Each command's name and the first sentence of its help, which ``envfactory docs --help`` shows."""


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add the page generators to the ``docs`` group (another plugin's, when it made one first)."""
    for name, summary in COMMANDS.items():
        command = LazyCommand(name, f"envfactory_docs.cli:{name}_command", summary=summary, plugin="docs")
        add_docs_command(cli, command)
