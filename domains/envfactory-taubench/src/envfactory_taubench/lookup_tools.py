"""Read tools: profiles, reservations, airports and flight searches."""

from __future__ import annotations

from typing import Annotated, Any, Final

from envfactory_core.env import Arg, Context

from .rules import connection_date, flight_view, require_reservation, require_user, reservation_view
from .schema import row_to_record

__all__ = [
    "AIRPORTS",
    "get_reservation_details",
    "get_user_details",
    "list_all_airports",
    "search_direct_flight",
    "search_onestop_flight",
]

AIRPORTS: Final[dict[str, str]] = {
    "SFO": "San Francisco",
    "JFK": "New York",
    "LAX": "Los Angeles",
    "ORD": "Chicago",
    "DFW": "Dallas",
    "DEN": "Denver",
    "SEA": "Seattle",
    "ATL": "Atlanta",
    "MIA": "Miami",
    "BOS": "Boston",
    "PHX": "Phoenix",
    "IAH": "Houston",
    "LAS": "Las Vegas",
    "MCO": "Orlando",
    "EWR": "Newark",
    "CLT": "Charlotte",
    "MSP": "Minneapolis",
    "DTW": "Detroit",
    "PHL": "Philadelphia",
    "LGA": "LaGuardia",
}
"""The airports the airline serves, with their cities (as the benchmark's recorded output lists them)."""

AirportCode = Annotated[str, Arg(description="Three-letter IATA airport code, such as 'JFK'.")]
FlightDate = Annotated[str, Arg(description="The date, as YYYY-MM-DD, such as '2024-05-20'.")]


def get_user_details(ctx: Context, user_id: str) -> dict[str, Any]:
    """Get a user's profile: name, address, payment methods, saved passengers, membership and reservation ids.

    Args:
        user_id: The user's id, such as 'sara_doe_496'.
    """
    return row_to_record("users", require_user(ctx, user_id))


def get_reservation_details(ctx: Context, reservation_id: str) -> dict[str, Any]:
    """Get a reservation: flights with prices, passengers, payment history, baggage and insurance.

    Args:
        reservation_id: The reservation id, such as '8JX2WO'.
    """
    return reservation_view(require_reservation(ctx, reservation_id))


def list_all_airports(ctx: Context) -> dict[str, str]:
    """List every airport the airline serves, by code, with its city."""
    return dict(AIRPORTS)


def _available(row: dict[str, Any], day: str) -> dict[str, Any] | None:
    record = row["dates"].get(day)
    if isinstance(record, dict) and record.get("status") == "available":
        return record
    return None


def search_direct_flight(ctx: Context, origin: AirportCode, destination: AirportCode, date: FlightDate) -> list[Any]:
    """Search the nonstop flights between two airports that can be booked on a date.

    Each result is a flight's schedule with that date's status, seats left and prices per cabin.

    Args:
        origin: The departure airport.
        destination: The arrival airport.
        date: The departure date.
    """
    results: list[Any] = []
    for row in ctx.table("flights").find(origin=origin, destination=destination):
        record = _available(row, date)
        if record is not None:
            results.append(flight_view(row, record))
    return results


def search_onestop_flight(ctx: Context, origin: AirportCode, destination: AirportCode, date: FlightDate) -> list[Any]:
    """Search the itineraries with one connection between two airports that can be booked on a date.

    Each result is a pair of flights; the second leaves after the first lands (on the next day when
    the first lands after midnight), and each leg carries its own date.

    Args:
        origin: The departure airport.
        destination: The final arrival airport.
        date: The departure date of the first flight.
    """
    flights = ctx.table("flights")
    second_legs = flights.find(destination=destination)
    results: list[Any] = []
    for first in flights.find(origin=origin):
        first_day = _available(first, date)
        if first_day is None:
            continue
        arrival = first["scheduled_arrival_time_est"]
        next_date = connection_date(date, arrival)
        if next_date is None:
            continue
        for second in second_legs:
            if second["origin"] != first["destination"]:
                continue
            if arrival.removesuffix("+1") > second["scheduled_departure_time_est"]:
                continue
            second_day = _available(second, next_date)
            if second_day is None:
                continue
            results.append(
                [
                    {**flight_view(first, first_day), "date": date},
                    {**flight_view(second, second_day), "date": next_date},
                ]
            )
    return results
