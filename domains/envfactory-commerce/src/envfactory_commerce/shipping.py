"""A multi-carrier shipping account after the Shippo API: addresses, shipments, rates, labels, tracking.

As in Shippo, creating a shipment (sender, recipient, parcel) returns rates from several carriers;
buying a rate makes a label (a Shippo "transaction") with a tracking number; tracking shows the
carrier's status history; an unused label can be refunded. The account ships from the United
States and pays in USD.
"""

from __future__ import annotations

import math
import random
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import digits, money, page, seed_id
from envfactory_core.models import Provenance

CURRENCY = "USD"
RATE_VALID_DAYS = 7
REFUND_DAYS = 30
MAX_WEIGHT_KG = 68.0
DIM_DIVISOR = 5000  # cm³ per kg of dimensional weight

POLICY = f"""\
Shipping account rules (after Shippo's shipments, rates, transactions and refunds):
- Addresses are validated before a shipment is created: a street address needs a house number, and
  postal codes must fit the country's format (US ZIP 12345 or 12345-6789, matching the city for the
  cities the carriers know; Canada A1A 1A1; United Kingdom e.g. EH1 2AB).
- International shipments (outside the sender's country) need a customs declaration: declared_value
  in USD and a description of the contents.
- Parcels weigh at most {MAX_WEIGHT_KG:g} kg. Carriers are only offered when the parcel fits their limits
  (USPS: 31.5 kg and length plus girth at most 274 cm). Rates use the billable weight, the larger of the
  actual and the dimensional weight (L x W x H / {DIM_DIVISOR} in cm and kg).
- Rates are valid for {RATE_VALID_DAYS} days after the shipment was created; after that, create a new shipment.
- A shipment has at most one active label.
- A label can be refunded only while unused (the carrier has not scanned it: tracking status
  UNKNOWN or PRE_TRANSIT) and within {REFUND_DAYS} days of its purchase.
"""

