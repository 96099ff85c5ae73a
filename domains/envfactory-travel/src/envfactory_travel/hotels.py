"""Hotels: properties, room offers with availability per night, reservations with cancellation deadlines.

Modelled on the Amadeus Self-Service hotel APIs (Hotel List by city, Hotel Search offers for
check-in/check-out dates, Hotel Booking) and the Booking.com Demand API's order management
(order details, cancel). Each room type has an allotment of rooms on this channel; a night is
available while fewer confirmed or checked-in reservations cover it than the allotment.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypedDict, get_args

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import (
    DESK_PHONE,
    NOW,
    check_email,
    convert,
    find_bookings,
    iso,
    local_time,
    money,
    new_code,
    nights,
    parse_date,
    parse_time,
    require_text,
    seed_token,
    unique_seed_code,
)
from ._places import Place, postal_code, travel_region

__all__ = ["environment"]

MAX_NIGHTS = 30
BOOKING_HORIZON_DAYS = 365
NON_REFUNDABLE_DISCOUNT = 0.12
CANCELLATION_HOUR = "18:00"
ACTIVE = ("confirmed", "checked_in")

Amenity = Literal[
    "wifi",
    "breakfast",
    "parking",
    "gym",
    "pool",
    "spa",
    "restaurant",
    "bar",
    "airport_shuttle",
    "pet_friendly",
    "air_conditioning",
    "ev_charging",
]
RatePlan = Literal["flexible", "non_refundable"]
Status = Literal["confirmed", "checked_in", "checked_out", "cancelled", "no_show"]

POLICY = f"""\
Hotel reservations: booking, changes and cancellations

- A stay runs from the check-in date (start_date) to the check-out date (end_date): at least 1 night,
  at most {MAX_NIGHTS} nights. Check-in may be today or up to {BOOKING_HORIZON_DAYS} days ahead, never in the past.
- One reservation is one room. The number of guests may not exceed the room type's max_occupancy.
- A room type can be booked only if a room of that type is still free on every night of the stay
  (its allotment minus the confirmed and checked-in reservations covering that night).
- Friday and Saturday nights are charged at the room type's weekend rate, other nights at its nightly rate.
- Two rate plans: "flexible" and "non_refundable" ({int(NON_REFUNDABLE_DISCOUNT * 100)}% cheaper).
- Flexible reservations can be cancelled free of charge until the cancellation deadline: {CANCELLATION_HOUR} hotel
  local time, free_cancellation_days days before check-in. Cancelling after the deadline charges the first
  night as a cancellation fee and refunds the rest.
- Non-refundable reservations cannot be changed; cancelling one refunds nothing (the fee is the full amount).
- The dates of a flexible reservation can be changed until its cancellation deadline, if the room type is
  available on every new night; the stay is repriced at the current rates and gets a new deadline.
- Only confirmed reservations can be changed or cancelled; checked-in, checked-out, no-show and cancelled
  reservations cannot.
