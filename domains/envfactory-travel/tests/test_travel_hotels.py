"""Scenario tests for the hotels environment: availability, pricing, changes and cancellation rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from envfactory_travel import hotels

NOW = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
TODAY = NOW.date()
FAR = (TODAY + timedelta(days=200)).isoformat()
FAR_END = (TODAY + timedelta(days=203)).isoformat()


def _guest(**extra):
    return {"first_name": "Ines", "last_name": "Moreau", "email": "ines.moreau@example.com", **extra}


def _room(episode, *, allotment=None):
    rooms = episode.table("room_types").all()
    if allotment is not None:
        rooms = [room for room in rooms if room["allotment"] == allotment] or rooms
    return rooms[0]


def _offer(episode, room, start, end):
    result = episode.call("search_room_offers", {"hotel_id": room["hotel_id"], "start_date": start, "end_date": end})
    assert result.ok, result.error
    flexible = [
        o for o in result.output["offers"] if o["room_type_id"] == room["room_type_id"] and o["rate_plan"] == "flexible"
    ]
    return flexible[0] if flexible else None


def test_booking_reduces_availability_by_one():
    episode = hotels.episode(seed=0)
    room = max(episode.table("room_types").all(), key=lambda row: row["allotment"])
    before = _offer(episode, room, FAR, FAR_END)
    assert before["rooms_available"] == room["allotment"]
    booked = episode.call(
        "create_reservation", {"room_type_id": room["room_type_id"], "start_date": FAR, "end_date": FAR_END, **_guest()}
    )
    assert booked.ok, booked.error
    assert booked.output["status"] == "confirmed"
    assert booked.output["amount"] == before["amount"]
    after = _offer(episode, room, FAR, FAR_END)
    if room["allotment"] == 1:
        assert after is None
    else:
        assert after["rooms_available"] == room["allotment"] - 1
    changes = episode.diff().changes
    assert [(change.table, change.change) for change in changes] == [("reservations", "added")]


def test_sold_out_room_is_refused_and_nothing_changes():
    episode = hotels.episode(seed=0)
    room = _room(episode)
    for _ in range(room["allotment"]):
        assert episode.call(
            "create_reservation",
            {"room_type_id": room["room_type_id"], "start_date": FAR, "end_date": FAR_END, **_guest()},
        ).ok
    before = episode.state_hash()
    refused = episode.call(
        "create_reservation", {"room_type_id": room["room_type_id"], "start_date": FAR, "end_date": FAR_END, **_guest()}
    )
    assert not refused.ok
    assert "sold out" in refused.error.message
    assert episode.state_hash() == before


def test_cancel_before_deadline_is_free_and_after_deadline_keeps_first_night():
    episode = hotels.episode(seed=0)
    room = _room(episode)
    early = episode.call(
        "create_reservation", {"room_type_id": room["room_type_id"], "start_date": FAR, "end_date": FAR_END, **_guest()}
    ).output
    cancelled = episode.call("cancel_reservation", {"reservation_id": early["reservation_id"]}).output
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation_fee"] == 0.0
    assert cancelled["refund_amount"] == early["amount"]
    assert episode.call("get_reservation", {"reservation_id": early["reservation_id"]}).output["status"] == "cancelled"

    tonight = TODAY.isoformat()
    in_two = (TODAY + timedelta(days=2)).isoformat()
    free_tonight = [
        row
        for row in episode.table("room_types").all()
        if (offer := _offer(episode, row, tonight, in_two)) is not None and offer["rooms_available"] > 0
    ]
    late_room = free_tonight[0]
    late = episode.call(
        "create_reservation",
        {"room_type_id": late_room["room_type_id"], "start_date": tonight, "end_date": in_two, **_guest()},
    ).output
    assert datetime.fromisoformat(late["cancellation_deadline"]) < NOW
    charged = episode.call("cancel_reservation", {"reservation_id": late["reservation_id"]}).output
    assert charged["cancellation_fee"] == late["nightly_prices"][0]["amount"]
    assert round(charged["refund_amount"] + charged["cancellation_fee"], 2) == late["amount"]


def test_non_refundable_rate_cannot_be_changed_and_refunds_nothing():
    episode = hotels.episode(seed=0)
    room = _room(episode)
    booking = episode.call(
        "create_reservation",
        {
            "room_type_id": room["room_type_id"],
            "start_date": FAR,
            "end_date": FAR_END,
            "rate_plan": "non_refundable",
            **_guest(),
        },
    ).output
    flexible = _offer(episode, room, FAR, FAR_END)
    assert flexible is None or booking["amount"] < flexible["amount"]
    assert booking["cancellation_deadline"] is None
    before = episode.state_hash()
    moved = episode.call(
        "change_reservation_dates",
        {
            "reservation_id": booking["reservation_id"],
            "start_date": FAR_END,
            "end_date": (TODAY + timedelta(days=205)).isoformat(),
        },
    )
    assert not moved.ok
    assert "non-refundable" in moved.error.message
    assert episode.state_hash() == before
    cancelled = episode.call("cancel_reservation", {"reservation_id": booking["reservation_id"]}).output
    assert cancelled["refund_amount"] == 0.0
    assert cancelled["cancellation_fee"] == booking["amount"]


def test_change_dates_reprices_and_past_dates_are_refused():
    episode = hotels.episode(seed=0)
    room = _room(episode)
    booking = episode.call(
        "create_reservation", {"room_type_id": room["room_type_id"], "start_date": FAR, "end_date": FAR_END, **_guest()}
    ).output
    longer_end = (TODAY + timedelta(days=206)).isoformat()
    moved = episode.call(
        "change_reservation_dates",
        {"reservation_id": booking["reservation_id"], "start_date": FAR, "end_date": longer_end},
    )
    assert moved.ok, moved.error
    assert moved.output["nights"] == 6
    assert moved.output["amount"] == round(sum(night["amount"] for night in moved.output["nightly_prices"]), 2)
    past = episode.call(
        "change_reservation_dates",
        {"reservation_id": booking["reservation_id"], "start_date": "2025-06-01", "end_date": "2025-06-03"},
    )
    assert not past.ok
    assert "in the past" in past.error.message
