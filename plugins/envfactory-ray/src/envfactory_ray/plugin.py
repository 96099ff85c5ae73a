"""The plugin module the ``envfactory`` entry point loads: the executor and the ``--ray-address`` option.

Importing it imports neither Ray (which takes a second) nor the core's pipeline: the executor
module is imported when the executors are listed or a run asks for it, and Ray when the run
starts the executor.
"""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.hookspecs import Register

from .cli import add_ray_address_option


@hookimpl
def register_executors(register: Register) -> None:
    from .executor import RayExecutor

    register(RayExecutor(), name="executor")


@hookimpl(trylast=True)
def register_commands(cli: click.Group) -> None:
    # trylast: pluggy calls later-registered plugins first, so this runs after the core added `run`.
    add_ray_address_option(cli)
