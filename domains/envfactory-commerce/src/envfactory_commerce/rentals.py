"""A leasing office's long-term rentals after the RentCast API and Zillow Rental Manager.

Properties carry RentCast's property record and rental listing fields (bedrooms, bathrooms, square
footage, asking rent, listing status); the rent estimate follows RentCast's AVM (comparable
listings nearby); viewings (tours) and rental applications follow Zillow Rental Manager's flow:
book a tour, apply, screen the application against the rent, approve one applicant.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from math import cos, radians, sqrt
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.timezones import in_zone, zone_on
from envfactory_core.env.values import cents, money, page, parse_date, parse_time, seed_id
from envfactory_core.models import Provenance

CURRENCY = "USD"
INCOME_MULTIPLE = 3
VIEWING_MINUTES = 30
OPEN_HOUR, CLOSE_HOUR = 9, 19
MIN_NOTICE = timedelta(hours=2)
MAX_AHEAD = timedelta(days=30)

POLICY = f"""\
Leasing office policy (long-term rentals):
- Viewings last {VIEWING_MINUTES} minutes and are held between {OPEN_HOUR}:00 and {CLOSE_HOUR}:00 local time at the
  property, at least 2 hours and at most 30 days ahead. A property has one viewing at a time, and a
  person (by email) books at most one upcoming viewing per property. Only listed (active) properties
  can be viewed. Viewings can be cancelled until they start.
- Applications are accepted only for active listings, with a move-in date on or after the date the
  property is available, and at most two occupants per bedroom plus one. One application per person
  (by email) per property.
- An application is approved only when the applicant's gross monthly income is at least {INCOME_MULTIPLE} times
  the monthly rent. Only submitted applications can be approved or declined, and only one application
  per property can be approved: approving one marks the listing pending and declines the others.
