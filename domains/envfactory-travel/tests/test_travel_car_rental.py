"""Scenario tests for the car rental environment: quotes, fleet availability, driver rules, cancellation fees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from envfactory_travel import car_rental
from envfactory_travel._common import in_zone

NOW = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
DRIVER = {"first_name": "Kofi", "last_name": "Asante", "email": "kofi.asante@example.com"}


def _airport(episode):
    return next(row for row in episode.table("locations").all() if row["location_type"] == "airport")


def _period(location, *, days_ahead, length_days=3, hour=10):
    start = in_zone(NOW + timedelta(days=days_ahead), location["time_zone"]).replace(hour=hour, minute=0)
    return start.isoformat(), (start + timedelta(days=length_days)).isoformat()


def _vehicle(episode, location):
    return episode.table("vehicles").find(location_id=location["location_id"])[0]


def test_booking_a_quote_takes_one_car_from_the_fleet():
    episode = car_rental.episode(seed=0)
    depot = _airport(episode)
    vehicle = _vehicle(episode, depot)
    start, end = _period(depot, days_ahead=150)
    search = {"pickup_location_id": depot["location_id"], "start_time": start, "end_time": end}
    before = next(
        v
        for v in episode.call("search_vehicles", search).output["vehicles"]
        if v["vehicle_id"] == vehicle["vehicle_id"]
    )
    assert before["units_available"] == vehicle["fleet_size"]
    quote = episode.call(
        "create_quote", {"vehicle_id": vehicle["vehicle_id"], "start_time": start, "end_time": end, "driver_age": 40}
    ).output
    assert quote["rental_days"] == 3
    assert quote["amount"] == quote["base_amount"]
    rental = episode.call("create_rental", {"quote_id": quote["quote_id"], **DRIVER})
    assert rental.ok, rental.error
    assert rental.output["status"] == "confirmed"
    assert rental.output["city"] == depot["city"]
    after = [
        v
        for v in episode.call("search_vehicles", search).output["vehicles"]
        if v["vehicle_id"] == vehicle["vehicle_id"]
    ]
    assert (after[0]["units_available"] if after else 0) == vehicle["fleet_size"] - 1
    again = episode.call("create_rental", {"quote_id": quote["quote_id"], **DRIVER})
    assert not again.ok
    assert "already booked" in again.error.message
    tables = sorted((change.table, change.change) for change in episode.diff().changes)
    assert tables == [("quotes", "added"), ("rentals", "added")]


def test_young_drivers_pay_a_fee_and_under_21_are_refused():
    episode = car_rental.episode(seed=0)
    depot = _airport(episode)
    vehicle = next(
        v for v in episode.table("vehicles").find(location_id=depot["location_id"]) if v["minimum_driver_age"] == 21
    )
    start, end = _period(depot, days_ahead=120, length_days=2)
    arguments = {"vehicle_id": vehicle["vehicle_id"], "start_time": start, "end_time": end}
    young = episode.call("create_quote", {**arguments, "driver_age": 23}).output
    assert young["young_driver_fee"] > 0
    assert young["amount"] == round(young["base_amount"] + young["young_driver_fee"], 2)
    before = episode.state_hash()
    refused = episode.call("create_quote", {**arguments, "driver_age": 19})
    assert not refused.ok
    assert "at least 21" in refused.error.message
    assert episode.state_hash() == before


def test_cancellation_is_free_until_48_hours_before_pickup():
    episode = car_rental.episode(seed=0)
    depot = _airport(episode)
    vehicle = _vehicle(episode, depot)
    rentals = {}
    for label, days_ahead in (("early", 60), ("late", 1)):
        start, end = _period(depot, days_ahead=days_ahead, length_days=2, hour=14)
        quote = episode.call(
            "create_quote",
            {"vehicle_id": vehicle["vehicle_id"], "start_time": start, "end_time": end, "driver_age": 35},
        )
        assert quote.ok, quote.error
        rentals[label] = episode.call("create_rental", {"quote_id": quote.output["quote_id"], **DRIVER}).output
    early = episode.call("cancel_rental", {"rental_id": rentals["early"]["rental_id"]}).output
    assert early["cancellation_fee"] == 0.0
    assert early["refund_amount"] == rentals["early"]["amount"]
    late = episode.call("cancel_rental", {"rental_id": rentals["late"]["rental_id"]}).output
    assert late["cancellation_fee"] == vehicle["daily_rate"]
    assert late["status"] == "cancelled"
    twice = episode.call("cancel_rental", {"rental_id": rentals["late"]["rental_id"]})
    assert not twice.ok
    assert "cancelled" in twice.error.message


def test_expired_quote_is_refused():
    episode = car_rental.episode(seed=0)
    expired = [
        quote
        for quote in episode.table("quotes").all()
        if quote["status"] == "open" and datetime.fromisoformat(quote["expires_at"]) <= NOW
    ]
    assert expired, "the seed should hold quotes that have expired"
    result = episode.call("create_rental", {"quote_id": expired[0]["quote_id"], **DRIVER})
    assert not result.ok
    assert "expired" in result.error.message
    assert episode.diff().changes == ()


def test_cross_border_one_way_rental_is_refused():
    for seed in range(30):
        episode = car_rental.episode(seed=seed)
        locations = episode.table("locations").all()
        pairs = [(a, b) for a in locations for b in locations if a["country"] != b["country"]]
        if pairs:
            break
    pickup, dropoff = pairs[0]
    start, end = _period(pickup, days_ahead=90)
    result = episode.call(
        "search_vehicles",
        {
            "pickup_location_id": pickup["location_id"],
            "dropoff_location_id": dropoff["location_id"],
            "start_time": start,
            "end_time": end,
        },
    )
    assert not result.ok
    assert "across borders" in result.error.message