environment = Environment(
    name="shipping",
    domain="commerce",
    description=(
        "A multi-carrier shipping account after the Shippo API's addresses, shipments, rates, transactions "
        "(labels), tracks and refunds endpoints: validate addresses, create shipments and compare USPS, UPS, "
        "FedEx and DHL rates, buy labels with tracking numbers, track parcels and refund unused labels."
    ),
    tables=[
        table(
            "addresses",
            primary_key="address_id",
            address_id=str,
            name=str,
            company=str | None,
            address=str,
            city=str,
            postal_code=str,
            country=str,
            email=str,
            phone=str,
            is_default_sender=bool,
        ),
        table(
            "shipments",
            primary_key="shipment_id",
            shipment_id=str,
            order_id=str | None,
            address_id=str,
            name=str,
            email=str | None,
            phone=str | None,
            address=str,
            city=str,
            postal_code=str,
            country=str,
            parcel=dict,
            declared_value=float | None,
            contents=str | None,
            status=str,
            created_at=str,
        ),
        table(
            "rates",
            primary_key="rate_id",
            rate_id=str,
            shipment_id=str,
            carrier=str,
            service=str,
            amount=float,
            currency=str,
            estimated_days=int,
            valid_until=str,
        ),
        table(
            "labels",
            primary_key="label_id",
            label_id=str,
            shipment_id=str,
            rate_id=str,
            order_id=str | None,
            tracking_number=str,
            carrier=str,
            service=str,
            amount=float,
            currency=str,
            status=str,
            label_url=str,
            created_at=str,
            refunded_at=str | None,
        ),
        table(
            "tracking",
            primary_key="tracking_number",
            tracking_number=str,
            carrier=str,
            label_id=str,
            status=str,
            status_details=str,
            eta=str | None,
            events=list,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source="Shippo API: Addresses (validation), Shipments, Rates, Transactions, Tracks and Refunds endpoints",
        url="https://docs.goshippo.com/shippoapi/public-api/",
    ),
)

# (carrier, service, base USD, USD per billable kg, days, max kg, max length+girth cm)
DOMESTIC_SERVICES: tuple[tuple[str, str, float, float, int, float, float], ...] = (
    ("USPS", "Ground Advantage", 5.40, 2.10, 4, 31.5, 274),
    ("USPS", "Priority Mail", 8.70, 2.90, 2, 31.5, 274),
    ("USPS", "Priority Mail Express", 27.50, 4.80, 1, 31.5, 274),
    ("UPS", "Ground", 9.80, 1.70, 4, 68, 419),
    ("UPS", "2nd Day Air", 21.40, 3.90, 2, 68, 419),
    ("FedEx", "Home Delivery", 10.20, 1.80, 3, 68, 419),
    ("FedEx", "2Day", 23.10, 4.10, 2, 68, 419),
)
INTERNATIONAL_SERVICES: tuple[tuple[str, str, float, float, int, float, float], ...] = (
    ("USPS", "Priority Mail International", 44.00, 9.50, 8, 20, 274),
    ("DHL Express", "Express Worldwide", 52.00, 11.20, 3, 68, 419),
    ("UPS", "Worldwide Saver", 61.00, 12.50, 3, 68, 419),
    ("FedEx", "International Priority", 58.00, 12.00, 3, 68, 419),
)
# First ZIP digits of the cities the carriers' address database knows.
KNOWN_ZIPS = {"austin": "787", "seattle": "981", "chicago": "606", "boston": "021", "denver": "802"}
POSTAL_FORMATS = {
    "US": (r"^\d{5}(-\d{4})?$", "12345 or 12345-6789"),
    "CA": (r"^[A-Z]\d[A-Z] ?\d[A-Z]\d$", "A1A 1A1"),
    "GB": (r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", "EH1 2AB"),
}
TRACKING_STATUSES = ("UNKNOWN", "PRE_TRANSIT", "TRANSIT", "DELIVERED", "RETURNED", "FAILURE")


# --- output records --------------------------------------------------------------------------


class AddressCheck(TypedDict):
    """The result of validating an address.

    Args:
        is_valid: Whether carriers will accept the address.
        messages: What is wrong, one message per problem (empty when valid).
        address: The street address, normalised.
        postal_code: The postal code, normalised.
        country: ISO 3166 alpha-2 country code.
    """

    is_valid: bool
    messages: list[str]
    address: str
    city: str
    postal_code: str
    country: str


class Parcel(TypedDict):
    """A parcel's weight and dimensions.

    Args:
        weight_kg: Weight in kilograms.
        length_cm: Longest side in centimetres.
    """

    weight_kg: float
    length_cm: float
    width_cm: float
    height_cm: float


class Rate(TypedDict):
    """A carrier's price for a shipment.

    Args:
        rate_id: The rate's id; buy it with purchase_label.
        carrier: The carrier, e.g. USPS.
        service: The carrier's service level, e.g. Priority Mail.
        amount: Price of the label in USD.
        currency: ISO 4217 code of the price (USD).
        estimated_days: Expected days in transit.
        valid_until: The last date the rate can be bought.
    """

    rate_id: str
    carrier: str
    service: str
    amount: float
    currency: str
    estimated_days: int
    valid_until: str


class Label(TypedDict):
    """A purchased shipping label.

    Args:
        label_id: The label's id.
        tracking_number: The carrier's tracking number for the parcel.
        carrier: The carrier that moves the parcel.
        amount: Price paid for the label in USD.
        status: SUCCESS (usable) or REFUNDED.
        label_url: Where to download the printable label.
    """

    label_id: str
    shipment_id: str
    rate_id: str
    order_id: str | None
    tracking_number: str
    carrier: str
    service: str
    amount: float
    currency: str
    status: Literal["SUCCESS", "REFUNDED"]
    label_url: str
    created_at: str
    refunded_at: str | None


class Shipment(TypedDict):
    """A shipment: sender, recipient, parcel, its rates and its label.

    Args:
        shipment_id: The shipment's id.
        order_id: The store order (or marketplace receipt) this shipment fulfils, if given.
        address_id: The sender address's id.
        name: The recipient's full name.
        email: The recipient's email address.
        address: The recipient's street address.
        city: The recipient's city.
        postal_code: The recipient's postal code.
        country: The recipient's country, ISO 3166 alpha-2 code.
        status: rates_ready (no label yet) or label_purchased.
        label: The active or refunded label, null before a purchase.
    """

    shipment_id: str
    order_id: str | None
    address_id: str
    name: str
    email: str | None
    phone: str | None
    address: str
    city: str
    postal_code: str
    country: str
    parcel: Parcel
    declared_value: float | None
    contents: str | None
    status: Literal["rates_ready", "label_purchased"]
    created_at: str
    rates: list[Rate]
    label: Label | None


class ShipmentList(TypedDict):
    shipments: list[Shipment]
    count: int


class TrackingEvent(TypedDict):
    status: str
    details: str
    location: str
    occurred_at: str


class Tracking(TypedDict):
    """A parcel's tracking status and history.

    Args:
        tracking_number: The carrier's tracking number.
        carrier: The carrier.
        status: UNKNOWN, PRE_TRANSIT (label created, not scanned), TRANSIT, DELIVERED, RETURNED or FAILURE.
        status_details: The latest event in words.
        eta: The expected delivery date, if known.
        events: The history, oldest first.
    """

    tracking_number: str
    carrier: str
    label_id: str
    status: Literal["UNKNOWN", "PRE_TRANSIT", "TRANSIT", "DELIVERED", "RETURNED", "FAILURE"]
    status_details: str
    eta: str | None
    events: list[TrackingEvent]


class Refund(TypedDict):
    """A label refund.

    Args:
        label_id: The refunded label.
        amount: Amount credited back in USD.
    """

    label_id: str
    shipment_id: str
    tracking_number: str
    status: Literal["REFUNDED"]
    amount: float
    currency: str
    refunded_at: str


# --- rules -----------------------------------------------------------------------------------


def check_address(address: str, city: str, postal_code: str, country: str) -> AddressCheck:
    """Validate an address the way a carrier's address service would; never raises."""
    street = " ".join(address.split())
    town = " ".join(city.split())
    code = " ".join(postal_code.upper().split())
    nation = country.strip().upper()
    messages: list[str] = []
    if not street:
        messages.append("address is empty")
    elif not any(ch.isdigit() for ch in street):
        messages.append(f"address {street!r} has no house number")
    if not town:
        messages.append("city is empty")
    if not re.fullmatch(r"[A-Z]{2}", nation):
        messages.append(f"country {country!r} is not an ISO 3166 alpha-2 code such as US or DE")
    pattern, example = POSTAL_FORMATS.get(nation, (r"^[A-Z0-9][A-Z0-9 -]{1,9}$", "the national format"))
    if not re.fullmatch(pattern, code):
        messages.append(f"postal code {postal_code!r} does not fit the {nation} format ({example})")
    elif nation == "US":
        expected = KNOWN_ZIPS.get(town.casefold())
        if expected and not code.startswith(expected):
            messages.append(f"ZIP {code} is not in {town} (ZIP codes there start with {expected})")
    return {
        "is_valid": not messages,
        "messages": messages,
        "address": street,
        "city": town,
        "postal_code": code,
        "country": nation,
    }


def billable_weight(parcel: Parcel) -> float:
    dimensional = parcel["length_cm"] * parcel["width_cm"] * parcel["height_cm"] / DIM_DIVISOR
    return max(parcel["weight_kg"], dimensional)


def quote(parcel: Parcel, domestic: bool, nearby: bool) -> list[tuple[str, str, float, int]]:
    """Carrier, service, price and days for every service the parcel fits."""
    sides = sorted((parcel["length_cm"], parcel["width_cm"], parcel["height_cm"]), reverse=True)
    length_plus_girth = sides[0] + 2 * (sides[1] + sides[2])
    weight = math.ceil(billable_weight(parcel) * 2) / 2
    quotes = []
    for carrier, service, base, per_kg, days, max_kg, max_size in (
        DOMESTIC_SERVICES if domestic else INTERNATIONAL_SERVICES
    ):
        if parcel["weight_kg"] > max_kg or length_plus_girth > max_size:
            continue
        price = base + per_kg * weight
        if not domestic and nearby:
            price *= 0.8
        quotes.append((carrier, service, money(price), days if domestic or not nearby else max(2, days - 1)))
    return quotes


def _rates(ctx: Context, shipment_id: str) -> list[Rate]:
    rows = ctx.table("rates").find(shipment_id=shipment_id, order_by="amount")
    return [{key: row[key] for key in Rate.__annotations__} for row in rows]  # type: ignore[misc]


def _shipment(ctx: Context, row: dict[str, Any]) -> Shipment:
    labels = ctx.table("labels").find(shipment_id=row["shipment_id"], order_by="created_at", descending=True)
    active = [label for label in labels if label["status"] == "SUCCESS"]
    label = active[0] if active else (labels[0] if labels else None)
    return {**row, "rates": _rates(ctx, row["shipment_id"]), "label": label}  # type: ignore[typeddict-item]


def _rate(rate_id: str, shipment_id: str, offer: tuple[str, str, float, int], valid_until: str) -> dict[str, Any]:
    """A rate row for one carrier's offer (from :func:`quote`) on a shipment."""
    carrier, service, amount, days = offer
    return {
        "rate_id": rate_id,
        "shipment_id": shipment_id,
        "carrier": carrier,
        "service": service,
        "amount": amount,
        "currency": CURRENCY,
        "estimated_days": days,
        "valid_until": valid_until,
    }


def tracking_number(rng: random.Random, carrier: str) -> str:
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6)) + digits(rng, 10)
    if carrier == "FedEx":
        return digits(rng, 12)
    if carrier == "DHL Express":
        return digits(rng, 10)
    return "9400" + digits(rng, 18)


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def validate_address(
    ctx: Context, address: str, city: str, postal_code: str, country: Annotated[str, Arg(min_length=2, max_length=2)]
) -> AddressCheck:
    """Check that carriers will accept an address (house number, postal code format, ZIP matching the city).

    Args:
        address: Street address with house number, e.g. "42 Market Street".
        city: The city.
        postal_code: The postal or ZIP code.
        country: ISO 3166 alpha-2 country code, e.g. US or GB.
    """
    return check_address(address, city, postal_code, country)


