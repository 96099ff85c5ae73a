"""Car rental: depots, vehicles with fleet availability, priced quotes, rentals and cancellations.

Modelled on the Booking.com Demand API's car rental collection (depots, car search, car details,
orders preview/create, order details and cancellation): a search returns the vehicles free at a
depot for the pickup and return times, a quote fixes the price for 30 minutes, and a rental is
booked from a quote.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import (
    DESK_PHONE,
    NOW,
    check_email,
    convert,
    find_bookings,
    in_zone,
    iso,
    local_time,
    money,
    new_code,
    parse_time,
    require_text,
    seed_token,
    unique_seed_code,
)
from ._places import STATIONS, Place, postal_code, travel_region

__all__ = ["environment"]

MIN_DRIVER_AGE = 21
YOUNG_DRIVER_UNTIL = 24
MAX_RENTAL_DAYS = 28
GRACE_MINUTES = 29
MIN_LEAD_MINUTES = 60
BOOKING_HORIZON_DAYS = 330
QUOTE_VALID_MINUTES = 30
FREE_CANCELLATION_HOURS = 48
YOUNG_DRIVER_FEE_EUR = 15.0
ONE_WAY_FEE_EUR = 85.0
EXTRAS_EUR = {"gps": 8.5, "child_seat": 11.0, "additional_driver": 9.5, "full_protection": 24.0}
ACTIVE = ("confirmed", "picked_up")

Category = Literal["mini", "economy", "compact", "intermediate", "suv", "premium", "van"]
Extra = Literal["gps", "child_seat", "additional_driver", "full_protection"]
LocationType = Literal["airport", "downtown", "railway_station"]
Status = Literal["confirmed", "picked_up", "returned", "cancelled"]

POLICY = f"""\
Car rental: quotes, bookings, changes and cancellations

- The main driver must be at least {MIN_DRIVER_AGE}. Drivers aged {MIN_DRIVER_AGE}-{YOUNG_DRIVER_UNTIL} pay a young
  driver fee per rental day (EUR {YOUNG_DRIVER_FEE_EUR:.2f} or the local equivalent). Some vehicles (premium cars,
  vans) need an older driver, shown as minimum_driver_age.
- Pickup must be at least {MIN_LEAD_MINUTES} minutes from now and at most {BOOKING_HORIZON_DAYS} days ahead.
  The return must be after the pickup, and a rental lasts at most {MAX_RENTAL_DAYS} days.
- Rental days are 24-hour periods from the pickup time; a started period counts as a full day after a
  {GRACE_MINUTES}-minute grace.
- Pickup and return must fall within the depot's opening hours (local time). Downtown depots are closed on Sundays.
- A vehicle can be booked only while fewer rentals of it overlap the requested times than its fleet size.
- One-way rentals (return at another depot) are possible only between depots of the same supplier in the same
  country, and cost a one-way fee (EUR {ONE_WAY_FEE_EUR:.2f} or the local equivalent). Cross-border one-way rentals
  are refused.
- Extras are charged per rental day: GPS, child seat, additional driver, full protection.
- A quote holds its price for {QUOTE_VALID_MINUTES} minutes and can be booked once.
- A confirmed rental can be cancelled free of charge until {FREE_CANCELLATION_HOURS} hours before pickup;
  later, one day's rate is kept as a late cancellation fee. From the pickup time on, a rental can no longer
  be cancelled.
- A confirmed rental's return time and extras can be changed; once the car is picked up only the return time can be
  changed (extended or shortened). Returned and cancelled rentals cannot be changed. Changes are repriced at the
  vehicle's current rates.
