"""Scenarios for the weather environment: lookups, saved locations and alert rule policy."""

from __future__ import annotations

import pytest
from envfactory_utilities import weather

from envfactory_core.env import Episode


@pytest.fixture
def episode() -> Episode:
    return weather.episode(seed=0)


def test_city_coordinates_and_saved_location_reach_the_same_station(episode: Episode, ok, refused) -> None:
    by_city = ok(episode, "get_current_weather", city="lisbon")
    by_coordinates = ok(episode, "get_current_weather", latitude=38.75, longitude=-9.2)
    assert by_city == by_coordinates
    assert (by_city["city"], by_city["country"]) == ("Lisbon", "PT")
    saved = ok(episode, "save_location", name="Weekend", city="Lisbon")
    assert ok(episode, "get_current_weather", location_id=saved["location_id"]) == by_city
    imperial = ok(episode, "get_current_weather", city="Lisbon", units="imperial")
    assert imperial["temperature"] == pytest.approx(by_city["temperature"] * 9 / 5 + 32, abs=0.11)
    assert "no weather station within 100 km" in refused(episode, "get_current_weather", latitude=0.0, longitude=-30.0)


def test_forecast_for_one_date_and_outside_the_range(episode: Episode, ok, refused) -> None:
    full = ok(episode, "get_forecast", city="Osaka")
    assert full["count"] == 5
    assert [day["date"] for day in full["days"]] == [f"2025-06-{day}" for day in range(16, 21)]
    one = ok(episode, "get_forecast", city="Osaka", date="2025-06-18")
    assert one["days"] == [full["days"][2]]
    message = refused(episode, "get_forecast", city="Osaka", date="2025-06-25")
    assert "forecasts cover 2025-06-16" in message


def test_saving_a_location_and_a_rule_adds_exactly_those_rows(episode: Episode, ok, refused) -> None:
    location = ok(episode, "save_location", name="Conference", city="Seattle", units="imperial")
    rule = ok(
        episode,
        "create_alert_rule",
        location_id=location["location_id"],
        metric="wind_speed",
        operator="above",
        threshold=15,
        email="ops@example.com",
        end_date="2025-06-30",
    )
    assert rule["city"] == "Seattle"
    assert rule["status"] == "active"
    assert rule["start_date"] == "2025-06-16"
    changes = episode.diff().changes
    assert sorted((change.table, change.change) for change in changes) == [
        ("alert_rules", "added"),
        ("saved_locations", "added"),
    ]
    assert "saved location is already named 'Conference'" in refused(
        episode, "save_location", name="conference", city="Boston"
    )


def test_out_of_range_threshold_and_past_start_are_refused(episode: Episode, refused) -> None:
    location_id = next(iter(episode.table("saved_locations").all()))["location_id"]
    message = refused(
        episode,
        "create_alert_rule",
        location_id=location_id,
        metric="humidity",
        operator="above",
        threshold=120,
        email="ops@example.com",
    )
    assert "between 0 and 100" in message
    message = refused(
        episode,
        "create_alert_rule",
        location_id=location_id,
        metric="temperature",
        operator="below",
        threshold=0,
        email="ops@example.com",
        start_date="2025-06-01",
    )
    assert "in the past" in message


def test_active_rules_block_deleting_a_location_until_paused(episode: Episode, ok, refused) -> None:
    rules = episode.table("alert_rules")
    location_id = next(row["location_id"] for row in rules.all() if row["status"] == "active")
    assert "active alert rule" in refused(episode, "delete_saved_location", location_id=location_id)
    for rule in rules.find(location_id=location_id, status="active"):
        ok(episode, "update_alert_rule", alert_rule_id=rule["alert_rule_id"], status="paused")
    attached = rules.count(location_id=location_id)
    result = ok(episode, "delete_saved_location", location_id=location_id)
    assert result["alert_rules_deleted"] == attached
    assert episode.table("saved_locations").get(location_id) is None
    assert rules.count(location_id=location_id) == 0


def test_at_most_five_active_rules_per_location(episode: Episode, ok, refused) -> None:
    location = ok(episode, "save_location", name="Harbour", city="Auckland")
    for threshold in (20, 22, 24, 26, 28):
        ok(
            episode,
            "create_alert_rule",
            location_id=location["location_id"],
            metric="wind_speed",
            operator="above",
            threshold=threshold,
            email="skipper@example.com",
        )
    assert "5 active alert rules" in refused(
        episode,
        "create_alert_rule",
        location_id=location["location_id"],
        metric="wind_speed",
        operator="above",
        threshold=30,
        email="skipper@example.com",
    )
