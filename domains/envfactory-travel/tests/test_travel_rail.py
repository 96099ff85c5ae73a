"""Scenario tests for the rail environment: fare quotas, seat reservations and refund conditions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from envfactory_travel import rail

NOW = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
PASSENGER = {"first_name": "Greta", "last_name": "Lindqvist", "email": "greta.lindqvist@example.com"}


def _journey(episode, *, seat_included=None, on=None, after_now=False):
    """A (route, journey) running on ``on`` (default: in 30 days) that matches the filters."""
    day = on or (NOW.date() + timedelta(days=30))
    for route in episode.table("routes").all():
        if seat_included is not None and route["seat_included"] != seat_included:
            continue
        if day.weekday() not in route["days_of_week"]:
            continue
        search = episode.call(
            "search_journeys",
            {
                "origin_station_id": route["origin_station_id"],
                "destination_station_id": route["destination_station_id"],
                "date": day.isoformat(),
            },
        )
        assert search.ok, search.error
        for journey in search.output["journeys"]:
            if journey["route_id"] == route["route_id"] and (
                not after_now or datetime.fromisoformat(journey["start_time"]) > NOW
            ):
                return route, journey
    return None, None


def _fare(journey, fare_class, fare_type):
    return next((f for f in journey["fares"] if f["fare_class"] == fare_class and f["fare_type"] == fare_type), None)


def _again(episode, journey):
    search = episode.call(
        "search_journeys",
        {
            "origin_station_id": journey["origin_station_id"],
            "destination_station_id": journey["destination_station_id"],
            "date": journey["date"],
        },
    )
    return next(j for j in search.output["journeys"] if j["journey_id"] == journey["journey_id"])


def test_cheap_fare_quota_shrinks_per_ticket_and_is_then_refused():
    episode = rail.episode(seed=0)
    route, journey = _journey(episode)
    book = {"journey_id": journey["journey_id"], "fare_class": "second", "fare_type": "super_saver", **PASSENGER}
    quota = route["super_saver_quota"]
    for sold in range(quota):
        offer = _fare(_again(episode, journey), "second", "super_saver")
        assert offer["quota_left"] == quota - sold
        booked = episode.call("create_booking", book)
        assert booked.ok, booked.error
        assert booked.output["amount"] == offer["price"]
    assert _fare(_again(episode, journey), "second", "super_saver") is None
    assert _fare(_again(episode, journey), "second", "flex") is not None
    before = episode.state_hash()
    refused = episode.call("create_booking", book)
    assert not refused.ok
    assert "only 0 super saver seats" in refused.error.message
    assert episode.state_hash() == before
    assert [change.table for change in episode.diff().changes].count("bookings") == quota


def test_seat_reservation_charges_each_passenger_once():
    episode = rail.episode(seed=0)
    route, journey = _journey(episode, seat_included=False)
    assert route is not None, "seed 0 should have a train with optional seat reservation"
    booking = episode.call(
        "create_booking",
        {
            "journey_id": journey["journey_id"],
            "fare_class": "second",
            "fare_type": "flex",
            "passengers": 2,
            **PASSENGER,
        },
    ).output
    assert booking["seats"] == []
    reserved = episode.call("reserve_seat", {"booking_id": booking["booking_id"], "preference": "window"})
    assert reserved.ok, reserved.error
    seats = reserved.output["seats"]
    assert len(seats) == 2
    assert len({(seat["coach"], seat["seat"]) for seat in seats}) == 2
    assert all(seat["seat"] % 4 in (0, 1) for seat in seats)
    assert reserved.output["seat_fees"] == round(sum(seat["fee"] for seat in seats), 2) > 0
    assert reserved.output["amount"] == round(booking["ticket_amount"] + reserved.output["seat_fees"], 2)
    twice = episode.call("reserve_seat", {"booking_id": booking["booking_id"]})
    assert not twice.ok
    assert "already has reserved seats" in twice.error.message


def test_compulsory_reservation_trains_assign_seats_at_booking():
    for seed in range(20):
        episode = rail.episode(seed=seed)
        route, journey = _journey(episode, seat_included=True)
        if route is not None:
            break
    booking = episode.call(
        "create_booking", {"journey_id": journey["journey_id"], "fare_class": "first", "fare_type": "flex", **PASSENGER}
    ).output
    assert len(booking["seats"]) == 1
    assert booking["seat_fees"] == 0.0
    refused = episode.call("reserve_seat", {"booking_id": booking["booking_id"]})
    assert not refused.ok
    assert "compulsory reservation" in refused.error.message


def test_refunds_follow_the_fare_conditions():
    episode = rail.episode(seed=0)
    tomorrow = NOW.date() + timedelta(days=1)
    _, journey = _journey(episode, on=tomorrow)
    book = {"journey_id": journey["journey_id"], "fare_class": "second", **PASSENGER}
    flex = episode.call("create_booking", {**book, "fare_type": "flex"}).output
    saver = episode.call("create_booking", {**book, "fare_type": "saver"}).output
    super_saver = episode.call("create_booking", {**book, "fare_type": "super_saver"}).output

    full = episode.call("refund_booking", {"booking_id": flex["booking_id"]}).output
    assert full["amount"] == flex["amount"]
    assert full["fee"] == 0.0
    assert episode.call("get_booking", {"booking_id": flex["booking_id"]}).output["status"] == "refunded"

    minus_fee = episode.call("refund_booking", {"booking_id": saver["booking_id"]}).output
    assert minus_fee["fee"] > 0
    assert round(minus_fee["amount"] + minus_fee["fee"], 2) == saver["ticket_amount"]

    before = episode.state_hash()
    refused = episode.call("refund_booking", {"booking_id": super_saver["booking_id"]})
    assert not refused.ok
    assert "not refundable" in refused.error.message
    assert episode.state_hash() == before

    again = episode.call("refund_booking", {"booking_id": flex["booking_id"]})
    assert not again.ok
    assert "already refunded" in again.error.message


def test_saver_cannot_be_refunded_on_the_day_of_travel():
    for seed in range(20):
        episode = rail.episode(seed=seed)
        route, journey = _journey(episode, on=NOW.date(), after_now=True)
        if route is not None and _fare(journey, "second", "saver"):
            break
    booking = episode.call(
        "create_booking",
        {"journey_id": journey["journey_id"], "fare_class": "second", "fare_type": "saver", **PASSENGER},
    ).output
    before = episode.state_hash()
    refused = episode.call("refund_booking", {"booking_id": booking["booking_id"]})
    assert not refused.ok
    assert "until the day before travel" in refused.error.message
    assert episode.state_hash() == before
