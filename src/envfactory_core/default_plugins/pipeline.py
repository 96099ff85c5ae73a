"""Built-in plugin: pipeline stages (installed environments, graph), the local executor, run commands."""

from __future__ import annotations

from typing import Any

import click

from ..plugins import hookimpl


@hookimpl
def register_stages(register: Any) -> None:
    from ..pipeline.stages import GraphStage, InstalledEnvironments

    register(InstalledEnvironments())
    register(GraphStage())


@hookimpl
def register_executors(register: Any) -> None:
    from ..pipeline.executors import LocalExecutor

    register(LocalExecutor())


@hookimpl
def register_commands(cli: click.Group) -> None:
    from ..cli.run import browse_command, init_command, run_command, runs_group

    cli.add_command(run_command)
    cli.add_command(runs_group)
    cli.add_command(init_command)
    cli.add_command(browse_command)
