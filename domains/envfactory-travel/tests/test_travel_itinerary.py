"""Scenario tests for the itinerary environment, and the booking-to-itinerary links across the travel domain."""

from __future__ import annotations

from envfactory_travel import hotels, itinerary, rail

from envfactory_core.env import World

TRIP = {
    "title": "Client visit",
    "city": "Cologne",
    "start_date": "2025-09-01",
    "end_date": "2025-09-04",
    "country": "DE",
}
PLAN = {
    "plan_type": "lodging",
    "title": "Hotel Linden Cologne",
    "start_time": "2025-09-01T15:00:00+02:00",
    "end_time": "2025-09-04T11:00:00+02:00",
    "confirmation_code": "KX7P2QMA",
    "amount": 412.0,
    "currency": "EUR",
}


def test_create_trip_and_add_a_plan_then_duplicate_code_is_refused():
    episode = itinerary.episode(seed=0)
    trip = episode.call("create_trip", TRIP).output
    assert trip["role"] == "owner"
    assert trip["status"] == "upcoming"
    assert [traveler["role"] for traveler in trip["travelers"]] == ["owner"]
    plan = episode.call("add_plan", {"trip_id": trip["trip_id"], **PLAN})
    assert plan.ok, plan.error
    detail = episode.call("get_trip", {"trip_id": trip["trip_id"]}).output
    assert detail["plan_count"] == 1
    assert detail["plans"][0]["confirmation_code"] == "KX7P2QMA"
    duplicate = episode.call("add_plan", {"trip_id": trip["trip_id"], **PLAN, "title": "Same booking again"})
    assert not duplicate.ok
    assert "already on plan" in duplicate.error.message


def test_plan_outside_the_trip_is_refused_until_the_dates_move():
    episode = itinerary.episode(seed=0)
    trip = episode.call("create_trip", TRIP).output
    late = {
        **PLAN,
        "start_time": "2025-09-05T19:30:00+02:00",
        "end_time": None,
        "plan_type": "restaurant",
        "title": "Dinner",
    }
    before = episode.state_hash()
    refused = episode.call("add_plan", {"trip_id": trip["trip_id"], **late})
    assert not refused.ok
    assert "outside trip" in refused.error.message
    assert episode.state_hash() == before
    assert episode.call("update_trip", {"trip_id": trip["trip_id"], "end_date": "2025-09-05"}).ok
    assert episode.call("add_plan", {"trip_id": trip["trip_id"], **late}).ok


def test_trip_dates_cannot_shrink_past_a_plan():
    episode = itinerary.episode(seed=0)
    trip = episode.call("create_trip", TRIP).output
    assert episode.call("add_plan", {"trip_id": trip["trip_id"], **PLAN}).ok
    before = episode.state_hash()
    refused = episode.call("update_trip", {"trip_id": trip["trip_id"], "end_date": "2025-09-02"})
    assert not refused.ok
    assert "would fall outside" in refused.error.message
    assert episode.state_hash() == before


def test_viewers_cannot_add_plans_and_only_owners_invite():
    for seed in range(40):
        episode = itinerary.episode(seed=seed)
        shared = [
            trip for trip in episode.call("list_trips", {"limit": 50}).output["trips"] if trip["role"] == "viewer"
        ]
        if shared:
            break
    trip = episode.call("get_trip", {"trip_id": shared[0]["trip_id"]}).output
    day = trip["start_date"]
    refused = episode.call(
        "add_plan",
        {
            "trip_id": trip["trip_id"],
            "plan_type": "note",
            "title": "Pack adapters",
            "start_time": f"{day}T08:00:00+00:00",
        },
    )
    assert not refused.ok
    assert "only view" in refused.error.message
    invite = episode.call(
        "add_traveler",
        {"trip_id": trip["trip_id"], "email": "new.person@example.com", "first_name": "New", "last_name": "Person"},
    )
    assert not invite.ok
    assert "only the trip's owner" in invite.error.message
    assert episode.diff().changes == ()


def test_travellers_are_invited_once_and_the_owner_stays():
    episode = itinerary.episode(seed=0)
    trip = episode.call("create_trip", TRIP).output
    guest = {"trip_id": trip["trip_id"], "email": "Lena.Vogel@example.com", "first_name": "Lena", "last_name": "Vogel"}
    added = episode.call("add_traveler", guest).output
    assert added["email"] == "lena.vogel@example.com"
    assert added["status"] == "invited"
    assert not episode.call("add_traveler", guest).ok
    owner = trip["owner_email"]
    refused = episode.call("remove_traveler", {"trip_id": trip["trip_id"], "email": owner})
    assert not refused.ok
    assert "owner cannot be removed" in refused.error.message
    assert episode.call("remove_traveler", {"trip_id": trip["trip_id"], "email": "lena.vogel@example.com"}).ok


def test_hotel_and_train_confirmations_flow_into_a_trip():
    """The outputs of create_reservation and create_booking are the inputs of add_plan (same names)."""
    with World.open([hotels, rail, itinerary], seed=0) as world:
        room = world.episodes["hotels"].table("room_types").all()[0]
        stay = world.call(
            "hotels__create_reservation",
            {
                "room_type_id": room["room_type_id"],
                "start_date": "2025-08-11",
                "end_date": "2025-08-14",
                "first_name": "Andre",
                "last_name": "Romero",
                "email": "andre.romero@example.co",
            },
        ).output
        trip = world.call(
            "itinerary__create_trip",
            {
                "title": f"{stay['city']} week",
                "city": stay["city"],
                "start_date": stay["start_date"],
                "end_date": stay["end_date"],
            },
        ).output
        linked = {
            key: stay[key]
            for key in ("start_time", "end_time", "city", "address", "confirmation_code", "amount", "currency")
        }
        plan = world.call(
            "itinerary__add_plan",
            {
                "trip_id": trip["trip_id"],
                "plan_type": "lodging",
                "title": stay["hotel_name"],
                "supplier": stay["hotel_name"],
                **linked,
            },
        )
        assert plan.ok, plan.error
        assert plan.output["confirmation_code"] == stay["confirmation_code"]
        assert plan.output["amount"] == stay["amount"]
        changed = {(change.environment, change.table) for change in world.diff().changes}
        assert changed == {
            ("hotels", "reservations"),
            ("itinerary", "trips"),
            ("itinerary", "plans"),
            ("itinerary", "travelers"),
        }
