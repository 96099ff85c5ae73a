"""The tau-bench airline environment on the EnvFactory SDK.

The benchmark has one initial state (its data files), so the seed factory returns that state for
every seed; episodes are copied from one cached template with the SQLite backup API and reset
by a savepoint rollback. The environment is an evaluation set: marked ``evaluation_only`` and as
overlapping "tau-bench airline", so no pipeline samples it for training data unless it names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from envfactory_core.env import Environment, SeedContext
from envfactory_core.models import Effect

from . import assist_tools, booking_tools, change_tools, lookup_tools
from .data import AirlineData
from .schema import TABLES, view_to_state
from .upstream import PROVENANCE

__all__ = ["ENVIRONMENT_NAME", "OVERLAPS", "TOOLS", "build_environment"]

ENVIRONMENT_NAME: Final = "airline"
OVERLAPS: Final = ("tau-bench airline",)

TOOLS: Final[tuple[tuple[Callable[..., Any], Effect], ...]] = (
    (lookup_tools.get_user_details, "read"),
    (lookup_tools.get_reservation_details, "read"),
    (lookup_tools.list_all_airports, "read"),
    (lookup_tools.search_direct_flight, "read"),
    (lookup_tools.search_onestop_flight, "read"),
    (booking_tools.book_reservation, "write"),
    (booking_tools.cancel_reservation, "write"),
    (change_tools.update_reservation_flights, "write"),
    (change_tools.update_reservation_baggages, "write"),
    (change_tools.update_reservation_passengers, "write"),
    (booking_tools.send_certificate, "write"),
    (assist_tools.transfer_to_human_agents, "read"),
    (assist_tools.calculate, "read"),
    (assist_tools.think, "read"),
)
"""The fourteen tools and their effect on the state."""

DESCRIPTION: Final = (
    "tau-bench's airline customer-service environment: look up users and reservations, search flights, "
    "book, cancel and change reservations under the airline's policy. Hosted for evaluation: its judge "
    "agrees with the benchmark's own state hash."
)


def build_environment(data: AirlineData) -> Environment:
    """The airline environment over ``data``: its state, policy (``wiki.md``) and clock."""
    environment = Environment(
        name=ENVIRONMENT_NAME,
        domain="airline",
        description=DESCRIPTION,
        tables=TABLES,
        policy=data.policy,
        now=data.now,
        provenance=PROVENANCE,
        overlaps=OVERLAPS,
        evaluation_only=True,
        default_size=1,
    )
    for function, effect in TOOLS:
        environment.add_tool(function, effect=effect)
    state = view_to_state(data.view)

    def seed(context: SeedContext) -> dict[str, Any]:
        """The benchmark's one initial state, whatever the seed."""
        return state

    environment.seed(seed)
    return environment
