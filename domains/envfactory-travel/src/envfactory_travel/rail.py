"""Rail: stations, direct journeys by date, tickets with fare quotas, seat reservations and refunds.

Modelled on Deutsche Bahn's public APIs (StaDa station data, Timetables) and the ticketing flow of
rail retailers such as DB Navigator and Trainline: search journeys between two stations on a date,
book a ticket in first or second class at a Super Sparpreis / Sparpreis / Flexpreis-style fare
(cheap fares have a limited quota per train), add a paid seat reservation, and refund under the
fare's conditions.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import (
    NOW,
    check_email,
    convert,
    find_bookings,
    in_zone,
    iso,
    local_time,
    money,
    new_code,
    parse_date,
    require_text,
    seed_token,
    unique_seed_code,
)
from ._places import PLACES, STATIONS, Corridor, travel_region

__all__ = ["environment"]

BOOKING_HORIZON_DAYS = 180
MAX_PASSENGERS = 5
FARE_FACTORS = {"super_saver": 0.35, "saver": 0.55, "flex": 1.0}
FIRST_CLASS_FACTOR = 1.65
SEAT_FEE_EUR = {"second": 5.50, "first": 6.90}
REFUND_FEE_EUR = 10.0
COACHES = {"first": ("1", "2"), "second": ("3", "4", "5", "6", "7")}
SEATS_PER_COACH = {"first": 36, "second": 64}
TABLE_SEATS = frozenset({21, 22, 23, 24, 25, 26, 27, 28})
ACTIVE = ("confirmed",)
_WHOLE_UNIT_CURRENCIES = frozenset({"CZK", "SEK", "NOK", "JPY", "KRW"})

FareClass = Literal["first", "second"]
FareType = Literal["super_saver", "saver", "flex"]
SeatPreference = Literal["any", "window", "aisle", "table"]
Status = Literal["confirmed", "travelled", "refunded"]

POLICY = f"""\
Rail tickets: fares, seat reservations and refunds

- Tickets are sold for direct trains from today up to {BOOKING_HORIZON_DAYS} days ahead, until the train departs. One
  booking covers 1-{MAX_PASSENGERS} passengers on one train, all in the same class and at the same fare.
- Fares per passenger: Flex (full price), Saver (about 45% off) and Super Saver (about 65% off); first class costs
  about 65% more than second. Saver and Super Saver seats are limited per train and date (the quota shown in search
  results); when a quota is used up that fare is no longer offered.
- Seat reservations are optional and cost EUR {SEAT_FEE_EUR["second"]:.2f} (second class) or
  EUR {SEAT_FEE_EUR["first"]:.2f} (first class) per passenger, or the local equivalent; one reservation per booking,
  for all its passengers, before departure. On trains with compulsory reservation (Eurostar, TGV, Frecciarossa,
  AVE, SJ, ...) seats are assigned free of charge at booking and cannot be reserved separately.
- Refunds, by fare:
  - Flex: full refund until the day before travel; on the day of travel, until departure, a fee of
    EUR {REFUND_FEE_EUR:.2f} (or the local equivalent) is kept. Seat reservation fees are refunded with a Flex ticket.
  - Saver: refund minus a fee of EUR {REFUND_FEE_EUR:.2f} until the day before travel; no refund from the day of travel.
    Seat reservation fees are not refunded.
  - Super Saver: not refundable.
  - After departure no ticket can be refunded. A refunded booking cannot be refunded again.
