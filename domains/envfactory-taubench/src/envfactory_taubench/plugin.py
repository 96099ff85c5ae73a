"""The ``taubench`` plugin: the airline environment, its loader, its reward and its commands.

The environment needs the benchmark's data, which is not shipped. ``register_environments``
therefore registers ``taubench/airline`` only when ``$ENVFACTORY_TAUBENCH_DATA`` names a data
folder (and fails, naming the files needed, when it names an unusable one); without it nothing is
registered and the commands take ``--data DIR``. The loader, the reward and the commands are
always registered: they need no data until they run, and their modules are imported when they
are used (``envfactory --help`` lists the command without importing it).
"""

from __future__ import annotations

import os
from typing import Any

import click

from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand

from .upstream import DATA_ENV_VAR

__all__ = ["register_commands", "register_environments", "register_resource_loaders", "register_rewards"]


@hookimpl
def register_environments(register: Any) -> None:
    if not os.environ.get(DATA_ENV_VAR):
        return
    from .data import read_airline_data
    from .environment import build_environment

    register(build_environment(read_airline_data(None)), name="airline")


@hookimpl
def register_resource_loaders(register: Any) -> None:
    from .loader import AirlineLoader

    register(AirlineLoader(), name="airline")


@hookimpl
def register_rewards(register: Any) -> None:
    from .rewards import StateHashReward

    register(StateHashReward(), name="state_hash")


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(
        LazyCommand(
            "taubench",
            "envfactory_taubench.cli:taubench_group",
            summary="The tau-bench benchmark hosted on the EnvFactory runtime (evaluation only).",
            plugin="taubench",
        )
    )