"""

environment = Environment(
    name="car_rental",
    domain="travel",
    description=(
        "Car rental after the Booking.com Demand API's car rental endpoints (depots, car search and "
        "details, order preview and create, order details and cancellation): rental depots with "
        "opening hours, vehicles with fleet availability, quotes with extras and fees, rentals with "
        "confirmation codes."
    ),
    tables=[
        table(
            "locations",
            primary_key="location_id",
            location_id=str,
            name=str,
            supplier=str,
            location_type=str,
            city=str,
            country=str,
            address=str,
            postal_code=str,
            latitude=float,
            longitude=float,
            time_zone=str,
            opens_at=str,
            closes_at=str,
            phone=str,
        ),
        table(
            "vehicles",
            primary_key="vehicle_id",
            vehicle_id=str,
            location_id=str,
            model=str,
            category=str,
            acriss_code=str,
            transmission=str,
            fuel=str,
            seats=int,
            doors=int,
            bags=int,
            daily_rate=float,
            currency=str,
            fleet_size=int,
            mileage_limit_km=int | None,
            deposit=float,
            minimum_driver_age=int,
        ),
        table(
            "quotes",
            primary_key="quote_id",
            quote_id=str,
            vehicle_id=str,
            pickup_location_id=str,
            dropoff_location_id=str,
            start_time=str,
            end_time=str,
            driver_age=int,
            extras=list,
            rental_days=int,
            daily_rate=float,
            base_amount=float,
            extras_amount=float,
            young_driver_fee=float,
            one_way_fee=float,
            amount=float,
            currency=str,
            created_at=str,
            expires_at=str,
            status=str,
        ),
        table(
            "rentals",
            primary_key="rental_id",
            rental_id=str,
            confirmation_code=str,
            quote_id=str,
            vehicle_id=str,
            pickup_location_id=str,
            dropoff_location_id=str,
            start_time=str,
            end_time=str,
            first_name=str,
            last_name=str,
            email=str,
            phone=str | None,
            driver_age=int,
            extras=list,
            rental_days=int,
            amount=float,
            currency=str,
            status=str,
            cancellation_fee=float,
            refund_amount=float,
            created_at=str,
            cancelled_at=str | None,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Booking.com Demand API: car rentals (depots, search, details) and orders",
        url="https://developers.booking.com/demand/docs/cars/overview",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class Location(TypedDict):
    location_id: str
    name: str
    supplier: str
    location_type: LocationType
    city: str
    country: str
    address: str
    postal_code: str
    latitude: float
    longitude: float
    time_zone: str
    opens_at: str
    closes_at: str
    phone: str


class LocationList(TypedDict):
    locations: list[Location]
    count: int


class VehicleOffer(TypedDict):
    vehicle_id: str
    model: str
    category: Category
    acriss_code: str
    transmission: str
    fuel: str
    seats: int
    doors: int
    bags: int
    supplier: str
    pickup_location_id: str
    daily_rate: float
    rental_days: int
    amount: float
    currency: str
    units_available: int
    mileage_limit_km: int | None
    deposit: float
    minimum_driver_age: int


class VehicleOfferList(TypedDict):
    start_time: str
    end_time: str
    vehicles: list[VehicleOffer]
    count: int


class Quote(TypedDict):
    quote_id: str
    status: Literal["open", "booked", "expired"]
    vehicle_id: str
    model: str
    supplier: str
    pickup_location_id: str
    dropoff_location_id: str
    start_time: str
    end_time: str
    rental_days: int
    driver_age: int
    extras: list[str]
    daily_rate: float
    base_amount: float
    extras_amount: float
    young_driver_fee: float
    one_way_fee: float
    amount: float
    currency: str
    deposit: float
    mileage_limit_km: int | None
    expires_at: str


class Rental(TypedDict):
    """A car rental booking.

    Args:
        confirmation_code: The code the driver quotes at the rental counter.
        email: The main driver's email address.
        start_time: Pickup time, ISO 8601 with the depot's UTC offset.
        end_time: Return time, ISO 8601 with the return depot's UTC offset.
        start_date: Pickup date, YYYY-MM-DD.
        end_date: Return date, YYYY-MM-DD.
        city: City of the pickup depot.
        address: Street address of the pickup depot.
        amount: Total price in major units.
        currency: ISO 4217 code of the amount.
        free_cancellation_until: Cancelling is free until this time.
    """

    rental_id: str
    confirmation_code: str
    status: Status
    quote_id: str
    vehicle_id: str
    model: str
    category: str
    supplier: str
    pickup_location_id: str
    pickup_location: str
    dropoff_location_id: str
    dropoff_location: str
    city: str
    country: str
    address: str
    start_time: str
    end_time: str
    start_date: str
    end_date: str
    rental_days: int
    driver_age: int
    extras: list[str]
    first_name: str
    last_name: str
    email: str
    phone: str | None
    amount: float
    currency: str
    free_cancellation_until: str
    cancellation_fee: float
    refund_amount: float
    created_at: str
    cancelled_at: str | None


class RentalList(TypedDict):
    rentals: list[Rental]
    count: int


# --- rules -----------------------------------------------------------------------------------------


def _rental_days(start: datetime, end: datetime) -> int:
    minutes = (end - start).total_seconds() / 60
    return max(1, math.ceil((minutes - GRACE_MINUTES) / 1440))


def _check_open(location: dict[str, Any], moment: datetime, what: str) -> datetime:
    local = in_zone(moment, location["time_zone"])
    if location["location_type"] == "downtown" and local.weekday() == 6:
        raise ToolError(f"{location['name']} is closed on Sundays; choose another {what} day or an airport depot")
    clock = local.strftime("%H:%M")
    if not location["opens_at"] <= clock <= location["closes_at"]:
        raise ToolError(
            f"{what} at {clock} local time is outside {location['name']}'s opening hours "
            f"({location['opens_at']}-{location['closes_at']})"
        )
    return local


def _check_period(
    ctx: Context, pickup: dict[str, Any], dropoff: dict[str, Any], start_time: str, end_time: str
) -> tuple[datetime, datetime]:
    start = parse_time(start_time, "start_time")
    end = parse_time(end_time, "end_time")
    if start < ctx.now + timedelta(minutes=MIN_LEAD_MINUTES):
        raise ToolError(
            f"pickup {start_time} is less than {MIN_LEAD_MINUTES} minutes from now ({iso(ctx.now)}); "
            "choose a later pickup"
        )
    if start > ctx.now + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ToolError(f"pickup {start_time} is more than {BOOKING_HORIZON_DAYS} days ahead")
    if end <= start:
        raise ToolError(f"end_time {end_time} must be after start_time {start_time}")
    if _rental_days(start, end) > MAX_RENTAL_DAYS:
        raise ToolError(f"a rental lasts at most {MAX_RENTAL_DAYS} days; {start_time} to {end_time} is longer")
    return _check_open(pickup, start, "pickup"), _check_open(dropoff, end, "return")


def _dropoff(ctx: Context, pickup: dict[str, Any], dropoff_location_id: str | None) -> dict[str, Any]:
    if dropoff_location_id is None or dropoff_location_id == pickup["location_id"]:
        return pickup
    dropoff = ctx.table("locations").require(dropoff_location_id, what="location")
    if dropoff["country"] != pickup["country"]:
        raise ToolError(
            f"one-way rentals across borders are not offered: {pickup['name']} is in {pickup['country']}, "
            f"{dropoff['name']} in {dropoff['country']}"
        )
    if dropoff["supplier"] != pickup["supplier"]:
        raise ToolError(
            f"one-way rentals must be returned to the same supplier: {pickup['name']} is {pickup['supplier']}, "
            f"{dropoff['name']} is {dropoff['supplier']}"
        )
    return dropoff


def _units_free(
    ctx: Context, vehicle: dict[str, Any], start: datetime, end: datetime, *, ignore: str | None = None
) -> int:
    overlapping = 0
    for rental in ctx.table("rentals").find(vehicle_id=vehicle["vehicle_id"]):
        if rental["status"] not in ACTIVE or rental["rental_id"] == ignore:
            continue
        if datetime.fromisoformat(rental["start_time"]) < end and start < datetime.fromisoformat(rental["end_time"]):
            overlapping += 1
    fleet: int = vehicle["fleet_size"]
    return max(fleet - overlapping, 0)


def _price(vehicle: dict[str, Any], days: int, extras: list[str], driver_age: int, one_way: bool) -> dict[str, float]:
    currency = vehicle["currency"]
    base = money(vehicle["daily_rate"] * days, currency)
    extras_amount = money(sum(convert(EXTRAS_EUR[extra], currency) for extra in extras) * days, currency)
    young = money(convert(YOUNG_DRIVER_FEE_EUR, currency) * days, currency) if driver_age <= YOUNG_DRIVER_UNTIL else 0.0
    one_way_fee = convert(ONE_WAY_FEE_EUR, currency) if one_way else 0.0
    return {
        "base_amount": base,
        "extras_amount": extras_amount,
        "young_driver_fee": young,
        "one_way_fee": one_way_fee,
        "amount": money(base + extras_amount + young + one_way_fee, currency),
    }


def _check_driver(vehicle: dict[str, Any], driver_age: int) -> None:
    if driver_age < MIN_DRIVER_AGE:
        raise ToolError(f"the main driver must be at least {MIN_DRIVER_AGE}; a {driver_age}-year-old cannot rent a car")
    if driver_age < vehicle["minimum_driver_age"]:
        raise ToolError(
            f"{vehicle['model']} requires a driver aged {vehicle['minimum_driver_age']} or over; "
            "choose another category"
        )


def _unique_extras(extras: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(extras or []))
    return sorted(chosen)


def _quote_status(ctx: Context, quote: dict[str, Any]) -> str:
    if quote["status"] == "open" and ctx.now >= datetime.fromisoformat(quote["expires_at"]):
        return "expired"
    return str(quote["status"])


def _quote_view(ctx: Context, quote: dict[str, Any]) -> Quote:
    vehicle = ctx.table("vehicles").require(quote["vehicle_id"], what="vehicle")
    pickup = ctx.table("locations").require(quote["pickup_location_id"], what="location")
    return {
        "quote_id": quote["quote_id"],
        "status": _quote_status(ctx, quote),  # type: ignore[typeddict-item]
        "vehicle_id": vehicle["vehicle_id"],
        "model": vehicle["model"],
        "supplier": pickup["supplier"],
        "pickup_location_id": quote["pickup_location_id"],
        "dropoff_location_id": quote["dropoff_location_id"],
        "start_time": quote["start_time"],
        "end_time": quote["end_time"],
        "rental_days": quote["rental_days"],
        "driver_age": quote["driver_age"],
        "extras": list(quote["extras"]),
        "daily_rate": quote["daily_rate"],
        "base_amount": quote["base_amount"],
        "extras_amount": quote["extras_amount"],
        "young_driver_fee": quote["young_driver_fee"],
        "one_way_fee": quote["one_way_fee"],
        "amount": quote["amount"],
        "currency": quote["currency"],
        "deposit": vehicle["deposit"],
        "mileage_limit_km": vehicle["mileage_limit_km"],
        "expires_at": quote["expires_at"],
    }


def _rental_view(ctx: Context, rental: dict[str, Any]) -> Rental:
    vehicle = ctx.table("vehicles").require(rental["vehicle_id"], what="vehicle")
    pickup = ctx.table("locations").require(rental["pickup_location_id"], what="location")
    dropoff = ctx.table("locations").require(rental["dropoff_location_id"], what="location")
    start = datetime.fromisoformat(rental["start_time"])
    return {
        "rental_id": rental["rental_id"],
        "confirmation_code": rental["confirmation_code"],
        "status": rental["status"],
        "quote_id": rental["quote_id"],
        "vehicle_id": vehicle["vehicle_id"],
        "model": vehicle["model"],
        "category": vehicle["category"],
        "supplier": pickup["supplier"],
        "pickup_location_id": pickup["location_id"],
        "pickup_location": pickup["name"],
        "dropoff_location_id": dropoff["location_id"],
        "dropoff_location": dropoff["name"],
        "city": pickup["city"],
        "country": pickup["country"],
        "address": pickup["address"],
        "start_time": rental["start_time"],
        "end_time": rental["end_time"],
        "start_date": rental["start_time"][:10],
        "end_date": rental["end_time"][:10],
        "rental_days": rental["rental_days"],
        "driver_age": rental["driver_age"],
        "extras": list(rental["extras"]),
        "first_name": rental["first_name"],
        "last_name": rental["last_name"],
        "email": rental["email"],
        "phone": rental["phone"],
        "amount": rental["amount"],
        "currency": rental["currency"],
        "free_cancellation_until": iso(start - timedelta(hours=FREE_CANCELLATION_HOURS)),
        "cancellation_fee": rental["cancellation_fee"],
        "refund_amount": rental["refund_amount"],
        "created_at": rental["created_at"],
        "cancelled_at": rental["cancelled_at"],
    }


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_locations(
    ctx: Context,
    city: str | None = None,
    query: str | None = None,
    location_type: LocationType | None = None,
) -> LocationList:
    """Rental depots matching every filter given: by city, by words in the name or supplier, by type.

    Args:
        city: City name, e.g. "Cologne" (case-insensitive).
        query: Words that appear in the depot's name or supplier, e.g. "airport" or "Sixt".
        location_type: Only airport, downtown or railway station depots.
    """
    rows = ctx.table("locations").all(order_by=["city", "name"])
    if city is not None:
        rows = [row for row in rows if row["city"].lower() == city.strip().lower()]
    if query is not None:
        words = query.lower().split()
        rows = [row for row in rows if all(word in f"{row['name']} {row['supplier']}".lower() for word in words)]
    if location_type is not None:
        rows = [row for row in rows if row["location_type"] == location_type]
    return {"locations": rows, "count": len(rows)}  # type: ignore[typeddict-item]


@environment.tool(effect="read")
def search_vehicles(
    ctx: Context,
    pickup_location_id: str,
    start_time: str,
    end_time: str,
    dropoff_location_id: str | None = None,
    category: Category | None = None,
) -> VehicleOfferList:
    """Vehicles free at a depot for the whole rental, cheapest first, with the base price for the period.

    Args:
        pickup_location_id: The depot where the car is picked up.
        start_time: Pickup time, ISO 8601 with offset, e.g. 2025-07-04T10:00:00+02:00.
        end_time: Return time, ISO 8601 with offset.
        dropoff_location_id: The depot where the car is returned, if not the pickup depot.
        category: Only vehicles of this category.
    """
    pickup = ctx.table("locations").require(pickup_location_id, what="location")
    dropoff = _dropoff(ctx, pickup, dropoff_location_id)
    start, end = _check_period(ctx, pickup, dropoff, start_time, end_time)
    days = _rental_days(start, end)
    offers: list[VehicleOffer] = []
    for vehicle in ctx.table("vehicles").find(location_id=pickup_location_id):
        if category is not None and vehicle["category"] != category:
            continue
        free = _units_free(ctx, vehicle, start, end)
        if free <= 0:
            continue
        offers.append(
            {
                "vehicle_id": vehicle["vehicle_id"],
                "model": vehicle["model"],
                "category": vehicle["category"],
                "acriss_code": vehicle["acriss_code"],
                "transmission": vehicle["transmission"],
                "fuel": vehicle["fuel"],
                "seats": vehicle["seats"],
                "doors": vehicle["doors"],
                "bags": vehicle["bags"],
                "supplier": pickup["supplier"],
                "pickup_location_id": pickup_location_id,
                "daily_rate": vehicle["daily_rate"],
                "rental_days": days,
                "amount": money(vehicle["daily_rate"] * days, vehicle["currency"]),
                "currency": vehicle["currency"],
                "units_available": free,
                "mileage_limit_km": vehicle["mileage_limit_km"],
                "deposit": vehicle["deposit"],
                "minimum_driver_age": vehicle["minimum_driver_age"],
            }
        )
    offers.sort(key=lambda offer: (offer["amount"], offer["vehicle_id"]))
    return {"start_time": iso(start), "end_time": iso(end), "vehicles": offers, "count": len(offers)}


@environment.tool(effect="write")
def create_quote(
    ctx: Context,
    vehicle_id: str,
    start_time: str,
    end_time: str,
    driver_age: Annotated[int, Arg(minimum=16, maximum=99)],
    dropoff_location_id: str | None = None,
    extras: list[Extra] | None = None,
) -> Quote:
    """Price a rental of a vehicle with extras and fees; the quote holds for 30 minutes (book it with create_rental).

    Args:
        vehicle_id: The vehicle, from search_vehicles.
        start_time: Pickup time, ISO 8601 with offset.
        end_time: Return time, ISO 8601 with offset.
        driver_age: The main driver's age in years.
        dropoff_location_id: Return depot for a one-way rental (same supplier, same country).
        extras: Extras charged per day: gps, child_seat, additional_driver, full_protection.
    """
    vehicle = ctx.table("vehicles").require(vehicle_id, what="vehicle")
    pickup = ctx.table("locations").require(vehicle["location_id"], what="location")
    dropoff = _dropoff(ctx, pickup, dropoff_location_id)
    start, end = _check_period(ctx, pickup, dropoff, start_time, end_time)
    _check_driver(vehicle, driver_age)
    if _units_free(ctx, vehicle, start, end) <= 0:
        raise ToolError(
            f"no {vehicle['model']} is free at {pickup['name']} for the whole period; search_vehicles shows what is"
        )
    chosen = _unique_extras(extras)  # type: ignore[arg-type]
    days = _rental_days(start, end)
    price = _price(vehicle, days, chosen, driver_age, dropoff["location_id"] != pickup["location_id"])
    quote = ctx.table("quotes").insert(
        {
            "quote_id": ctx.new_id("qt"),
            "vehicle_id": vehicle_id,
            "pickup_location_id": pickup["location_id"],
            "dropoff_location_id": dropoff["location_id"],
            "start_time": iso(start),
            "end_time": iso(in_zone(end, dropoff["time_zone"])),
            "driver_age": driver_age,
            "extras": chosen,
            "rental_days": days,
            "daily_rate": vehicle["daily_rate"],
            "currency": vehicle["currency"],
            "created_at": iso(ctx.now),
            "expires_at": iso(ctx.now + timedelta(minutes=QUOTE_VALID_MINUTES)),
            "status": "open",
            **price,
        }
    )
    return _quote_view(ctx, quote)


@environment.tool(effect="write")
def create_rental(
    ctx: Context,
    quote_id: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str | None = None,
) -> Rental:
    """Book an open quote for the main driver; returns the rental with its confirmation code.

    Args:
        quote_id: The quote to book, from create_quote.
        first_name: Main driver's first name.
        last_name: Main driver's last name.
        email: Main driver's email address; the confirmation goes there.
        phone: Main driver's phone number.
    """
    quote = ctx.table("quotes").require(quote_id, what="quote")
    status = _quote_status(ctx, quote)
    if status == "booked":
        raise ToolError(f"quote {quote_id} was already booked; create a new quote")
    if status == "expired":
        raise ToolError(f"quote {quote_id} expired at {quote['expires_at']}; create a new quote for the current price")
    vehicle = ctx.table("vehicles").require(quote["vehicle_id"], what="vehicle")
    start = datetime.fromisoformat(quote["start_time"])
    end = datetime.fromisoformat(quote["end_time"])
    if start < ctx.now + timedelta(minutes=MIN_LEAD_MINUTES):
        raise ToolError(f"the pickup time of quote {quote_id} is too close or has passed; create a new quote")
    if _units_free(ctx, vehicle, start, end) <= 0:
        raise ToolError(f"the {vehicle['model']} of quote {quote_id} has just been booked out for this period")
    ctx.table("quotes").update(quote_id, {"status": "booked"})
    rental = ctx.table("rentals").insert(
        {
            "rental_id": ctx.new_id("rnt"),
            "confirmation_code": new_code(ctx, "rentals", length=9),
            "quote_id": quote_id,
            "vehicle_id": quote["vehicle_id"],
            "pickup_location_id": quote["pickup_location_id"],
            "dropoff_location_id": quote["dropoff_location_id"],
            "start_time": quote["start_time"],
            "end_time": quote["end_time"],
            "first_name": require_text(first_name, "first_name", max_length=60),
            "last_name": require_text(last_name, "last_name", max_length=60),
            "email": check_email(email),
            "phone": phone.strip() if phone and phone.strip() else None,
            "driver_age": quote["driver_age"],
            "extras": list(quote["extras"]),
            "rental_days": quote["rental_days"],
            "amount": quote["amount"],
            "currency": quote["currency"],
            "status": "confirmed",
            "cancellation_fee": 0.0,
            "refund_amount": 0.0,
            "created_at": iso(ctx.now),
            "cancelled_at": None,
        }
    )
    return _rental_view(ctx, rental)


@environment.tool(effect="read")
def get_rental(ctx: Context, rental_id: str) -> Rental:
    """A rental's details: vehicle, depots, times, driver, price, and any cancellation fee or refund.

    Args:
        rental_id: The rental's id.
    """
    return _rental_view(ctx, ctx.table("rentals").require(rental_id, what="rental"))


@environment.tool(effect="read")
def list_rentals(
    ctx: Context,
    email: str | None = None,
    confirmation_code: str | None = None,
    status: Status | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> RentalList:
    """Rentals matching every filter given, by pickup time.

    Args:
        email: Main driver's email address.
        confirmation_code: The confirmation code the driver was given.
        status: Only rentals in this status.
        limit: At most this many rentals.
        offset: Skip this many rentals (for paging).
    """
    rows = find_bookings(ctx, "rentals", email=email, confirmation_code=confirmation_code, status=status)
    rows.sort(key=lambda row: (datetime.fromisoformat(row["start_time"]), row["rental_id"]))
    return {"rentals": [_rental_view(ctx, row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="write")
def modify_rental(
    ctx: Context,
    rental_id: str,
    end_time: str | None = None,
    extras: list[Extra] | None = None,
) -> Rental:
    """Change a rental's return time or extras; the rental is repriced at the vehicle's current rates.

    Args:
        rental_id: The rental to change.
        end_time: New return time, ISO 8601 with offset.
        extras: The complete new list of extras (replaces the current one); not possible once picked up.
    """
    rental = ctx.table("rentals").require(rental_id, what="rental")
    if rental["status"] not in ACTIVE:
        raise ToolError(f"rental {rental_id} is {rental['status']}; only confirmed or picked-up rentals can be changed")
    if end_time is None and extras is None:
        raise ToolError("give end_time, extras or both to change")
    if extras is not None and rental["status"] == "picked_up":
        raise ToolError(f"rental {rental_id} is already picked up; extras can only be changed at the counter")
    vehicle = ctx.table("vehicles").require(rental["vehicle_id"], what="vehicle")
    dropoff = ctx.table("locations").require(rental["dropoff_location_id"], what="location")
    start = datetime.fromisoformat(rental["start_time"])
    end = datetime.fromisoformat(rental["end_time"])
    if end_time is not None:
        end = parse_time(end_time, "end_time")
        if end <= max(start, ctx.now):
            raise ToolError(f"end_time {end_time} must be after the pickup time and after now ({iso(ctx.now)})")
        if _rental_days(start, end) > MAX_RENTAL_DAYS:
            raise ToolError(f"a rental lasts at most {MAX_RENTAL_DAYS} days")
        end = _check_open(dropoff, end, "return")
        if _units_free(ctx, vehicle, start, end, ignore=rental_id) <= 0:
            raise ToolError(
                f"the {vehicle['model']} is booked by someone else before {end_time}; it cannot be kept longer"
            )
    chosen = _unique_extras(extras) if extras is not None else list(rental["extras"])  # type: ignore[arg-type]
    days = _rental_days(start, end)
    price = _price(
        vehicle, days, chosen, rental["driver_age"], rental["dropoff_location_id"] != rental["pickup_location_id"]
    )
    updated = ctx.table("rentals").update(
        rental_id, {"end_time": iso(end), "extras": chosen, "rental_days": days, "amount": price["amount"]}
    )
    return _rental_view(ctx, updated)


@environment.tool(effect="write")
def cancel_rental(ctx: Context, rental_id: str) -> Rental:
    """Cancel a confirmed rental before pickup: free until 48 hours before, one day's rate after that.

    Args:
        rental_id: The rental to cancel.
    """
    rental = ctx.table("rentals").require(rental_id, what="rental")
    if rental["status"] != "confirmed":
        raise ToolError(f"rental {rental_id} is {rental['status']}; only confirmed rentals can be cancelled")
    start = datetime.fromisoformat(rental["start_time"])
    if ctx.now >= start:
        raise ToolError(
            f"the pickup time of rental {rental_id} ({rental['start_time']}) has passed; it can no longer be cancelled"
        )
    vehicle = ctx.table("vehicles").require(rental["vehicle_id"], what="vehicle")
    late = ctx.now > start - timedelta(hours=FREE_CANCELLATION_HOURS)
    fee = min(vehicle["daily_rate"], rental["amount"]) if late else 0.0
    updated = ctx.table("rentals").update(
        rental_id,
        {
            "status": "cancelled",
            "cancellation_fee": money(fee, rental["currency"]),
            "refund_amount": money(rental["amount"] - fee, rental["currency"]),
            "cancelled_at": iso(ctx.now),
        },
    )
    return _rental_view(ctx, updated)


# --- seed ------------------------------------------------------------------------------------------

_SUPPLIERS = ("Sixt", "Europcar", "Hertz", "Avis", "Enterprise", "Budget")
_CARS = (
    ("Fiat 500 or similar", "mini", "MCMR", "manual", "petrol", 4, 3, 1, 32.0),
    ("Volkswagen Polo or similar", "economy", "EDMR", "manual", "petrol", 5, 5, 2, 38.0),
    ("Toyota Yaris Hybrid or similar", "economy", "EDAH", "automatic", "hybrid", 5, 5, 2, 44.0),
    ("Volkswagen Golf or similar", "compact", "CDMR", "manual", "petrol", 5, 5, 3, 47.0),
    ("Peugeot 308 or similar", "compact", "CDAR", "automatic", "diesel", 5, 5, 3, 52.0),
    ("Skoda Octavia Estate or similar", "intermediate", "IWMR", "manual", "diesel", 5, 5, 4, 58.0),
    ("Toyota Corolla Touring Sports or similar", "intermediate", "IWAH", "automatic", "hybrid", 5, 5, 4, 61.0),
    ("Volkswagen Tiguan or similar", "suv", "IFAR", "automatic", "diesel", 5, 5, 4, 74.0),
    ("Volvo XC60 or similar", "suv", "SFAH", "automatic", "hybrid", 5, 5, 4, 98.0),
    ("Tesla Model 3 or similar", "premium", "PDAE", "automatic", "electric", 5, 4, 3, 96.0),
    ("BMW 5 Series or similar", "premium", "PDAR", "automatic", "diesel", 5, 4, 4, 118.0),
    ("Mercedes-Benz Vito or similar", "van", "FVMR", "manual", "diesel", 9, 4, 6, 125.0),
)
_TIMINGS = {"past": 0.3, "current": 0.15, "future": 0.55}
_HOURS = {"airport": ("06:00", "23:30"), "downtown": ("08:00", "18:00"), "railway_station": ("07:00", "21:00")}
_STREETS = (
    "Airport Road",
    "Terminal 1, Arrivals Hall",
    "Station Square",
    "Market Street",
    "Harbour Lane",
    "Victoria Road",
)


def _location_name(supplier: str, place: Place, kind: str) -> str:
    if kind == "airport":
        return f"{supplier} {place.name} Airport ({place.airport})"
    if kind == "railway_station":
        station = next(station.name for station in STATIONS.values() if station.city == place.name)
        return f"{supplier} {station}"
    return f"{supplier} {place.name} City Centre"


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    region = travel_region(ctx)
    places = list(region.all_cities)[: max(2, ctx.size // 2)]
    locations: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    for place in places:
        main_supplier = rng.choice(_SUPPLIERS)
        has_station = any(station.city == place.name for station in STATIONS.values())
        kinds = ["airport", rng.choice(("downtown", "railway_station")) if has_station else "downtown"]
        for kind in kinds:
            supplier = main_supplier if rng.random() < 0.6 else rng.choice(_SUPPLIERS)
            location_id = (
                f"{place.airport}{'ADR'[['airport', 'downtown', 'railway_station'].index(kind)]}{rng.randint(10, 99)}"
            )
            opens, closes = _HOURS[kind]
            locations.append(
                {
                    "location_id": location_id,
                    "name": _location_name(supplier, place, kind),
                    "supplier": supplier,
                    "location_type": kind,
                    "city": place.name,
                    "country": place.country,
                    "address": rng.choice(_STREETS)
                    if kind == "airport"
                    else f"{rng.randint(1, 120)} {rng.choice(_STREETS[2:])}",
                    "postal_code": postal_code(rng, place),
                    "latitude": round(place.latitude + rng.uniform(-0.12, 0.12), 4),
                    "longitude": round(place.longitude + rng.uniform(-0.12, 0.12), 4),
                    "time_zone": place.time_zone,
                    "opens_at": opens,
                    "closes_at": closes,
                    "phone": fake.phone(rng, place.country, DESK_PHONE),
                }
            )
            level = place.price_level * (1.12 if kind == "airport" else 1.0)
            for model, category, acriss, gearbox, fuel, seats, doors, bags, base in rng.sample(
                _CARS, rng.randint(2, 4)
            ):
                automatic = "automatic" if place.country in ("US", "CA", "SG", "JP", "AU") else gearbox
                vehicles.append(
                    {
                        "vehicle_id": f"{location_id}-{acriss}",
                        "location_id": location_id,
                        "model": model,
                        "category": category,
                        "acriss_code": acriss,
                        "transmission": automatic,
                        "fuel": fuel,
                        "seats": seats,
                        "doors": doors,
                        "bags": bags,
                        "daily_rate": convert(base * level * rng.uniform(0.92, 1.12), place.currency),
                        "currency": place.currency,
                        "fleet_size": rng.randint(1, 4),
                        "mileage_limit_km": None if rng.random() < 0.7 else rng.choice((200, 250, 300)),
                        "deposit": convert(
                            rng.choice((300, 500, 800, 1000)) * (1.6 if category in ("premium", "van") else 1.0),
                            place.currency,
                        ),
                        "minimum_driver_age": 25 if category in ("premium", "van") else MIN_DRIVER_AGE,
                    }
                )
    by_location = {location["location_id"]: location for location in locations}
    drivers = fake.people(ctx.shared("people"), max(4, ctx.size))
    quotes: list[dict[str, Any]] = []
    rentals: list[dict[str, Any]] = []
    codes: set[str] = set()
    today = ctx.now.date()
    for index in range(ctx.size * 2 + 2):
        vehicle = rng.choice(vehicles)
        pickup = by_location[vehicle["location_id"]]
        # The last two quotes stay open: one still valid, one expired.
        is_open_quote = index >= ctx.size * 2
        timing = "future" if is_open_quote else fake.choose_weighted(rng, _TIMINGS)
        days = rng.randint(1, 9)
        if timing == "past":
            start_day = today - timedelta(days=rng.randint(days + 1, 100))
        elif timing == "current":
            start_day = today - timedelta(days=rng.randint(1, days)) if days > 1 else today - timedelta(days=1)
        else:
            start_day = today + timedelta(days=rng.randint(1, 80))
        if pickup["location_type"] == "downtown" and start_day.weekday() == 6:
            start_day += timedelta(days=1)
        end_day = start_day + timedelta(days=days)
        if pickup["location_type"] == "downtown" and end_day.weekday() == 6:
            end_day += timedelta(days=1)
        hour = rng.choice(("09:00", "10:00", "11:30", "13:00", "16:00", "17:30"))
        start = local_time(start_day, hour, pickup["time_zone"])
        end = local_time(end_day, hour, pickup["time_zone"])
        age = rng.choice((23, 29, 34, 38, 41, 47, 52, 58, 63))
        if age < vehicle["minimum_driver_age"]:
            age = 31
        extras = sorted(rng.sample(sorted(EXTRAS_EUR), rng.choice((0, 0, 1, 1, 2))))
        rental_days = _rental_days(start, end)
        price = _price(vehicle, rental_days, extras, age, False)
        created = ctx.now - timedelta(
            days=max(0, (today - start_day).days) + rng.randint(2, 40), minutes=15 * rng.randint(0, 60)
        )
        quote_id = f"qt_{seed_token(rng)}"
        age_minutes = rng.choice((5, 12, 20)) if index == ctx.size * 2 else rng.choice((45, 90, 240))
        quote_created = ctx.now - timedelta(minutes=age_minutes) if is_open_quote else created
        quotes.append(
            {
                "quote_id": quote_id,
                "vehicle_id": vehicle["vehicle_id"],
                "pickup_location_id": pickup["location_id"],
                "dropoff_location_id": pickup["location_id"],
                "start_time": iso(start),
                "end_time": iso(end),
                "driver_age": age,
                "extras": extras,
                "rental_days": rental_days,
                "daily_rate": vehicle["daily_rate"],
                "currency": vehicle["currency"],
                "created_at": iso(quote_created),
                "expires_at": iso(quote_created + timedelta(minutes=QUOTE_VALID_MINUTES)),
                "status": "open" if is_open_quote else "booked",
                **price,
            }
        )
        if is_open_quote:
            continue
        overlapping = sum(
            1
            for rental in rentals
            if rental["vehicle_id"] == vehicle["vehicle_id"]
            and rental["status"] in ACTIVE
            and datetime.fromisoformat(rental["start_time"]) < end
            and start < datetime.fromisoformat(rental["end_time"])
        )
        if timing == "past":
            status = fake.choose_weighted(rng, {"returned": 0.85, "cancelled": 0.15})
        elif timing == "current":
            status = "picked_up"
        else:
            status = fake.choose_weighted(rng, {"confirmed": 0.85, "cancelled": 0.15})
        if status in ACTIVE and overlapping >= vehicle["fleet_size"]:
            status = "cancelled"
        driver = rng.choice(drivers)
        code = unique_seed_code(rng, codes, 9)
        cancelled = status == "cancelled"
        rentals.append(
            {
                "rental_id": f"rnt_{seed_token(rng)}",
                "confirmation_code": code,
                "quote_id": quote_id,
                "vehicle_id": vehicle["vehicle_id"],
                "pickup_location_id": pickup["location_id"],
                "dropoff_location_id": pickup["location_id"],
                "start_time": iso(start),
                "end_time": iso(end),
                "first_name": driver.first_name,
                "last_name": driver.last_name,
                "email": driver.email,
                "phone": driver.phone if rng.random() < 0.8 else None,
                "driver_age": age,
                "extras": extras,
                "rental_days": rental_days,
                "amount": price["amount"],
                "currency": vehicle["currency"],
                "status": status,
                "cancellation_fee": 0.0,
                "refund_amount": price["amount"] if cancelled else 0.0,
                "created_at": iso(created),
                "cancelled_at": iso(created + timedelta(days=1)) if cancelled else None,
            }
        )
    return {"locations": locations, "vehicles": vehicles, "quotes": quotes, "rentals": rentals}
