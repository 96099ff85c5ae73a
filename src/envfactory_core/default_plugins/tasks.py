"""Built-in plugin: grounding, the template writer, the implicit refiner, gates, the oracle, rewards."""

from __future__ import annotations

import click

from ..cli.lazy import LazyCommand
from ..hookspecs import Register
from ..plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "tasks",
            "envfactory_core.cli.tasks:tasks_group",
            summary="Make grounded tasks offline and inspect them.",
            plugin="core.tasks",
        )
    )


@hookimpl
def register_grounders(register: Register) -> None:
    from ..tasks.grounding import Grounder

    register(Grounder())


@hookimpl
def register_writers(register: Register) -> None:
    from ..tasks.requests import TemplateWriter

    register(TemplateWriter())


@hookimpl
def register_refiners(register: Register) -> None:
    from ..tasks.requests import ImplicitRefiner

    register(ImplicitRefiner())


@hookimpl
def register_task_gates(register: Register) -> None:
    from ..tasks.gates import GATES

    for gate in GATES:
        register(gate)


@hookimpl
def register_agents(register: Register) -> None:
    from ..tasks.oracle import OracleAgent

    register(OracleAgent())


@hookimpl
def register_rewards(register: Register) -> None:
    from ..rewards.envfactory import EnvFactoryReward
    from ..rewards.state_diff import StateDiffReward

    register(EnvFactoryReward())
    register(StateDiffReward())
