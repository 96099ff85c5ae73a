"""Scenarios for long-term rentals (RentCast listings, Zillow-style viewings and applications)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from envfactory_commerce import rentals
from envfactory_commerce.rentals import CITIES

TOMORROW = date.fromisoformat(rentals.now[:10]) + timedelta(days=1)


def _local(home, hour: int, minute: int = 0, day: date = TOMORROW) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(CITIES[home["city"]][1])).isoformat()


def _quiet_active_home(episode):
    return next(
        home
        for home in episode.table("properties").find(status="active")
        if not [
            v
            for v in episode.table("viewings").find(property_id=home["property_id"])
            if v["start_time"][:10] == TOMORROW.isoformat()
        ]
    )


def test_a_viewing_books_the_slot_once() -> None:
    episode = rentals.episode(seed=0)
    home = _quiet_active_home(episode)
    booked = episode.call(
        "schedule_viewing",
        {
            "property_id": home["property_id"],
            "name": "Mateo Reyes",
            "email": "mateo.reyes@example.com",
            "start_time": _local(home, 10),
        },
    )
    assert booked.ok, booked.error
    assert booked.output["end_time"] == _local(home, 10, 30)
    clash = episode.call(
        "schedule_viewing",
        {
            "property_id": home["property_id"],
            "name": "Ines Costa",
            "email": "ines@example.com",
            "start_time": _local(home, 10, 15),
        },
    )
    assert not clash.ok
    assert "already has a viewing" in clash.error.message
    late = episode.call(
        "schedule_viewing",
        {
            "property_id": home["property_id"],
            "name": "Ines Costa",
            "email": "ines@example.com",
            "start_time": _local(home, 19),
        },
    )
    assert not late.ok
    assert "outside viewing hours" in late.error.message
    assert [(c.table, c.change) for c in episode.diff().changes] == [("viewings", "added")]


def test_cancel_then_list_shows_cancelled() -> None:
    episode = rentals.episode(seed=1)
    home = _quiet_active_home(episode)
    booked = episode.call(
        "schedule_viewing",
        {
            "property_id": home["property_id"],
            "name": "Lena Vogel",
            "email": "lena@example.com",
            "start_time": _local(home, 14, 30),
        },
    ).output
    assert episode.call("cancel_viewing", {"viewing_id": booked["viewing_id"]}).output["status"] == "cancelled"
    listed = episode.call("list_viewings", {"email": "lena@example.com"}).output["viewings"]
    assert [(v["viewing_id"], v["status"]) for v in listed] == [(booked["viewing_id"], "cancelled")]
    assert not episode.call("cancel_viewing", {"viewing_id": booked["viewing_id"]}).ok


def test_income_below_three_times_rent_is_not_approved() -> None:
    episode = rentals.episode(seed=2)
    home = episode.table("properties").first(status="active")
    base = {"property_id": home["property_id"], "move_in_date": home["available_date"], "occupants": 1}
    low = episode.call(
        "submit_application",
        {**base, "name": "Theo Walker", "email": "theo@example.com", "monthly_income": home["price"] * 2.5},
    )
    high = episode.call(
        "submit_application",
        {**base, "name": "Ayesha Khan", "email": "ayesha@example.com", "monthly_income": home["price"] * 3.5},
    )
    assert low.ok
    assert high.ok
    before = episode.state_hash()
    refused = episode.call(
        "decide_application", {"application_id": low.output["application_id"], "decision": "approve"}
    )
    assert not refused.ok
    assert "3 x the rent" in refused.error.message
    assert episode.state_hash() == before
    approved = episode.call(
        "decide_application", {"application_id": high.output["application_id"], "decision": "approve"}
    )
    assert approved.output["status"] == "approved"
    assert episode.table("properties").get(home["property_id"])["status"] == "pending"
    assert episode.table("applications").get(low.output["application_id"])["status"] == "declined"


def test_applications_respect_availability_pets_and_occupancy() -> None:
    episode = rentals.episode(seed=3)
    home = next(
        h
        for h in episode.table("properties").find(status="active")
        if h["available_date"] > rentals.now[:10] or not h["pets_allowed"]
    )
    base = {
        "property_id": home["property_id"],
        "name": "Kofi Mensah",
        "email": "kofi@example.com",
        "monthly_income": 9000,
        "move_in_date": home["available_date"],
    }
    if home["available_date"] > rentals.now[:10]:
        early = episode.call("submit_application", {**base, "move_in_date": rentals.now[:10]})
        assert not early.ok
        assert "available from" in early.error.message
    crowded = episode.call("submit_application", {**base, "occupants": home["bedrooms"] * 2 + 2})
    assert not crowded.ok
    if not home["pets_allowed"]:
        assert "does not allow pets" in episode.call("submit_application", {**base, "pets": True}).error.message
    assert not episode.diff().changes


def test_rent_estimate_uses_nearby_comparables() -> None:
    episode = rentals.episode(seed=0)
    home = episode.table("properties").first(status="active")
    estimate = episode.call("estimate_rent", {"property_id": home["property_id"]}).output
    assert estimate["rent_range_low"] <= estimate["rent"] <= estimate["rent_range_high"]
    assert all(comp["property_id"] != home["property_id"] for comp in estimate["comparables"])
    distances = [comp["distance_km"] for comp in estimate["comparables"]]
    assert distances == sorted(distances)
