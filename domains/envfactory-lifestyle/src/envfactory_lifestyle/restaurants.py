"""Restaurant reservations after the OpenTable and Resy booking APIs.

Restaurants publish seatings (service times) and a table inventory; availability for a party is
what the inventory leaves after the bookings already held at that seating, the way OpenTable's
availability endpoint answers "is there a table for 4 at 19:30?". Bookings carry a party size, a
confirmation code and the restaurant's cancellation policy (a per-person fee inside the late window,
as Resy charges); a full seating can be waitlisted ("Notify" on Resy) and a cancellation alerts
the first waiting party that now fits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page, seed_token
from envfactory_core.models import Provenance

from ._common import LOCAL_CITIES, NOW, VENUE_PHONE, iso, local_zone, parse_day, parse_time

__all__ = ["environment"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BOOKING_LEAD_MINUTES = 60
DOUBLE_BOOKING_HOURS = 2.5
CONFIRMATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DINING_CURRENCIES = {"USD", "CAD", "EUR", "GBP", "AUD", "NZD", "SGD"}

POLICY = """\
Reservation rules (enforced by every booking tool):
- Parties book a seating the restaurant publishes (its service times) on a day it is open, from 60
  minutes before the seating up to the restaurant's booking horizon (30 days unless it says
  otherwise). Past seatings cannot be booked, changed or cancelled.
- A party is seated at the smallest free table that fits it with at most two empty seats. Parties
  larger than the restaurant's maximum party size must call the restaurant.
- One diner (email) cannot hold two booked reservations that start within 2.5 hours of each other.
- Cancelling is free until the restaurant's cancellation window (hours before the seating). Inside
  the window the restaurant's late-cancellation fee is charged per person in the party; the fee and
  its currency are reported with the cancellation.
- A reservation can be changed (time, party size, note) while it is booked and the new seating has
  room; the same lead time and horizon apply.
- The waitlist is for full days only: a party may join it for a date when no seating that day has a
  table for it, once per restaurant and date. When a booking is cancelled, the first waiting party
  for that restaurant and date that now fits is notified.