- Applicants may withdraw a submitted application.
- Rents are in {CURRENCY} per month.
"""

environment = Environment(
    name="rentals",
    domain="commerce",
    description=(
        "A leasing office's long-term rental listings after the RentCast API (property records, long-term "
        "rental listings, rent estimates from comparables) and Zillow Rental Manager (tours and rental "
        "applications): search listed homes, estimate rent, book and cancel viewings, take applications "
        "and screen, approve or decline them."
    ),
    tables=[
        table(
            "properties",
            primary_key="property_id",
            property_id=str,
            address=str,
            city=str,
            state=str,
            postal_code=str,
            country=str,
            latitude=float,
            longitude=float,
            property_type=str,
            bedrooms=int,
            bathrooms=float,
            square_feet=int,
            year_built=int,
            price=float,
            currency=str,
            deposit=float,
            pets_allowed=bool,
            status=str,
            listed_date=str,
            available_date=str,
        ),
        table(
            "viewings",
            primary_key="viewing_id",
            viewing_id=str,
            property_id=str,
            name=str,
            email=str,
            phone=str | None,
            start_time=str,
            end_time=str,
            status=str,
            created_at=str,
        ),
        table(
            "applications",
            primary_key="application_id",
            application_id=str,
            property_id=str,
            name=str,
            email=str,
            phone=str | None,
            monthly_income=float,
            occupants=int,
            pets=bool,
            move_in_date=str,
            status=str,
            decision_note=str | None,
            created_at=str,
            decided_at=str | None,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source=(
            "RentCast API (properties, long-term rental listings, rent estimate AVM) and "
            "Zillow Rental Manager tours and applications"
        ),
        url="https://developers.rentcast.io/reference/introduction",
    ),
)

CITIES = {
    # city: (state, time zone, ZIP prefix, neighbourhood streets, rent per bedroom range)
    "Austin": (
        "TX",
        "America/Chicago",
        "787",
        ("East Cesar Chavez Street", "South Lamar Boulevard", "Rosewood Avenue", "Burnet Road"),
        (950, 1400),
    ),
    "Seattle": (
        "WA",
        "America/Los_Angeles",
        "981",
        ("Pine Street", "Stone Way North", "Beacon Avenue South", "California Avenue SW"),
        (1300, 1900),
    ),
    "Chicago": (
        "IL",
        "America/Chicago",
        "606",
        ("North Milwaukee Avenue", "West Armitage Avenue", "South Halsted Street", "North Clark Street"),
        (1000, 1500),
    ),
    "Boston": (
        "MA",
        "America/New_York",
        "021",
        ("Tremont Street", "Commonwealth Avenue", "Dorchester Avenue", "Centre Street"),
        (1500, 2200),
    ),
    "Denver": (
        "CO",
        "America/Denver",
        "802",
        ("East Colfax Avenue", "Tennyson Street", "South Pearl Street", "Larimer Street"),
        (1050, 1500),
    ),
}
PROPERTY_TYPES = ("Apartment", "Condo", "Townhouse", "Single Family", "Duplex")


# --- output records --------------------------------------------------------------------------


class Property(TypedDict):
    """A rental property and its listing.

    Args:
        property_id: The rental property's id.
        address: Street address, with the unit for apartments.
        city: The city.
        state: The US state's two-letter code.
        postal_code: The ZIP code.
        country: ISO 3166 alpha-2 country code (US).
        bedrooms: Number of bedrooms (0 for a studio).
        price: Asking rent per month in USD.
        currency: ISO 4217 code of the rent (USD).
        deposit: Security deposit in USD.
        status: active (listed for rent), pending (an application was approved) or inactive (off the market).
        available_date: The first date a tenant can move in.
    """

    property_id: str
    address: str
    city: str
    state: str
    postal_code: str
    country: str
    latitude: float
    longitude: float
    property_type: str
    bedrooms: int
    bathrooms: float
    square_feet: int
    year_built: int
    price: float
    currency: str
    deposit: float
    pets_allowed: bool
    status: Literal["active", "pending", "inactive"]
    listed_date: str
    available_date: str
    days_on_market: int


class PropertyList(TypedDict):
    properties: list[Property]
    count: int


class Comparable(TypedDict):
    property_id: str
    address: str
    bedrooms: int
    square_feet: int
    price: float
    distance_km: float


class RentEstimate(TypedDict):
    """A rent estimate from comparable listings.

    Args:
        rent: Estimated monthly rent in USD.
        rent_range_low: Low end of the likely rent.
        rent_range_high: High end of the likely rent.
        comparables: The listings the estimate is based on.
    """

    property_id: str
    rent: float
    rent_range_low: float
    rent_range_high: float
    currency: str
    comparables: list[Comparable]


class Viewing(TypedDict):
    """A booked viewing (tour) of a property.

    Args:
        viewing_id: The viewing's id.
        property_id: The property to be viewed.
        name: The visitor's full name.
        email: The visitor's email address.
        start_time: When the viewing starts (ISO 8601, property's local time).
        end_time: When it ends.
        status: scheduled, cancelled or completed.
        address: The property's street address.
    """

    viewing_id: str
    property_id: str
    address: str
    city: str
    name: str
    email: str
    phone: str | None
    start_time: str
    end_time: str
    status: Literal["scheduled", "cancelled", "completed"]
    created_at: str


class ViewingList(TypedDict):
    viewings: list[Viewing]
    count: int


class Application(TypedDict):
    """A rental application.

    Args:
        application_id: The application's id.
        property_id: The property applied for.
        name: The applicant's full name.
        email: The applicant's email address.
        monthly_income: The applicant's gross monthly income in USD.
        move_in_date: The desired move-in date.
        status: submitted, approved, declined or withdrawn.
        price: The property's monthly rent in USD.
        income_to_rent: Monthly income divided by rent.
    """

    application_id: str
    property_id: str
    address: str
    price: float
    name: str
    email: str
    phone: str | None
    monthly_income: float
    income_to_rent: float
    occupants: int
    pets: bool
    move_in_date: str
    status: Literal["submitted", "approved", "declined", "withdrawn"]
    decision_note: str | None
    created_at: str
    decided_at: str | None


class ApplicationList(TypedDict):
    applications: list[Application]
    count: int


# --- helpers ---------------------------------------------------------------------------------


def _property(ctx: Context, row: dict[str, Any]) -> Property:
    listed = date.fromisoformat(row["listed_date"])
    return {**row, "days_on_market": max(0, (ctx.today - listed).days)}  # type: ignore[typeddict-item]


def _viewing(ctx: Context, row: dict[str, Any]) -> Viewing:
    home = ctx.table("properties").get(row["property_id"]) or {"address": "", "city": ""}
    return {**row, "address": home["address"], "city": home["city"]}  # type: ignore[typeddict-item]


def _application(ctx: Context, row: dict[str, Any]) -> Application:
    home = ctx.table("properties").get(row["property_id"]) or {"address": "", "price": 0.0}
    ratio = round(row["monthly_income"] / home["price"], 2) if home["price"] else 0.0
    return {**row, "address": home["address"], "price": home["price"], "income_to_rent": ratio}  # type: ignore[typeddict-item]


def _distance_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    # Equirectangular approximation: exact enough within one city.
    x = radians(b["longitude"] - a["longitude"]) * cos(radians((a["latitude"] + b["latitude"]) / 2))
    y = radians(b["latitude"] - a["latitude"])
    return round(6371 * sqrt(x * x + y * y), 2)


def _local(home: dict[str, Any]) -> str:
    """The property's time zone name (its offsets come from the core's written-out rules)."""
    return CITIES[home["city"]][1] if home["city"] in CITIES else "UTC"


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_rentals(
    ctx: Context,
    city: str | None = None,
    min_bedrooms: Annotated[int, Arg(minimum=0, maximum=10)] | None = None,
    max_price: Annotated[float, Arg(minimum=0)] | None = None,
    property_type: Literal["Apartment", "Condo", "Townhouse", "Single Family", "Duplex"] | None = None,
    pets_allowed: bool | None = None,
    status: Literal["active", "pending", "inactive"] | None = "active",
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> PropertyList:
    """Search rental listings by city, bedrooms, rent, type and pet policy; cheapest first, active ones by default.

    Args:
        city: Only homes in this city, e.g. "Denver".
        min_bedrooms: Only homes with at least this many bedrooms.
        max_price: Only homes whose monthly rent is at most this, in USD.
        property_type: Only this kind of home.
        pets_allowed: Only homes that allow pets (true) or do not (false).
        status: Only listings in this status (default active; null for all).
        limit: At most this many homes.
        offset: Skip this many homes (for paging).
    """
    found = [
        _property(ctx, row)
        for row in ctx.table("properties").all(order_by=["price", "property_id"])
        if (city is None or row["city"].casefold() == city.strip().casefold())
        and (min_bedrooms is None or row["bedrooms"] >= min_bedrooms)
        and (max_price is None or cents(row["price"]) <= cents(max_price))
        and (property_type is None or row["property_type"] == property_type)
        and (pets_allowed is None or row["pets_allowed"] == pets_allowed)
        and (status is None or row["status"] == status)
    ]
    return {"properties": page(found, limit, offset), "count": len(found)}


@environment.tool(effect="read")
def get_property(ctx: Context, property_id: str) -> Property:
    """Get a rental property's details, asking rent, deposit, availability and days on market.

    Args:
        property_id: The rental property's id.
    """
    return _property(ctx, ctx.table("properties").require(property_id, what="property"))


@environment.tool(effect="read")
def estimate_rent(
    ctx: Context, property_id: str, comparable_count: Annotated[int, Arg(minimum=3, maximum=10, mask=True)] = 5
) -> RentEstimate:
    """Estimate a property's monthly rent from the nearest comparable listings with a similar number of bedrooms.

    Args:
        property_id: The rental property's id.
        comparable_count: How many comparables to base the estimate on.
    """
    subject = ctx.table("properties").require(property_id, what="property")
    candidates = [
        row
        for row in ctx.table("properties").find(city=subject["city"])
        if row["property_id"] != property_id and abs(row["bedrooms"] - subject["bedrooms"]) <= 1
    ]
    if len(candidates) < 2:
        raise ToolError(f"not enough comparable listings in {subject['city']} for a {subject['bedrooms']}-bedroom home")
    candidates.sort(key=lambda row: (_distance_km(subject, row), row["property_id"]))
    chosen = candidates[:comparable_count]
    per_square_foot = [row["price"] / row["square_feet"] for row in chosen]
    weights = [1 / (1 + _distance_km(subject, row)) for row in chosen]
    rate = sum(p * w for p, w in zip(per_square_foot, weights, strict=True)) / sum(weights)
    rent = money(round(rate * subject["square_feet"] / 5) * 5)
    spread = (max(per_square_foot) - min(per_square_foot)) * subject["square_feet"] / 4
    return {
        "property_id": property_id,
        "rent": rent,
        "rent_range_low": money(max(0.0, rent - max(spread, rent * 0.05))),
        "rent_range_high": money(rent + max(spread, rent * 0.05)),
        "currency": CURRENCY,
        "comparables": [
            {
                "property_id": row["property_id"],
                "address": row["address"],
                "bedrooms": row["bedrooms"],
                "square_feet": row["square_feet"],
                "price": row["price"],
                "distance_km": _distance_km(subject, row),
            }
            for row in chosen
        ],
    }


@environment.tool(effect="write")
def schedule_viewing(
    ctx: Context,
    property_id: str,
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    email: Annotated[str, Arg(format="email")],
    start_time: Annotated[
        str, Arg(description="When the viewing starts: ISO 8601 with a UTC offset, e.g. 2025-06-18T17:30:00-05:00.")
    ],
    phone: str | None = None,
) -> Viewing:
    """Book a 30-minute viewing of a listed property for a prospective tenant.

    Args:
        property_id: The rental property's id.
        name: The visitor's full name.
        email: The visitor's email address.
        start_time: When the viewing starts: ISO 8601 with a UTC offset, e.g. 2025-06-18T17:30:00-05:00.
        phone: The visitor's phone number.
    """
    home = ctx.table("properties").require(property_id, what="property")
    if home["status"] != "active":
        raise ToolError(
            f"property {property_id} is {home['status']}, not listed for rent; only active listings can be viewed"
        )
    start = parse_time(start_time, "start_time")
    zone = _local(home)
    local = in_zone(start, zone)
    if local.minute % 15 or local.second:
        raise ToolError(f"viewings start on the quarter hour; {local.strftime('%H:%M')} local time is not one")
    end_local = local + timedelta(minutes=VIEWING_MINUTES)
    if local.time() < time(OPEN_HOUR) or end_local.time() > time(CLOSE_HOUR) or end_local.date() != local.date():
        raise ToolError(
            f"{local.strftime('%Y-%m-%d %H:%M')} local time in {home['city']} is outside viewing hours "
            f"({OPEN_HOUR}:00-{CLOSE_HOUR}:00, last start {CLOSE_HOUR - 1}:30)"
        )
    if start - ctx.now < MIN_NOTICE:
        raise ToolError(
            "viewings must be booked at least 2 hours ahead; it is now "
            f"{in_zone(ctx.now, zone).strftime('%Y-%m-%d %H:%M')} local time"
        )
    if start - ctx.now > MAX_AHEAD:
        raise ToolError("viewings can be booked at most 30 days ahead")
    address = email.strip().lower()
    for other in ctx.table("viewings").find(property_id=property_id, status="scheduled"):
        other_start = datetime.fromisoformat(other["start_time"])
        other_end = datetime.fromisoformat(other["end_time"])
        if other["email"] == address and other_end > ctx.now:
            raise ToolError(
                f"{address} already has a viewing of this property at {other['start_time']} ({other['viewing_id']})"
            )
        if other_start < start + timedelta(minutes=VIEWING_MINUTES) and start < other_end:
            raise ToolError(
                f"the property already has a viewing from {other['start_time']} to {other['end_time']}; "
                "pick another time"
            )
    row = ctx.table("viewings").insert(
        {
            "viewing_id": ctx.new_id("view"),
            "property_id": property_id,
            "name": " ".join(name.split()),
            "email": address,
            "phone": phone,
            "start_time": local.isoformat(),
            "end_time": end_local.isoformat(),
            "status": "scheduled",
            "created_at": ctx.now.isoformat(),
        }
    )
    return _viewing(ctx, row)


@environment.tool(effect="read")
def list_viewings(
    ctx: Context,
    property_id: str | None = None,
    email: str | None = None,
    status: Literal["scheduled", "cancelled", "completed"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> ViewingList:
    """List viewings by start time, for a property or a visitor (by email).

    Args:
        property_id: Only viewings of this property.
        email: Only viewings booked by this email address.
        status: Only viewings in this status.
        limit: At most this many viewings.
    """
    filters: dict[str, Any] = {}
    if property_id is not None:
        filters["property_id"] = property_id
    if email is not None:
        filters["email"] = email.strip().lower()
    if status is not None:
        filters["status"] = status
    rows = ctx.table("viewings").find(order_by="start_time", **filters)
    return {"viewings": [_viewing(ctx, row) for row in page(rows, limit)], "count": len(rows)}


@environment.tool(effect="write")
def cancel_viewing(ctx: Context, viewing_id: str) -> Viewing:
    """Cancel a scheduled viewing before it starts.

    Args:
        viewing_id: The viewing's id.
    """
    viewing = ctx.table("viewings").require(viewing_id, what="viewing")
    if viewing["status"] != "scheduled":
        raise ToolError(f"viewing {viewing_id} is {viewing['status']}; only scheduled viewings can be cancelled")
    if datetime.fromisoformat(viewing["start_time"]) <= ctx.now:
        raise ToolError(f"viewing {viewing_id} started at {viewing['start_time']}; it can no longer be cancelled")
    return _viewing(ctx, ctx.table("viewings").update(viewing_id, {"status": "cancelled"}))


@environment.tool(effect="write")
def submit_application(
    ctx: Context,
    property_id: str,
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    email: Annotated[str, Arg(format="email")],
    monthly_income: Annotated[float, Arg(minimum=0)],
    move_in_date: str,
    occupants: Annotated[int, Arg(minimum=1, maximum=12)] = 1,
    pets: bool = False,
    phone: str | None = None,
) -> Application:
    """Submit a rental application for a listed property.

    Args:
        property_id: The rental property's id.
        name: The applicant's full name.
        email: The applicant's email address.
        monthly_income: The applicant's gross monthly income in USD.
        move_in_date: The desired move-in date, YYYY-MM-DD.
        occupants: How many people will live there, the applicant included.
        pets: Whether the applicant has pets.
        phone: The applicant's phone number.
    """
    home = ctx.table("properties").require(property_id, what="property")
    if home["status"] != "active":
        raise ToolError(f"property {property_id} is {home['status']} and does not take applications")
    move_in = parse_date(move_in_date, "move_in_date")
    if move_in.isoformat() < home["available_date"]:
        raise ToolError(
            f"property {property_id} is available from {home['available_date']}; move_in_date {move_in} is earlier"
        )
    if move_in < ctx.today:
        raise ToolError(f"move_in_date {move_in} is in the past")
    limit = home["bedrooms"] * 2 + 1
    if occupants > limit:
        raise ToolError(f"a {home['bedrooms']}-bedroom home allows at most {limit} occupants; {occupants} given")
    if pets and not home["pets_allowed"]:
        raise ToolError(f"property {property_id} does not allow pets")
    address = email.strip().lower()
    existing = ctx.table("applications").first(property_id=property_id, email=address)
    if existing is not None and existing["status"] != "withdrawn":
        raise ToolError(
            f"{address} already applied for this property ({existing['application_id']}, {existing['status']})"
        )
    row = ctx.table("applications").insert(
        {
            "application_id": ctx.new_id("app"),
            "property_id": property_id,
            "name": " ".join(name.split()),
            "email": address,
            "phone": phone,
            "monthly_income": money(monthly_income),
            "occupants": occupants,
            "pets": pets,
            "move_in_date": move_in.isoformat(),
            "status": "submitted",
            "decision_note": None,
            "created_at": ctx.now.isoformat(),
            "decided_at": None,
        }
    )
    return _application(ctx, row)


@environment.tool(effect="read")
def list_applications(
    ctx: Context,
    property_id: str | None = None,
    status: Literal["submitted", "approved", "declined", "withdrawn"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> ApplicationList:
    """List rental applications, oldest first, with each applicant's income-to-rent ratio.

    Args:
        property_id: Only applications for this property.
        status: Only applications in this status.
        limit: At most this many applications.
    """
    filters: dict[str, Any] = {}
    if property_id is not None:
        ctx.table("properties").require(property_id, what="property")
        filters["property_id"] = property_id
    if status is not None:
        filters["status"] = status
    rows = ctx.table("applications").find(order_by="created_at", **filters)
    return {"applications": [_application(ctx, row) for row in page(rows, limit)], "count": len(rows)}


@environment.tool(effect="write")
def decide_application(
    ctx: Context,
    application_id: str,
    decision: Literal["approve", "decline"],
    note: str | None = None,
) -> Application:
    """Approve or decline a submitted application; approving one marks the listing pending and declines the rest.

    Args:
        application_id: The application's id.
        decision: approve or decline.
        note: The reason, shown to the applicant.
    """
    application = ctx.table("applications").require(application_id, what="application")
    if application["status"] != "submitted":
        raise ToolError(
            f"application {application_id} is {application['status']}; only submitted applications can be decided"
        )
    home = ctx.table("properties").require(application["property_id"], what="property")
    now = ctx.now.isoformat()
    if decision == "decline":
        updated = ctx.table("applications").update(
            application_id, {"status": "declined", "decision_note": note, "decided_at": now}
        )
        return _application(ctx, updated)
    if home["status"] != "active":
        raise ToolError(
            f"property {home['property_id']} is {home['status']}; an application was already approved "
            "or the listing is off the market"
        )
    if cents(application["monthly_income"]) < cents(home["price"] * INCOME_MULTIPLE):
        raise ToolError(
            f"income {application['monthly_income']:.2f} is below {INCOME_MULTIPLE} x the rent of {home['price']:.2f} "
            f"(needs {home['price'] * INCOME_MULTIPLE:.2f}); the application cannot be approved"
        )
    for other in ctx.table("applications").find(property_id=home["property_id"], status="submitted"):
        if other["application_id"] != application_id:
            ctx.table("applications").update(
                other["application_id"],
                {"status": "declined", "decision_note": "Another applicant was approved", "decided_at": now},
            )
    ctx.table("properties").update(home["property_id"], {"status": "pending"})
    updated = ctx.table("applications").update(
        application_id, {"status": "approved", "decision_note": note, "decided_at": now}
    )
    return _application(ctx, updated)


@environment.tool(effect="write")
def withdraw_application(ctx: Context, application_id: str) -> Application:
    """Withdraw a submitted application at the applicant's request.

    Args:
        application_id: The application's id.
    """
    application = ctx.table("applications").require(application_id, what="application")
    if application["status"] != "submitted":
        raise ToolError(
            f"application {application_id} is {application['status']}; only submitted applications can be withdrawn"
        )
    return _application(
        ctx,
        ctx.table("applications").update(application_id, {"status": "withdrawn", "decided_at": ctx.now.isoformat()}),
    )


# --- seed state ------------------------------------------------------------------------------


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    today = now.date()
    world = {c.name: c for c in fake.CITIES}
    homes: list[dict[str, Any]] = []
    city_names = rng.sample(sorted(CITIES), rng.randint(2, 3))
    count = max(6, ctx.size + ctx.size // 2)
    for index in range(count):
        city_name = city_names[index % len(city_names)]
        state, _zone, zip_prefix, streets, (low, high) = CITIES[city_name]
        kind = fake.choose_weighted(
            rng, {"Apartment": 0.45, "Condo": 0.2, "Townhouse": 0.15, "Single Family": 0.12, "Duplex": 0.08}
        )
        bedrooms = rng.choice((0, 1, 1, 2, 2, 3)) if kind in ("Apartment", "Condo") else rng.choice((2, 3, 3, 4))
        size_sqft = {0: 480, 1: 690, 2: 960, 3: 1350, 4: 1800}[bedrooms] + rng.randint(-80, 220)
        rent = round(rng.uniform(low, high) * max(1, bedrooms) * (0.85 if bedrooms >= 3 else 1.0) / 5) * 5
        street = f"{rng.randint(100, 4800)} {rng.choice(streets)}"
        if kind in ("Apartment", "Condo"):
            street += (
                f", Unit {rng.randint(1, 6)}{rng.choice('ABCDEF')}"
                if rng.random() < 0.5
                else f", Apt {rng.randint(101, 1204)}"
            )
        centre = world[city_name]
        status = fake.choose_weighted(rng, {"active": 0.75, "pending": 0.12, "inactive": 0.13})
        listed = today - timedelta(days=rng.randint(1, 70))
        available = max(today, listed) + timedelta(days=rng.choice((0, 0, 7, 14, 30, 45)))
        homes.append(
            {
                "property_id": seed_id(rng, "prop"),
                "address": street,
                "city": city_name,
                "state": state,
                "postal_code": zip_prefix + f"{rng.randint(0, 99):02d}",
                "country": "US",
                "latitude": round(centre.latitude + rng.uniform(-0.06, 0.06), 5),
                "longitude": round(centre.longitude + rng.uniform(-0.06, 0.06), 5),
                "property_type": kind,
                "bedrooms": bedrooms,
                "bathrooms": float(max(1, bedrooms - rng.choice((0, 1)))) + rng.choice((0.0, 0.5)),
                "square_feet": size_sqft,
                "year_built": rng.randint(1925, 2023),
                "price": float(max(rent, 850)),
                "currency": CURRENCY,
                "deposit": float(max(rent, 850)),
                "pets_allowed": rng.random() < 0.55,
                "status": status,
                "listed_date": listed.isoformat(),
                "available_date": available.isoformat(),
            }
        )
    people = fake.residents(ctx, max(6, ctx.size))
    viewings: list[dict[str, Any]] = []
    applications: list[dict[str, Any]] = []
    for home in homes:
        zone = CITIES[home["city"]][1]
        taken: set[str] = set()
        visitors = rng.sample(people, rng.randint(0, 3))
        for visitor in visitors:
            day = today + timedelta(days=rng.randint(-10, 12))
            start = datetime.combine(
                day, time(rng.randint(OPEN_HOUR, CLOSE_HOUR - 1), rng.choice((0, 30))), tzinfo=zone_on(zone, day)
            )
            if start.isoformat() in taken:
                continue
            taken.add(start.isoformat())
            past = start < now
            status = (
                ("completed" if rng.random() < 0.85 else "cancelled")
                if past
                else ("scheduled" if rng.random() < 0.85 else "cancelled")
            )
            if home["status"] != "active" and not past:
                status = "cancelled"
            viewings.append(
                {
                    "viewing_id": seed_id(rng, "view"),
                    "property_id": home["property_id"],
                    "name": visitor.person.full_name,
                    "email": visitor.person.email,
                    "phone": visitor.person.phone,
                    "start_time": start.isoformat(),
                    "end_time": (start + timedelta(minutes=VIEWING_MINUTES)).isoformat(),
                    "status": status,
                    "created_at": (min(start, now) - timedelta(days=rng.randint(1, 5))).isoformat(),
                }
            )
        applicants = rng.sample(people, rng.randint(0, 2)) if home["status"] != "inactive" else []
        approved_one = False
        for applicant in applicants:
            ratio = rng.choice((2.4, 2.8, 3.1, 3.5, 4.2))
            created = now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12))
            if home["status"] == "pending" and not approved_one:
                status, ratio, approved_one = "approved", max(ratio, 3.2), True
            elif home["status"] == "pending":
                status = "declined"
            else:
                status = fake.choose_weighted(rng, {"submitted": 0.7, "withdrawn": 0.1, "declined": 0.2})
            if status == "declined":
                ratio = min(ratio, 2.8)
            applications.append(
                {
                    "application_id": seed_id(rng, "app"),
                    "property_id": home["property_id"],
                    "name": applicant.person.full_name,
                    "email": applicant.person.email,
                    "phone": applicant.person.phone,
                    "monthly_income": money(round(home["price"] * ratio / 50) * 50),
                    "occupants": rng.randint(1, max(1, home["bedrooms"] * 2)),
                    "pets": home["pets_allowed"] and rng.random() < 0.3,
                    "move_in_date": (
                        date.fromisoformat(home["available_date"]) + timedelta(days=rng.choice((0, 1, 14, 30)))
                    ).isoformat(),
                    "status": status,
                    "decision_note": {
                        "approved": "Income and references verified",
                        "declined": "Income below 3x rent",
                    }.get(status),
                    "created_at": created.isoformat(),
                    "decided_at": (created + timedelta(days=1)).isoformat()
                    if status in ("approved", "declined", "withdrawn")
                    else None,
                }
            )
        if home["status"] == "pending" and not approved_one:
            home["status"] = "active"
    return {"properties": homes, "viewings": viewings, "applications": applications}