"""

environment = Environment(
    name="rail",
    domain="travel",
    description=(
        "Long-distance rail ticketing after Deutsche Bahn's public APIs (StaDa stations, Timetables) and "
        "rail retailers' booking flow (DB Navigator, Trainline): stations, direct journeys by date, "
        "tickets at flex/saver/super-saver fares with quotas, paid seat reservations, refunds under "
        "the fare conditions."
    ),
    tables=[
        table(
            "stations",
            primary_key="station_id",
            station_id=str,
            name=str,
            city=str,
            country=str,
            time_zone=str,
            latitude=float,
            longitude=float,
        ),
        table(
            "routes",
            primary_key="route_id",
            route_id=str,
            train_number=str,
            operator=str,
            origin_station_id=str,
            destination_station_id=str,
            departure_time=str,
            duration_minutes=int,
            days_of_week=list,
            currency=str,
            flex_fare_second=float,
            flex_fare_first=float,
            saver_quota=int,
            super_saver_quota=int,
            seat_included=bool,
        ),
        table(
            "bookings",
            primary_key="booking_id",
            booking_id=str,
            confirmation_code=str,
            journey_id=str,
            route_id=str,
            date=str,
            fare_class=str,
            fare_type=str,
            passengers=int,
            first_name=str,
            last_name=str,
            email=str,
            ticket_amount=float,
            seat_fees=float,
            amount=float,
            currency=str,
            status=str,
            created_at=str,
            refunded_at=str | None,
        ),
        table(
            "seat_reservations",
            primary_key=("booking_id", "passenger"),
            booking_id=str,
            passenger=int,
            route_id=str,
            date=str,
            coach=str,
            seat=int,
            fee=float,
            currency=str,
        ),
        table(
            "refunds",
            primary_key="refund_id",
            refund_id=str,
            booking_id=str,
            amount=float,
            fee=float,
            currency=str,
            status=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Deutsche Bahn API Marketplace (StaDa station data, Timetables) and DB fare conditions",
        url="https://developers.deutschebahn.com/db-api-marketplace/apis/",
        notes=(
            "Booking flow after rail retailers such as DB Navigator and Trainline; "
            "fares after Flexpreis, Sparpreis and Super Sparpreis."
        ),
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class Station(TypedDict):
    station_id: str
    name: str
    city: str
    country: str
    time_zone: str
    latitude: float
    longitude: float


class StationList(TypedDict):
    stations: list[Station]
    count: int


class FareOffer(TypedDict):
    fare_class: FareClass
    fare_type: FareType
    price: float
    amount: float
    currency: str
    quota_left: int | None
    refundable: bool


class Journey(TypedDict):
    journey_id: str
    route_id: str
    train_number: str
    operator: str
    origin_station_id: str
    origin_station: str
    destination_station_id: str
    destination_station: str
    city: str
    date: str
    start_time: str
    end_time: str
    duration_minutes: int
    seat_reservation: Literal["optional", "included"]
    fares: list[FareOffer]


class JourneyList(TypedDict):
    journeys: list[Journey]
    count: int


class Seat(TypedDict):
    passenger: int
    coach: str
    seat: int
    fee: float


class Booking(TypedDict):
    """A rail booking (tickets for one train).

    Args:
        confirmation_code: The booking reference printed on the tickets.
        email: The lead passenger's email address.
        city: The destination city.
        date: Travel date, YYYY-MM-DD.
        start_time: Departure, ISO 8601 with the origin's UTC offset.
        end_time: Arrival, ISO 8601 with the destination's UTC offset.
        amount: Total paid (tickets and seat reservations) in major units.
        currency: ISO 4217 code of the amount.
    """

    booking_id: str
    confirmation_code: str
    status: Status
    journey_id: str
    train_number: str
    operator: str
    origin_station_id: str
    origin_station: str
    destination_station_id: str
    destination_station: str
    city: str
    country: str
    date: str
    start_time: str
    end_time: str
    fare_class: FareClass
    fare_type: FareType
    passengers: int
    first_name: str
    last_name: str
    email: str
    ticket_amount: float
    seat_fees: float
    amount: float
    currency: str
    seats: list[Seat]
    created_at: str
    refunded_at: str | None


class BookingList(TypedDict):
    bookings: list[Booking]
    count: int


class Refund(TypedDict):
    """A refund issued for a rail booking.

    Args:
        amount: Money returned in major units.
        fee: Money kept under the fare conditions.
        currency: ISO 4217 code of the amounts.
    """

    refund_id: str
    booking_id: str
    confirmation_code: str
    status: Literal["issued"]
    amount: float
    fee: float
    currency: str
    created_at: str


# --- rules -----------------------------------------------------------------------------------------


def _departure(route: dict[str, Any], origin: dict[str, Any], day: date) -> datetime:
    return local_time(day, route["departure_time"], origin["time_zone"])


def _arrival(route: dict[str, Any], destination: dict[str, Any], departure: datetime) -> datetime:
    return in_zone(departure + timedelta(minutes=route["duration_minutes"]), destination["time_zone"])


def _fare(route: dict[str, Any], fare_class: str, fare_type: str) -> float:
    """The price per passenger, written the way fares are (EUR 27.90, CZK 1190, SEK 899)."""
    flex = route["flex_fare_first"] if fare_class == "first" else route["flex_fare_second"]
    value = flex * FARE_FACTORS[fare_type]
    if route["currency"] in _WHOLE_UNIT_CURRENCIES:
        return float(max(1, round(value)))
    return money(max(1, math.floor(value)) + 0.9, route["currency"])


def _sold(ctx: Context, route_id: str, day: str) -> list[dict[str, Any]]:
    return [row for row in ctx.table("bookings").find(route_id=route_id, date=day) if row["status"] in ACTIVE]


def _quota_left(route: dict[str, Any], sold: list[dict[str, Any]], fare_type: str) -> int | None:
    if fare_type == "flex":
        return None
    quota: int = route["saver_quota"] if fare_type == "saver" else route["super_saver_quota"]
    used: int = sum(row["passengers"] for row in sold if row["fare_type"] == fare_type)
    return max(quota - used, 0)


def _class_left(sold: list[dict[str, Any]], fare_class: str) -> int:
    capacity = len(COACHES[fare_class]) * SEATS_PER_COACH[fare_class]
    taken: int = sum(row["passengers"] for row in sold if row["fare_class"] == fare_class)
    return capacity - taken


def _journey_parts(ctx: Context, journey_id: str) -> tuple[dict[str, Any], date]:
    route_id, _, day_text = journey_id.partition(":")
    route = ctx.table("routes").get(route_id)
    if route is None or not day_text:
        raise ToolError(
            f"journey {journey_id!r} not found; journey ids look like 'ice-1003:2025-07-04' (from search_journeys)"
        )
    day = parse_date(day_text, "journey_id date")
    if day.weekday() not in route["days_of_week"]:
        raise ToolError(f"{route['train_number']} does not run on {day.isoformat()} ({day.strftime('%A')})")
    return route, day


def _seat_matches(seat: int, preference: str) -> bool:
    if preference == "window":
        return seat % 4 in (0, 1)
    if preference == "aisle":
        return seat % 4 in (2, 3)
    if preference == "table":
        return seat in TABLE_SEATS
    return True


def _allocate(
    taken: set[tuple[str, int]], fare_class: str, count: int, preference: str
) -> list[tuple[str, int]] | None:
    """Seats for ``count`` passengers, in one coach where possible; None when not enough match."""
    free_by_coach = {
        coach: [
            seat
            for seat in range(1, SEATS_PER_COACH[fare_class] + 1)
            if (coach, seat) not in taken and _seat_matches(seat, preference)
        ]
        for coach in COACHES[fare_class]
    }
    for coach, seats in free_by_coach.items():
        if len(seats) >= count:
            return [(coach, seat) for seat in seats[:count]]
    pooled = [(coach, seat) for coach, seats in free_by_coach.items() for seat in seats]
    return pooled[:count] if len(pooled) >= count else None


def _taken(ctx: Context, route_id: str, day: str) -> set[tuple[str, int]]:
    return {(row["coach"], row["seat"]) for row in ctx.table("seat_reservations").find(route_id=route_id, date=day)}


def _booking_view(ctx: Context, row: dict[str, Any]) -> Booking:
    route = ctx.table("routes").require(row["route_id"], what="route")
    origin = ctx.table("stations").require(route["origin_station_id"], what="station")
    destination = ctx.table("stations").require(route["destination_station_id"], what="station")
    departure = _departure(route, origin, date.fromisoformat(row["date"]))
    seats = ctx.table("seat_reservations").find(booking_id=row["booking_id"], order_by="passenger")
    return {
        "booking_id": row["booking_id"],
        "confirmation_code": row["confirmation_code"],
        "status": row["status"],
        "journey_id": row["journey_id"],
        "train_number": route["train_number"],
        "operator": route["operator"],
        "origin_station_id": origin["station_id"],
        "origin_station": origin["name"],
        "destination_station_id": destination["station_id"],
        "destination_station": destination["name"],
        "city": destination["city"],
        "country": destination["country"],
        "date": row["date"],
        "start_time": iso(departure),
        "end_time": iso(_arrival(route, destination, departure)),
        "fare_class": row["fare_class"],
        "fare_type": row["fare_type"],
        "passengers": row["passengers"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "ticket_amount": row["ticket_amount"],
        "seat_fees": row["seat_fees"],
        "amount": row["amount"],
        "currency": row["currency"],
        "seats": [
            {"passenger": seat["passenger"], "coach": seat["coach"], "seat": seat["seat"], "fee": seat["fee"]}
            for seat in seats
        ],
        "created_at": row["created_at"],
        "refunded_at": row["refunded_at"],
    }


def _reserve(ctx: Context, booking: dict[str, Any], route: dict[str, Any], preference: str, fee_each: float) -> float:
    chosen = _allocate(
        _taken(ctx, route["route_id"], booking["date"]), booking["fare_class"], booking["passengers"], preference
    )
    if chosen is None:
        raise ToolError(
            f"not enough free {preference} seats in {booking['fare_class']} class on {route['train_number']} "
            f"on {booking['date']}; try preference 'any'"
        )
    for passenger, (coach, seat) in enumerate(chosen, start=1):
        ctx.table("seat_reservations").insert(
            {
                "booking_id": booking["booking_id"],
                "passenger": passenger,
                "route_id": route["route_id"],
                "date": booking["date"],
                "coach": coach,
                "seat": seat,
                "fee": fee_each,
                "currency": booking["currency"],
            }
        )
    return money(fee_each * len(chosen), booking["currency"])


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_stations(ctx: Context, query: str) -> StationList:
    """Stations whose name or city contains the query, e.g. "Köln", "Cologne" or "Paris".

    Args:
        query: Part of the station's name or its city.
    """
    needle = query.strip().lower()
    if not needle:
        raise ToolError("query must not be blank; give part of a station name or a city")
    rows = [
        row
        for row in ctx.table("stations").all(order_by=["city", "name"])
        if needle in row["name"].lower() or needle in row["city"].lower()
    ]
    return {"stations": rows, "count": len(rows)}  # type: ignore[typeddict-item]


@environment.tool(effect="read")
def search_journeys(
    ctx: Context,
    origin_station_id: str,
    destination_station_id: str,
    date: str,
    passengers: Annotated[int, Arg(minimum=1, maximum=MAX_PASSENGERS)] = 1,
    earliest_departure: Annotated[str, Arg(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None,
) -> JourneyList:
    """Direct trains between two stations on a date, by departure, with the fares still on sale.

    Args:
        origin_station_id: Departure station, from search_stations.
        destination_station_id: Arrival station, from search_stations.
        date: Travel date, YYYY-MM-DD.
        passengers: Number of passengers travelling together.
        earliest_departure: Only trains leaving at or after this local time, HH:MM.
    """
    origin = ctx.table("stations").require(origin_station_id, what="station")
    destination = ctx.table("stations").require(destination_station_id, what="station")
    if origin_station_id == destination_station_id:
        raise ToolError("origin and destination are the same station")
    day = parse_date(date, "date")
    if day < ctx.today:
        raise ToolError(f"date {date} is in the past; today is {ctx.today.isoformat()}")
    if day > ctx.today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ToolError(f"tickets are sold at most {BOOKING_HORIZON_DAYS} days ahead; {date} is not on sale yet")
    journeys: list[Journey] = []
    for route in ctx.table("routes").find(
        origin_station_id=origin_station_id, destination_station_id=destination_station_id, order_by="departure_time"
    ):
        if day.weekday() not in route["days_of_week"]:
            continue
        if earliest_departure is not None and route["departure_time"] < earliest_departure:
            continue
        departure = _departure(route, origin, day)
        if departure <= ctx.now:
            continue
        sold = _sold(ctx, route["route_id"], day.isoformat())
        fares: list[FareOffer] = []
        for fare_class in ("second", "first"):
            if _class_left(sold, fare_class) < passengers:
                continue
            for fare_type in ("super_saver", "saver", "flex"):
                left = _quota_left(route, sold, fare_type)
                if left is not None and left < passengers:
                    continue
                price = _fare(route, fare_class, fare_type)
                fares.append(
                    {
                        "fare_class": fare_class,
                        "fare_type": fare_type,
                        "price": price,
                        "amount": money(price * passengers, route["currency"]),
                        "currency": route["currency"],
                        "quota_left": left,
                        "refundable": fare_type != "super_saver",
                    }
                )
        journeys.append(
            {
                "journey_id": f"{route['route_id']}:{day.isoformat()}",
                "route_id": route["route_id"],
                "train_number": route["train_number"],
                "operator": route["operator"],
                "origin_station_id": origin_station_id,
                "origin_station": origin["name"],
                "destination_station_id": destination_station_id,
                "destination_station": destination["name"],
                "city": destination["city"],
                "date": day.isoformat(),
                "start_time": iso(departure),
                "end_time": iso(_arrival(route, destination, departure)),
                "duration_minutes": route["duration_minutes"],
                "seat_reservation": "included" if route["seat_included"] else "optional",
                "fares": fares,
            }
        )
    return {"journeys": journeys, "count": len(journeys)}


@environment.tool(effect="write")
def create_booking(
    ctx: Context,
    journey_id: str,
    fare_class: FareClass,
    fare_type: FareType,
    first_name: str,
    last_name: str,
    email: str,
    passengers: Annotated[int, Arg(minimum=1, maximum=MAX_PASSENGERS)] = 1,
) -> Booking:
    """Buy tickets for a journey; returns the booking with its confirmation code (and seats where they
    are included in the fare).

    Args:
        journey_id: The journey, from search_journeys (route id and date, e.g. 'ice-1003:2025-07-04').
        fare_class: "first" or "second" class.
        fare_type: "super_saver", "saver" or "flex" (see the refund rules).
        first_name: Lead passenger's first name.
        last_name: Lead passenger's last name.
        email: Lead passenger's email address; the tickets go there.
        passengers: Number of passengers on this booking.
    """
    route, day = _journey_parts(ctx, journey_id)
    origin = ctx.table("stations").require(route["origin_station_id"], what="station")
    if day > ctx.today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ToolError(f"tickets are sold at most {BOOKING_HORIZON_DAYS} days ahead")
    departure = _departure(route, origin, day)
    if departure <= ctx.now:
        raise ToolError(
            f"{route['train_number']} on {day.isoformat()} departed at {iso(departure)}; it is no longer on sale"
        )
    sold = _sold(ctx, route["route_id"], day.isoformat())
    if _class_left(sold, fare_class) < passengers:
        raise ToolError(f"{fare_class} class on {route['train_number']} on {day.isoformat()} is fully booked")
    left = _quota_left(route, sold, fare_type)
    if left is not None and left < passengers:
        raise ToolError(
            f"only {left} {fare_type.replace('_', ' ')} seats are left on {route['train_number']} "
            f"on {day.isoformat()}; choose another fare or train"
        )
    price = _fare(route, fare_class, fare_type)
    ticket_amount = money(price * passengers, route["currency"])
    booking = ctx.table("bookings").insert(
        {
            "booking_id": ctx.new_id("bkg"),
            "confirmation_code": new_code(ctx, "bookings", length=6),
            "journey_id": f"{route['route_id']}:{day.isoformat()}",
            "route_id": route["route_id"],
            "date": day.isoformat(),
            "fare_class": fare_class,
            "fare_type": fare_type,
            "passengers": passengers,
            "first_name": require_text(first_name, "first_name", max_length=60),
            "last_name": require_text(last_name, "last_name", max_length=60),
            "email": check_email(email),
            "ticket_amount": ticket_amount,
            "seat_fees": 0.0,
            "amount": ticket_amount,
            "currency": route["currency"],
            "status": "confirmed",
            "created_at": iso(ctx.now),
            "refunded_at": None,
        }
    )
    if route["seat_included"]:
        _reserve(ctx, booking, route, "any", 0.0)
    return _booking_view(ctx, booking)


@environment.tool(effect="read")
def get_booking(ctx: Context, booking_id: str) -> Booking:
    """A booking's details: train, times, fare, passengers, seats, price and status.

    Args:
        booking_id: The booking's id.
    """
    return _booking_view(ctx, ctx.table("bookings").require(booking_id, what="booking"))


@environment.tool(effect="read")
def list_bookings(
    ctx: Context,
    email: str | None = None,
    confirmation_code: str | None = None,
    status: Status | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> BookingList:
    """Bookings matching every filter given, by travel date.

    Args:
        email: Lead passenger's email address.
        confirmation_code: The booking's confirmation code.
        status: Only bookings in this status.
        limit: At most this many bookings.
        offset: Skip this many bookings (for paging).
    """
    rows = find_bookings(
        ctx,
        "bookings",
        email=email,
        confirmation_code=confirmation_code,
        order_by=["date", "booking_id"],
        status=status,
    )
    return {"bookings": [_booking_view(ctx, row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="write")
def reserve_seat(ctx: Context, booking_id: str, preference: SeatPreference = "any") -> Booking:
    """Reserve seats for every passenger of a booking (a fee per passenger); returns the booking with seats.

    Args:
        booking_id: The booking to reserve seats for.
        preference: "window", "aisle", "table" or "any".
    """
    booking = ctx.table("bookings").require(booking_id, what="booking")
    if booking["status"] != "confirmed":
        raise ToolError(
            f"booking {booking_id} is {booking['status']}; seats can only be reserved on confirmed bookings"
        )
    route = ctx.table("routes").require(booking["route_id"], what="route")
    if route["seat_included"]:
        raise ToolError(
            f"{route['train_number']} ({route['operator']}) has compulsory reservation: seats were assigned at booking"
        )
    if ctx.table("seat_reservations").count(booking_id=booking_id):
        raise ToolError(f"booking {booking_id} already has reserved seats")
    origin = ctx.table("stations").require(route["origin_station_id"], what="station")
    departure = _departure(route, origin, date.fromisoformat(booking["date"]))
    if departure <= ctx.now:
        raise ToolError(f"{route['train_number']} departed at {iso(departure)}; seats can no longer be reserved")
    fee_each = convert(SEAT_FEE_EUR[booking["fare_class"]], booking["currency"])
    fees = _reserve(ctx, booking, route, preference, fee_each)
    updated = ctx.table("bookings").update(
        booking_id, {"seat_fees": fees, "amount": money(booking["ticket_amount"] + fees, booking["currency"])}
    )
    return _booking_view(ctx, updated)


@environment.tool(effect="write")
def refund_booking(ctx: Context, booking_id: str) -> Refund:
    """Refund a booking under its fare's conditions; releases its seats and returns the refund issued.

    Args:
        booking_id: The booking to refund.
    """
    booking = ctx.table("bookings").require(booking_id, what="booking")
    if booking["status"] == "refunded":
        raise ToolError(f"booking {booking_id} was already refunded on {booking['refunded_at']}")
    route = ctx.table("routes").require(booking["route_id"], what="route")
    origin = ctx.table("stations").require(route["origin_station_id"], what="station")
    travel_day = date.fromisoformat(booking["date"])
    departure = _departure(route, origin, travel_day)
    if booking["status"] == "travelled" or departure <= ctx.now:
        raise ToolError(
            f"{route['train_number']} departed at {iso(departure)}; tickets cannot be refunded after departure"
        )
    currency = booking["currency"]
    standard_fee = convert(REFUND_FEE_EUR, currency)
    local_today = in_zone(ctx.now, origin["time_zone"]).date()
    if booking["fare_type"] == "super_saver":
        raise ToolError(f"booking {booking_id} is a Super Saver fare, which is not refundable")
    if booking["fare_type"] == "saver":
        if local_today >= travel_day:
            raise ToolError(f"Saver fares can be refunded only until the day before travel ({booking['date']})")
        refundable, fee = booking["ticket_amount"], standard_fee
    else:
        refundable = booking["amount"]
        fee = standard_fee if local_today >= travel_day else 0.0
    fee = min(fee, refundable)
    for seat in ctx.table("seat_reservations").find(booking_id=booking_id):
        ctx.table("seat_reservations").delete(booking_id, seat["passenger"])
    ctx.table("bookings").update(booking_id, {"status": "refunded", "refunded_at": iso(ctx.now)})
    refund = ctx.table("refunds").insert(
        {
            "refund_id": ctx.new_id("rf"),
            "booking_id": booking_id,
            "amount": money(refundable - fee, currency),
            "fee": money(fee, currency),
            "currency": currency,
            "status": "issued",
            "created_at": iso(ctx.now),
        }
    )
    return {**refund, "confirmation_code": booking["confirmation_code"]}  # type: ignore[typeddict-item]


# --- seed ------------------------------------------------------------------------------------------

_NUMBER_RANGES = {
    "ICE": (500, 1699),
    "EC": (40, 379),
    "IC": (140, 249),
    "RJX": (60, 69),
    "RJ": (70, 79),
    "TGV": (6100, 6699),
    "EST": (9000, 9199),
    "FR": (9500, 9599),
    "AWC": (100, 199),
    "LNER": (10, 99),
    "TPE": (200, 299),
    "AVE": (3050, 3190),
    "SJ": (390, 399),
}
_DAY_PATTERNS = (
    (0, 1, 2, 3, 4, 5, 6),
    (0, 1, 2, 3, 4, 5, 6),
    (0, 1, 2, 3, 4, 5, 6),
    (0, 1, 2, 3, 4),
    (0, 1, 2, 3, 4, 6),
)


def _routes_for(rng: Any, corridor: Corridor, used: set[str]) -> list[dict[str, Any]]:
    routes: list[dict[str, Any]] = []
    for origin_id, destination_id in ((corridor.first, corridor.second), (corridor.second, corridor.first)):
        origin = STATIONS[origin_id]
        currency = PLACES[origin.city].currency
        for _ in range(rng.randint(2, 3)):
            low, high = _NUMBER_RANGES[corridor.product]
            number = rng.randint(low, high)
            while f"{corridor.product}-{number}".lower() in used:
                number = rng.randint(low, high)
            route_id = f"{corridor.product}-{number}".lower()
            used.add(route_id)
            hour = rng.randint(6, 19)
            minute = rng.choice((4, 13, 28, 34, 37, 46, 52, 58))
            flex = corridor.flex_fare_eur * rng.uniform(0.95, 1.08)
            routes.append(
                {
                    "route_id": route_id,
                    "train_number": f"{corridor.product} {number}",
                    "operator": corridor.operator,
                    "origin_station_id": origin_id,
                    "destination_station_id": destination_id,
                    "departure_time": f"{hour:02d}:{minute:02d}",
                    "duration_minutes": corridor.minutes + rng.choice((-6, -2, 0, 3, 8)),
                    "days_of_week": list(rng.choice(_DAY_PATTERNS)),
                    "currency": currency,
                    "flex_fare_second": convert(flex, currency),
                    "flex_fare_first": convert(flex * FIRST_CLASS_FACTOR, currency),
                    "saver_quota": rng.randint(3, 8),
                    "super_saver_quota": rng.randint(1, 4),
                    "seat_included": corridor.seat_included,
                }
            )
    return routes


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    region = travel_region(ctx)
    station_ids = sorted({station for corridor in region.corridors for station in (corridor.first, corridor.second)})
    stations: list[dict[str, Any]] = []
    for station_id in station_ids:
        station = STATIONS[station_id]
        place = PLACES[station.city]
        stations.append(
            {
                "station_id": station_id,
                "name": station.name,
                "city": station.city,
                "country": place.country,
                "time_zone": place.time_zone,
                "latitude": station.latitude,
                "longitude": station.longitude,
            }
        )
    zones = {row["station_id"]: row["time_zone"] for row in stations}
    used: set[str] = set()
    routes = [route for corridor in region.corridors for route in _routes_for(rng, corridor, used)]
    travellers = fake.people(ctx.shared("people"), max(4, ctx.size))
    bookings: list[dict[str, Any]] = []
    seats: list[dict[str, Any]] = []
    refunds: list[dict[str, Any]] = []
    taken: dict[tuple[str, str], set[tuple[str, int]]] = {}
    codes: set[str] = set()
    today = ctx.now.date()
    for _ in range(ctx.size * 2):
        route = rng.choice(routes)
        offset_days = rng.choice((-40, -21, -9, -3, -1, 0, 1, 2, 4, 6, 9, 13, 20, 34, 55))
        day = today + timedelta(days=offset_days)
        while day.weekday() not in route["days_of_week"]:
            day += timedelta(days=1)
        departure = local_time(day, route["departure_time"], zones[route["origin_station_id"]])
        fare_class = "first" if rng.random() < 0.25 else "second"
        fare_type = fake.choose_weighted(rng, {"super_saver": 0.3, "saver": 0.4, "flex": 0.3})
        passengers = rng.choice((1, 1, 1, 2, 2, 3))
        sold = [
            row
            for row in bookings
            if row["route_id"] == route["route_id"] and row["date"] == day.isoformat() and row["status"] == "confirmed"
        ]
        left = _quota_left(route, sold, fare_type)
        if left is not None and left < passengers:
            fare_type = "flex"
        price = _fare(route, fare_class, fare_type)
        ticket_amount = money(price * passengers, route["currency"])
        departed = departure <= ctx.now
        if departed:
            status = "travelled" if rng.random() < 0.85 or fare_type == "super_saver" else "refunded"
        else:
            status = "refunded" if rng.random() < 0.15 and fare_type != "super_saver" else "confirmed"
        traveller = rng.choice(travellers)
        code = unique_seed_code(rng, codes)
        booking_id = f"bkg_{seed_token(rng)}"
        created = ctx.now - timedelta(
            days=max(0, (today - day).days) + rng.randint(1, 45), minutes=15 * rng.randint(0, 60)
        )
        seat_fees = 0.0
        wants_seats = route["seat_included"] or (status != "refunded" and rng.random() < 0.45)
        if wants_seats:
            key = (route["route_id"], day.isoformat())
            chosen = _allocate(
                taken.setdefault(key, set()), fare_class, passengers, rng.choice(("any", "window", "aisle", "table"))
            )
            fee_each = 0.0 if route["seat_included"] else convert(SEAT_FEE_EUR[fare_class], route["currency"])
            for passenger, (coach, seat) in enumerate(chosen or [], start=1):
                taken[key].add((coach, seat))
                seats.append(
                    {
                        "booking_id": booking_id,
                        "passenger": passenger,
                        "route_id": route["route_id"],
                        "date": day.isoformat(),
                        "coach": coach,
                        "seat": seat,
                        "fee": fee_each,
                        "currency": route["currency"],
                    }
                )
            seat_fees = money(fee_each * len(chosen or []), route["currency"])
        refunded_at = None
        if status == "refunded":
            refunded_at = iso(min(ctx.now - timedelta(hours=2), created + timedelta(days=rng.randint(1, 5))))
            fee = 0.0 if fare_type == "flex" else convert(REFUND_FEE_EUR, route["currency"])
            refunds.append(
                {
                    "refund_id": f"rf_{seed_token(rng)}",
                    "booking_id": booking_id,
                    "amount": money(ticket_amount - fee, route["currency"]),
                    "fee": fee,
                    "currency": route["currency"],
                    "status": "issued",
                    "created_at": refunded_at,
                }
            )
            seats = [seat for seat in seats if seat["booking_id"] != booking_id]
            seat_fees = 0.0
        bookings.append(
            {
                "booking_id": booking_id,
                "confirmation_code": code,
                "journey_id": f"{route['route_id']}:{day.isoformat()}",
                "route_id": route["route_id"],
                "date": day.isoformat(),
                "fare_class": fare_class,
                "fare_type": fare_type,
                "passengers": passengers,
                "first_name": traveller.first_name,
                "last_name": traveller.last_name,
                "email": traveller.email,
                "ticket_amount": ticket_amount,
                "seat_fees": seat_fees,
                "amount": money(ticket_amount + seat_fees, route["currency"]),
                "currency": route["currency"],
                "status": status,
                "created_at": iso(created),
                "refunded_at": refunded_at,
            }
        )
    return {
        "stations": stations,
        "routes": routes,
        "bookings": bookings,
        "seat_reservations": seats,
        "refunds": refunds,
    }
