"""Event ticketing after the Eventbrite API: events, ticket classes, orders, attendees, refunds.

Events move through Eventbrite's statuses (draft, live, started, ended, canceled); ticket classes
have a capacity, a sales window and a per-order maximum; an order creates one attendee per ticket and
charges the ticket price plus Eventbrite's service fee (3.7% plus 1.79 per paid ticket). Refunds
follow the event's refund policy (none, or up to 1, 7 or 30 days before the start), as organizers
set it on Eventbrite; cancelling an event refunds every order.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import LOCAL_CITIES, NOW, iso, local_zone, parse_day

__all__ = ["environment"]

DIGITS = "0123456789"
FEE_PERCENT = 3.7
FEE_PER_TICKET = 1.79
CHECK_IN_OPENS_HOURS = 2
REFUND_DAYS = {"no_refunds": None, "1_day": 1, "7_days": 7, "30_days": 30}
TICKETING_CURRENCIES = {"USD", "CAD", "EUR", "GBP", "AUD", "NZD"}

POLICY = """\
Ticketing rules:
- Tickets are sold only for live events, inside the ticket class's sales window, up to the class's
  per-order maximum, while the class and the event have capacity left.
- An order's amount is the ticket price times the quantity plus the service fee (3.7% of the price
  plus 1.79 per paid ticket, in the event's currency); free tickets carry no fee.
- Refunds follow the event's refund policy: "no_refunds" never; "1_day", "7_days" or "30_days" until
  that many days before the event starts. Started, ended or cancelled events are not refunded through
  orders, and an order with a checked-in attendee cannot be refunded. A refund returns the full
  amount including fees and releases the tickets.