@environment.tool(effect="write")
def create_shipment(
    ctx: Context,
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    address: str,
    city: str,
    postal_code: str,
    country: Annotated[str, Arg(min_length=2, max_length=2)],
    weight_kg: Annotated[float, Arg(minimum=0.01, maximum=150)],
    length_cm: Annotated[float, Arg(minimum=1, maximum=300)],
    width_cm: Annotated[float, Arg(minimum=1, maximum=300)],
    height_cm: Annotated[float, Arg(minimum=1, maximum=300)],
    email: str | None = None,
    phone: str | None = None,
    order_id: str | None = None,
    declared_value: Annotated[float, Arg(minimum=0)] | None = None,
    contents: str | None = None,
    address_id: str | None = None,
) -> Shipment:
    """Create a shipment to a recipient and get rates from every carrier that can take the parcel.

    Args:
        name: Full name of the recipient the order ships to.
        address: Street address, with house number, that the order ships to.
        city: City the order ships to.
        postal_code: Postal or ZIP code the order ships to.
        country: Country the order ships to, ISO 3166 alpha-2 code.
        weight_kg: Parcel weight in kilograms.
        length_cm: Parcel length in centimetres.
        width_cm: Parcel width in centimetres.
        height_cm: Parcel height in centimetres.
        email: The recipient's email address, for the carrier's delivery notices.
        phone: The recipient's phone number.
        order_id: The store order (or marketplace receipt) this shipment fulfils.
        declared_value: Customs value of the contents in USD (required outside the sender's country).
        contents: Customs description of the contents, e.g. "ceramic mugs" (required outside the sender's country).
        address_id: The sender address's id (default: the account's default sender).
    """
    if address_id is None:
        sender = ctx.table("addresses").first(is_default_sender=True)
        if sender is None:
            raise ToolError("the account has no default sender address; give address_id")
    else:
        sender = ctx.table("addresses").require(address_id, what="sender address")
    checked = check_address(address, city, postal_code, country)
    if not checked["is_valid"]:
        raise ToolError("the recipient address is not valid: " + "; ".join(checked["messages"]))
    if weight_kg > MAX_WEIGHT_KG:
        raise ToolError(f"parcels weigh at most {MAX_WEIGHT_KG:g} kg; this one weighs {weight_kg:g} kg: split it")
    domestic = checked["country"] == sender["country"]
    if not domestic:
        missing = [name for name, value in (("declared_value", declared_value), ("contents", contents)) if not value]
        if missing:
            raise ToolError(
                f"shipping from {sender['country']} to {checked['country']} needs a customs declaration: "
                f"give {' and '.join(missing)}"
            )
    parcel: Parcel = {
        "weight_kg": round(float(weight_kg), 3),
        "length_cm": round(float(length_cm), 1),
        "width_cm": round(float(width_cm), 1),
        "height_cm": round(float(height_cm), 1),
    }
    quotes = quote(parcel, domestic, nearby=checked["country"] in ("CA", "MX"))
    if not quotes:
        raise ToolError("the parcel exceeds every carrier's size or weight limit; use a smaller box or split it")
    shipment_id = ctx.new_id("shp")
    valid_until = (ctx.today + timedelta(days=RATE_VALID_DAYS)).isoformat()
    for offer in quotes:
        ctx.table("rates").insert(_rate(ctx.new_id("rate"), shipment_id, offer, valid_until))
    row = ctx.table("shipments").insert(
        {
            "shipment_id": shipment_id,
            "order_id": order_id,
            "address_id": sender["address_id"],
            "name": " ".join(name.split()),
            "email": email,
            "phone": phone,
            "address": checked["address"],
            "city": checked["city"],
            "postal_code": checked["postal_code"],
            "country": checked["country"],
            "parcel": dict(parcel),
            "declared_value": money(declared_value) if declared_value is not None and not domestic else None,
            "contents": contents if not domestic else None,
            "status": "rates_ready",
            "created_at": ctx.now.isoformat(),
        }
    )
    return _shipment(ctx, row)


