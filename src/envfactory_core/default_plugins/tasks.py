"""Built-in plugin: grounding, the template writer, the implicit refiner, gates, the oracle, rewards."""

from __future__ import annotations

from typing import Any

import click

from ..cli.lazy import LazyCommand
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
def register_stages(register: Any) -> None:
    from ..tasks.grounding import Grounder

    register(Grounder())


@hookimpl
def register_refiners(register: Any) -> None:
    from ..tasks.requests import ImplicitRefiner, TemplateWriter

    register(TemplateWriter())
    register(ImplicitRefiner())


@hookimpl
def register_verifiers(register: Any) -> None:
    from ..tasks.gates import GATES

    for gate in GATES:
        register(gate)


@hookimpl
def register_agents(register: Any) -> None:
    from ..tasks.oracle import OracleAgent

    register(OracleAgent())


@hookimpl
def register_rewards(register: Any) -> None:
    from ..rewards.envfactory import EnvFactoryReward
    from ..rewards.state_diff import StateDiffReward

    register(EnvFactoryReward())
    register(StateDiffReward())
