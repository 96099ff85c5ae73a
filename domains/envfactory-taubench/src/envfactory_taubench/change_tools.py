"""Write tools that change an existing reservation: flights, baggage, passengers.

Observed behaviour kept on purpose (the judge compares states with the benchmark's):
``update_reservation_flights`` prices the new itinerary in the requested cabin but leaves the
reservation's ``cabin`` field as it was (the recorded outputs show a business reservation moved
to economy prices still reading ``"cabin": "business"``); a flight kept from the old itinerary in
the same cabin keeps the price paid; the flight inventory (seats) is not changed by any tool.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from envfactory_core.env import Context, ToolError

from .booking_tools import EXTRA_BAG_PRICE, FlightChoice, Passenger
from .rules import bookable_date, charge_for_change, require_reservation, require_user, reservation_view

__all__ = ["update_reservation_baggages", "update_reservation_flights", "update_reservation_passengers"]


def _record_change(
    ctx: Context, reservation: dict[str, Any], payment_id: str, amount: Any, changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply ``changes``, charge (or refund) ``amount`` to the payment method, and log the payment."""
    user = require_user(ctx, reservation["user_id"])
    methods = charge_for_change(user, payment_id, amount)
    if amount != 0:
        changes = {
            **changes,
            "payment_history": [*reservation["payment_history"], {"payment_id": payment_id, "amount": amount}],
        }
    updated = ctx.table("reservations").update(reservation["reservation_id"], changes)
    if methods is not None:
        ctx.table("users").update(user["user_id"], {"payment_methods": methods})
    return reservation_view(updated)


def update_reservation_flights(
    ctx: Context,
    reservation_id: str,
    cabin: Literal["basic_economy", "economy", "business"],
    flights: list[FlightChoice],
    payment_id: str,
) -> dict[str, Any]:
    """Replace a reservation's flights (or reprice them in another cabin); the difference is charged or refunded.

    Give every flight of the new itinerary, including the ones that stay. A flight that stays in
    the same cabin keeps the price paid; every other flight is priced now, and must be available
    with enough seats for all passengers. The payment method pays a price increase and receives a
    refund; it must be a credit card or a gift card of the reservation's owner. Whether the change
    is allowed (not basic economy, same origin, destination and trip type) is for the agent to
    check first, as the policy says.

    Args:
        reservation_id: The id of the reservation, such as 'ZFA04Y'.
        cabin: The cabin class for the new itinerary.
        flights: Every flight of the new itinerary, in order.
        payment_id: The payment method for the difference, such as 'credit_card_7815826'.
    """
    reservation = require_reservation(ctx, reservation_id)
    passengers = len(reservation["passengers"])
    itinerary: list[dict[str, Any]] = [dict(leg) for leg in copy.deepcopy(flights)]
    total: Any = 0
    for leg in itinerary:
        kept = next(
            (
                old
                for old in reservation["flights"]
                if old["flight_number"] == leg["flight_number"]
                and old["date"] == leg["date"]
                and cabin == reservation["cabin"]
            ),
            None,
        )
        if kept is not None:
            leg["price"] = kept["price"]
            leg["origin"] = kept["origin"]
            leg["destination"] = kept["destination"]
        else:
            flight, day = bookable_date(ctx, leg["flight_number"], leg["date"])
            if day["available_seats"][cabin] < passengers:
                raise ToolError(f"not enough seats on flight {leg['flight_number']}")
            leg["price"] = day["prices"][cabin]
            leg["origin"] = flight["origin"]
            leg["destination"] = flight["destination"]
        total += leg["price"] * passengers
    total -= sum(old["price"] for old in reservation["flights"]) * passengers
    return _record_change(ctx, reservation, payment_id, total, {"flights": itinerary})


def update_reservation_baggages(
    ctx: Context, reservation_id: str, total_baggages: int, nonfree_baggages: int, payment_id: str
) -> dict[str, Any]:
    """Set a reservation's checked bags; each added non-free bag costs 50 dollars.

    Bags can be added but not removed (the agent checks this). The payment method must be a
    credit card or a gift card of the reservation's owner.

    Args:
        reservation_id: The id of the reservation, such as 'ZFA04Y'.
        total_baggages: The new total number of checked bags.
        nonfree_baggages: The new number of checked bags that are paid for.
        payment_id: The payment method for the added bags, such as 'credit_card_7815826'.
    """
    reservation = require_reservation(ctx, reservation_id)
    amount = EXTRA_BAG_PRICE * max(0, nonfree_baggages - reservation["nonfree_baggages"])
    return _record_change(
        ctx,
        reservation,
        payment_id,
        amount,
        {"total_baggages": total_baggages, "nonfree_baggages": nonfree_baggages},
    )


def update_reservation_passengers(ctx: Context, reservation_id: str, passengers: list[Passenger]) -> dict[str, Any]:
    """Replace the passengers' details of a reservation; the number of passengers cannot change.

    Args:
        reservation_id: The id of the reservation, such as 'ZFA04Y'.
        passengers: Every passenger, in the reservation's order, with corrected details.
    """
    reservation = require_reservation(ctx, reservation_id)
    if len(passengers) != len(reservation["passengers"]):
        raise ToolError("number of passengers does not match")
    updated = ctx.table("reservations").update(reservation_id, {"passengers": copy.deepcopy(passengers)})
    return reservation_view(updated)
