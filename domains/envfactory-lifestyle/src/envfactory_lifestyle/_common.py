"""Small helpers the lifestyle environments share: reading times an agent typed, local clocks, ids.

Tools receive times as text; these helpers turn them into aware datetimes or refuse with a message
that names the argument and shows the expected form, so an agent can correct its call.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from envfactory_core.env import ToolError
from envfactory_core.env.fake import CITIES, City
from envfactory_core.env.tables import TableView

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

# UTC offsets in force in June 2025 (summer time where it applies, winter time south of the equator),
# for every city ``envfactory_core.env.fake`` draws people and places from.
JUNE_OFFSETS = {
    "Lisbon": "+01:00",
    "Berlin": "+02:00",
    "Osaka": "+09:00",
    "Toronto": "-04:00",
    "Austin": "-05:00",
    "Seattle": "-07:00",
    "Chicago": "-05:00",
    "Boston": "-04:00",
    "Denver": "-06:00",
    "Nairobi": "+03:00",
    "Accra": "+00:00",
    "Melbourne": "+10:00",
    "Auckland": "+12:00",
    "Sao Paulo": "-03:00",
    "Mexico City": "-06:00",
    "Madrid": "+02:00",
    "Lyon": "+02:00",
    "Milan": "+02:00",
    "Amsterdam": "+02:00",
    "Stockholm": "+02:00",
    "Oslo": "+02:00",
    "Warsaw": "+02:00",
    "Dublin": "+01:00",
    "Edinburgh": "+01:00",
    "Manchester": "+01:00",
    "Bengaluru": "+05:30",
    "Singapore": "+08:00",
    "Seoul": "+09:00",
    "Cape Town": "+02:00",
    "Vancouver": "-07:00",
}
LOCAL_CITIES: tuple[tuple[City, str], ...] = tuple(
    (city, JUNE_OFFSETS[city.name]) for city in CITIES if city.name in JUNE_OFFSETS
)


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


def iso(moment: datetime) -> str:
    """ISO 8601 to the second, with the offset (``2025-06-14T19:30:00-04:00``)."""
    return moment.isoformat(timespec="seconds")


def parse_time(value: str, argument: str) -> datetime:
    """An aware datetime from ISO 8601 text, or a refusal naming ``argument``."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not an ISO 8601 time; give e.g. 2025-06-14T19:30:00-04:00") from None
    if moment.tzinfo is None:
        raise ToolError(f"{argument} {value!r} has no UTC offset; add one, e.g. 2025-06-14T19:30:00-04:00")
    return moment


def parse_day(value: str, argument: str) -> date:
    """A date from ``YYYY-MM-DD`` text, or a refusal naming ``argument``."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not a date; give YYYY-MM-DD, e.g. 2025-06-14") from None


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def next_int_id(view: TableView, column: str, floor: int) -> int:
    """The next integer id for a table whose ids are numbers: one more than the largest, at least ``floor``."""
    rows = view.find(order_by=column, descending=True, limit=1)
    largest = int(rows[0][column]) if rows else floor - 1
    return max(largest + 1, floor)
