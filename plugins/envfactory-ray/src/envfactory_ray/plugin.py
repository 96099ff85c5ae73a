"""The plugin module the ``envfactory`` entry point loads: the executor and the ``--ray-address`` option.

Importing it does not import Ray (which takes a second): Ray is imported when a run starts the
executor.
"""

from __future__ import annotations

import click

from envfactory_core import hookimpl
from envfactory_core.hookspecs import Register

from .cli import add_ray_address_option
from .executor import RayExecutor


@hookimpl
def register_executors(register: Register) -> None:
    register(RayExecutor(), name="executor")


@hookimpl(trylast=True)
def register_commands(cli: click.Group) -> None:
    # trylast: pluggy calls later-registered plugins first, so this runs after the core added `run`.
    add_ray_address_option(cli)