@environment.tool(effect="read")
def get_shipment(ctx: Context, shipment_id: str) -> Shipment:
    """Get a shipment with its rates (cheapest first) and its label.

    Args:
        shipment_id: The shipment's id.
    """
    return _shipment(ctx, ctx.table("shipments").require(shipment_id, what="shipment"))


@environment.tool(effect="read")
def list_shipments(
    ctx: Context,
    order_id: str | None = None,
    status: Literal["rates_ready", "label_purchased"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ShipmentList:
    """List shipments, newest first, optionally for one order or by status.

    Args:
        order_id: Only shipments for this store order or marketplace receipt.
        status: Only shipments without a label yet (rates_ready) or with one (label_purchased).
        limit: At most this many shipments.
        offset: Skip this many shipments (for paging).
    """
    filters: dict[str, Any] = {}
    if order_id is not None:
        filters["order_id"] = order_id
    if status is not None:
        filters["status"] = status
    rows = ctx.table("shipments").find(order_by="created_at", descending=True, **filters)
    return {"shipments": [_shipment(ctx, row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="write")
def purchase_label(
    ctx: Context,
    rate_id: str,
    label_file_type: Annotated[Literal["PDF", "PNG", "ZPLII"], Arg(mask=True)] = "PDF",
) -> Label:
    """Buy a rate: creates the shipping label and its tracking number.

    Args:
        rate_id: The rate to buy, from the shipment's rates.
        label_file_type: The label's file format.
    """
    rate = ctx.table("rates").require(rate_id, what="rate")
    shipment = ctx.table("shipments").require(rate["shipment_id"], what="shipment")
    if shipment["status"] == "label_purchased":
        active = ctx.table("labels").first(shipment_id=shipment["shipment_id"], status="SUCCESS")
        number = active["tracking_number"] if active else "unknown"
        raise ToolError(
            f"shipment {shipment['shipment_id']} already has a label (tracking {number}); "
            "refund it before buying another"
        )
    if ctx.today.isoformat() > rate["valid_until"]:
        raise ToolError(f"rate {rate_id} expired on {rate['valid_until']}; create a new shipment for current rates")
    label_id = ctx.new_id("lbl")
    number = tracking_number(ctx.rng, rate["carrier"])
    extension = {"PDF": "pdf", "PNG": "png", "ZPLII": "zpl"}[label_file_type]
    label = ctx.table("labels").insert(
        {
            "label_id": label_id,
            "shipment_id": shipment["shipment_id"],
            "rate_id": rate_id,
            "order_id": shipment["order_id"],
            "tracking_number": number,
            "carrier": rate["carrier"],
            "service": rate["service"],
            "amount": rate["amount"],
            "currency": rate["currency"],
            "status": "SUCCESS",
            "label_url": f"https://labels.shipping.example.com/{label_id}.{extension}",
            "created_at": ctx.now.isoformat(),
            "refunded_at": None,
        }
    )
    sender = ctx.table("addresses").require(shipment["address_id"], what="sender address")
    ctx.table("tracking").upsert(
        {
            "tracking_number": number,
            "carrier": rate["carrier"],
            "label_id": label_id,
            "status": "PRE_TRANSIT",
            "status_details": "Shipping label created; the carrier has not received the parcel yet",
            "eta": (ctx.today + timedelta(days=rate["estimated_days"] + 1)).isoformat(),
            "events": [
                {
                    "status": "PRE_TRANSIT",
                    "details": "Shipping label created",
                    "location": f"{sender['city']}, {sender['country']}",
                    "occurred_at": ctx.now.isoformat(),
                }
            ],
        }
    )
    ctx.table("shipments").update(shipment["shipment_id"], {"status": "label_purchased"})
    return label  # type: ignore[return-value]


@environment.tool(effect="read")
def get_tracking(ctx: Context, tracking_number: str, carrier: str | None = None) -> Tracking:
    """Get a parcel's tracking status, expected delivery date and history.

    Args:
        tracking_number: The carrier's tracking number.
        carrier: The carrier, e.g. USPS; checked against the tracking number when given.
    """
    found = ctx.table("tracking").get("".join(tracking_number.split()).upper())
    if found is None:
        raise ToolError(f"tracking number {tracking_number!r} is unknown to this account's carriers")
    if carrier is not None and carrier.casefold() != found["carrier"].casefold():
        raise ToolError(f"tracking number {tracking_number} belongs to {found['carrier']}, not {carrier}")
    return found  # type: ignore[return-value]


@environment.tool(effect="write")
def refund_label(ctx: Context, label_id: str) -> Refund:
    """Refund an unused label (not yet scanned by the carrier) within 30 days of its purchase.

    Args:
        label_id: The label's id.
    """
    label = ctx.table("labels").require(label_id, what="label")
    if label["status"] == "REFUNDED":
        raise ToolError(f"label {label_id} was already refunded on {str(label['refunded_at'])[:10]}")
    track = ctx.table("tracking").get(label["tracking_number"])
    if track is not None and track["status"] not in ("UNKNOWN", "PRE_TRANSIT"):
        raise ToolError(
            f"label {label_id} has been used: the parcel is {track['status']} ({track['status_details']}); "
            "used labels cannot be refunded"
        )
    bought = datetime.fromisoformat(label["created_at"])
    if ctx.now - bought > timedelta(days=REFUND_DAYS):
        raise ToolError(
            f"label {label_id} was bought on {label['created_at'][:10]}; "
            f"labels can only be refunded within {REFUND_DAYS} days"
        )
    refunded_at = ctx.now.isoformat()
    ctx.table("labels").update(label_id, {"status": "REFUNDED", "refunded_at": refunded_at})
    if track is not None:
        ctx.table("tracking").update(
            label["tracking_number"],
            {
                "status": "UNKNOWN",
                "status_details": "Label refunded; the carrier will not accept this tracking number",
                "eta": None,
            },
        )
    ctx.table("shipments").update(label["shipment_id"], {"status": "rates_ready"})
    return {
        "label_id": label_id,
        "shipment_id": label["shipment_id"],
        "tracking_number": label["tracking_number"],
        "status": "REFUNDED",
        "amount": label["amount"],
        "currency": label["currency"],
        "refunded_at": refunded_at,
    }


# --- seed state ------------------------------------------------------------------------------

SENDERS = (
    ("Harborview Logistics", "Austin", "TX"),
    ("Atlas Freight", "Chicago", "IL"),
    ("Northwind Traders", "Seattle", "WA"),
    ("Kestrel Outdoor", "Denver", "CO"),
)
PARCELS = (
    ("small box", (0.2, 1.2), (20, 15, 8)),
    ("medium box", (1.0, 4.5), (35, 25, 15)),
    ("large box", (3.0, 12.0), (50, 40, 30)),
    ("padded mailer", (0.1, 0.6), (30, 22, 3)),
    ("tube", (0.3, 1.0), (75, 10, 10)),
)
WAREHOUSE_STREETS = ("Commerce Park Drive", "Industrial Boulevard", "Warehouse Road", "Logistics Way")
CONTENTS = (
    "ceramic mugs",
    "knitted scarf",
    "art prints",
    "soy candles",
    "cotton t-shirts",
    "wooden cutting board",
    "books",
)
HUBS = {"USPS": "Network Distribution Center", "UPS": "Hub", "FedEx": "Hub", "DHL Express": "Gateway"}


def _events(
    rng: random.Random, status: str, carrier: str, created: datetime, now: datetime, origin: str, destination: str
) -> list[dict[str, str]]:
    """A carrier's scan history ending in ``status``, every scan between ``created`` and ``now``."""
    steps = [
        ("TRANSIT", "Accepted at origin facility", origin, rng.randint(4, 20)),
        ("TRANSIT", f"Departed {carrier} {HUBS[carrier]}", origin, rng.randint(10, 30)),
    ]
    if status in ("DELIVERED", "FAILURE", "RETURNED"):
        final = {
            "DELIVERED": "Delivered, front door or porch",
            "FAILURE": "Delivery attempted: no access to delivery location",
            "RETURNED": "Returned to sender: addressee unknown",
        }[status]
        steps += [
            ("TRANSIT", "Out for delivery", destination, rng.randint(10, 40)),
            (status, final, destination, rng.randint(2, 8)),
        ]
    if status == "PRE_TRANSIT":
        steps = []
    available = (now - created).total_seconds() / 3600
    total = sum(hours for *_, hours in steps)
    scale = min(1.0, 0.9 * available / total) if total else 1.0
    events = [
        {
            "status": "PRE_TRANSIT",
            "details": "Shipping label created",
            "location": origin,
            "occurred_at": created.isoformat(),
        }
    ]
    moment = created
    for event_status, details, location, hours in steps:
        moment += timedelta(minutes=max(1, int(hours * 60 * scale)))
        events.append(
            {"status": event_status, "details": details, "location": location, "occurred_at": moment.isoformat()}
        )
    return events


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    today: date = now.date()
    cities = {c.name: c for c in fake.CITIES}
    addresses: list[dict[str, Any]] = []
    for index, (company, city_name, _state) in enumerate(rng.sample(SENDERS, rng.randint(1, 2))):
        contact = fake.person(rng)
        city = cities[city_name]
        addresses.append(
            {
                "address_id": seed_id(rng, "addr"),
                "name": contact.full_name,
                "company": company,
                "address": f"{rng.randint(100, 9800)} {rng.choice(WAREHOUSE_STREETS)}",
                "city": city.name,
                "postal_code": KNOWN_ZIPS[city.name.casefold()] + digits(rng, 2),
                "country": "US",
                "email": f"shipping@{fake.slug(company)}.example.com",
                "phone": fake.phone(rng, "US"),
                "is_default_sender": index == 0,
            }
        )
    recipients = fake.residents(ctx, max(4, ctx.size))
    shipments: list[dict[str, Any]] = []
    rates: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    tracking: list[dict[str, Any]] = []
    for _ in range(max(4, ctx.size)):
        sender = rng.choice(addresses)
        person = rng.choice(recipients)
        _kind, (low, high), (length, width, height) = rng.choice(PARCELS)
        parcel: Parcel = {
            "weight_kg": round(rng.uniform(low, high), 2),
            "length_cm": float(length),
            "width_cm": float(width),
            "height_cm": float(height),
        }
        created = fake.datetime_between(rng, now - timedelta(days=25), now - timedelta(hours=1), minute_step=1)
        shipment_id = seed_id(rng, "shp")
        domestic = person.country == sender["country"]
        valid_until = (created.date() + timedelta(days=RATE_VALID_DAYS)).isoformat()
        quotes = quote(parcel, domestic, nearby=person.country in ("CA", "MX"))
        shipment_rates = [_rate(seed_id(rng, "rate"), shipment_id, offer, valid_until) for offer in quotes]
        rates.extend(shipment_rates)
        bought = shipment_rates and rng.random() < 0.75
        status = "label_purchased" if bought else "rates_ready"
        if bought:
            rate = rng.choice(shipment_rates)
            label_id = seed_id(rng, "lbl")
            number = tracking_number(rng, rate["carrier"])
            label_time = created + timedelta(minutes=rng.randint(2, 90))
            age = now - label_time
            if age < timedelta(days=1):
                track_status = "PRE_TRANSIT"
            elif age < timedelta(days=rate["estimated_days"] + 1):
                track_status = rng.choice(("PRE_TRANSIT", "TRANSIT", "TRANSIT"))
            else:
                track_status = fake.choose_weighted(
                    rng, {"DELIVERED": 0.8, "TRANSIT": 0.08, "FAILURE": 0.06, "RETURNED": 0.06}
                )
            refunded = track_status == "PRE_TRANSIT" and age > timedelta(days=2) and rng.random() < 0.5
            labels.append(
                {
                    "label_id": label_id,
                    "shipment_id": shipment_id,
                    "rate_id": rate["rate_id"],
                    "order_id": None,
                    "tracking_number": number,
                    "carrier": rate["carrier"],
                    "service": rate["service"],
                    "amount": rate["amount"],
                    "currency": CURRENCY,
                    "status": "REFUNDED" if refunded else "SUCCESS",
                    "label_url": f"https://labels.shipping.example.com/{label_id}.pdf",
                    "created_at": label_time.isoformat(),
                    "refunded_at": (label_time + timedelta(days=2)).isoformat() if refunded else None,
                }
            )
            origin = f"{sender['city']}, {sender['country']}"
            destination = f"{person.city}, {person.country}"
            events = _events(rng, track_status, rate["carrier"], label_time, now, origin, destination)
            eta = (label_time.date() + timedelta(days=rate["estimated_days"] + 1)).isoformat()
            tracking.append(
                {
                    "tracking_number": number,
                    "carrier": rate["carrier"],
                    "label_id": label_id,
                    "status": "UNKNOWN" if refunded else track_status,
                    "status_details": "Label refunded; the carrier will not accept this tracking number"
                    if refunded
                    else events[-1]["details"],
                    "eta": None
                    if refunded or track_status in ("RETURNED", "FAILURE")
                    else (
                        events[-1]["occurred_at"][:10] if track_status == "DELIVERED" else max(eta, today.isoformat())
                    ),
                    "events": events,
                }
            )
            if refunded:
                status = "rates_ready"
        order_id = seed_id(rng, "order") if rng.random() < 0.5 else None
        if bought and order_id:
            labels[-1]["order_id"] = order_id
        shipments.append(
            {
                "shipment_id": shipment_id,
                "order_id": order_id,
                "address_id": sender["address_id"],
                "name": person.person.full_name,
                "email": person.person.email,
                "phone": person.person.phone,
                "address": person.address,
                "city": person.city,
                "postal_code": person.postal_code,
                "country": person.country,
                "parcel": dict(parcel),
                "declared_value": None if domestic else fake.amount(rng, 20, 250),
                "contents": None if domestic else rng.choice(CONTENTS),
                "status": status,
                "created_at": created.isoformat(),
            }
        )
    return {"addresses": addresses, "shipments": shipments, "rates": rates, "labels": labels, "tracking": tracking}