"""

environment = Environment(
    name="hotels",
    domain="travel",
    description=(
        "Hotel search and booking after the Amadeus hotel APIs (hotel list by city, room offers for "
        "check-in/check-out dates, booking) and the Booking.com Demand API's order management "
        "(reservation details, cancellation): hotels, room types with per-night availability and "
        "rates, reservations with confirmation codes and cancellation deadlines."
    ),
    tables=[
        table(
            "hotels",
            primary_key="hotel_id",
            hotel_id=str,
            name=str,
            chain=str,
            city=str,
            country=str,
            address=str,
            postal_code=str,
            latitude=float,
            longitude=float,
            star_rating=int,
            amenities=list,
            currency=str,
            time_zone=str,
            check_in_time=str,
            check_out_time=str,
            phone=str,
        ),
        table(
            "room_types",
            primary_key="room_type_id",
            room_type_id=str,
            hotel_id=str,
            name=str,
            bed_type=str,
            max_occupancy=int,
            allotment=int,
            nightly_rate=float,
            weekend_rate=float,
            free_cancellation_days=int,
            breakfast_included=bool,
            description=str,
        ),
        table(
            "reservations",
            primary_key="reservation_id",
            reservation_id=str,
            confirmation_code=str,
            hotel_id=str,
            room_type_id=str,
            rate_plan=str,
            first_name=str,
            last_name=str,
            email=str,
            phone=str | None,
            guests=int,
            start_date=str,
            end_date=str,
            nightly_prices=list,
            amount=float,
            currency=str,
            status=str,
            cancellation_deadline=str | None,
            cancellation_fee=float,
            refund_amount=float,
            special_requests=str | None,
            created_at=str,
            cancelled_at=str | None,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Amadeus Self-Service Hotel List, Hotel Search and Hotel Booking APIs; Booking.com Demand API orders",
        url="https://developers.amadeus.com/self-service/category/hotels",
        notes="Order cancellation after https://developers.booking.com/demand/docs/open-api/3.2/demand-api/orders/orders/cancel",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class HotelSummary(TypedDict):
    hotel_id: str
    name: str
    chain: str
    city: str
    country: str
    address: str
    postal_code: str
    latitude: float
    longitude: float
    star_rating: int
    amenities: list[str]
    currency: str
    from_nightly_rate: float


class HotelList(TypedDict):
    hotels: list[HotelSummary]
    count: int


class RoomType(TypedDict):
    room_type_id: str
    name: str
    bed_type: str
    max_occupancy: int
    nightly_rate: float
    weekend_rate: float
    currency: str
    free_cancellation_days: int
    breakfast_included: bool
    description: str


class HotelDetail(HotelSummary):
    time_zone: str
    check_in_time: str
    check_out_time: str
    phone: str
    room_types: list[RoomType]


class NightPrice(TypedDict):
    date: str
    amount: float


class RoomOffer(TypedDict):
    room_type_id: str
    room_name: str
    rate_plan: RatePlan
    max_occupancy: int
    breakfast_included: bool
    rooms_available: int
    nights: int
    nightly_prices: list[NightPrice]
    amount: float
    currency: str
    refundable: bool
    cancellation_deadline: str | None


class OfferList(TypedDict):
    hotel_id: str
    hotel_name: str
    city: str
    start_date: str
    end_date: str
    guests: int
    offers: list[RoomOffer]
    count: int


class Reservation(TypedDict):
    """A hotel reservation (one room).

    Args:
        confirmation_code: The code the guest quotes to the hotel; add it to the trip's itinerary.
        email: The lead guest's email address.
        start_date: Check-in date, YYYY-MM-DD.
        end_date: Check-out date, YYYY-MM-DD.
        start_time: Check-in time at the hotel, ISO 8601 with the hotel's UTC offset.
        end_time: Check-out time at the hotel, ISO 8601 with the hotel's UTC offset.
        city: The hotel's city.
        address: The hotel's street address.
        amount: Total price of the stay in major units.
        currency: ISO 4217 code of the amount.
        cancellation_deadline: Free cancellation ends at this time (null for non-refundable rates).
        refund_amount: Money returned after a cancellation.
    """

    reservation_id: str
    confirmation_code: str
    status: Status
    hotel_id: str
    hotel_name: str
    room_type_id: str
    room_name: str
    rate_plan: RatePlan
    first_name: str
    last_name: str
    email: str
    phone: str | None
    guests: int
    start_date: str
    end_date: str
    start_time: str
    end_time: str
    nights: int
    city: str
    country: str
    address: str
    nightly_prices: list[NightPrice]
    amount: float
    currency: str
    cancellation_deadline: str | None
    cancellation_fee: float
    refund_amount: float
    special_requests: str | None
    created_at: str
    cancelled_at: str | None


class ReservationList(TypedDict):
    reservations: list[Reservation]
    count: int


# --- rules -----------------------------------------------------------------------------------------


def _summary(hotel: dict[str, Any], room_types: list[dict[str, Any]]) -> HotelSummary:
    rates = [min(room["nightly_rate"], room["weekend_rate"]) for room in room_types]
    return {
        "hotel_id": hotel["hotel_id"],
        "name": hotel["name"],
        "chain": hotel["chain"],
        "city": hotel["city"],
        "country": hotel["country"],
        "address": hotel["address"],
        "postal_code": hotel["postal_code"],
        "latitude": hotel["latitude"],
        "longitude": hotel["longitude"],
        "star_rating": hotel["star_rating"],
        "amenities": list(hotel["amenities"]),
        "currency": hotel["currency"],
        "from_nightly_rate": min(rates) if rates else 0.0,
    }


def _room_view(room: dict[str, Any], currency: str) -> RoomType:
    return {
        "room_type_id": room["room_type_id"],
        "name": room["name"],
        "bed_type": room["bed_type"],
        "max_occupancy": room["max_occupancy"],
        "nightly_rate": room["nightly_rate"],
        "weekend_rate": room["weekend_rate"],
        "currency": currency,
        "free_cancellation_days": room["free_cancellation_days"],
        "breakfast_included": room["breakfast_included"],
        "description": room["description"],
    }


def _stay_dates(ctx: Context, start_date: str, end_date: str) -> tuple[date, date]:
    start = parse_date(start_date, "start_date")
    end = parse_date(end_date, "end_date")
    if start < ctx.today:
        raise ToolError(f"start_date {start_date} is in the past; today is {ctx.today.isoformat()}")
    if start > ctx.today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ToolError(
            f"start_date {start_date} is more than {BOOKING_HORIZON_DAYS} days ahead; rooms are not on sale yet"
        )
    if end <= start:
        raise ToolError(f"end_date {end_date} must be after start_date {start_date} (a stay is at least 1 night)")
    if (end - start).days > MAX_NIGHTS:
        raise ToolError(f"a stay is at most {MAX_NIGHTS} nights; {start_date} to {end_date} is {(end - start).days}")
    return start, end


def _night_prices(room: dict[str, Any], start: date, end: date, rate_plan: str, currency: str) -> list[NightPrice]:
    factor = 1 - NON_REFUNDABLE_DISCOUNT if rate_plan == "non_refundable" else 1.0
    prices: list[NightPrice] = []
    for night in nights(start, end):
        rate = room["weekend_rate"] if night.weekday() in (4, 5) else room["nightly_rate"]
        prices.append({"date": night.isoformat(), "amount": money(rate * factor, currency)})
    return prices


def _rooms_free(ctx: Context, room: dict[str, Any], start: date, end: date, *, ignore: str | None = None) -> int:
    """Rooms of this type free on every night from ``start`` to ``end`` (the tightest night)."""
    booked = [
        row
        for row in ctx.table("reservations").find(room_type_id=room["room_type_id"])
        if row["status"] in ACTIVE and row["reservation_id"] != ignore
    ]
    free: int = room["allotment"]
    for night in nights(start, end):
        day = night.isoformat()
        taken = sum(1 for row in booked if row["start_date"] <= day < row["end_date"])
        free = min(free, room["allotment"] - taken)
    return max(free, 0)


def _deadline(hotel: dict[str, Any], room: dict[str, Any], start: date, rate_plan: str) -> str | None:
    if rate_plan == "non_refundable":
        return None
    day = start - timedelta(days=room["free_cancellation_days"])
    return iso(local_time(day, CANCELLATION_HOUR, hotel["time_zone"]))


def _reservation_view(ctx: Context, row: dict[str, Any]) -> Reservation:
    hotel = ctx.table("hotels").require(row["hotel_id"], what="hotel")
    room = ctx.table("room_types").require(row["room_type_id"], what="room type")
    start = date.fromisoformat(row["start_date"])
    end = date.fromisoformat(row["end_date"])
    return {
        "reservation_id": row["reservation_id"],
        "confirmation_code": row["confirmation_code"],
        "status": row["status"],
        "hotel_id": hotel["hotel_id"],
        "hotel_name": hotel["name"],
        "room_type_id": room["room_type_id"],
        "room_name": room["name"],
        "rate_plan": row["rate_plan"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "phone": row["phone"],
        "guests": row["guests"],
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "start_time": iso(local_time(start, hotel["check_in_time"], hotel["time_zone"])),
        "end_time": iso(local_time(end, hotel["check_out_time"], hotel["time_zone"])),
        "nights": (end - start).days,
        "city": hotel["city"],
        "country": hotel["country"],
        "address": hotel["address"],
        "nightly_prices": list(row["nightly_prices"]),
        "amount": row["amount"],
        "currency": row["currency"],
        "cancellation_deadline": row["cancellation_deadline"],
        "cancellation_fee": row["cancellation_fee"],
        "refund_amount": row["refund_amount"],
        "special_requests": row["special_requests"],
        "created_at": row["created_at"],
        "cancelled_at": row["cancelled_at"],
    }


def _changeable(row: dict[str, Any], action: str) -> None:
    if row["status"] != "confirmed":
        raise ToolError(
            f"reservation {row['reservation_id']} is {row['status']}; only confirmed reservations can be {action}"
        )


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_hotels(
    ctx: Context,
    city: str,
    min_star_rating: Annotated[int, Arg(minimum=1, maximum=5)] | None = None,
    amenity: Amenity | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> HotelList:
    """Find hotels in a city, cheapest first.

    Args:
        city: City name, e.g. "Lisbon" (case-insensitive).
        min_star_rating: Only hotels with at least this many stars.
        amenity: Only hotels offering this amenity.
        limit: At most this many hotels.
        offset: Skip this many hotels (for paging).
    """
    wanted = city.strip().lower()
    found: list[HotelSummary] = []
    for hotel in ctx.table("hotels").all():
        if hotel["city"].lower() != wanted:
            continue
        if min_star_rating is not None and hotel["star_rating"] < min_star_rating:
            continue
        if amenity is not None and amenity not in hotel["amenities"]:
            continue
        found.append(_summary(hotel, ctx.table("room_types").find(hotel_id=hotel["hotel_id"])))
    found.sort(key=lambda item: (item["from_nightly_rate"], item["hotel_id"]))
    return {"hotels": page(found, limit, offset), "count": len(found)}


@environment.tool(effect="read")
def get_hotel(ctx: Context, hotel_id: str) -> HotelDetail:
    """A hotel's details: address, check-in and check-out times, amenities and room types with rates.

    Args:
        hotel_id: The hotel's id, from search_hotels.
    """
    hotel = ctx.table("hotels").require(hotel_id, what="hotel")
    rooms = ctx.table("room_types").find(hotel_id=hotel_id)
    detail: HotelDetail = {
        **_summary(hotel, rooms),
        "time_zone": hotel["time_zone"],
        "check_in_time": hotel["check_in_time"],
        "check_out_time": hotel["check_out_time"],
        "phone": hotel["phone"],
        "room_types": [_room_view(room, hotel["currency"]) for room in rooms],
    }
    return detail


@environment.tool(effect="read")
def search_room_offers(
    ctx: Context,
    hotel_id: str,
    start_date: str,
    end_date: str,
    guests: Annotated[int, Arg(minimum=1, maximum=8)] = 1,
) -> OfferList:
    """Priced room offers at a hotel for a stay: one flexible and one non-refundable offer per room type
    that fits the guests and is free on every night.

    Args:
        hotel_id: The hotel's id.
        start_date: Check-in date, YYYY-MM-DD.
        end_date: Check-out date, YYYY-MM-DD.
        guests: Number of guests in the room.
    """
    hotel = ctx.table("hotels").require(hotel_id, what="hotel")
    start, end = _stay_dates(ctx, start_date, end_date)
    offers: list[RoomOffer] = []
    for room in ctx.table("room_types").find(hotel_id=hotel_id):
        if room["max_occupancy"] < guests:
            continue
        free = _rooms_free(ctx, room, start, end)
        if free <= 0:
            continue
        for plan in ("flexible", "non_refundable"):
            prices = _night_prices(room, start, end, plan, hotel["currency"])
            offers.append(
                {
                    "room_type_id": room["room_type_id"],
                    "room_name": room["name"],
                    "rate_plan": plan,
                    "max_occupancy": room["max_occupancy"],
                    "breakfast_included": room["breakfast_included"],
                    "rooms_available": free,
                    "nights": len(prices),
                    "nightly_prices": prices,
                    "amount": money(sum(price["amount"] for price in prices), hotel["currency"]),
                    "currency": hotel["currency"],
                    "refundable": plan == "flexible",
                    "cancellation_deadline": _deadline(hotel, room, start, plan),
                }
            )
    offers.sort(key=lambda offer: (offer["amount"], offer["room_type_id"], offer["rate_plan"]))
    return {
        "hotel_id": hotel_id,
        "hotel_name": hotel["name"],
        "city": hotel["city"],
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "guests": guests,
        "offers": offers,
        "count": len(offers),
    }


@environment.tool(effect="write")
def create_reservation(
    ctx: Context,
    room_type_id: str,
    start_date: str,
    end_date: str,
    first_name: str,
    last_name: str,
    email: str,
    guests: Annotated[int, Arg(minimum=1, maximum=8)] = 1,
    rate_plan: RatePlan = "flexible",
    phone: str | None = None,
    special_requests: Annotated[str, Arg(max_length=500)] | None = None,
) -> Reservation:
    """Book one room of a room type for a stay; returns the reservation with its confirmation code,
    price and cancellation deadline.

    Args:
        room_type_id: The room type to book, from search_room_offers or get_hotel.
        start_date: Check-in date, YYYY-MM-DD.
        end_date: Check-out date, YYYY-MM-DD.
        first_name: Lead guest's first name.
        last_name: Lead guest's last name.
        email: Lead guest's email address; the confirmation goes there.
        guests: Number of guests in the room.
        rate_plan: "flexible" (free cancellation until the deadline) or "non_refundable" (cheaper, no refund).
        phone: Lead guest's phone number.
        special_requests: Requests passed to the hotel (late arrival, quiet room ...).
    """
    room = ctx.table("room_types").require(room_type_id, what="room type")
    hotel = ctx.table("hotels").require(room["hotel_id"], what="hotel")
    start, end = _stay_dates(ctx, start_date, end_date)
    if guests > room["max_occupancy"]:
        raise ToolError(
            f"{room['name']} sleeps at most {room['max_occupancy']}; {guests} guests need another room type"
        )
    if _rooms_free(ctx, room, start, end) <= 0:
        raise ToolError(
            f"{room['name']} at {hotel['name']} is sold out on at least one night from {start_date} to {end_date}; "
            "search_room_offers shows what is still free"
        )
    prices = _night_prices(room, start, end, rate_plan, hotel["currency"])
    row = ctx.table("reservations").insert(
        {
            "reservation_id": ctx.new_id("res"),
            "confirmation_code": new_code(ctx, "reservations", length=8),
            "hotel_id": hotel["hotel_id"],
            "room_type_id": room_type_id,
            "rate_plan": rate_plan,
            "first_name": require_text(first_name, "first_name", max_length=60),
            "last_name": require_text(last_name, "last_name", max_length=60),
            "email": check_email(email),
            "phone": phone.strip() if phone and phone.strip() else None,
            "guests": guests,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "nightly_prices": prices,
            "amount": money(sum(price["amount"] for price in prices), hotel["currency"]),
            "currency": hotel["currency"],
            "status": "confirmed",
            "cancellation_deadline": _deadline(hotel, room, start, rate_plan),
            "cancellation_fee": 0.0,
            "refund_amount": 0.0,
            "special_requests": special_requests.strip() if special_requests and special_requests.strip() else None,
            "created_at": iso(ctx.now),
            "cancelled_at": None,
        }
    )
    return _reservation_view(ctx, row)


@environment.tool(effect="read")
def get_reservation(ctx: Context, reservation_id: str) -> Reservation:
    """A reservation's details: status, stay, guest, price, cancellation deadline and any fee or refund.

    Args:
        reservation_id: The reservation's id.
    """
    return _reservation_view(ctx, ctx.table("reservations").require(reservation_id, what="reservation"))


@environment.tool(effect="read")
def list_reservations(
    ctx: Context,
    email: str | None = None,
    confirmation_code: str | None = None,
    status: Status | None = None,
    hotel_id: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ReservationList:
    """Reservations matching every filter given, by check-in date.

    Args:
        email: Lead guest's email address.
        confirmation_code: The confirmation code the guest was given.
        status: Only reservations in this status.
        hotel_id: Only reservations at this hotel.
        limit: At most this many reservations.
        offset: Skip this many reservations (for paging).
    """
    rows = find_bookings(
        ctx,
        "reservations",
        email=email,
        confirmation_code=confirmation_code,
        order_by=["start_date", "reservation_id"],
        status=status,
        hotel_id=hotel_id,
    )
    return {
        "reservations": [_reservation_view(ctx, row) for row in page(rows, limit, offset)],
        "count": len(rows),
    }


@environment.tool(effect="write")
def change_reservation_dates(ctx: Context, reservation_id: str, start_date: str, end_date: str) -> Reservation:
    """Move a flexible reservation to new dates before its cancellation deadline; the stay is repriced.

    Args:
        reservation_id: The reservation to change.
        start_date: New check-in date, YYYY-MM-DD.
        end_date: New check-out date, YYYY-MM-DD.
    """
    row = ctx.table("reservations").require(reservation_id, what="reservation")
    _changeable(row, "changed")
    if row["rate_plan"] == "non_refundable":
        raise ToolError(f"reservation {reservation_id} has a non-refundable rate, which cannot be changed")
    deadline = row["cancellation_deadline"]
    if deadline is not None and ctx.now >= parse_time(deadline, "cancellation_deadline"):
        raise ToolError(
            f"the change deadline of reservation {reservation_id} passed at {deadline}; it can only be cancelled now"
        )
    room = ctx.table("room_types").require(row["room_type_id"], what="room type")
    hotel = ctx.table("hotels").require(row["hotel_id"], what="hotel")
    start, end = _stay_dates(ctx, start_date, end_date)
    if start.isoformat() == row["start_date"] and end.isoformat() == row["end_date"]:
        raise ToolError(f"reservation {reservation_id} already runs from {start_date} to {end_date}")
    if _rooms_free(ctx, room, start, end, ignore=reservation_id) <= 0:
        raise ToolError(
            f"{room['name']} at {hotel['name']} is sold out on at least one night from {start_date} to {end_date}"
        )
    prices = _night_prices(room, start, end, row["rate_plan"], hotel["currency"])
    updated = ctx.table("reservations").update(
        reservation_id,
        {
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "nightly_prices": prices,
            "amount": money(sum(price["amount"] for price in prices), hotel["currency"]),
            "cancellation_deadline": _deadline(hotel, room, start, row["rate_plan"]),
        },
    )
    return _reservation_view(ctx, updated)


@environment.tool(effect="write")
def cancel_reservation(ctx: Context, reservation_id: str) -> Reservation:
    """Cancel a confirmed reservation: free before the deadline, the first night after it, nothing back
    on a non-refundable rate. Returns the reservation with its cancellation fee and refund.

    Args:
        reservation_id: The reservation to cancel.
    """
    row = ctx.table("reservations").require(reservation_id, what="reservation")
    _changeable(row, "cancelled")
    amount = row["amount"]
    deadline = row["cancellation_deadline"]
    if row["rate_plan"] == "non_refundable":
        fee = amount
    elif deadline is not None and ctx.now >= parse_time(deadline, "cancellation_deadline"):
        fee = row["nightly_prices"][0]["amount"] if row["nightly_prices"] else amount
    else:
        fee = 0.0
    updated = ctx.table("reservations").update(
        reservation_id,
        {
            "status": "cancelled",
            "cancellation_fee": money(fee, row["currency"]),
            "refund_amount": money(amount - fee, row["currency"]),
            "cancelled_at": iso(ctx.now),
        },
    )
    return _reservation_view(ctx, updated)


# --- seed ------------------------------------------------------------------------------------------

_WORDS = (
    "Linden",
    "Meridian",
    "Harbor",
    "Ivy",
    "Copper",
    "Lantern",
    "Orchard",
    "Atlas",
    "Aurora",
    "Cedar",
    "Juniper",
    "Saffron",
    "Granite",
    "Willow",
    "Kestrel",
    "Bellevue",
    "Riverside",
    "Parkview",
    "Foxglove",
    "Tidewater",
)
_CHAINS = (
    "Motel One",
    "Novotel",
    "NH Collection",
    "Radisson Blu",
    "citizenM",
    "Scandic",
    "Premier Inn",
    "Meliá",
    "Hilton Garden Inn",
)
_AREAS = ("Central", "Old Town", "Central Station", "Riverside", "City West", "Museum Quarter", "Airport")
_STREETS = (
    "Station Road",
    "Market Street",
    "Harbour Lane",
    "Castle Street",
    "Linden Avenue",
    "Park Terrace",
    "Canal Street",
    "Cathedral Square",
    "Mill Lane",
    "Victoria Road",
    "Opera Square",
    "Riverside Walk",
)
_ROOMS = (
    ("Single Room", "single", 1, 0.75, "Compact room with a single bed, desk and rain shower."),
    ("Standard Double Room", "double", 2, 1.0, "Double bed, work desk, en-suite bathroom with shower."),
    ("Superior King Room", "king", 2, 1.25, "King bed, seating area and city views from a higher floor."),
    ("Deluxe Twin Room", "twin", 2, 1.2, "Two single beds, espresso machine and bathtub."),
    ("Family Room", "double + sofa bed", 4, 1.6, "Double bed and a sofa bed for two children, extra storage."),
    ("Junior Suite", "king", 3, 1.9, "Open-plan suite with a king bed, lounge corner and sofa bed."),
)
_BASE_RATE_EUR = {2: 68.0, 3: 98.0, 4: 145.0, 5: 280.0}
_AMENITIES: tuple[str, ...] = get_args(Amenity)


def _hotel_name(rng: Any, place: Place, stars: int) -> tuple[str, str]:
    if stars >= 3 and rng.random() < 0.45:
        chain = rng.choice(_CHAINS)
        return f"{chain} {place.name} {rng.choice(_AREAS)}", chain
    word = rng.choice(_WORDS)
    pattern = rng.choice(
        (
            "Hotel {word} {city}",
            "The {word} House",
            "{word} Boutique Hotel",
            "Grand Hotel {word}",
            "{word} Suites {city}",
        )
    )
    return pattern.format(word=word, city=place.name), "Independent"


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    region = travel_region(ctx)
    places = list(region.all_cities)
    hotel_count = max(3, ctx.size // 2 + 2)
    hotels: list[dict[str, Any]] = []
    rooms: list[dict[str, Any]] = []
    names: set[str] = set()
    for index in range(hotel_count):
        place = places[index % len(places)]
        stars = rng.choice((2, 3, 3, 4, 4, 4, 5))
        name, chain = _hotel_name(rng, place, stars)
        while name in names:
            name, chain = _hotel_name(rng, place, stars)
        names.add(name)
        hotel_id = f"{place.airport}{seed_token(rng, 5).upper()}"
        amenities = sorted({"wifi", *rng.sample(_AMENITIES, rng.randint(2, 3 + stars))})
        hotels.append(
            {
                "hotel_id": hotel_id,
                "name": name,
                "chain": chain,
                "city": place.name,
                "country": place.country,
                "address": f"{rng.randint(1, 180)} {rng.choice(_STREETS)}",
                "postal_code": postal_code(rng, place),
                "latitude": round(place.latitude + rng.uniform(-0.03, 0.03), 4),
                "longitude": round(place.longitude + rng.uniform(-0.04, 0.04), 4),
                "star_rating": stars,
                "amenities": amenities,
                "currency": place.currency,
                "time_zone": place.time_zone,
                "check_in_time": rng.choice(("14:00", "15:00", "15:00", "16:00")),
                "check_out_time": rng.choice(("11:00", "11:00", "12:00")),
                "phone": fake.phone(rng, place.country, DESK_PHONE),
            }
        )
        base = _BASE_RATE_EUR[stars] * place.price_level * rng.uniform(0.9, 1.15)
        weekend_factor = rng.choice((0.85, 1.0, 1.15, 1.25))
        for room_name, bed, occupancy, factor, description in sorted(
            rng.sample(_ROOMS, rng.randint(2, 4)), key=lambda r: r[3]
        ):
            nightly = convert(round(base * factor), place.currency)
            rooms.append(
                {
                    "room_type_id": f"{hotel_id}-{seed_token(rng, 4).upper()}",
                    "hotel_id": hotel_id,
                    "name": room_name,
                    "bed_type": bed,
                    "max_occupancy": occupancy,
                    "allotment": rng.randint(1, 4),
                    "nightly_rate": nightly,
                    "weekend_rate": money(nightly * weekend_factor, place.currency),
                    "free_cancellation_days": rng.choice((1, 1, 2, 3, 7)),
                    "breakfast_included": "breakfast" in amenities and rng.random() < 0.6,
                    "description": description,
                }
            )
    guests = fake.people(ctx.shared("people"), max(4, ctx.size))
    hotels_by_id = {hotel["hotel_id"]: hotel for hotel in hotels}
    reservations: list[dict[str, Any]] = []
    codes: set[str] = set()
    today = ctx.now.date()
    for _ in range(ctx.size * 2):
        room = rng.choice(rooms)
        hotel = hotels_by_id[room["hotel_id"]]
        timing = fake.choose_weighted(rng, {"past": 0.3, "current": 0.15, "future": 0.55})
        length = rng.randint(1, 6)
        if timing == "past":
            start = today - timedelta(days=rng.randint(length + 1, 120))
        elif timing == "current":
            start = today - timedelta(days=rng.randint(0, length - 1)) if length > 1 else today
        else:
            start = today + timedelta(days=rng.randint(1, 90))
        end = start + timedelta(days=length)
        active = [
            row for row in reservations if row["room_type_id"] == room["room_type_id"] and row["status"] in ACTIVE
        ]
        full = any(
            sum(1 for row in active if row["start_date"] <= night.isoformat() < row["end_date"]) >= room["allotment"]
            for night in nights(start, end)
        )
        if timing == "past":
            status = fake.choose_weighted(rng, {"checked_out": 0.8, "cancelled": 0.12, "no_show": 0.08})
        elif timing == "current":
            status = "checked_in" if start < today or rng.random() < 0.5 else "confirmed"
        else:
            status = fake.choose_weighted(rng, {"confirmed": 0.85, "cancelled": 0.15})
        if full and status in ACTIVE:
            status = "cancelled"
        plan = "non_refundable" if rng.random() < 0.25 else "flexible"
        prices = _night_prices(room, start, end, plan, hotel["currency"])
        amount = money(sum(price["amount"] for price in prices), hotel["currency"])
        booked_at = start - timedelta(days=rng.randint(3, 60))
        created = ctx.now - timedelta(days=max(0, (today - booked_at).days), minutes=15 * rng.randint(4, 60))
        cancelled_at = None
        fee = refund = 0.0
        if status == "cancelled":
            cancelled_at = iso(min(ctx.now - timedelta(hours=1), created + timedelta(days=rng.randint(0, 5))))
            fee = amount if plan == "non_refundable" else 0.0
            refund = money(amount - fee, hotel["currency"])
        guest = rng.choice(guests)
        code = unique_seed_code(rng, codes, 8)
        reservations.append(
            {
                "reservation_id": f"res_{seed_token(rng)}",
                "confirmation_code": code,
                "hotel_id": hotel["hotel_id"],
                "room_type_id": room["room_type_id"],
                "rate_plan": plan,
                "first_name": guest.first_name,
                "last_name": guest.last_name,
                "email": guest.email,
                "phone": guest.phone if rng.random() < 0.7 else None,
                "guests": rng.randint(1, room["max_occupancy"]),
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "nightly_prices": prices,
                "amount": amount,
                "currency": hotel["currency"],
                "status": status,
                "cancellation_deadline": _deadline(hotel, room, start, plan),
                "cancellation_fee": money(fee, hotel["currency"]),
                "refund_amount": refund,
                "special_requests": rng.choice(
                    (
                        None,
                        None,
                        None,
                        "Late arrival around 23:00",
                        "Quiet room away from the lift",
                        "Extra pillows, please",
                        "Celebrating an anniversary",
                    )
                ),
                "created_at": iso(created),
                "cancelled_at": cancelled_at,
            }
        )
    return {"hotels": hotels, "room_types": rooms, "reservations": reservations}
