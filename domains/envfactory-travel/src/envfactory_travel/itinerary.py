"""Itinerary: trips, the plans in them (hotel stays, trains, cars, meetings...) and the people on them.

Modelled on the TripIt API v1: trips with a primary location and dates, travel objects (Lodging,
Rail, Car, Activity, Restaurant, Meeting, Transport, Note objects) added to a trip from booking
confirmations, and invitees with traveller or viewer rights. The account belongs to one person
(the profile); trips shared with them by others are visible with the role they were given.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import (
    NOW,
    check_email,
    convert,
    iso,
    local_time,
    parse_date,
    parse_time,
    require_text,
    seed_code,
    seed_token,
)
from ._places import STATIONS, travel_region

__all__ = ["environment"]

MAX_TRIP_DAYS = 90
MAX_TRAVELERS = 20

PlanType = Literal["lodging", "rail", "car", "activity", "restaurant", "meeting", "transport", "note"]
Role = Literal["owner", "traveler", "viewer"]
TripStatus = Literal["upcoming", "in_progress", "past"]

POLICY = f"""\
Trips, plans and travellers

- A trip has a primary city and runs from start_date to end_date (inclusive, at most {MAX_TRIP_DAYS} days).
- You see your own trips (role "owner") and trips others shared with you (role "traveler" or "viewer").
- Only the owner may change a trip's details or its traveller list. Owners and travellers may add and delete
  plans; viewers can only read.
- A plan must fall within its trip: the local date of its start_time and of its end_time (if given) must be
  between the trip's start_date and end_date, and end_time may not be before start_time. To add a plan outside
  the dates, change the trip's dates first.
