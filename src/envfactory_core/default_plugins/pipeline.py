"""Built-in plugin: the installed-environments source, the graph builder, the local executor, run commands."""

from __future__ import annotations

import click

from ..hookspecs import Register
from ..plugins import hookimpl


@hookimpl
def register_environment_sources(register: Register) -> None:
    from ..pipeline.stages import InstalledEnvironments

    register(InstalledEnvironments())


@hookimpl
def register_graph_builders(register: Register) -> None:
    from ..pipeline.stages import GraphStage

    register(GraphStage())


@hookimpl
def register_executors(register: Register) -> None:
    from ..pipeline.executors import LocalExecutor

    register(LocalExecutor())


@hookimpl
def register_commands(cli: click.Group) -> None:
    from ..cli.run import browse_command, init_command, run_command, runs_group

    cli.add_command(run_command)
    cli.add_command(runs_group)
    cli.add_command(init_command)
    cli.add_command(browse_command)
