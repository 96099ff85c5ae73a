"""Scenarios for the events environment: orders within capacity, fees, refund policy, cancellation, check-in."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from envfactory_lifestyle.events import environment


def _live_event_with_tickets(episode, minimum=3):
    for event in episode.table("events").find(status="live"):
        for ticket in episode.table("ticket_classes").find(event_id=event["event_id"]):
            on_sale = (
                datetime.fromisoformat(ticket["sales_start"])
                <= environment.clock
                < datetime.fromisoformat(ticket["sales_end"])
            )
            left = ticket["capacity"] - ticket["quantity_sold"]
            if on_sale and ticket["price"] > 0 and left >= minimum and ticket["max_per_order"] >= minimum:
                return event, ticket
    raise AssertionError("no live event with tickets")


def test_an_order_takes_tickets_charges_fees_and_creates_attendees():
    episode = environment.episode(seed=0)
    event, ticket = _live_event_with_tickets(episode)
    result = episode.call(
        "create_order",
        {
            "event_id": event["event_id"],
            "ticket_class_id": ticket["ticket_class_id"],
            "quantity": 2,
            "name": "Mei Chen",
            "email": "mei.chen@example.com",
        },
    )
    assert result.ok, result.error
    order = result.output
    subtotal = round(ticket["price"] * 2, 2)
    fees = round(subtotal * 0.037 + 1.79 * 2, 2)
    assert order["subtotal"] == subtotal
    assert order["fees"] == fees
    assert order["amount"] == round(subtotal + fees, 2)
    assert order["currency"] == ticket["currency"]
    assert order["start_time"] == event["start_time"]
    assert len(order["attendees"]) == 2
    after = episode.table("ticket_classes").get(ticket["ticket_class_id"])
    assert after["quantity_sold"] == ticket["quantity_sold"] + 2
    tables = sorted({change.table for change in episode.diff().changes})
    assert tables == ["attendees", "orders", "ticket_classes"]


def test_a_sold_out_ticket_class_is_refused():
    episode = environment.episode(seed=0)
    vip = next(
        row for row in episode.table("ticket_classes").find(name="VIP") if row["quantity_sold"] == row["capacity"]
    )
    result = episode.call(
        "create_order",
        {
            "event_id": vip["event_id"],
            "ticket_class_id": vip["ticket_class_id"],
            "quantity": 1,
            "name": "Omar Haddad",
            "email": "omar@example.com",
        },
    )
    assert not result.ok
    assert "sold out" in result.error.message
    assert episode.diff().empty


def _order_for(state, policy, start_time=None):
    """Seed 0 with one placed order whose event has ``policy`` (and optionally a new start time)."""
    state = copy.deepcopy(state)
    order = next(
        row
        for row in sorted(state["orders"].values(), key=lambda r: r["order_id"])
        if row["status"] == "placed"
        and state["events"][row["event_id"]]["status"] == "live"
        and state["events"][row["event_id"]]["start_time"] > "2025-06-20"
    )
    event = state["events"][order["event_id"]]
    event["refund_policy"] = policy
    if start_time:
        event["start_time"] = start_time
    return state, order


def test_refund_inside_the_policy_releases_the_tickets():
    state, order = _order_for(environment.initial_state(seed=0), "7_days")
    episode = environment.episode(state=state)
    sold_before = episode.table("ticket_classes").get(order["ticket_class_id"])["quantity_sold"]
    result = episode.call("refund_order", {"order_id": order["order_id"]})
    assert result.ok, result.error
    assert result.output["amount"] == order["amount"]
    assert result.output["email"] == order["email"]
    assert result.output["order"]["status"] == "refunded"
    assert {attendee["status"] for attendee in result.output["order"]["attendees"]} == {"not_attending"}
    sold_after = episode.table("ticket_classes").get(order["ticket_class_id"])["quantity_sold"]
    assert sold_after == sold_before - order["quantity"]


def test_refunds_are_refused_without_a_policy_or_after_the_deadline():
    state, order = _order_for(environment.initial_state(seed=0), "no_refunds")
    episode = environment.episode(state=state)
    refused = episode.call("refund_order", {"order_id": order["order_id"]})
    assert not refused.ok
    assert "does not offer refunds" in refused.error.message
    assert episode.diff().empty

    state, order = _order_for(environment.initial_state(seed=0), "30_days", start_time="2025-06-25T19:00:00-04:00")
    episode = environment.episode(state=state)
    late = episode.call("refund_order", {"order_id": order["order_id"]})
    assert not late.ok
    assert "closed at 2025-05-26T19:00:00-04:00" in late.error.message
    assert episode.diff().empty


def test_cancelling_an_event_refunds_every_placed_order():
    episode = environment.episode(seed=0)
    event = next(
        row
        for row in episode.table("events").find(status="live")
        if episode.table("orders").count(event_id=row["event_id"], status="placed") >= 2
    )
    placed = episode.table("orders").find(event_id=event["event_id"], status="placed")
    result = episode.call("cancel_event", {"event_id": event["event_id"]})
    assert result.ok, result.error
    assert result.output["orders_refunded"] == len(placed)
    assert result.output["amount"] == round(sum(order["amount"] for order in placed), 2)
    assert {refund["email"] for refund in result.output["refunds"]} == {order["email"] for order in placed}
    assert episode.table("events").get(event["event_id"])["status"] == "canceled"
    assert episode.table("orders").count(event_id=event["event_id"], status="placed") == 0
    assert not episode.call("cancel_event", {"event_id": event["event_id"]}).ok


def test_check_in_opens_two_hours_before_and_happens_once():
    episode = environment.episode(seed=0)
    soon = min(
        (row for row in episode.table("events").find(status="live")),
        key=lambda row: datetime.fromisoformat(row["start_time"]),
    )
    attendee = episode.table("attendees").first(event_id=soon["event_id"], status="attending")
    if attendee is None:
        ticket = next(
            row
            for row in episode.table("ticket_classes").find(event_id=soon["event_id"])
            if datetime.fromisoformat(row["sales_end"]) > environment.clock
        )
        order = episode.call(
            "create_order",
            {
                "event_id": soon["event_id"],
                "ticket_class_id": ticket["ticket_class_id"],
                "quantity": 1,
                "name": "Rosa Silva",
                "email": "rosa@example.com",
            },
        )
        assert order.ok, order.error
        attendee = order.output["attendees"][0]
    checked = episode.call("check_in_attendee", {"attendee_id": attendee["attendee_id"]})
    assert checked.ok, checked.error
    assert checked.output["status"] == "checked_in"
    twice = episode.call("check_in_attendee", {"attendee_id": attendee["attendee_id"]})
    assert not twice.ok
    assert "already checked in" in twice.error.message

    waiting = next(
        row
        for row in episode.table("attendees").find(status="attending")
        if datetime.fromisoformat(episode.table("events").get(row["event_id"])["start_time"])
        > environment.clock + timedelta(hours=2)
    )
    early = episode.call("check_in_attendee", {"attendee_id": waiting["attendee_id"]})
    assert not early.ok
    assert "opens at" in early.error.message