- A confirmation code can be on only one plan of a trip (the same booking is not imported twice).
- A plan's amount needs its currency (ISO 4217 code) and a currency needs an amount.
- Trip dates cannot be changed so that an existing plan falls outside them.
- At most {MAX_TRAVELERS} people (owner included) per trip; a person is on a trip once; the owner cannot be removed.
"""

environment = Environment(
    name="itinerary",
    domain="travel",
    description=(
        "Trip itineraries after the TripIt API v1: trips with dates and a primary city, plans added "
        "from booking confirmations (lodging, rail, car, activity, restaurant, meeting, transport, "
        "note objects), and travellers invited with traveller or viewer rights."
    ),
    tables=[
        table("profile", primary_key="email", email=str, first_name=str, last_name=str, home_city=str),
        table(
            "trips",
            primary_key="trip_id",
            trip_id=str,
            title=str,
            description=str | None,
            city=str,
            country=str | None,
            start_date=str,
            end_date=str,
            owner_email=str,
            created_at=str,
            updated_at=str,
        ),
        table(
            "plans",
            primary_key="plan_id",
            plan_id=str,
            trip_id=str,
            plan_type=str,
            title=str,
            start_time=str,
            end_time=str | None,
            city=str | None,
            address=str | None,
            supplier=str | None,
            confirmation_code=str | None,
            amount=float | None,
            currency=str | None,
            note=str | None,
            created_at=str,
        ),
        table(
            "travelers",
            primary_key=("trip_id", "email"),
            trip_id=str,
            email=str,
            first_name=str,
            last_name=str,
            role=str,
            status=str,
            invited_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="TripIt API v1: trips, travel objects (LodgingObject, RailObject, CarObject, ...), invitees",
        url="https://tripit.github.io/api/doc/v1/",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class TripSummary(TypedDict):
    trip_id: str
    title: str
    city: str
    country: str | None
    start_date: str
    end_date: str
    status: TripStatus
    owner_email: str
    role: Role
    plan_count: int
    traveler_count: int


class TripList(TypedDict):
    trips: list[TripSummary]
    count: int


class Plan(TypedDict):
    """A plan in a trip (hotel stay, train, car rental, meeting ...).

    Args:
        start_time: When it starts, ISO 8601 with offset.
        end_time: When it ends, ISO 8601 with offset.
        confirmation_code: The booking's confirmation code.
        amount: Price paid in major units.
        currency: ISO 4217 code of the amount.
    """

    plan_id: str
    trip_id: str
    plan_type: PlanType
    title: str
    start_time: str
    end_time: str | None
    city: str | None
    address: str | None
    supplier: str | None
    confirmation_code: str | None
    amount: float | None
    currency: str | None
    note: str | None
    created_at: str


class Traveler(TypedDict):
    """A person on a trip.

    Args:
        email: The person's email address.
    """

    trip_id: str
    email: str
    first_name: str
    last_name: str
    role: Role
    status: Literal["invited", "accepted"]
    invited_at: str


class TripDetail(TripSummary):
    description: str | None
    created_at: str
    updated_at: str
    plans: list[Plan]
    travelers: list[Traveler]


class PlanDeleted(TypedDict):
    plan_id: str
    trip_id: str
    deleted: bool


class TravelerRemoved(TypedDict):
    trip_id: str
    email: str
    removed: bool


# --- rules -----------------------------------------------------------------------------------------


def _me(ctx: Context) -> dict[str, Any]:
    profiles = ctx.table("profile").all()
    if not profiles:
        raise ToolError("this TripIt account has no profile")
    return profiles[0]


def _role(ctx: Context, trip: dict[str, Any]) -> str | None:
    me = _me(ctx)["email"]
    if trip["owner_email"] == me:
        return "owner"
    row = ctx.table("travelers").get(trip["trip_id"], me)
    return None if row is None else str(row["role"])


def _visible_trip(ctx: Context, trip_id: str) -> tuple[dict[str, Any], str]:
    trip = ctx.table("trips").get(trip_id)
    role = None if trip is None else _role(ctx, trip)
    if trip is None or role is None:
        raise ToolError(f"trip {trip_id!r} not found", code="not_found")
    return trip, role


def _status(ctx: Context, trip: dict[str, Any]) -> str:
    today = ctx.today.isoformat()
    if trip["start_date"] > today:
        return "upcoming"
    if trip["end_date"] < today:
        return "past"
    return "in_progress"


def _summary(ctx: Context, trip: dict[str, Any], role: str) -> TripSummary:
    return {
        "trip_id": trip["trip_id"],
        "title": trip["title"],
        "city": trip["city"],
        "country": trip["country"],
        "start_date": trip["start_date"],
        "end_date": trip["end_date"],
        "status": _status(ctx, trip),  # type: ignore[typeddict-item]
        "owner_email": trip["owner_email"],
        "role": role,  # type: ignore[typeddict-item]
        "plan_count": ctx.table("plans").count(trip_id=trip["trip_id"]),
        "traveler_count": ctx.table("travelers").count(trip_id=trip["trip_id"]),
    }


def _plans(ctx: Context, trip_id: str) -> list[dict[str, Any]]:
    rows = ctx.table("plans").find(trip_id=trip_id)
    rows.sort(key=lambda row: (datetime.fromisoformat(row["start_time"]), row["plan_id"]))
    return rows


def _detail(ctx: Context, trip: dict[str, Any], role: str) -> TripDetail:
    detail: TripDetail = {
        **_summary(ctx, trip, role),
        "description": trip["description"],
        "created_at": trip["created_at"],
        "updated_at": trip["updated_at"],
        "plans": _plans(ctx, trip["trip_id"]),  # type: ignore[typeddict-item]
        "travelers": ctx.table("travelers").find(trip_id=trip["trip_id"], order_by="invited_at"),  # type: ignore[typeddict-item]
    }
    return detail


def _trip_dates(start_date: str, end_date: str) -> tuple[date, date]:
    start = parse_date(start_date, "start_date")
    end = parse_date(end_date, "end_date")
    if end < start:
        raise ToolError(f"end_date {end_date} is before start_date {start_date}")
    if (end - start).days + 1 > MAX_TRIP_DAYS:
        raise ToolError(
            f"a trip lasts at most {MAX_TRIP_DAYS} days; {start_date} to {end_date} is {(end - start).days + 1}"
        )
    return start, end


def _require_owner(trip: dict[str, Any], role: str, action: str) -> None:
    if role != "owner":
        raise ToolError(f"only the trip's owner ({trip['owner_email']}) can {action}; your role is {role}")


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def list_trips(
    ctx: Context,
    status: TripStatus | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> TripList:
    """Your trips and trips shared with you, by start date.

    Args:
        status: Only upcoming, in-progress or past trips.
        limit: At most this many trips.
        offset: Skip this many trips (for paging).
    """
    found: list[TripSummary] = []
    for trip in ctx.table("trips").find(order_by=["start_date", "trip_id"]):
        role = _role(ctx, trip)
        if role is None or (status is not None and _status(ctx, trip) != status):
            continue
        found.append(_summary(ctx, trip, role))
    return {"trips": page(found, limit, offset), "count": len(found)}


@environment.tool(effect="read")
def get_trip(ctx: Context, trip_id: str) -> TripDetail:
    """A trip with its plans in time order and its travellers.

    Args:
        trip_id: The trip's id.
    """
    trip, role = _visible_trip(ctx, trip_id)
    return _detail(ctx, trip, role)


@environment.tool(effect="write")
def create_trip(
    ctx: Context,
    title: str,
    city: str,
    start_date: str,
    end_date: str,
    country: Annotated[str, Arg(pattern=r"^[A-Z]{2}$")] | None = None,
    description: Annotated[str, Arg(max_length=2000)] | None = None,
) -> TripDetail:
    """Create a trip you own, with its primary city and dates.

    Args:
        title: The trip's name, e.g. "Cologne client visit".
        city: The primary destination city.
        start_date: First day of the trip, YYYY-MM-DD.
        end_date: Last day of the trip, YYYY-MM-DD.
        country: Country of the primary city, ISO 3166 alpha-2 (e.g. "DE").
        description: Notes about the trip.
    """
    start, end = _trip_dates(start_date, end_date)
    me = _me(ctx)
    trip = ctx.table("trips").insert(
        {
            "trip_id": ctx.new_id("trp"),
            "title": require_text(title, "title", max_length=120),
            "description": description.strip() if description and description.strip() else None,
            "city": require_text(city, "city", max_length=80),
            "country": country,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "owner_email": me["email"],
            "created_at": iso(ctx.now),
            "updated_at": iso(ctx.now),
        }
    )
    ctx.table("travelers").insert(
        {
            "trip_id": trip["trip_id"],
            "email": me["email"],
            "first_name": me["first_name"],
            "last_name": me["last_name"],
            "role": "owner",
            "status": "accepted",
            "invited_at": iso(ctx.now),
        }
    )
    return _detail(ctx, trip, "owner")


@environment.tool(effect="write")
def update_trip(
    ctx: Context,
    trip_id: str,
    title: str | None = None,
    city: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    description: Annotated[str, Arg(max_length=2000)] | None = None,
) -> TripDetail:
    """Change a trip's title, city, dates or description (owner only); plans must stay within the dates.

    Args:
        trip_id: The trip to change.
        title: New name.
        city: New primary city.
        start_date: New first day, YYYY-MM-DD.
        end_date: New last day, YYYY-MM-DD.
        description: New notes.
    """
    trip, role = _visible_trip(ctx, trip_id)
    _require_owner(trip, role, "change the trip")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = require_text(title, "title", max_length=120)
    if city is not None:
        changes["city"] = require_text(city, "city", max_length=80)
    if description is not None:
        changes["description"] = description.strip() or None
    if start_date is not None or end_date is not None:
        start, end = _trip_dates(start_date or trip["start_date"], end_date or trip["end_date"])
        for plan in _plans(ctx, trip_id):
            for moment in (plan["start_time"], plan["end_time"]):
                if moment is not None and not start <= datetime.fromisoformat(moment).date() <= end:
                    raise ToolError(
                        f"plan {plan['plan_id']} ({plan['title']}, {moment[:10]}) would fall outside "
                        f"{start.isoformat()} to {end.isoformat()}; delete or move it first"
                    )
        changes["start_date"] = start.isoformat()
        changes["end_date"] = end.isoformat()
    if not changes:
        raise ToolError("give at least one of title, city, start_date, end_date, description to change")
    changes["updated_at"] = iso(ctx.now)
    updated = ctx.table("trips").update(trip_id, changes)
    return _detail(ctx, updated, role)


@environment.tool(effect="write")
def add_plan(
    ctx: Context,
    trip_id: str,
    plan_type: PlanType,
    title: str,
    start_time: str,
    end_time: str | None = None,
    city: str | None = None,
    address: str | None = None,
    supplier: str | None = None,
    confirmation_code: str | None = None,
    amount: Annotated[float, Arg(minimum=0)] | None = None,
    currency: Annotated[str, Arg(pattern=r"^[A-Z]{3}$")] | None = None,
    note: Annotated[str, Arg(max_length=2000)] | None = None,
) -> Plan:
    """Add a plan to a trip: a hotel stay, train, car rental, activity, restaurant, meeting, transfer or note.

    Args:
        trip_id: The trip to add to.
        plan_type: lodging, rail, car, activity, restaurant, meeting, transport or note.
        title: What it is, e.g. "Hotel Linden Cologne" or "ICE 1003 Berlin Hbf to Köln Hbf".
        start_time: When it starts (check-in, departure, pickup), ISO 8601 with offset.
        end_time: When it ends (check-out, arrival, return), ISO 8601 with offset.
        city: Where it takes place.
        address: Street address.
        supplier: Hotel, rail operator, rental company or venue.
        confirmation_code: The booking's confirmation code.
        amount: Price paid, in major units.
        currency: ISO 4217 code of the amount, e.g. "EUR".
        note: Free-text notes.
    """
    trip, role = _visible_trip(ctx, trip_id)
    if role == "viewer":
        raise ToolError(f"you can only view trip {trip_id}; ask its owner ({trip['owner_email']}) for traveller rights")
    start = parse_time(start_time, "start_time")
    end = parse_time(end_time, "end_time") if end_time is not None else None
    first, last = date.fromisoformat(trip["start_date"]), date.fromisoformat(trip["end_date"])
    if not first <= start.date() <= last:
        raise ToolError(
            f"start_time {start_time} is outside trip {trip_id} ({trip['start_date']} to {trip['end_date']}); "
            "change the trip's dates first"
        )
    if end is not None:
        if end < start:
            raise ToolError(f"end_time {end_time} is before start_time {start_time}")
        if not first <= end.date() <= last:
            raise ToolError(
                f"end_time {end_time} is outside trip {trip_id} ({trip['start_date']} to {trip['end_date']}); "
                "change the trip's dates first"
            )
    if (amount is None) != (currency is None):
        raise ToolError("give amount and currency together (e.g. amount 412.0, currency 'EUR')")
    code = confirmation_code.strip().upper() if confirmation_code and confirmation_code.strip() else None
    if code is not None:
        for plan in ctx.table("plans").find(trip_id=trip_id):
            if plan["confirmation_code"] == code:
                raise ToolError(
                    f"confirmation code {code} is already on plan {plan['plan_id']} ({plan['title']}) of this trip"
                )
    plan = ctx.table("plans").insert(
        {
            "plan_id": ctx.new_id("pln"),
            "trip_id": trip_id,
            "plan_type": plan_type,
            "title": require_text(title, "title", max_length=200),
            "start_time": iso(start),
            "end_time": iso(end) if end is not None else None,
            "city": city.strip() if city and city.strip() else None,
            "address": address.strip() if address and address.strip() else None,
            "supplier": supplier.strip() if supplier and supplier.strip() else None,
            "confirmation_code": code,
            "amount": round(amount, 2) if amount is not None else None,
            "currency": currency,
            "note": note.strip() if note and note.strip() else None,
            "created_at": iso(ctx.now),
        }
    )
    ctx.table("trips").update(trip_id, {"updated_at": iso(ctx.now)})
    return plan  # type: ignore[return-value]


@environment.tool(effect="write")
def delete_plan(ctx: Context, plan_id: str) -> PlanDeleted:
    """Remove a plan from its trip.

    Args:
        plan_id: The plan to delete.
    """
    plan = ctx.table("plans").require(plan_id, what="plan")
    trip, role = _visible_trip(ctx, plan["trip_id"])
    if role == "viewer":
        raise ToolError(f"you can only view trip {trip['trip_id']}; viewers cannot delete plans")
    ctx.table("plans").delete(plan_id)
    ctx.table("trips").update(trip["trip_id"], {"updated_at": iso(ctx.now)})
    return {"plan_id": plan_id, "trip_id": trip["trip_id"], "deleted": True}


@environment.tool(effect="write")
def add_traveler(
    ctx: Context,
    trip_id: str,
    email: str,
    first_name: str,
    last_name: str,
    role: Literal["traveler", "viewer"] = "traveler",
) -> Traveler:
    """Invite a person to a trip you own, as a traveller (may add plans) or a viewer (read only).

    Args:
        trip_id: The trip.
        email: The person's email address; the invitation goes there.
        first_name: The person's first name.
        last_name: The person's last name.
        role: "traveler" or "viewer".
    """
    trip, my_role = _visible_trip(ctx, trip_id)
    _require_owner(trip, my_role, "invite people")
    address = check_email(email)
    if address == trip["owner_email"]:
        raise ToolError(f"{address} owns trip {trip_id} already")
    if ctx.table("travelers").get(trip_id, address) is not None:
        raise ToolError(f"{address} is already on trip {trip_id}")
    if ctx.table("travelers").count(trip_id=trip_id) >= MAX_TRAVELERS:
        raise ToolError(f"trip {trip_id} already has {MAX_TRAVELERS} people, the maximum")
    return ctx.table("travelers").insert(  # type: ignore[return-value]
        {
            "trip_id": trip_id,
            "email": address,
            "first_name": require_text(first_name, "first_name", max_length=60),
            "last_name": require_text(last_name, "last_name", max_length=60),
            "role": role,
            "status": "invited",
            "invited_at": iso(ctx.now),
        }
    )


@environment.tool(effect="write")
def remove_traveler(ctx: Context, trip_id: str, email: str) -> TravelerRemoved:
    """Take a person off a trip you own (the owner cannot be removed).

    Args:
        trip_id: The trip.
        email: The person's email address.
    """
    trip, my_role = _visible_trip(ctx, trip_id)
    _require_owner(trip, my_role, "remove people")
    address = email.strip().lower()
    if address == trip["owner_email"]:
        raise ToolError("the owner cannot be removed from a trip")
    ctx.table("travelers").require(trip_id, address, what="traveller")
    ctx.table("travelers").delete(trip_id, address)
    return {"trip_id": trip_id, "email": address, "removed": True}


# --- seed ------------------------------------------------------------------------------------------

_PURPOSES = (
    "{city} client visit",
    "Weekend in {city}",
    "{city} team offsite",
    "Conference trip to {city}",
    "{city} with family",
    "Site inspection {city}",
    "Partner workshop in {city}",
    "Summer break in {city}",
)
_HOTELS = (
    "Hotel Linden",
    "The Meridian House",
    "Atlas Boutique Hotel",
    "Harbor Suites",
    "Grand Hotel Aurora",
    "Copper Lantern Inn",
)
_RESTAURANTS = (
    "Brasserie du Marché",
    "Osteria Lanterna",
    "Tidewater Oyster Bar",
    "Saffron Kitchen",
    "Zur Alten Mühle",
    "Casa Granito",
)
_ACTIVITIES = (
    "Old town walking tour",
    "Museum of Modern Art",
    "Boat tour on the river",
    "Cathedral rooftop visit",
    "Food market tasting",
)
_MEETINGS = (
    "Kick-off with the client team",
    "Quarterly business review",
    "Vendor workshop",
    "Site visit and lunch",
    "Project steering meeting",
)
_SUPPLIERS = ("Sixt", "Europcar", "Hertz", "Avis")
_STREETS = ("Station Road", "Market Street", "Canal Street", "Opera Square")
_NOTES = (
    "Bring the signed contract.",
    "Ask about the late check-out.",
    "Dinner reservation under my name.",
    None,
    None,
)


def _plans_for(
    rng: Any, trip: dict[str, Any], place: Any, start: date, end: date, codes: set[str]
) -> list[dict[str, Any]]:
    def code() -> str:
        value = seed_code(rng, rng.choice((6, 8)))
        while value in codes:
            value = seed_code(rng, 6)
        codes.add(value)
        return value

    def at(day: date, clock: str) -> str:
        return iso(local_time(day, clock, place.time_zone))

    created = trip["created_at"]
    plans: list[dict[str, Any]] = []

    def add(plan_type: str, title: str, start_time: str, end_time: str | None, **extra: Any) -> None:
        plans.append(
            {
                "plan_id": f"pln_{seed_token(rng)}",
                "trip_id": trip["trip_id"],
                "plan_type": plan_type,
                "title": title,
                "start_time": start_time,
                "end_time": end_time,
                "city": place.name,
                "address": extra.get("address"),
                "supplier": extra.get("supplier"),
                "confirmation_code": extra.get("confirmation_code"),
                "amount": extra.get("amount"),
                "currency": extra.get("currency"),
                "note": extra.get("note"),
                "created_at": created,
            }
        )

    stations = [station for station in STATIONS.values() if station.city == place.name]
    if stations and rng.random() < 0.7:
        station = rng.choice(stations)
        departure = rng.choice(("07:34", "08:13", "09:28", "11:52", "14:04"))
        add(
            "rail",
            f"Train to {station.name}",
            at(start, departure),
            at(start, f"{int(departure[:2]) + 3:02d}{departure[2:]}"),
            supplier=rng.choice(("DB Fernverkehr", "Eurostar", "SNCF Voyageurs", "ÖBB", "Trenitalia")),
            confirmation_code=code(),
            amount=convert(rng.choice((39.9, 59.9, 89.9, 119.0)), place.currency),
            currency=place.currency,
        )
    if end > start:
        hotel = rng.choice(_HOTELS)
        nights = (end - start).days
        add(
            "lodging",
            f"{hotel} {place.name}",
            at(start, "15:00"),
            at(end, "11:00"),
            address=f"{rng.randint(1, 150)} {rng.choice(_STREETS)}",
            supplier=hotel,
            confirmation_code=code(),
            amount=convert(rng.choice((110, 135, 160, 210)) * nights, place.currency),
            currency=place.currency,
            note=rng.choice(_NOTES),
        )
    if rng.random() < 0.4 and end > start:
        add(
            "car",
            f"{rng.choice(_SUPPLIERS)} rental, {place.name} Airport",
            at(start, "10:00"),
            at(end, "09:00"),
            supplier=rng.choice(_SUPPLIERS),
            confirmation_code=code(),
            amount=convert(45.0 * ((end - start).days + 1), place.currency),
            currency=place.currency,
        )
    middle = start + timedelta(days=(end - start).days // 2)
    if "client" in trip["title"] or "workshop" in trip["title"] or "offsite" in trip["title"] or rng.random() < 0.3:
        add(
            "meeting",
            rng.choice(_MEETINGS),
            at(middle, "10:00"),
            at(middle, "12:30"),
            address=f"{rng.randint(1, 90)} Harbour Lane",
        )
    if rng.random() < 0.6:
        add(
            "restaurant",
            rng.choice(_RESTAURANTS),
            at(middle, "19:30"),
            at(middle, "21:30"),
            confirmation_code=code() if rng.random() < 0.5 else None,
        )
    if rng.random() < 0.5:
        add(
            "activity",
            rng.choice(_ACTIVITIES),
            at(end, "10:00"),
            at(end, "12:00"),
            amount=convert(18.0, place.currency),
            currency=place.currency,
        )
    return plans


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    region = travel_region(ctx)
    people = fake.people(ctx.shared("people"), max(6, ctx.size))
    me, others = people[0], people[1:]
    today = ctx.now.date()
    trips: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    travelers: list[dict[str, Any]] = []
    codes: set[str] = set()
    places = list(region.all_cities)
    for index in range(max(3, ctx.size // 2 + 2)):
        place = places[index % len(places)] if index < len(places) else rng.choice(places)
        start = today + timedelta(days=rng.choice((-75, -40, -18, -2, 0, 3, 9, 16, 24, 38, 61, 90)))
        end = start + timedelta(days=rng.randint(0, 5))
        shared_by = rng.choice(others) if rng.random() < 0.25 else None
        owner = shared_by or me
        created = ctx.now - timedelta(
            days=max(0, (today - start).days) + rng.randint(5, 50), minutes=15 * rng.randint(0, 60)
        )
        trip = {
            "trip_id": f"trp_{seed_token(rng)}",
            "title": rng.choice(_PURPOSES).format(city=place.name),
            "description": rng.choice(
                (
                    None,
                    "Expenses go to project Atlas.",
                    "Booked through the company travel desk.",
                    "Keep receipts for reimbursement.",
                )
            ),
            "city": place.name,
            "country": place.country,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "owner_email": owner.email,
            "created_at": iso(created),
            "updated_at": iso(created + timedelta(hours=rng.randint(1, 48))),
        }
        trips.append(trip)
        plans.extend(_plans_for(rng, trip, place, start, end, codes))
        members = [(owner, "owner")]
        if shared_by is not None:
            members.append((me, rng.choice(("traveler", "viewer"))))
        for companion in rng.sample([person for person in others if person is not owner], rng.randint(0, 2)):
            members.append((companion, rng.choice(("traveler", "traveler", "viewer"))))
        for person, role in members:
            travelers.append(
                {
                    "trip_id": trip["trip_id"],
                    "email": person.email,
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "role": role,
                    "status": "accepted" if role == "owner" or rng.random() < 0.7 else "invited",
                    "invited_at": trip["created_at"]
                    if role == "owner"
                    else iso(created + timedelta(hours=rng.randint(1, 72))),
                }
            )
    profile = [{"email": me.email, "first_name": me.first_name, "last_name": me.last_name, "home_city": me.city.name}]
    return {"profile": profile, "trips": trips, "plans": plans, "travelers": travelers}
