"""Write tools that create or end things: booking, cancellation, compensation certificates.

The policy says which rules the system checks and which the agent must check itself ("The API
does not check these for the agent"). The tools enforce exactly the first kind — the ones the
benchmark's recorded outputs show refused — so an agent's mistakes reach the state as they do in
the benchmark, and the benchmark's judge and ours see the same states.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, ToolError

from .rules import (
    bookable_date,
    new_certificate_id,
    new_reservation_id,
    require_reservation,
    require_user,
    reservation_view,
    timestamp,
)

__all__ = ["FlightChoice", "Passenger", "PaymentPart", "book_reservation", "cancel_reservation", "send_certificate"]

Cabin = Literal["basic_economy", "economy", "business"]

INSURANCE_PER_PASSENGER = 30
"""Dollars per passenger for travel insurance (policy: 'Travel insurance')."""

EXTRA_BAG_PRICE = 50
"""Dollars per checked bag beyond the free allowance (policy: 'Checked bag allowance')."""


class FlightChoice(TypedDict):
    """One flight of an itinerary.

    Args:
        flight_number: The flight number, such as 'HAT001'.
        date: The date of the flight, as YYYY-MM-DD.
    """

    flight_number: str
    date: str


class Passenger(TypedDict):
    """A traveller.

    Args:
        first_name: The passenger's first name.
        last_name: The passenger's last name.
        dob: The passenger's date of birth, as YYYY-MM-DD.
    """

    first_name: str
    last_name: str
    dob: str


class PaymentPart(TypedDict):
    """One payment method of the user's profile and the amount it pays.

    Args:
        payment_id: The payment method's id, such as 'credit_card_7815826' or 'gift_card_7815826'.
        amount: The amount to pay with this method, in dollars.
    """

    payment_id: str
    amount: float


def book_reservation(
    ctx: Context,
    user_id: str,
    origin: str,
    destination: str,
    flight_type: Literal["one_way", "round_trip"],
    cabin: Cabin,
    flights: list[FlightChoice],
    passengers: list[Passenger],
    payment_methods: list[PaymentPart],
    total_baggages: int,
    nonfree_baggages: int,
    insurance: Literal["yes", "no"],
) -> dict[str, Any]:
    """Book a reservation for a user. The payments must add up to the total price exactly.

    The total is each flight's current price in the cabin times the number of passengers, plus
    insurance (30 dollars per passenger) and 50 dollars per non-free checked bag. Gift cards and
    certificates must cover what they pay; a certificate is used up by the booking.

    Args:
        user_id: The id of the user booking, such as 'sara_doe_496'.
        origin: The IATA code of the trip's origin, such as 'JFK'.
        destination: The IATA code of the trip's destination, such as 'SEA'.
        flight_type: Whether the trip is one way or a round trip.
        cabin: The cabin class, the same for every flight.
        flights: Every flight of the trip, in order, including both directions of a round trip.
        passengers: Every traveller (at most five), who all fly the same flights in the same cabin.
        payment_methods: How the total is paid: methods of the user's profile and their amounts.
        total_baggages: The number of checked bags for the whole reservation.
        nonfree_baggages: The number of checked bags that are paid for.
        insurance: Whether travel insurance is bought.
    """
    user = require_user(ctx, user_id)
    itinerary: list[dict[str, Any]] = [dict(leg) for leg in copy.deepcopy(flights)]
    total: Any = 0
    for leg in itinerary:
        flight, day = bookable_date(ctx, leg["flight_number"], leg["date"])
        if day["available_seats"][cabin] < len(passengers):
            raise ToolError(f"not enough seats on flight {leg['flight_number']}")
        leg["price"] = day["prices"][cabin]
        leg["origin"] = flight["origin"]
        leg["destination"] = flight["destination"]
        total += leg["price"] * len(passengers)
    if insurance == "yes":
        total += INSURANCE_PER_PASSENGER * len(passengers)
    total += EXTRA_BAG_PRICE * nonfree_baggages

    methods = dict(user["payment_methods"])
    for part in payment_methods:
        payment_id = part["payment_id"]
        method = methods.get(payment_id)
        if method is None:
            raise ToolError(f"payment method {payment_id} not found", code="not_found")
        if method.get("source") in ("gift_card", "certificate") and method["amount"] < part["amount"]:
            raise ToolError(f"not enough balance in payment method {payment_id}")
    paid = sum(part["amount"] for part in payment_methods)
    if paid != total:
        raise ToolError(f"payment amount does not add up, total price is {total}, but paid {paid}")

    for part in payment_methods:
        payment_id = part["payment_id"]
        method = methods.get(payment_id)
        if method is None:  # a certificate named twice is spent by its first mention
            continue
        if method.get("source") == "gift_card":
            methods[payment_id] = {**method, "amount": method["amount"] - part["amount"]}
        elif method.get("source") == "certificate":
            del methods[payment_id]

    reservation_id = new_reservation_id(ctx)
    reservation = ctx.table("reservations").insert(
        {
            "reservation_id": reservation_id,
            "user_id": user_id,
            "origin": origin,
            "destination": destination,
            "flight_type": flight_type,
            "cabin": cabin,
            "flights": itinerary,
            "passengers": copy.deepcopy(passengers),
            "payment_history": copy.deepcopy(payment_methods),
            "created_at": timestamp(ctx),
            "total_baggages": total_baggages,
            "nonfree_baggages": nonfree_baggages,
            "insurance": insurance,
        }
    )
    ctx.table("users").update(
        user_id, {"payment_methods": methods, "reservations": [*user["reservations"], reservation_id]}
    )
    return reservation_view(reservation)


def cancel_reservation(ctx: Context, reservation_id: str) -> dict[str, Any]:
    """Cancel a whole reservation; every payment is refunded to the method that paid it.

    The refunds are added to the payment history as negative amounts. Whether the reservation may
    be cancelled (within 24 hours of booking, a cancelled flight, insurance, business cabin, no
    segment flown) is for the agent to check first, as the policy says.

    Args:
        reservation_id: The id of the reservation to cancel, such as 'ZFA04Y'.
    """
    reservation = require_reservation(ctx, reservation_id)
    history = list(reservation["payment_history"])
    refunds = [{"payment_id": payment["payment_id"], "amount": -payment["amount"]} for payment in history]
    updated = ctx.table("reservations").update(
        reservation_id, {"payment_history": [*history, *refunds], "status": "cancelled"}
    )
    return reservation_view(updated)


def send_certificate(
    ctx: Context,
    user_id: str,
    amount: Annotated[float, Arg(description="The certificate's value in dollars.")],
) -> str:
    """Send a user a travel certificate as a goodwill gesture; it is added to the user's payment methods.

    Only when the policy allows compensation (see 'Refund'): 100 dollars per passenger for a
    cancelled flight, 50 per passenger for a delayed one.

    Args:
        user_id: The id of the user, such as 'sara_doe_496'.
    """
    user = require_user(ctx, user_id)
    certificate_id = new_certificate_id(user)
    methods = {
        **user["payment_methods"],
        certificate_id: {"source": "certificate", "amount": amount, "id": certificate_id},
    }
    ctx.table("users").update(user_id, {"payment_methods": methods})
    return f"Certificate {certificate_id} added to user {user_id} with amount {amount}."
