"""Small helpers the lifestyle environments share: reading times an agent typed, local clocks, ids.

Tools receive times as text; the core's :mod:`envfactory_core.env.values` parsers, with this
domain's examples, turn them into aware datetimes or refuse with a message that names the argument
and shows the expected form, so an agent can correct its call.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import partial

from envfactory_core.env import values
from envfactory_core.env.fake import CITIES, City, PhoneShape
from envfactory_core.env.timezones import offset_text, utc_offset
from envfactory_core.env.values import iso, next_int_id

__all__ = [
    "JUNE_OFFSETS",
    "LOCAL_CITIES",
    "NOW",
    "VENUE_PHONE",
    "days_between",
    "iso",
    "local_zone",
    "next_int_id",
    "offset_of",
    "parse_day",
    "parse_time",
]

NOW = "2025-06-12T16:00:00+00:00"
"""The lifestyle domain's clock: a Thursday afternoon in June 2025 (UTC)."""

parse_time = partial(values.parse_time, example="2025-06-14T19:30:00-04:00")
parse_day = partial(values.parse_date, example="2025-06-14")

# Venues and athletes keep one UTC offset all season: the one in force on the clock's day (summer
# time where it applies, winter time south of the equator), for every city ``fake`` draws from.
_TODAY = datetime.fromisoformat(NOW).date()
JUNE_OFFSETS = {city.name: offset_text(utc_offset(city.timezone, _TODAY)) for city in CITIES}
LOCAL_CITIES: tuple[tuple[City, str], ...] = tuple((city, JUNE_OFFSETS[city.name]) for city in CITIES)


def offset_of(city: City) -> str:
    """The June 2025 UTC offset of one of the fake cities (UTC for a city not in the table)."""
    return JUNE_OFFSETS.get(city.name, "+00:00")


VENUE_PHONE = PhoneShape(
    groups=((10, 99), (1000, 9999), (1000, 9999)), north_american=((201, 989), (200, 999), (1000, 9999))
)
"""A venue's number for ``fake.phone``: ``+39 27 2033 5179``, ``+1 338 782 2033``."""


def local_zone(offset: str) -> timezone:
    """The fixed-offset zone for ``"+02:00"``-style text."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