"""

environment = Environment(
    name="restaurants",
    domain="lifestyle",
    description=(
        "Restaurant discovery and table booking after the OpenTable and Resy APIs: search restaurants, check "
        "availability for a party, book, change and cancel reservations under each restaurant's cancellation "
        "policy, and join the waitlist for fully booked days."
    ),
    tables=[
        table(
            "restaurants",
            primary_key="restaurant_id",
            restaurant_id=str,
            name=str,
            cuisine=str,
            price_band=str,
            rating=float,
            address=str,
            city=str,
            country=str,
            postal_code=str,
            phone=str,
            utc_offset=str,
            service_times=list,
            closed_days=list,
            tables=dict,
            max_party_size=int,
            booking_horizon_days=int,
            cancellation_window_hours=int,
            cancellation_fee=float,
            currency=str,
        ),
        table(
            "reservations",
            primary_key="reservation_id",
            reservation_id=str,
            confirmation_code=str,
            restaurant_id=str,
            name=str,
            email=str,
            phone=str | None,
            party_size=int,
            table_seats=int,
            start_time=str,
            end_time=str,
            status=str,
            note=str | None,
            created_at=str,
            cancelled_at=str | None,
            fee_charged=float,
            currency=str,
        ),
        table(
            "waitlist",
            primary_key="waitlist_id",
            waitlist_id=str,
            restaurant_id=str,
            date=str,
            name=str,
            email=str,
            party_size=int,
            status=str,
            joined_order=int,
            created_at=str,
            notified_at=str | None,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="OpenTable Booking API (availability, reservations) and Resy API (venue, find, book, cancel, notify)",
        url="https://docs.opentable.com/",
    ),
)


# --- outputs ---------------------------------------------------------------------------------------------------


class RestaurantSummary(TypedDict):
    """A restaurant as search lists it.

    Args:
        restaurant_id: The restaurant's id.
        name: The restaurant's name.
        address: Street address of the restaurant.
    """

    restaurant_id: str
    name: str
    cuisine: str
    price_band: str
    rating: float
    address: str
    city: str
    country: str
    postal_code: str
    phone: str


class RestaurantSearch(TypedDict):
    restaurants: list[RestaurantSummary]
    count: int


class RestaurantDetail(TypedDict):
    """A restaurant with its seatings and booking policy.

    Args:
        service_times: Local seating times (HH:MM) the restaurant takes bookings for.
        closed_days: Weekdays the restaurant is closed.
        utc_offset: The restaurant's UTC offset; reservation times carry it.
        cancellation_window_hours: Free cancellation until this many hours before the seating.
        cancellation_fee: Late-cancellation fee per person, in ``currency``.
    """

    restaurant_id: str
    name: str
    cuisine: str
    price_band: str
    rating: float
    address: str
    city: str
    country: str
    postal_code: str
    phone: str
    utc_offset: str
    service_times: list[str]
    closed_days: list[str]
    max_party_size: int
    booking_horizon_days: int
    cancellation_window_hours: int
    cancellation_fee: float
    currency: str


class Slot(TypedDict):
    """A seating with a free table for the party.

    Args:
        start_time: When the seating starts (ISO 8601 with the restaurant's offset).
        end_time: When the table is expected back.
        table_seats: Seats at the table the party would get.
    """

    start_time: str
    end_time: str
    table_seats: int


class Availability(TypedDict):
    restaurant_id: str
    date: str
    party_size: int
    slots: list[Slot]
    count: int


class Reservation(TypedDict):
    """A table reservation.

    Args:
        reservation_id: The reservation's id.
        confirmation_code: The code the diner quotes to the restaurant.
        title: A calendar-ready title, e.g. "Dinner at Bistro Colette, party of 4".
        location: Restaurant name and street address, for a calendar entry.
        restaurant_name: The restaurant's name.
        address: The restaurant's street address.
        name: The diner the table is booked under.
        email: The diner's email.
        start_time: When the seating starts (ISO 8601 with offset).
        end_time: When the table is expected back (ISO 8601 with offset).
        status: booked, seated, completed, cancelled or no_show.
        fee_charged: Late-cancellation fee charged, in ``currency``.
    """

    reservation_id: str
    confirmation_code: str
    title: str
    restaurant_id: str
    restaurant_name: str
    address: str
    location: str
    city: str
    name: str
    email: str
    phone: str | None
    party_size: int
    table_seats: int
    start_time: str
    end_time: str
    status: str
    note: str | None
    created_at: str
    cancelled_at: str | None
    fee_charged: float
    currency: str


class ReservationList(TypedDict):
    reservations: list[Reservation]
    count: int


class Cancellation(TypedDict):
    """The result of a cancellation.

    Args:
        amount: The late-cancellation fee charged in major units (0 when the cancellation was free).
        currency: ISO 4217 currency code of the fee, e.g. EUR.
        email: The diner's email address, for the receipt.
        free_cancellation: True when cancelled before the late window.
        notified_waitlist_id: The waitlist entry alerted that a table opened up, if any.
    """

    reservation: Reservation
    amount: float
    currency: str
    email: str
    free_cancellation: bool
    notified_waitlist_id: str | None


class WaitlistEntry(TypedDict):
    """A place on a restaurant's waitlist for one date.

    Args:
        status: waiting, notified, seated or removed.
        position: Place in line among parties still waiting (0 once no longer waiting).
    """

    waitlist_id: str
    restaurant_id: str
    restaurant_name: str
    date: str
    name: str
    email: str
    party_size: int
    status: str
    position: int
    created_at: str


# --- rules -----------------------------------------------------------------------------------------------------


def _restaurant(ctx: Context, restaurant_id: str) -> dict[str, Any]:
    return ctx.table("restaurants").require(restaurant_id, what="restaurant")


def _duration(party_size: int) -> timedelta:
    """How long a table is held: longer for larger parties, as restaurants quote."""
    if party_size <= 2:
        return timedelta(minutes=90)
    if party_size <= 4:
        return timedelta(minutes=120)
    return timedelta(minutes=150)


def _summary(row: dict[str, Any]) -> RestaurantSummary:
    return cast(RestaurantSummary, {key: row[key] for key in RestaurantSummary.__annotations__})


def _reservation_out(ctx: Context, row: dict[str, Any]) -> Reservation:
    restaurant = ctx.table("restaurants").get(row["restaurant_id"]) or {}
    name = restaurant.get("name", "")
    meal = "Lunch" if int(row["start_time"][11:13]) < 15 else "Dinner"
    guests = "1 guest" if row["party_size"] == 1 else f"party of {row['party_size']}"
    return {
        "reservation_id": row["reservation_id"],
        "confirmation_code": row["confirmation_code"],
        "title": f"{meal} at {name}, {guests}",
        "restaurant_id": row["restaurant_id"],
        "restaurant_name": name,
        "address": restaurant.get("address", ""),
        "location": f"{name}, {restaurant.get('address', '')}, {restaurant.get('city', '')}",
        "city": restaurant.get("city", ""),
        "name": row["name"],
        "email": row["email"],
        "phone": row["phone"],
        "party_size": row["party_size"],
        "table_seats": row["table_seats"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "status": row["status"],
        "note": row["note"],
        "created_at": row["created_at"],
        "cancelled_at": row["cancelled_at"],
        "fee_charged": row["fee_charged"],
        "currency": row["currency"],
    }


def _check_party(restaurant: dict[str, Any], party_size: int) -> None:
    if party_size > restaurant["max_party_size"]:
        raise ToolError(
            f"{restaurant['name']} takes online bookings for up to {restaurant['max_party_size']} guests; "
            f"a party of {party_size} must call the restaurant at {restaurant['phone']}"
        )


def _check_day(ctx: Context, restaurant: dict[str, Any], day: date) -> None:
    zone = local_zone(restaurant["utc_offset"])
    today = ctx.now.astimezone(zone).date()
    if day < today:
        raise ToolError(f"{day.isoformat()} is in the past; today is {today.isoformat()} at {restaurant['name']}")
    horizon = today + timedelta(days=restaurant["booking_horizon_days"])
    if day > horizon:
        raise ToolError(
            f"{restaurant['name']} takes bookings up to {restaurant['booking_horizon_days']} days ahead "
            f"(until {horizon.isoformat()}); {day.isoformat()} is too far out"
        )
    weekday = WEEKDAYS[day.weekday()]
    if weekday in restaurant["closed_days"]:
        raise ToolError(f"{restaurant['name']} is closed on {weekday}s; choose another date")


def _seating(ctx: Context, restaurant: dict[str, Any], start_time: str) -> datetime:
    """The seating a requested start time names, in the restaurant's local time; refused if not bookable."""
    moment = parse_time(start_time, "start_time").astimezone(local_zone(restaurant["utc_offset"]))
    _check_day(ctx, restaurant, moment.date())
    clock = moment.strftime("%H:%M")
    if moment.second or clock not in restaurant["service_times"]:
        raise ToolError(
            f"{restaurant['name']} seats at {', '.join(restaurant['service_times'])} local time "
            f"(UTC{restaurant['utc_offset']}); {iso(moment)} is not a seating"
        )
    if moment - ctx.now < timedelta(minutes=BOOKING_LEAD_MINUTES):
        raise ToolError(
            f"online booking for the {clock} seating on {moment.date().isoformat()} has closed "
            f"(bookings close {BOOKING_LEAD_MINUTES} minutes before a seating); the time now is {iso(ctx.now)}"
        )
    return moment


def _free_table(
    ctx: Context, restaurant: dict[str, Any], start: datetime, party_size: int, ignore: str | None = None
) -> int | None:
    """The smallest free table for the party at this seating (at most two empty seats), or None."""
    held: dict[int, int] = {}
    for booking in ctx.table("reservations").find(
        restaurant_id=restaurant["restaurant_id"], start_time=iso(start), status="booked"
    ):
        if booking["reservation_id"] != ignore:
            held[booking["table_seats"]] = held.get(booking["table_seats"], 0) + 1
    for seats in sorted(int(size) for size in restaurant["tables"]):
        if party_size <= seats <= party_size + 2 and restaurant["tables"][str(seats)] - held.get(seats, 0) > 0:
            return seats
    return None


def _check_double_booking(ctx: Context, email: str, start: datetime, ignore: str | None = None) -> None:
    for booking in ctx.table("reservations").find(email=email, status="booked"):
        if booking["reservation_id"] == ignore:
            continue
        other = datetime.fromisoformat(booking["start_time"])
        if abs(other - start) < timedelta(hours=DOUBLE_BOOKING_HOURS):
            place = ctx.table("restaurants").get(booking["restaurant_id"]) or {"name": booking["restaurant_id"]}
            raise ToolError(
                f"{email} already holds reservation {booking['reservation_id']} at {place['name']} for "
                f"{booking['start_time']}; one diner cannot hold reservations starting within 2.5 hours of each other"
            )


def _open_slots(ctx: Context, restaurant: dict[str, Any], day: date, party_size: int) -> list[Slot]:
    zone = local_zone(restaurant["utc_offset"])
    slots: list[Slot] = []
    for clock in restaurant["service_times"]:
        hour, minute = (int(part) for part in clock.split(":"))
        start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if start - ctx.now < timedelta(minutes=BOOKING_LEAD_MINUTES):
            continue
        seats = _free_table(ctx, restaurant, start, party_size)
        if seats is not None:
            slots.append(
                {"start_time": iso(start), "end_time": iso(start + _duration(party_size)), "table_seats": seats}
            )
    return slots


def _slots_on(
    ctx: Context, restaurant_id: str, day_text: str, party_size: int
) -> tuple[dict[str, Any], date, list[Slot]]:
    """The restaurant, the day and its seatings with a free table, once the party and the day are accepted."""
    restaurant = _restaurant(ctx, restaurant_id)
    _check_party(restaurant, party_size)
    day = parse_day(day_text, "date")
    _check_day(ctx, restaurant, day)
    return restaurant, day, _open_slots(ctx, restaurant, day, party_size)


def _waitlist_out(ctx: Context, row: dict[str, Any]) -> WaitlistEntry:
    restaurant = ctx.table("restaurants").get(row["restaurant_id"]) or {}
    position = 0
    if row["status"] == "waiting":
        ahead = ctx.table("waitlist").find(restaurant_id=row["restaurant_id"], date=row["date"], status="waiting")
        position = 1 + sum(1 for other in ahead if other["joined_order"] < row["joined_order"])
    return {
        "waitlist_id": row["waitlist_id"],
        "restaurant_id": row["restaurant_id"],
        "restaurant_name": restaurant.get("name", ""),
        "date": row["date"],
        "name": row["name"],
        "email": row["email"],
        "party_size": row["party_size"],
        "status": row["status"],
        "position": position,
        "created_at": row["created_at"],
    }


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_restaurants(
    ctx: Context,
    city: str | None = None,
    cuisine: str | None = None,
    query: str | None = None,
    price_band: Literal["$", "$$", "$$$", "$$$$"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 10,
) -> RestaurantSearch:
    """Search restaurants by city, cuisine, name and price band, best rated first.

    Args:
        city: City to search in, e.g. "Boston" (case-insensitive).
        cuisine: Cuisine, e.g. "Italian" (case-insensitive).
        query: Words to find in the restaurant's name or cuisine.
        price_band: Price band from "$" (inexpensive) to "$$$$" (fine dining).
        limit: Most restaurants to return.
    """
    found = []
    for row in ctx.table("restaurants").all():
        if city and row["city"].lower() != city.strip().lower():
            continue
        if cuisine and row["cuisine"].lower() != cuisine.strip().lower():
            continue
        if price_band and row["price_band"] != price_band:
            continue
        if query and query.strip().lower() not in f"{row['name']} {row['cuisine']}".lower():
            continue
        found.append(row)
    found.sort(key=lambda row: (-row["rating"], row["name"]))
    shown = [_summary(row) for row in page(found, limit)]
    return {"restaurants": shown, "count": len(found)}


@environment.tool(effect="read")
def get_restaurant(ctx: Context, restaurant_id: str) -> RestaurantDetail:
    """Get a restaurant's details: seatings, closed days, maximum party size and cancellation policy.

    Args:
        restaurant_id: The restaurant's id (from search_restaurants).
    """
    row = _restaurant(ctx, restaurant_id)
    return cast(RestaurantDetail, {key: row[key] for key in RestaurantDetail.__annotations__})


@environment.tool(effect="read")
def find_availability(
    ctx: Context,
    restaurant_id: str,
    date: Annotated[str, Arg(format="date")],
    party_size: Annotated[int, Arg(minimum=1, maximum=20)],
) -> Availability:
    """List the seatings on a date that have a free table for the party.

    Args:
        restaurant_id: The restaurant's id.
        date: The day to dine, YYYY-MM-DD (the restaurant's local date).
        party_size: Number of guests, including the person booking.
    """
    _, day, slots = _slots_on(ctx, restaurant_id, date, party_size)
    return {
        "restaurant_id": restaurant_id,
        "date": day.isoformat(),
        "party_size": party_size,
        "slots": slots,
        "count": len(slots),
    }


@environment.tool(effect="write")
def book_reservation(
    ctx: Context,
    restaurant_id: str,
    start_time: Annotated[str, Arg(format="date-time")],
    party_size: Annotated[int, Arg(minimum=1, maximum=20)],
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    email: Annotated[str, Arg(format="email")],
    phone: str | None = None,
    note: Annotated[str, Arg(max_length=500)] | None = None,
) -> Reservation:
    """Book a table at a seating for a party; returns the reservation with its confirmation code.

    Args:
        restaurant_id: The restaurant's id.
        start_time: The seating to book, ISO 8601 with offset, as find_availability lists it.
        party_size: Number of guests, including the person booking.
        name: Name the table is booked under.
        email: The diner's email, for the confirmation.
        phone: The diner's phone number.
        note: Special request for the restaurant (allergies, occasion, high chair).
    """
    restaurant = _restaurant(ctx, restaurant_id)
    _check_party(restaurant, party_size)
    start = _seating(ctx, restaurant, start_time)
    _check_double_booking(ctx, email, start)
    seats = _free_table(ctx, restaurant, start, party_size)
    if seats is None:
        raise ToolError(
            f"{restaurant['name']} has no table for {party_size} at {iso(start)}; check find_availability "
            "for other seatings or join the waitlist when the whole day is full"
        )
    row = ctx.table("reservations").insert(
        {
            "reservation_id": ctx.new_id("rsv"),
            "confirmation_code": ctx.new_id("", length=8, alphabet=CONFIRMATION_ALPHABET),
            "restaurant_id": restaurant_id,
            "name": name.strip(),
            "email": email,
            "phone": phone,
            "party_size": party_size,
            "table_seats": seats,
            "start_time": iso(start),
            "end_time": iso(start + _duration(party_size)),
            "status": "booked",
            "note": note,
            "created_at": iso(ctx.now),
            "cancelled_at": None,
            "fee_charged": 0.0,
            "currency": restaurant["currency"],
        }
    )
    return _reservation_out(ctx, row)


@environment.tool(effect="read")
def get_reservation(
    ctx: Context, reservation_id: str | None = None, confirmation_code: str | None = None
) -> Reservation:
    """Look up one reservation by its id or by the confirmation code the diner was given.

    Args:
        reservation_id: The reservation's id.
        confirmation_code: The 8-character confirmation code (used when no reservation_id is given).
    """
    if reservation_id:
        return _reservation_out(ctx, ctx.table("reservations").require(reservation_id, what="reservation"))
    if confirmation_code:
        row = ctx.table("reservations").first(confirmation_code=confirmation_code.strip().upper())
        if row is None:
            raise ToolError(f"no reservation has confirmation code {confirmation_code!r}")
        return _reservation_out(ctx, row)
    raise ToolError("give reservation_id or confirmation_code")


@environment.tool(effect="read")
def list_reservations(
    ctx: Context,
    email: Annotated[str, Arg(format="email")],
    status: Literal["booked", "seated", "completed", "cancelled", "no_show"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> ReservationList:
    """List a diner's reservations, soonest first.

    Args:
        email: The diner's email.
        status: Only reservations in this status.
        limit: Most reservations to return.
    """
    filters: dict[str, Any] = {"status": status} if status else {}
    rows = ctx.table("reservations").find(email=email, **filters)
    rows.sort(key=lambda row: (datetime.fromisoformat(row["start_time"]), row["reservation_id"]))
    return {"reservations": [_reservation_out(ctx, row) for row in page(rows, limit)], "count": len(rows)}


def _booked_future(ctx: Context, reservation_id: str, action: str) -> dict[str, Any]:
    row = ctx.table("reservations").require(reservation_id, what="reservation")
    if row["status"] != "booked":
        raise ToolError(f"reservation {reservation_id} is {row['status']}; only booked reservations can be {action}")
    if datetime.fromisoformat(row["start_time"]) <= ctx.now:
        raise ToolError(
            f"reservation {reservation_id} started at {row['start_time']}; past reservations cannot be {action}"
        )
    return row


@environment.tool(effect="write")
def modify_reservation(
    ctx: Context,
    reservation_id: str,
    start_time: Annotated[str, Arg(format="date-time")] | None = None,
    party_size: Annotated[int, Arg(minimum=1, maximum=20)] | None = None,
    note: Annotated[str, Arg(max_length=500)] | None = None,
) -> Reservation:
    """Change a booked reservation's seating, party size or note, if the restaurant has room.

    Args:
        reservation_id: The reservation to change.
        start_time: The new seating, ISO 8601 with offset.
        party_size: The new number of guests.
        note: The new special request (replaces the old one).
    """
    row = _booked_future(ctx, reservation_id, "changed")
    if start_time is None and party_size is None and note is None:
        raise ToolError("nothing to change: give start_time, party_size or note")
    restaurant = _restaurant(ctx, row["restaurant_id"])
    new_size = party_size if party_size is not None else row["party_size"]
    _check_party(restaurant, new_size)
    if start_time is not None:
        start = _seating(ctx, restaurant, start_time)
    else:
        start = datetime.fromisoformat(row["start_time"])
    changes: dict[str, Any] = {"note": note if note is not None else row["note"]}
    if start_time is not None or party_size is not None:
        _check_double_booking(ctx, row["email"], start, ignore=reservation_id)
        seats = _free_table(ctx, restaurant, start, new_size, ignore=reservation_id)
        if seats is None:
            raise ToolError(
                f"{restaurant['name']} has no table for {new_size} at {iso(start)}; the reservation is unchanged"
            )
        changes.update(
            {
                "start_time": iso(start),
                "end_time": iso(start + _duration(new_size)),
                "party_size": new_size,
                "table_seats": seats,
            }
        )
    updated = ctx.table("reservations").update(reservation_id, changes)
    return _reservation_out(ctx, updated)


@environment.tool(effect="write")
def cancel_reservation(ctx: Context, reservation_id: str) -> Cancellation:
    """Cancel a booked reservation; a late-cancellation fee applies inside the restaurant's window.

    Args:
        reservation_id: The reservation to cancel.
    """
    row = _booked_future(ctx, reservation_id, "cancelled")
    restaurant = _restaurant(ctx, row["restaurant_id"])
    start = datetime.fromisoformat(row["start_time"])
    late = start - ctx.now < timedelta(hours=restaurant["cancellation_window_hours"])
    fee = round(restaurant["cancellation_fee"] * row["party_size"], 2) if late else 0.0
    updated = ctx.table("reservations").update(
        reservation_id, {"status": "cancelled", "cancelled_at": iso(ctx.now), "fee_charged": fee}
    )
    notified = None
    waiting = ctx.table("waitlist").find(
        restaurant_id=row["restaurant_id"], date=start.date().isoformat(), status="waiting", order_by="joined_order"
    )
    for entry in waiting:
        if _free_table(ctx, restaurant, start, entry["party_size"]) is not None:
            ctx.table("waitlist").update(entry["waitlist_id"], {"status": "notified", "notified_at": iso(ctx.now)})
            notified = entry["waitlist_id"]
            break
    return {
        "reservation": _reservation_out(ctx, updated),
        "amount": fee,
        "currency": row["currency"],
        "email": row["email"],
        "free_cancellation": not late or fee == 0.0,
        "notified_waitlist_id": notified,
    }


@environment.tool(effect="write")
def join_waitlist(
    ctx: Context,
    restaurant_id: str,
    date: Annotated[str, Arg(format="date")],
    party_size: Annotated[int, Arg(minimum=1, maximum=20)],
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    email: Annotated[str, Arg(format="email")],
) -> WaitlistEntry:
    """Join a restaurant's waitlist for a fully booked date; you are alerted when a table opens up.

    Args:
        restaurant_id: The restaurant's id.
        date: The day to dine, YYYY-MM-DD.
        party_size: Number of guests.
        name: Name to put on the list.
        email: The diner's email, for the alert.
    """
    restaurant, day, open_slots = _slots_on(ctx, restaurant_id, date, party_size)
    if open_slots:
        times = ", ".join(slot["start_time"][11:16] for slot in open_slots)
        raise ToolError(
            f"{restaurant['name']} still has tables for {party_size} on {day.isoformat()} at {times}; "
            "book one of those instead (the waitlist is for full days)"
        )
    for entry in ctx.table("waitlist").find(restaurant_id=restaurant_id, date=day.isoformat(), email=email):
        if entry["status"] in ("waiting", "notified"):
            raise ToolError(f"{email} is already on the waitlist for {day.isoformat()} ({entry['waitlist_id']})")
    newest = ctx.table("waitlist").find(order_by="joined_order", descending=True, limit=1)
    row = ctx.table("waitlist").insert(
        {
            "waitlist_id": ctx.new_id("wl"),
            "restaurant_id": restaurant_id,
            "date": day.isoformat(),
            "name": name.strip(),
            "email": email,
            "party_size": party_size,
            "status": "waiting",
            "joined_order": (newest[0]["joined_order"] + 1) if newest else 1,
            "created_at": iso(ctx.now),
            "notified_at": None,
        }
    )
    return _waitlist_out(ctx, row)


@environment.tool(effect="write")
def leave_waitlist(ctx: Context, waitlist_id: str) -> WaitlistEntry:
    """Take a party off a waitlist.

    Args:
        waitlist_id: The waitlist entry to remove.
    """
    row = ctx.table("waitlist").require(waitlist_id, what="waitlist entry")
    if row["status"] not in ("waiting", "notified"):
        raise ToolError(f"waitlist entry {waitlist_id} is already {row['status']}")
    updated = ctx.table("waitlist").update(waitlist_id, {"status": "removed"})
    return _waitlist_out(ctx, updated)


# --- seed ------------------------------------------------------------------------------------------------------

RESTAURANT_NAMES = {
    "Italian": ("Trattoria Lucia", "Osteria del Ponte", "Pasta Fresca", "Il Forno Rosso", "Enoteca Vigna"),
    "Japanese": ("Kaito Sushi", "Izakaya Hoshi", "Ramen Ichigo", "Sakura Omakase"),
    "Mexican": ("Cantina Azul", "La Milpa", "Tacos El Faro", "Mezcaleria Oaxaca"),
    "French": ("Bistro Colette", "Le Petit Jardin", "Brasserie Marcel", "Chez Margaux"),
    "Indian": ("Saffron House", "Tandoor Junction", "Masala Court", "Chaat Corner"),
    "Thai": ("Baan Siam", "Lemongrass Kitchen", "Khao Gaeng"),
    "Korean": ("Seoul Table", "Gangnam BBQ House", "Bibim Bar"),
    "American": ("The Copper Grill", "Harbor Oyster Co", "Union Smokehouse", "Maple & Rye"),
    "Mediterranean": ("Olive & Fig", "Taverna Kyma", "Cedar Mezze"),
    "Spanish": ("Tapas La Plaza", "Casa Serrano", "Bodega Norte"),
}
DINNER_TIMES = ("17:30", "18:00", "18:30", "19:00", "19:30", "20:00", "20:30", "21:00")
LUNCH_TIMES = ("12:00", "12:30", "13:00")
REQUESTS = (
    "Birthday dinner, a small dessert candle would be lovely",
    "One guest has a severe nut allergy",
    "High chair needed",
    "Window table if possible",
    "Anniversary",
    "Wheelchair access please",
    "Vegetarian guest in the party",
)


def _seed_restaurants(ctx: SeedContext) -> list[dict[str, Any]]:
    rng = ctx.rng
    count = max(4, ctx.size // 2)
    cities = rng.sample([place for place in LOCAL_CITIES if place[0].currency in DINING_CURRENCIES], 2)
    pool = [(cuisine, name) for cuisine, names in RESTAURANT_NAMES.items() for name in names]
    rows = []
    ids = rng.sample(range(10000, 99999), count)
    for index, (cuisine, name) in enumerate(rng.sample(pool, count)):
        city, offset = cities[index % 2]
        band = fake.choose_weighted(rng, {"$": 1, "$$": 4, "$$$": 3, "$$$$": 1})
        times = sorted(rng.sample(DINNER_TIMES, rng.randint(4, 6)))
        if rng.random() < 0.4:
            times = sorted(rng.sample(LUNCH_TIMES, 2)) + times
        tables = {"2": rng.randint(2, 4), "4": rng.randint(1, 3)}
        if rng.random() < 0.7:
            tables["6"] = rng.randint(1, 2)
        if band in ("$$$", "$$$$") and rng.random() < 0.5:
            tables["8"] = 1
        late_fee = {
            "$": 0.0,
            "$$": rng.choice((0.0, 10.0, 15.0)),
            "$$$": rng.choice((20.0, 25.0)),
            "$$$$": rng.choice((50.0, 75.0)),
        }[band]
        rows.append(
            {
                "restaurant_id": f"rst_{ids[index]}",
                "name": name,
                "cuisine": cuisine,
                "price_band": band,
                "rating": round(rng.uniform(3.8, 4.9), 1),
                "address": fake.street_address(rng),
                "city": city.name,
                "country": city.country_code,
                "postal_code": f"{city.postal_prefix}{rng.randint(10, 99)}",
                "phone": fake.phone(rng, city.country_code, VENUE_PHONE),
                "utc_offset": offset,
                "service_times": times,
                "closed_days": rng.choice(([], ["Monday"], ["Sunday", "Monday"], ["Tuesday"])),
                "tables": tables,
                "max_party_size": max(int(size) for size in tables),
                "booking_horizon_days": rng.choice((14, 30, 30, 60)),
                "cancellation_window_hours": rng.choice((2, 24, 24, 48)) if late_fee else 24,
                "cancellation_fee": late_fee,
                "currency": city.currency,
            }
        )
    return rows


class _Book:
    """Seed-time bookkeeping so seeded reservations respect table counts and the double-booking rule."""

    def __init__(self, restaurants: list[dict[str, Any]]) -> None:
        self.restaurants = {row["restaurant_id"]: row for row in restaurants}
        self.held: dict[tuple[str, str, int], int] = {}
        self.by_email: dict[str, list[datetime]] = {}

    def seats_for(self, restaurant: dict[str, Any], start: datetime, party: int) -> int | None:
        for seats in sorted(int(size) for size in restaurant["tables"]):
            taken = self.held.get((restaurant["restaurant_id"], iso(start), seats), 0)
            if party <= seats <= party + 2 and restaurant["tables"][str(seats)] > taken:
                return seats
        return None

    def free(self, email: str, start: datetime) -> bool:
        return all(
            abs(other - start) >= timedelta(hours=DOUBLE_BOOKING_HOURS) for other in self.by_email.get(email, [])
        )

    def hold(self, restaurant: dict[str, Any], start: datetime, seats: int, email: str) -> None:
        key = (restaurant["restaurant_id"], iso(start), seats)
        self.held[key] = self.held.get(key, 0) + 1
        self.by_email.setdefault(email, []).append(start)


def _seating_on(restaurant: dict[str, Any], day: date, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_zone(restaurant["utc_offset"]))


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    restaurants = _seed_restaurants(ctx)
    diners = fake.people(ctx.shared("people"), ctx.size)
    book = _Book(restaurants)
    reservations: list[dict[str, Any]] = []
    codes: set[str] = set()

    def add(restaurant: dict[str, Any], start: datetime, person: fake.Person, party: int, status: str) -> bool:
        seats = book.seats_for(restaurant, start, party)
        if seats is None or not book.free(person.email, start):
            return False
        if status == "booked":
            book.hold(restaurant, start, seats, person.email)
        else:
            book.by_email.setdefault(person.email, [])
        code = seed_token(rng, 8, CONFIRMATION_ALPHABET)
        while code in codes:
            code = seed_token(rng, 8, CONFIRMATION_ALPHABET)
        codes.add(code)
        created = min(
            start - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 10)), ctx.now - timedelta(hours=3)
        )
        cancelled = status == "cancelled"
        reservations.append(
            {
                "reservation_id": f"rsv_{code.lower()}",
                "confirmation_code": code,
                "restaurant_id": restaurant["restaurant_id"],
                "name": person.full_name,
                "email": person.email,
                "phone": person.phone,
                "party_size": party,
                "table_seats": seats,
                "start_time": iso(start),
                "end_time": iso(start + _duration(party)),
                "status": status,
                "note": rng.choice(REQUESTS) if rng.random() < 0.3 else None,
                "created_at": iso(created.astimezone(ctx.now.tzinfo)),
                "cancelled_at": iso(min(created + timedelta(days=1), ctx.now)) if cancelled else None,
                "fee_charged": 0.0,
                "currency": restaurant["currency"],
            }
        )
        return True

    today = ctx.now.date()
    for person in diners:
        for _ in range(rng.randint(1, 3)):
            restaurant = rng.choice(restaurants)
            day = today + timedelta(days=rng.randint(-21, min(20, restaurant["booking_horizon_days"])))
            if WEEKDAYS[day.weekday()] in restaurant["closed_days"]:
                continue
            start = _seating_on(restaurant, day, rng.choice(restaurant["service_times"]))
            party = rng.randint(1, min(6, restaurant["max_party_size"]))
            if start < ctx.now:
                status = fake.choose_weighted(rng, {"completed": 8, "no_show": 1, "cancelled": 1})
            elif start - ctx.now < timedelta(minutes=BOOKING_LEAD_MINUTES):
                continue
            else:
                status = fake.choose_weighted(rng, {"booked": 8, "cancelled": 1})
            add(restaurant, start, person, party, status)

    # The most popular restaurant is fully booked on the coming Saturday; a few parties wait for a table.
    popular = max(restaurants, key=lambda row: (row["rating"], row["restaurant_id"]))
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    waitlist: list[dict[str, Any]] = []
    if WEEKDAYS[saturday.weekday()] not in popular["closed_days"]:
        walk_ins = fake.people(rng, sum(popular["tables"].values()) * len(popular["service_times"]) + 4)
        guests = iter(walk_ins)
        for clock in popular["service_times"]:
            start = _seating_on(popular, saturday, clock)
            for seats in sorted(int(size) for size in popular["tables"]):
                while book.seats_for(popular, start, seats) == seats:
                    guest = next(guests, None)
                    if guest is None:
                        break
                    add(popular, start, guest, max(1, seats - rng.randint(0, 1)), "booked")
        for order, person in enumerate(rng.sample(diners, min(2, len(diners))), start=1):
            waitlist.append(
                {
                    "waitlist_id": f"wl_{fake.slug(person.last_name)}{order}{rng.randint(100, 999)}",
                    "restaurant_id": popular["restaurant_id"],
                    "date": saturday.isoformat(),
                    "name": person.full_name,
                    "email": person.email,
                    "party_size": rng.randint(2, 4),
                    "status": "waiting",
                    "joined_order": order,
                    "created_at": iso(ctx.now - timedelta(hours=rng.randint(2, 40))),
                    "notified_at": None,
                }
            )
    return {"restaurants": restaurants, "reservations": reservations, "waitlist": waitlist}
