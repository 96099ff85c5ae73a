"""The envfactory side of the plugin: the ``report`` command (its module loads when it runs)."""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "report",
            "envfactory_datasette.cli:report_command",
            summary="Write RUN's summary charts and a sample of its tasks and transcripts as one static HTML file.",
            plugin="datasette",
        )
    )
