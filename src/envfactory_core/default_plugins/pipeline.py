"""Built-in plugin: the installed-environments source, the graph builder, the local executor, run commands."""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
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
    cli.add_command(
        LazyCommand(
            "run",
            "envfactory_core.cli.run:run_command",
            summary="Run a pipeline (the built-in offline one by default) into a run directory.",
            plugin="core.pipeline",
        )
    )
    cli.add_command(
        LazyCommand(
            "runs",
            "envfactory_core.cli.run:runs_group",
            summary="Inspect run directories.",
            plugin="core.pipeline",
        )
    )
    cli.add_command(
        LazyCommand(
            "init",
            "envfactory_core.cli.run:init_command",
            summary="Write a commented pipeline file (default: envfactory.toml) to edit and pass to `envfactory run`.",
            plugin="core.pipeline",
        )
    )
    cli.add_command(
        LazyCommand(
            "browse",
            "envfactory_core.cli.run:browse_command",
            summary="Open the run store of RUN in datasette (needs the `browse` extra).",
            plugin="core.pipeline",
        )
    )
    cli.add_command(
        LazyCommand(
            "eval",
            "envfactory_core.cli.eval:eval_command",
            summary="Evaluate a model as the agent on TASKS, each task --trials times.",
            plugin="core.pipeline",
        )
    )
