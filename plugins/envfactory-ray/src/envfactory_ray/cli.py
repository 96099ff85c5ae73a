"""``envfactory run --ray-address``: which Ray cluster the Ray executor uses.

The option belongs to this plugin, so it is added to the core's ``run`` command rather than
defined there: its callback puts the address in ``RAY_ADDRESS`` (which ``ray.init`` and this
executor read) and passes nothing to the command itself.
"""

from __future__ import annotations

import os

import click

from .connection import ADDRESS_VARIABLE

__all__ = ["RAY_ADDRESS_OPTION", "add_ray_address_option"]

RAY_ADDRESS_OPTION = "--ray-address"


def _store_address(context: click.Context, parameter: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    address = value.strip()
    if not address:
        raise click.BadParameter("give auto, HOST:PORT or ray://HOST:PORT", ctx=context, param=parameter)
    os.environ[ADDRESS_VARIABLE] = address


def ray_address_option() -> click.Option:
    return click.Option(
        [RAY_ADDRESS_OPTION],
        metavar="auto|ADDRESS",
        default=None,
        expose_value=False,
        callback=_store_address,
        help=(
            "With --executor ray: the Ray cluster to run work items on. `auto` uses the cluster started "
            "on this machine (`ray start --head`), or a local instance when there is none; HOST:PORT "
            "(or ray://HOST:10001) a remote head node. Without it (and without RAY_ADDRESS) a local Ray "
            "instance sized to this machine is started for the run."
        ),
    )


def add_ray_address_option(cli: click.Group) -> None:
    """Give the core's ``run`` command the ``--ray-address`` option (once)."""
    command = cli.commands.get("run")
    if command is None:
        return
    if any(RAY_ADDRESS_OPTION in getattr(param, "opts", ()) for param in command.params):
        return
    command.params.append(ray_address_option())