- Cancelling an event (draft or live, before it starts) refunds every placed order in full.
- Check-in opens 2 hours before the event starts and closes when it ends; each attendee checks in once.
"""

environment = Environment(
    name="events",
    domain="lifestyle",
    description=(
        "Event ticketing after the Eventbrite API's events, ticket classes, orders and attendees endpoints: "
        "search events, buy tickets within capacity and sales windows, look up orders, refund them under the "
        "event's refund policy, cancel events and check attendees in at the door."
    ),
    tables=[
        table(
            "venues",
            primary_key="venue_id",
            venue_id=str,
            name=str,
            address=str,
            city=str,
            country=str,
            postal_code=str,
            utc_offset=str,
            capacity=int,
        ),
        table("organizers", primary_key="organizer_id", organizer_id=str, name=str, email=str),
        table(
            "events",
            primary_key="event_id",
            event_id=str,
            title=str,
            description=str,
            category=str,
            organizer_id=str,
            venue_id=str,
            start_time=str,
            end_time=str,
            currency=str,
            status=str,
            capacity=int,
            refund_policy=str,
            created_at=str,
            url=str,
        ),
        table(
            "ticket_classes",
            primary_key="ticket_class_id",
            ticket_class_id=str,
            event_id=str,
            name=str,
            price=float,
            currency=str,
            free=bool,
            capacity=int,
            quantity_sold=int,
            max_per_order=int,
            sales_start=str,
            sales_end=str,
        ),
        table(
            "orders",
            primary_key="order_id",
            order_id=str,
            event_id=str,
            ticket_class_id=str,
            quantity=int,
            name=str,
            email=str,
            subtotal=float,
            fees=float,
            amount=float,
            currency=str,
            status=str,
            created_at=str,
            refunded_at=str | None,
        ),
        table(
            "attendees",
            primary_key="attendee_id",
            attendee_id=str,
            order_id=str,
            event_id=str,
            ticket_class_id=str,
            name=str,
            email=str,
            status=str,
            checked_in_at=str | None,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Eventbrite API v3: Event, Ticket Class, Order, Attendee and Venue objects; refund policy settings",
        url="https://www.eventbrite.com/platform/api",
    ),
)


# --- outputs ---------------------------------------------------------------------------------------------------


class EventSummary(TypedDict):
    """An event as search lists it.

    Args:
        event_id: The event's id.
        title: The event's name.
        start_time: When it starts, ISO 8601 with the venue's offset.
        end_time: When it ends, ISO 8601 with the venue's offset.
        address: The venue's street address.
        status: draft, live, started, ended or canceled.
        url: The http(s) URL of the event page, to share or link to.
    """

    event_id: str
    title: str
    category: str
    start_time: str
    end_time: str
    venue_name: str
    address: str
    city: str
    status: str
    url: str


class EventSearch(TypedDict):
    events: list[EventSummary]
    count: int


class TicketClass(TypedDict):
    """A kind of ticket for an event.

    Args:
        ticket_class_id: The ticket class's id.
        price: Price per ticket in ``currency`` (before the service fee).
        remaining: Tickets of this class still for sale.
        on_sale: Whether the class is inside its sales window now.
    """

    ticket_class_id: str
    name: str
    price: float
    currency: str
    free: bool
    capacity: int
    quantity_sold: int
    remaining: int
    max_per_order: int
    sales_start: str
    sales_end: str
    on_sale: bool


class EventDetail(TypedDict):
    """An event with its venue, organizer, refund policy and ticket classes.

    Args:
        refund_policy: no_refunds, 1_day, 7_days or 30_days (refunds until that many days before the start).
        organizer_email: The organizer's contact email.
    """

    event_id: str
    title: str
    description: str
    category: str
    start_time: str
    end_time: str
    status: str
    currency: str
    capacity: int
    tickets_sold: int
    refund_policy: str
    venue_name: str
    address: str
    city: str
    country: str
    postal_code: str
    organizer_name: str
    organizer_email: str
    url: str
    ticket_classes: list[TicketClass]


class Attendee(TypedDict):
    """One ticket holder.

    Args:
        attendee_id: The attendee's id.
        status: attending, checked_in or not_attending (refunded).
    """

    attendee_id: str
    order_id: str
    event_id: str
    ticket_class_id: str
    name: str
    email: str
    status: str
    checked_in_at: str | None


class Order(TypedDict):
    """A ticket order.

    Args:
        order_id: The order's id.
        title: The event's name.
        start_time: When the event starts (ISO 8601 with offset).
        end_time: When the event ends (ISO 8601 with offset).
        address: The venue's street address.
        location: Venue name, street address and city, for a calendar entry.
        email: The buyer's email address.
        name: The buyer's full name.
        subtotal: Ticket price times quantity.
        fees: Service fee charged.
        amount: The total charged in major units of ``currency``, e.g. 49.90 (subtotal plus fees).
        currency: ISO 4217 currency code, e.g. USD.
        status: placed or refunded.
    """

    order_id: str
    event_id: str
    title: str
    start_time: str
    end_time: str
    address: str
    city: str
    location: str
    ticket_class_id: str
    ticket_class_name: str
    quantity: int
    name: str
    email: str
    subtotal: float
    fees: float
    amount: float
    currency: str
    status: str
    created_at: str
    refunded_at: str | None
    attendees: list[Attendee]


class OrderList(TypedDict):
    orders: list[Order]
    count: int


class Refund(TypedDict):
    """A refunded order.

    Args:
        amount: The amount refunded to the buyer in major units (the full order amount).
        currency: ISO 4217 currency code, e.g. USD.
        email: The buyer's email address.
    """

    order: Order
    amount: float
    currency: str
    email: str
    reason: str


class EventRefund(TypedDict):
    """One order refunded because its event was cancelled.

    Args:
        amount: Amount refunded.
        email: The buyer's email.
    """

    order_id: str
    email: str
    amount: float
    currency: str


class Cancellation(TypedDict):
    """A cancelled event and the refunds it caused.

    Args:
        amount: Total refunded across all orders.
    """

    event_id: str
    title: str
    status: str
    refunds: list[EventRefund]
    orders_refunded: int
    amount: float
    currency: str


class AttendeeList(TypedDict):
    attendees: list[Attendee]
    count: int


# --- rules -----------------------------------------------------------------------------------------------------


def _event(ctx: Context, event_id: str) -> dict[str, Any]:
    return ctx.table("events").require(event_id, what="event")


def _venue(ctx: Context, event: dict[str, Any]) -> dict[str, Any]:
    return ctx.table("venues").get(event["venue_id"]) or {
        "name": "",
        "address": "",
        "city": "",
        "country": "",
        "postal_code": "",
    }


def _on_sale(ctx: Context, ticket: dict[str, Any]) -> bool:
    return datetime.fromisoformat(ticket["sales_start"]) <= ctx.now < datetime.fromisoformat(ticket["sales_end"])


def _ticket_out(ctx: Context, row: dict[str, Any]) -> TicketClass:
    out = {key: row[key] for key in TicketClass.__annotations__ if key in row}
    out["remaining"] = row["capacity"] - row["quantity_sold"]
    out["on_sale"] = _on_sale(ctx, row)
    return cast(TicketClass, out)


def _summary(ctx: Context, row: dict[str, Any]) -> EventSummary:
    venue = _venue(ctx, row)
    return {
        "event_id": row["event_id"],
        "title": row["title"],
        "category": row["category"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "venue_name": venue["name"],
        "address": venue["address"],
        "city": venue["city"],
        "status": row["status"],
        "url": row["url"],
    }


def _attendee_out(row: dict[str, Any]) -> Attendee:
    return cast(Attendee, {key: row[key] for key in Attendee.__annotations__})


def _order_out(ctx: Context, row: dict[str, Any]) -> Order:
    event = ctx.table("events").get(row["event_id"]) or {"title": "", "start_time": "", "end_time": "", "venue_id": ""}
    venue = _venue(ctx, event)
    ticket = ctx.table("ticket_classes").get(row["ticket_class_id"]) or {"name": ""}
    attendees = ctx.table("attendees").find(order_id=row["order_id"])
    return {
        "order_id": row["order_id"],
        "event_id": row["event_id"],
        "title": event["title"],
        "start_time": event["start_time"],
        "end_time": event["end_time"],
        "address": venue["address"],
        "city": venue["city"],
        "location": f"{venue['name']}, {venue['address']}, {venue['city']}",
        "ticket_class_id": row["ticket_class_id"],
        "ticket_class_name": ticket["name"],
        "quantity": row["quantity"],
        "name": row["name"],
        "email": row["email"],
        "subtotal": row["subtotal"],
        "fees": row["fees"],
        "amount": row["amount"],
        "currency": row["currency"],
        "status": row["status"],
        "created_at": row["created_at"],
        "refunded_at": row["refunded_at"],
        "attendees": [_attendee_out(attendee) for attendee in attendees],
    }


def _fees(price: float, quantity: int) -> float:
    if price <= 0:
        return 0.0
    return round(price * quantity * FEE_PERCENT / 100 + FEE_PER_TICKET * quantity, 2)


def _release(ctx: Context, order: dict[str, Any]) -> dict[str, Any]:
    """Mark an order refunded, its attendees not attending, and put its tickets back on sale."""
    ticket = ctx.table("ticket_classes").get(order["ticket_class_id"])
    if ticket is not None:
        ctx.table("ticket_classes").update(
            ticket["ticket_class_id"], {"quantity_sold": max(0, ticket["quantity_sold"] - order["quantity"])}
        )
    for attendee in ctx.table("attendees").find(order_id=order["order_id"]):
        ctx.table("attendees").update(attendee["attendee_id"], {"status": "not_attending"})
    return ctx.table("orders").update(order["order_id"], {"status": "refunded", "refunded_at": iso(ctx.now)})


def _new_id(ctx: Context, length: int) -> str:
    """Eventbrite-style numeric id (never starting with 0)."""
    return "1" + ctx.new_id("", length=length - 1, alphabet=DIGITS)


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_events(
    ctx: Context,
    query: str | None = None,
    city: str | None = None,
    category: str | None = None,
    start_date: Annotated[str, Arg(format="date")] | None = None,
    end_date: Annotated[str, Arg(format="date")] | None = None,
    status: Literal["live", "started", "ended", "canceled", "draft", "any"] = "live",
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 10,
) -> EventSearch:
    """Search events by words, city, category and dates, soonest first.

    Args:
        query: Words to find in the title or description, e.g. "jazz".
        city: City of the venue, e.g. "Chicago" (case-insensitive).
        category: Category, e.g. "Music" or "Science & Technology" (case-insensitive).
        start_date: Only events starting on or after this day, YYYY-MM-DD.
        end_date: Only events starting on or before this day, YYYY-MM-DD.
        status: Only events in this status ("any" for all; default: on sale).
        limit: Most events to return.
    """
    first = parse_day(start_date, "start_date").isoformat() if start_date else None
    last = parse_day(end_date, "end_date").isoformat() if end_date else None
    found = []
    for row in ctx.table("events").all():
        venue = _venue(ctx, row)
        if status != "any" and row["status"] != status:
            continue
        if query and not all(word in f"{row['title']} {row['description']}".lower() for word in query.lower().split()):
            continue
        if city and venue["city"].lower() != city.strip().lower():
            continue
        if category and row["category"].lower() != category.strip().lower():
            continue
        if (first and row["start_time"][:10] < first) or (last and row["start_time"][:10] > last):
            continue
        found.append(row)
    found.sort(key=lambda row: (datetime.fromisoformat(row["start_time"]), row["event_id"]))
    return {"events": [_summary(ctx, row) for row in page(found, limit)], "count": len(found)}


@environment.tool(effect="read")
def get_event(ctx: Context, event_id: str) -> EventDetail:
    """Get an event with its venue, organizer, refund policy and ticket classes with what is left.

    Args:
        event_id: The event's id.
    """
    row = _event(ctx, event_id)
    venue = _venue(ctx, row)
    organizer = ctx.table("organizers").get(row["organizer_id"]) or {"name": "", "email": ""}
    tickets = ctx.table("ticket_classes").find(event_id=event_id)
    return {
        "event_id": event_id,
        "title": row["title"],
        "description": row["description"],
        "category": row["category"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "status": row["status"],
        "currency": row["currency"],
        "capacity": row["capacity"],
        "tickets_sold": sum(ticket["quantity_sold"] for ticket in tickets),
        "refund_policy": row["refund_policy"],
        "venue_name": venue["name"],
        "address": venue["address"],
        "city": venue["city"],
        "country": venue["country"],
        "postal_code": venue["postal_code"],
        "organizer_name": organizer["name"],
        "organizer_email": organizer["email"],
        "url": row["url"],
        "ticket_classes": [_ticket_out(ctx, ticket) for ticket in tickets],
    }


@environment.tool(effect="write")
def create_order(
    ctx: Context,
    event_id: str,
    ticket_class_id: str,
    quantity: Annotated[int, Arg(minimum=1, maximum=50)],
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    email: Annotated[str, Arg(format="email")],
) -> Order:
    """Buy tickets of one ticket class for an event; returns the order with its amount and attendees.

    Args:
        event_id: The event's id.
        ticket_class_id: The ticket class to buy (from get_event).
        quantity: Number of tickets.
        name: The buyer's full name.
        email: The buyer's email, for the tickets and receipt.
    """
    event = _event(ctx, event_id)
    if event["status"] != "live":
        raise ToolError(f"event {event_id} is {event['status']}; tickets are sold only for live events")
    ticket = ctx.table("ticket_classes").require(ticket_class_id, what="ticket class")
    if ticket["event_id"] != event_id:
        raise ToolError(f"ticket class {ticket_class_id} belongs to another event; use a ticket class from get_event")
    if ctx.now < datetime.fromisoformat(ticket["sales_start"]):
        raise ToolError(f"sales for {ticket['name']} start at {ticket['sales_start']}")
    if ctx.now >= datetime.fromisoformat(ticket["sales_end"]):
        raise ToolError(f"sales for {ticket['name']} ended at {ticket['sales_end']}; choose another ticket class")
    if quantity > ticket["max_per_order"]:
        raise ToolError(f"{ticket['name']} allows at most {ticket['max_per_order']} tickets per order")
    remaining = ticket["capacity"] - ticket["quantity_sold"]
    if quantity > remaining:
        raise ToolError(
            f"{ticket['name']} is sold out" if remaining == 0 else f"only {remaining} {ticket['name']} tickets are left"
        )
    sold = sum(row["quantity_sold"] for row in ctx.table("ticket_classes").find(event_id=event_id))
    if sold + quantity > event["capacity"]:
        raise ToolError(f"the event has {event['capacity'] - sold} places left in total; {quantity} requested")
    if not name.strip():
        raise ToolError("name is blank; give the buyer's full name")
    subtotal = round(ticket["price"] * quantity, 2)
    fees = _fees(ticket["price"], quantity)
    order_id = _new_id(ctx, 10)
    order = ctx.table("orders").insert(
        {
            "order_id": order_id,
            "event_id": event_id,
            "ticket_class_id": ticket_class_id,
            "quantity": quantity,
            "name": name.strip(),
            "email": email,
            "subtotal": subtotal,
            "fees": fees,
            "amount": round(subtotal + fees, 2),
            "currency": ticket["currency"],
            "status": "placed",
            "created_at": iso(ctx.now),
            "refunded_at": None,
        }
    )
    for _ in range(quantity):
        ctx.table("attendees").insert(
            {
                "attendee_id": _new_id(ctx, 11),
                "order_id": order_id,
                "event_id": event_id,
                "ticket_class_id": ticket_class_id,
                "name": name.strip(),
                "email": email,
                "status": "attending",
                "checked_in_at": None,
            }
        )
    ctx.table("ticket_classes").update(ticket_class_id, {"quantity_sold": ticket["quantity_sold"] + quantity})
    return _order_out(ctx, order)


@environment.tool(effect="read")
def get_order(ctx: Context, order_id: str) -> Order:
    """Get an order with its event, amount and attendees.

    Args:
        order_id: The order's id.
    """
    return _order_out(ctx, ctx.table("orders").require(order_id, what="order"))


@environment.tool(effect="read")
def list_orders(
    ctx: Context,
    email: Annotated[str, Arg(format="email")],
    status: Literal["placed", "refunded"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> OrderList:
    """List the orders a buyer placed, newest first.

    Args:
        email: The buyer's email.
        status: Only orders in this status.
        limit: Most orders to return.
    """
    filters: dict[str, Any] = {"status": status} if status else {}
    rows = ctx.table("orders").find(email=email, **filters)
    rows.sort(key=lambda row: (row["created_at"], row["order_id"]), reverse=True)
    return {"orders": [_order_out(ctx, row) for row in page(rows, limit)], "count": len(rows)}


@environment.tool(effect="write")
def refund_order(
    ctx: Context, order_id: str, reason: Annotated[str, Arg(max_length=500)] = "requested by buyer"
) -> Refund:
    """Refund an order in full under the event's refund policy, releasing its tickets.

    Args:
        order_id: The order to refund.
        reason: Why the buyer wants a refund.
    """
    order = ctx.table("orders").require(order_id, what="order")
    if order["status"] != "placed":
        raise ToolError(f"order {order_id} is already {order['status']}")
    event = _event(ctx, order["event_id"])
    if event["status"] in ("started", "ended", "canceled"):
        raise ToolError(f"event {event['event_id']} is {event['status']}; its orders cannot be refunded now")
    policy = event["refund_policy"]
    days = REFUND_DAYS.get(policy)
    if days is None:
        raise ToolError(f"{event['title']} does not offer refunds (refund policy: no_refunds)")
    start = datetime.fromisoformat(event["start_time"])
    deadline = start - timedelta(days=days)
    if ctx.now > deadline:
        raise ToolError(
            f"refunds for {event['title']} closed at {iso(deadline)}, {days} day(s) before the event starts "
            f"({event['start_time']}); it is now {iso(ctx.now)}"
        )
    if any(row["status"] == "checked_in" for row in ctx.table("attendees").find(order_id=order_id)):
        raise ToolError(f"an attendee of order {order_id} has already checked in; the order cannot be refunded")
    refunded = _release(ctx, order)
    return {
        "order": _order_out(ctx, refunded),
        "amount": order["amount"],
        "currency": order["currency"],
        "email": order["email"],
        "reason": reason,
    }


@environment.tool(effect="write")
def cancel_event(ctx: Context, event_id: str) -> Cancellation:
    """Cancel a draft or live event before it starts, refunding every placed order in full.

    Args:
        event_id: The event to cancel.
    """
    event = _event(ctx, event_id)
    if event["status"] not in ("draft", "live"):
        raise ToolError(f"event {event_id} is {event['status']}; only draft or live events can be cancelled")
    if datetime.fromisoformat(event["start_time"]) <= ctx.now:
        raise ToolError(f"event {event_id} started at {event['start_time']}; it can no longer be cancelled")
    refunds: list[EventRefund] = []
    for order in ctx.table("orders").find(event_id=event_id, status="placed"):
        _release(ctx, order)
        refunds.append(
            {
                "order_id": order["order_id"],
                "email": order["email"],
                "amount": order["amount"],
                "currency": order["currency"],
            }
        )
    ctx.table("events").update(event_id, {"status": "canceled"})
    return {
        "event_id": event_id,
        "title": event["title"],
        "status": "canceled",
        "refunds": refunds,
        "orders_refunded": len(refunds),
        "amount": round(sum(refund["amount"] for refund in refunds), 2),
        "currency": event["currency"],
    }


@environment.tool(effect="read")
def list_attendees(
    ctx: Context,
    event_id: str,
    status: Literal["attending", "checked_in", "not_attending"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=200, mask=True)] = 50,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> AttendeeList:
    """List an event's attendees (one per ticket), optionally by status.

    Args:
        event_id: The event's id.
        status: Only attendees in this status.
        limit: Most attendees to return.
        offset: Attendees to skip, for paging.
    """
    _event(ctx, event_id)
    filters: dict[str, Any] = {"status": status} if status else {}
    rows = ctx.table("attendees").find(event_id=event_id, **filters)
    rows.sort(key=lambda row: (row["name"], row["attendee_id"]))
    return {"attendees": [_attendee_out(row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="write")
def check_in_attendee(ctx: Context, attendee_id: str) -> Attendee:
    """Check an attendee in at the door (from 2 hours before the start until the end).

    Args:
        attendee_id: The attendee to check in.
    """
    attendee = ctx.table("attendees").require(attendee_id, what="attendee")
    if attendee["status"] == "checked_in":
        raise ToolError(f"attendee {attendee_id} already checked in at {attendee['checked_in_at']}")
    if attendee["status"] != "attending":
        raise ToolError(f"attendee {attendee_id} is {attendee['status']} (the order was refunded); no valid ticket")
    event = _event(ctx, attendee["event_id"])
    if event["status"] not in ("live", "started"):
        raise ToolError(f"event {event['event_id']} is {event['status']}; check-in is closed")
    start = datetime.fromisoformat(event["start_time"])
    opens = start - timedelta(hours=CHECK_IN_OPENS_HOURS)
    if ctx.now < opens:
        raise ToolError(f"check-in for {event['title']} opens at {iso(opens)}, 2 hours before the start")
    if ctx.now > datetime.fromisoformat(event["end_time"]):
        raise ToolError(f"{event['title']} ended at {event['end_time']}; check-in is closed")
    row = ctx.table("attendees").update(attendee_id, {"status": "checked_in", "checked_in_at": iso(ctx.now)})
    return _attendee_out(row)


# --- seed ------------------------------------------------------------------------------------------------------

EVENT_IDEAS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "Music": (
        ("Late Night Jazz Session", "A quartet plays standards and originals in two sets.", 3),
        ("Indie Showcase: Three Bands, One Night", "Local indie bands on one bill, doors at seven.", 4),
        ("Chamber Music by Candlelight", "String quartet favourites from Vivaldi to Radiohead.", 2),
    ),
    "Business & Professional": (
        ("Founders Breakfast: Scaling B2B Sales", "Founders share what worked from first hire to series A.", 2),
        ("Women in Product Leadership Panel", "Product leaders on careers, roadmaps and teams.", 2),
        ("Freelancer Tax Clinic", "Accountants answer questions on invoices, deductions and filing.", 2),
    ),
    "Science & Technology": (
        ("Python and Data Meetup", "Two talks on data pipelines and a lightning-talk round.", 3),
        ("Intro to Home Robotics Workshop", "Build and program a small wheeled robot; kits included.", 3),
        ("Cloud Security Summit", "A day of talks on identity, secrets and incident response.", 8),
    ),
    "Food & Drink": (
        ("Natural Wine Tasting", "Eight low-intervention wines with cheese pairings.", 2),
        ("Hand-Rolled Pasta Class", "Make tagliatelle and ravioli from scratch, then eat them.", 3),
        ("Street Food Night Market", "Twenty vendors, live DJ, family friendly.", 5),
    ),
    "Arts": (
        ("Intro to Pottery: Wheel Throwing", "Beginners' session on the wheel; clay and firing included.", 3),
        ("Life Drawing Evening", "Untutored life drawing with a model; bring your own materials.", 2),
    ),
    "Health & Wellness": (
        ("Sunset Yoga in the Park", "All-levels flow; bring a mat and water.", 1),
        ("Half Marathon Training Kickoff", "Coaches set out a 12-week plan, then an easy group run.", 2),
    ),
    "Community": (
        ("Community Garden Volunteer Day", "Planting, weeding and a shared lunch.", 4),
        ("Neighbourhood Repair Cafe", "Volunteers fix lamps, bikes and clothes for free.", 3),
    ),
    "Film & Media": (("Short Film Night: Local Makers", "Ten short films and a Q&A with the directors.", 3),),
}
VENUE_NAMES = (
    "The Foundry", "Riverside Hall", "Civic Arts Centre", "Warehouse 9", "The Glasshouse", "Old Town Library",
    "Harbour Studios", "Union Works", "Parkside Pavilion", "The Lantern Room",
)  # fmt: skip
TICKET_KINDS = (
    ("General Admission", (15.0, 60.0), (40, 180), 10),
    ("VIP", (80.0, 220.0), (4, 12), 4),
    ("Student", (8.0, 20.0), (10, 40), 2),
)


def _local(day: date, hour: int, offset: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=local_zone(offset))


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, length: int) -> str:
        while True:
            value = "1" + "".join(self.rng.choice(DIGITS) for _ in range(length - 1))
            if value not in self.used:
                self.used.add(value)
                return value


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    ids = _Ids(rng)
    cities = rng.sample([place for place in LOCAL_CITIES if place[0].currency in TICKETING_CURRENCIES], 2)
    venues: list[dict[str, Any]] = []
    for name in rng.sample(VENUE_NAMES, 4):
        city, offset = rng.choice(cities)
        venues.append(
            {
                "venue_id": ids.make(8),
                "name": name,
                "address": fake.street_address(rng),
                "city": city.name,
                "country": city.country_code,
                "postal_code": f"{city.postal_prefix}{rng.randint(10, 99)}",
                "utc_offset": offset,
                "capacity": rng.choice((80, 120, 200, 350)),
            }
        )
    currencies = {city.name: city.currency for city, _ in cities}
    organizers = [
        {
            "organizer_id": ids.make(11),
            "name": company,
            "email": f"events@{fake.slug(company)}.example.com",
        }
        for company in rng.sample(fake.COMPANIES, 3)
    ]
    ideas = [(category, idea) for category, options in EVENT_IDEAS.items() for idea in options]
    count = max(5, ctx.size)
    events: list[dict[str, Any]] = []
    tickets: list[dict[str, Any]] = []
    today = ctx.now.date()
    for index, (category, (title, description, hours)) in enumerate(rng.sample(ideas, min(count, len(ideas)))):
        venue = rng.choice(venues)
        offset = venue["utc_offset"]
        if index == 0:  # starts within the hour: doors are open for check-in
            start = (ctx.now + timedelta(hours=1)).astimezone(local_zone(offset)).replace(minute=0, second=0)
        elif index == 1:  # already happened
            start = _local(today - timedelta(days=rng.randint(3, 20)), rng.choice((10, 18, 19)), offset)
        else:
            start = _local(today + timedelta(days=rng.randint(2, 60)), rng.choice((9, 10, 18, 19, 20)), offset)
        end = start + timedelta(hours=hours)
        if end <= ctx.now:
            status = "ended"
        elif start <= ctx.now:
            status = "started"
        else:
            status = fake.choose_weighted(rng, {"live": 9, "draft": 1}) if index > 2 else "live"
        event_id = ids.make(12)
        capacity = min(venue["capacity"], rng.choice((60, 100, 150, 250)))
        events.append(
            {
                "event_id": event_id,
                "title": title,
                "description": description,
                "category": category,
                "organizer_id": rng.choice(organizers)["organizer_id"],
                "venue_id": venue["venue_id"],
                "start_time": iso(start),
                "end_time": iso(end),
                "currency": currencies[venue["city"]],
                "status": status,
                "capacity": capacity,
                "refund_policy": rng.choice(("no_refunds", "1_day", "7_days", "7_days", "30_days")),
                "created_at": iso(start - timedelta(days=rng.randint(20, 90))),
                "url": f"https://tickets.example.com/e/{fake.slug(title)}-tickets-{event_id}",
            }
        )
        free = category == "Community" or rng.random() < 0.1
        kinds = [("Free RSVP", (0.0, 0.0), (capacity // 2, capacity), 4)] if free else list(TICKET_KINDS[:1])
        if not free:
            kinds += rng.sample(TICKET_KINDS[1:], rng.randint(0, 2))
        for kind_name, (low, high), (low_cap, high_cap), per_order in kinds:
            sales_end = start if rng.random() < 0.8 else start - timedelta(days=1)
            price = 0.0 if free else fake.amount(rng, low, high)
            tickets.append(
                {
                    "ticket_class_id": ids.make(10),
                    "event_id": event_id,
                    "name": kind_name,
                    "price": price,
                    "currency": currencies[venue["city"]],
                    "free": free,
                    "capacity": min(rng.randint(low_cap, high_cap), capacity),
                    "quantity_sold": 0,
                    "max_per_order": per_order,
                    "sales_start": iso(start - timedelta(days=rng.randint(30, 90))),
                    "sales_end": iso(sales_end),
                }
            )
    buyers = fake.people(ctx.shared("people"), ctx.size)
    orders: list[dict[str, Any]] = []
    attendees: list[dict[str, Any]] = []
    by_event: dict[str, list[dict[str, Any]]] = {}
    for ticket in tickets:
        by_event.setdefault(ticket["event_id"], []).append(ticket)
    events_by_id = {event["event_id"]: event for event in events}

    def place(
        event: dict[str, Any], ticket: dict[str, Any], person: fake.Person, quantity: int, *, may_refund: bool = True
    ) -> None:
        start = datetime.fromisoformat(event["start_time"])
        created = min(start, ctx.now) - timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 12))
        refunded = (
            may_refund and event["status"] == "live" and event["refund_policy"] != "no_refunds" and rng.random() < 0.12
        )
        subtotal = round(ticket["price"] * quantity, 2)
        fees = _fees(ticket["price"], quantity)
        order_id = ids.make(10)
        orders.append(
            {
                "order_id": order_id,
                "event_id": event["event_id"],
                "ticket_class_id": ticket["ticket_class_id"],
                "quantity": quantity,
                "name": person.full_name,
                "email": person.email,
                "subtotal": subtotal,
                "fees": fees,
                "amount": round(subtotal + fees, 2),
                "currency": ticket["currency"],
                "status": "refunded" if refunded else "placed",
                "created_at": iso(created.astimezone(ctx.now.tzinfo)),
                "refunded_at": iso((created + timedelta(days=1)).astimezone(ctx.now.tzinfo)) if refunded else None,
            }
        )
        if not refunded:
            ticket["quantity_sold"] += quantity
        for _ in range(quantity):
            checked = event["status"] in ("ended", "started") and rng.random() < 0.8
            attendees.append(
                {
                    "attendee_id": ids.make(11),
                    "order_id": order_id,
                    "event_id": event["event_id"],
                    "ticket_class_id": ticket["ticket_class_id"],
                    "name": person.full_name,
                    "email": person.email,
                    "status": "not_attending" if refunded else ("checked_in" if checked else "attending"),
                    "checked_in_at": iso(start - timedelta(minutes=rng.randint(5, 60)))
                    if checked and not refunded
                    else None,
                }
            )

    sellable = [event for event in events if event["status"] != "draft"]
    for person in buyers:
        for event in rng.sample(sellable, min(len(sellable), rng.randint(1, 2))):
            ticket = rng.choice(by_event[event["event_id"]])
            quantity = min(rng.randint(1, ticket["max_per_order"]), ticket["capacity"] - ticket["quantity_sold"])
            if quantity > 0:
                place(event, ticket, person, quantity)
    # The VIP tables of one upcoming event are sold out.
    for event in events:
        vip = [ticket for ticket in by_event[event["event_id"]] if ticket["name"] == "VIP"]
        if event["status"] == "live" and vip:
            for person in fake.people(rng, 12):
                left = vip[0]["capacity"] - vip[0]["quantity_sold"]
                if left <= 0:
                    break
                place(events_by_id[event["event_id"]], vip[0], person, min(left, rng.randint(1, 2)), may_refund=False)
            break
    return {
        "venues": venues,
        "organizers": organizers,
        "events": events,
        "ticket_classes": tickets,
        "orders": orders,
        "attendees": attendees,
    }
