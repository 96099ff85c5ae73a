"""Small helpers the lifestyle environments share: reading times an agent typed, local clocks, ids.

Tools receive times as text; the core's :mod:`envfactory_core.env.values` parsers, with this
domain's examples, turn them into aware datetimes or refuse with a message that names the argument
and shows the expected form, so an agent can correct its call.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from functools import partial

from envfactory_core.env import values
from envfactory_core.env.fake import CITIES, City
from envfactory_core.env.timezones import offset_text, utc_offset
from envfactory_core.env.values import iso, next_int_id

__all__ = [
    "JUNE_OFFSETS",
    "LOCAL_CITIES",
    "NOW",
    "business_phone",
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


# Country calling codes for the countries venues are placed in (``fake.phone`` knows only a few).
CALLING_CODES = {
    "US": "+1", "CA": "+1", "GB": "+44", "IE": "+353", "PT": "+351", "ES": "+34", "FR": "+33", "IT": "+39",
    "DE": "+49", "NL": "+31", "SE": "+46", "NO": "+47", "PL": "+48", "AU": "+61", "NZ": "+64", "SG": "+65",
    "JP": "+81", "KR": "+82", "IN": "+91", "ZA": "+27", "KE": "+254", "GH": "+233", "BR": "+55", "MX": "+52",
}  # fmt: skip


def business_phone(rng: random.Random, country_code: str) -> str:
    """A phone number with the country's calling code, e.g. ``+39 02 4817 3390``."""
    prefix = CALLING_CODES.get(country_code, "+1")
    if prefix == "+1":
        return f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
    return f"{prefix} {rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def local_zone(offset: str) -> timezone:
    """The fixed-offset zone for ``"+02:00"``-style text."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
