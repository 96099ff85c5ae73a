"""Scenarios for the restaurants environment: availability, booking, cancellation fees, waitlist."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

from envfactory_lifestyle.restaurants import environment
from hypothesis import given, settings
from hypothesis import strategies as st

TOMORROW = (environment.clock.date() + timedelta(days=1)).isoformat()
SATURDAY = "2025-06-14"


def _open_every_day(state, restaurant_id, **changes):
    state = copy.deepcopy(state)
    state["restaurants"][restaurant_id].update({"closed_days": [], **changes})
    return state


def _full_restaurant(episode):
    waiting = episode.table("waitlist").all()
    return episode.table("restaurants").get(waiting[0]["restaurant_id"]), waiting


def test_booking_takes_one_table_at_that_seating():
    state = environment.initial_state(seed=0)
    restaurant_id = sorted(state["restaurants"])[0]
    episode = environment.episode(state=_open_every_day(state, restaurant_id))
    before = episode.call("find_availability", {"restaurant_id": restaurant_id, "date": TOMORROW, "party_size": 2})
    assert before.ok, before.error
    slot = before.output["slots"][0]
    booked = episode.call(
        "book_reservation",
        {
            "restaurant_id": restaurant_id,
            "start_time": slot["start_time"],
            "party_size": 2,
            "name": "Ines Costa",
            "email": "ines.costa@example.com",
        },
    )
    assert booked.ok, booked.error
    reservation = booked.output
    assert reservation["status"] == "booked"
    assert reservation["start_time"] == slot["start_time"]
    assert reservation["table_seats"] == slot["table_seats"]
    assert len(reservation["confirmation_code"]) == 8
    assert reservation["title"] in (
        f"Dinner at {reservation['restaurant_name']}, party of 2",
        f"Lunch at {reservation['restaurant_name']}, party of 2",
    )
    assert reservation["location"].startswith(f"{reservation['restaurant_name']}, {reservation['address']}")
    changes = episode.diff().changes
    assert [(change.table, change.change) for change in changes] == [("reservations", "added")]
    held = episode.table("reservations").count(
        restaurant_id=restaurant_id, start_time=slot["start_time"], table_seats=slot["table_seats"], status="booked"
    )
    inventory = episode.table("restaurants").get(restaurant_id)["tables"][str(slot["table_seats"])]
    assert 1 <= held <= inventory


def test_full_day_refuses_booking_and_offers_the_waitlist():
    episode = environment.episode(seed=0)
    restaurant, waiting = _full_restaurant(episode)
    availability = episode.call(
        "find_availability", {"restaurant_id": restaurant["restaurant_id"], "date": SATURDAY, "party_size": 2}
    )
    assert availability.ok
    assert availability.output["slots"] == []
    start = f"{SATURDAY}T{restaurant['service_times'][-1]}:00{restaurant['utc_offset']}"
    before = episode.state_hash()
    refused = episode.call(
        "book_reservation",
        {
            "restaurant_id": restaurant["restaurant_id"],
            "start_time": start,
            "party_size": 2,
            "name": "Kofi Mensah",
            "email": "kofi.mensah@example.com",
        },
    )
    assert not refused.ok
    assert "no table" in refused.error.message
    assert episode.state_hash() == before
    joined = episode.call(
        "join_waitlist",
        {
            "restaurant_id": restaurant["restaurant_id"],
            "date": SATURDAY,
            "party_size": 2,
            "name": "Kofi Mensah",
            "email": "kofi.mensah@example.com",
        },
    )
    assert joined.ok, joined.error
    assert joined.output["status"] == "waiting"
    assert joined.output["position"] == len(waiting) + 1
    again = episode.call(
        "join_waitlist",
        {
            "restaurant_id": restaurant["restaurant_id"],
            "date": SATURDAY,
            "party_size": 2,
            "name": "Kofi Mensah",
            "email": "kofi.mensah@example.com",
        },
    )
    assert not again.ok
    assert "already on the waitlist" in again.error.message


def test_waitlist_is_refused_while_tables_are_free():
    state = environment.initial_state(seed=0)
    restaurant_id = sorted(state["restaurants"])[0]
    episode = environment.episode(state=_open_every_day(state, restaurant_id))
    result = episode.call(
        "join_waitlist",
        {
            "restaurant_id": restaurant_id,
            "date": TOMORROW,
            "party_size": 2,
            "name": "Ada Berg",
            "email": "ada@example.com",
        },
    )
    assert not result.ok
    assert "book one of those instead" in result.error.message
    assert episode.diff().empty


def test_late_cancellation_charges_the_fee_per_person_and_early_is_free():
    state = environment.initial_state(seed=0)
    restaurant_id = sorted(state["restaurants"])[0]
    state = _open_every_day(
        state, restaurant_id, cancellation_window_hours=48, cancellation_fee=25.0, booking_horizon_days=30
    )
    episode = environment.episode(state=state)
    currency = state["restaurants"][restaurant_id]["currency"]

    def book(day, party):
        slots = episode.call("find_availability", {"restaurant_id": restaurant_id, "date": day, "party_size": party})
        result = episode.call(
            "book_reservation",
            {
                "restaurant_id": restaurant_id,
                "start_time": slots.output["slots"][-1]["start_time"],
                "party_size": party,
                "name": "Lena Fischer",
                "email": f"lena{day}@example.com",
            },
        )
        assert result.ok, result.error
        return result.output["reservation_id"]

    late = episode.call("cancel_reservation", {"reservation_id": book(TOMORROW, 3)})
    assert late.ok, late.error
    assert late.output["amount"] == 75.0
    assert late.output["currency"] == currency
    assert late.output["free_cancellation"] is False
    assert late.output["reservation"]["status"] == "cancelled"
    assert late.output["reservation"]["fee_charged"] == 75.0

    in_ten_days = (environment.clock.date() + timedelta(days=10)).isoformat()
    early = episode.call("cancel_reservation", {"reservation_id": book(in_ten_days, 2)})
    assert early.ok
    assert early.output["amount"] == 0.0
    assert early.output["free_cancellation"] is True


def test_cancelling_a_full_seating_notifies_the_first_waiting_party_that_fits():
    episode = environment.episode(seed=0)
    restaurant, waiting = _full_restaurant(episode)
    first = min(waiting, key=lambda entry: entry["joined_order"])
    fitting = [
        row
        for row in episode.table("reservations").find(restaurant_id=restaurant["restaurant_id"], status="booked")
        if row["start_time"].startswith(SATURDAY)
        and first["party_size"] <= row["table_seats"] <= first["party_size"] + 2
    ]
    result = episode.call("cancel_reservation", {"reservation_id": fitting[0]["reservation_id"]})
    assert result.ok, result.error
    assert result.output["notified_waitlist_id"] == first["waitlist_id"]
    assert episode.table("waitlist").get(first["waitlist_id"])["status"] == "notified"
    assert {change.table for change in episode.diff().changes} == {"reservations", "waitlist"}


def test_past_reservations_cannot_be_cancelled_and_diners_cannot_double_book():
    episode = environment.episode(seed=0)
    completed = episode.table("reservations").first(status="completed")
    refused = episode.call("cancel_reservation", {"reservation_id": completed["reservation_id"]})
    assert not refused.ok
    assert "only booked reservations" in refused.error.message

    upcoming = next(
        row
        for row in episode.table("reservations").find(status="booked")
        if datetime.fromisoformat(row["start_time"]) > environment.clock + timedelta(hours=2)
    )
    restaurant = episode.table("restaurants").get(upcoming["restaurant_id"])
    clash = episode.call(
        "book_reservation",
        {
            "restaurant_id": restaurant["restaurant_id"],
            "start_time": upcoming["start_time"],
            "party_size": 1,
            "name": upcoming["name"],
            "email": upcoming["email"],
        },
    )
    assert not clash.ok
    assert "within 2.5 hours" in clash.error.message or "no table" in clash.error.message
    assert episode.diff().empty


@settings(max_examples=25, deadline=None, database=None)
@given(parties=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=12), seed=st.integers(0, 5))
def test_bookings_never_exceed_the_table_inventory(parties, seed):
    episode = environment.episode(seed=seed)
    restaurant = episode.table("restaurants").all()[0]
    day = date.fromisoformat(SATURDAY) + timedelta(days=7)
    start = f"{day.isoformat()}T{restaurant['service_times'][0]}:00{restaurant['utc_offset']}"
    for index, party in enumerate(parties):
        episode.call(
            "book_reservation",
            {
                "restaurant_id": restaurant["restaurant_id"],
                "start_time": start,
                "party_size": party,
                "name": "Guest",
                "email": f"guest{index}@example.com",
            },
        )
    for seats, count in restaurant["tables"].items():
        held = episode.table("reservations").count(
            restaurant_id=restaurant["restaurant_id"], start_time=start, table_seats=int(seats), status="booked"
        )
        assert held <= count
