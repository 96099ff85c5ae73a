"""The written-out daylight-saving rules give the offsets the time zone database gives, on every day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.env import fake
from envfactory_core.env.timezones import ZONES, in_zone, local_time, offset_text, utc_offset, zone_on

CHANGES = [
    ("Europe/Berlin", date(2025, 3, 29), 60),
    ("Europe/Berlin", date(2025, 3, 30), 120),
    ("Europe/Berlin", date(2025, 10, 25), 120),
    ("Europe/Berlin", date(2025, 10, 26), 60),
    ("Europe/London", date(2025, 6, 16), 60),
    ("Europe/London", date(2025, 12, 1), 0),
    ("America/New_York", date(2025, 3, 8), -300),
    ("America/New_York", date(2025, 3, 9), -240),
    ("America/New_York", date(2025, 11, 1), -240),
    ("America/New_York", date(2025, 11, 2), -300),
    ("Australia/Melbourne", date(2025, 4, 5), 660),
    ("Australia/Melbourne", date(2025, 4, 6), 600),
    ("Australia/Melbourne", date(2025, 10, 4), 600),
    ("Australia/Melbourne", date(2025, 10, 5), 660),
    ("Pacific/Auckland", date(2025, 4, 5), 780),
    ("Pacific/Auckland", date(2025, 4, 6), 720),
    ("Pacific/Auckland", date(2025, 9, 27), 720),
    ("Pacific/Auckland", date(2025, 9, 28), 780),
    ("Asia/Kolkata", date(2025, 6, 16), 330),
    ("America/Sao_Paulo", date(2025, 1, 15), -180),
]


@pytest.mark.parametrize(("zone", "day", "minutes"), CHANGES)
def test_offset_on_each_side_of_a_change(zone: str, day: date, minutes: int) -> None:
    assert utc_offset(zone, day) == minutes


@pytest.mark.parametrize("zone", sorted(ZONES))
def test_every_day_of_three_years_agrees_with_the_time_zone_database(zone: str) -> None:
    """At noon UTC every change of these rules has happened everywhere, so the day's offset is the database's."""
    database = ZoneInfo(zone)
    day = date(2024, 1, 1)
    while day < date(2027, 1, 1):
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        expected = noon.astimezone(database).utcoffset()
        assert expected is not None
        assert utc_offset(zone, day) == expected // timedelta(minutes=1), f"{zone} on {day}"
        day += timedelta(days=1)


def test_every_fake_city_has_its_zone_written_out() -> None:
    assert {city.timezone for city in fake.CITIES} <= set(ZONES)


def test_an_unknown_zone_counts_as_utc() -> None:
    assert utc_offset("Mars/Olympus_Mons", date(2025, 6, 16)) == 0
    assert zone_on("Mars/Olympus_Mons", date(2025, 6, 16)).utcoffset(None) == timedelta(0)


def test_in_zone_keeps_the_instant_and_shows_the_local_offset() -> None:
    moment = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
    local = in_zone(moment, "America/New_York")
    assert local == moment
    assert local.isoformat() == "2025-06-16T04:00:00-04:00"
    assert in_zone(datetime(2025, 12, 16, 8, 0, tzinfo=UTC), "Europe/Berlin").isoformat() == "2025-12-16T09:00:00+01:00"


def test_local_time_is_the_clock_time_with_that_days_offset() -> None:
    assert local_time(date(2025, 7, 4), "15:00", "Europe/Paris").isoformat() == "2025-07-04T15:00:00+02:00"
    assert local_time(date(2025, 1, 4), "09:30", "Asia/Kolkata").isoformat() == "2025-01-04T09:30:00+05:30"


@pytest.mark.parametrize(("minutes", "text"), [(0, "+00:00"), (330, "+05:30"), (-240, "-04:00"), (-570, "-09:30")])
def test_offset_text_writes_iso_offsets(minutes: int, text: str) -> None:
    assert offset_text(minutes) == text


@settings(max_examples=100, deadline=None)
@given(minutes=st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59))
def test_offset_text_reads_back_as_the_same_offset(minutes: int) -> None:
    parsed = datetime.fromisoformat("2025-06-16T00:00:00" + offset_text(minutes))
    assert parsed.utcoffset() == timedelta(minutes=minutes)
