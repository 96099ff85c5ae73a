"""What the airline tools share: looking up records, bookable flights, payment methods, new ids.

Error messages are the benchmark's where its recorded outputs show them (they are compared
word for word by the judge); the benchmark renders a refusal as ``"Error: " + message``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from envfactory_core.env import Context, ToolError

from .schema import row_to_record

__all__ = [
    "FIRST_CERTIFICATE_NUMBER",
    "FIRST_RESERVATION_ID",
    "bookable_date",
    "charge_for_change",
    "connection_date",
    "flight_view",
    "new_certificate_id",
    "new_reservation_id",
    "payment_method",
    "require_reservation",
    "require_user",
    "reservation_view",
    "timestamp",
]

FIRST_RESERVATION_ID: Final = "HATHAT"
"""The id the benchmark's recorded outputs show for a reservation booked in an episode."""

FIRST_CERTIFICATE_NUMBER: Final = 3221322
"""The number the benchmark's recorded outputs show for a certificate issued in an episode."""

_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def timestamp(ctx: Context) -> str:
    """The clock as the benchmark writes times: ISO 8601 to the second, without a zone."""
    return ctx.now.replace(tzinfo=None).isoformat(timespec="seconds")


def require_user(ctx: Context, user_id: str) -> dict[str, Any]:
    user = ctx.table("users").get(user_id)
    if user is None:
        raise ToolError("user not found", code="not_found")
    return user


def require_reservation(ctx: Context, reservation_id: str) -> dict[str, Any]:
    reservation = ctx.table("reservations").get(reservation_id)
    if reservation is None:
        raise ToolError("reservation not found", code="not_found")
    return reservation


def reservation_view(row: dict[str, Any]) -> dict[str, Any]:
    """A reservation as the benchmark shows it (no ``status`` until cancelled)."""
    return row_to_record("reservations", row)


def flight_view(row: dict[str, Any], day: dict[str, Any]) -> dict[str, Any]:
    """A flight's schedule merged with one date's status, seats and prices (as searches show it)."""
    shown = {field: value for field, value in row_to_record("flights", row).items() if field != "dates"}
    shown.update(day)
    return shown


def bookable_date(ctx: Context, flight_number: str, day: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The flight and its record for ``day``; refused unless the flight is available that day."""
    flight = ctx.table("flights").get(flight_number)
    if flight is None:
        raise ToolError(f"flight {flight_number} not found", code="not_found")
    dates = flight["dates"]
    if day not in dates:
        raise ToolError(f"flight {flight_number} not found on date {day}", code="not_found")
    record = dates[day]
    if record.get("status") != "available":
        raise ToolError(f"flight {flight_number} not available on date {day}")
    return flight, record


def connection_date(day: str, first_arrival: str) -> str | None:
    """The date a connecting flight leaves: the next day when the first leg lands after midnight.

    Scheduled arrival times carry a ``+1`` suffix when they fall on the next day. ``None`` when
    ``day`` is not a date.
    """
    if not first_arrival.endswith("+1"):
        return day
    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except ValueError:
        return None


def payment_method(user: dict[str, Any], payment_id: str) -> dict[str, Any]:
    """A payment method of the user's profile (all payment must be in the profile)."""
    method = user["payment_methods"].get(payment_id)
    if method is None:
        raise ToolError("payment method not found", code="not_found")
    return dict(method)


def charge_for_change(user: dict[str, Any], payment_id: str, amount: Any) -> dict[str, Any] | None:
    """Check the payment method for a change that costs ``amount`` (negative: a refund to it).

    Certificates cannot pay for changes; a gift card must cover the amount, and absorbs refunds.
    Returns the user's new ``payment_methods`` when a gift card's balance moves, else ``None``.
    """
    method = payment_method(user, payment_id)
    if method.get("source") == "certificate":
        raise ToolError("certificate cannot be used to update reservation")
    if method.get("source") != "gift_card":
        return None
    if method["amount"] < amount:
        raise ToolError("gift card balance is not enough")
    return {**user["payment_methods"], payment_id: {**method, "amount": method["amount"] - amount}}


def _successor(identifier: str) -> str:
    """The next id in letter order: ``HATHAT`` → ``HATHAU``, ``HATHAZ`` → ``HATHBA``."""
    letters = list(identifier)
    index = len(letters) - 1
    while index >= 0:
        position = _LETTERS.find(letters[index])
        if position < len(_LETTERS) - 1:
            letters[index] = _LETTERS[position + 1]
            return "".join(letters)
        letters[index] = _LETTERS[0]
        index -= 1
    return _LETTERS[0] + "".join(letters)


def new_reservation_id(ctx: Context) -> str:
    """``HATHAT``, or the first of ``HATHAU``, ``HATHAV``, ... not taken yet.

    Derived from the state alone, so the same calls give the same ids from any episode and the
    benchmark's hash of a state with a new booking is reproduced exactly.
    """
    reservations = ctx.table("reservations")
    candidate = FIRST_RESERVATION_ID
    while reservations.exists(candidate):
        candidate = _successor(candidate)
    return candidate


def new_certificate_id(user: dict[str, Any]) -> str:
    """``certificate_3221322``, or the next number not among the user's payment methods."""
    number = FIRST_CERTIFICATE_NUMBER
    while f"certificate_{number}" in user["payment_methods"]:
        number += 1
    return f"certificate_{number}"
