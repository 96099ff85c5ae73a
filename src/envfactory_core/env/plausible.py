"""What values of a field a person would give: money by purpose and currency, weights, sizes, places, dates.

One table serves both sides: :func:`plausible_range` tells the value engine where to draw a number
the schema leaves unbounded (a monthly income of 2,400, not 75.96), and :func:`value_problems`
tells the task checks which values of a call no one would give (a 64 kg parcel, a Vancouver postal
code in Norway, a date range that ends before it starts or before the thing it asks about existed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from . import fake

__all__ = ["POSTAL_PATTERNS", "city_named", "plausible_range", "postal_fits", "value_problems"]

_RANGES: tuple[tuple[re.Pattern[str], float, float, float], ...] = tuple(
    (re.compile(pattern), low, high, step)
    for pattern, low, high, step in (
        (r"(annual|yearly)_(income|salary)|^(annual_)?salary$", 24000.0, 180000.0, 500.0),
        (r"income|salary|earnings", 1800.0, 12000.0, 50.0),
        (r"(^|_)rent($|_)|monthly_rent", 500.0, 5000.0, 25.0),
        (r"deposit", 200.0, 8000.0, 50.0),
        (r"declared_value|insured_value", 10.0, 2500.0, 5.0),
        (r"weight_kg|^weight$", 0.2, 25.0, 0.1),
        (r"weight_g(rams)?$", 100.0, 20000.0, 10.0),
        (r"weight_(lb|lbs)$", 0.5, 50.0, 0.1),
        (r"(length|width|height|depth)_cm$", 5.0, 100.0, 1.0),
        (r"(length|width|height|depth)_in$", 2.0, 40.0, 1.0),
        (r"occupants|party_size|guests|travelers|travellers|adults", 1.0, 6.0, 1.0),
    )
)
_LIMITS: tuple[tuple[re.Pattern[str], float, float], ...] = tuple(
    (re.compile(pattern), low, high)
    for pattern, low, high in (
        (r"(annual|yearly)_(income|salary)", 5000.0, 2_000_000.0),
        (r"income|salary|earnings", 300.0, 200_000.0),
        (r"weight_kg|^weight$", 0.01, 30.0),
        (r"weight_g(rams)?$", 1.0, 30000.0),
        (r"weight_(lb|lbs)$", 0.02, 70.0),
        (r"(length|width|height|depth)_cm$", 0.5, 200.0),
        (r"occupants|party_size|guests", 1.0, 30.0),
    )
)


def plausible_range(name: str) -> tuple[float, float, float] | None:
    """``(low, high, step)`` for a number called ``name`` that a person would give, or None if unknown."""
    for pattern, low, high, step in _RANGES:
        if pattern.search(name):
            return low, high, step
    return None


POSTAL_PATTERNS: dict[str, str] = {
    "US": r"\d{5}(-\d{4})?",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "MX": r"\d{5}",
    "SE": r"\d{3} ?\d{2}",
    "PT": r"\d{4}-\d{3}",
    "BR": r"\d{5}-\d{3}",
    "JP": r"\d{3}-\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "PL": r"\d{2}-\d{3}",
    "NO": r"\d{4}",
    "AU": r"\d{4}",
    "NZ": r"\d{4}",
    "IN": r"\d{6}",
    "SG": r"\d{6}",
    "KR": r"\d{5}",
    "ZA": r"\d{4}",
    "KE": r"\d{5}",
}
"""ISO 3166 alpha-2 country code → the whole-string pattern of its postal codes (upper case)."""

_CITIES = {city.name.casefold(): city for city in fake.CITIES}


def city_named(name: str) -> fake.City | None:
    """The city of the shipped table called ``name`` (any case), or None."""
    return _CITIES.get(name.strip().casefold())


def postal_fits(code: str, country: str) -> bool:
    """Whether ``code`` has the national format of ``country`` (True for a country without a known format)."""
    pattern = POSTAL_PATTERNS.get(country.strip().upper())
    return pattern is None or re.fullmatch(pattern, code.strip().upper()) is not None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None


_COUNTRY_KEYS = ("country", "country_code")
_POSTAL_KEYS = ("postal_code", "zip", "zip_code", "postcode")
_STARTS = re.compile(r"(^|_)(start|from|since|check_in|pickup|begin)(_|$)")
_ENDS = re.compile(r"(^|_)(end|to|until|through|check_out|dropoff)(_|$)")
_FUTURE = re.compile(r"move_in|check_in|pickup|departure|arrival|travel_date|viewing|preferred_date")


def _place_problems(values: Mapping[str, Any], where: str) -> list[str]:
    """Postal code, city and country of one address (one level of the arguments, by prefix)."""
    problems = []
    groups: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if not isinstance(value, str):
            continue
        for field in (*_COUNTRY_KEYS, *_POSTAL_KEYS, "city"):
            if key == field or key.endswith("_" + field):
                prefix = key[: len(key) - len(field)]
                groups.setdefault(prefix, {})["postal" if field in _POSTAL_KEYS else field] = value
                break
    for prefix, group in sorted(groups.items()):
        country = group.get("country") or group.get("country_code")
        city = city_named(group["city"]) if isinstance(group.get("city"), str) else None
        label = f"{where}{prefix}"
        if country and len(country) == 2 and city is not None and city.country_code != country.upper():
            problems.append(f"{label}city {city.name} is not in {country}")
        nation = country.upper() if country and len(country) == 2 else city.country_code if city else None
        postal = group.get("postal")
        if postal and nation and not postal_fits(postal, nation):
            problems.append(f"{label}postal code {postal} does not fit {nation}")
        elif postal and city is not None and (nation is None or nation == city.country_code):
            compact = postal.replace(" ", "").upper()
            if not compact.startswith(city.postal_prefix.replace(" ", "").upper()):
                problems.append(f"{label}postal code {postal} is not in {city.name}")
    return problems


def _level_problems(values: Mapping[str, Any], where: str, now: datetime | None, effect: str) -> list[str]:
    problems = _place_problems(values, where)
    for key, value in values.items():
        number = _number(value)
        if number is not None:
            for pattern, low, high in _LIMITS:
                if pattern.search(key):
                    if not low <= number <= high:
                        problems.append(f"{where}{key} {value} is outside {low:g}–{high:g}")
                    break
    currency = values.get("currency")
    if isinstance(currency, str) and currency.upper() in ("JPY", "KRW"):
        for key in ("amount", "price", "total", "unit_price"):
            number = _number(values.get(key))
            if number is not None and not number.is_integer():
                problems.append(f"{where}{key} {values[key]} has cents, but {currency.upper()} has none")
    starts = {key: _day(value) for key, value in values.items() if _STARTS.search(key) and _day(value)}
    ends = {key: _day(value) for key, value in values.items() if _ENDS.search(key) and _day(value)}
    for end_key, end in ends.items():
        for start_key, start in starts.items():
            if end is not None and start is not None and end < start:
                problems.append(f"{where}{end_key} {values[end_key]} is before {start_key} {values[start_key]}")
    if now is not None and effect == "write":
        for key, value in values.items():
            day = _day(value)
            if day is not None and _FUTURE.search(key) and day < now.date():
                problems.append(f"{where}{key} {value} is in the past (the environment's today is {now.date()})")
    for key, value in values.items():
        if isinstance(value, Mapping):
            problems += _level_problems(value, f"{where}{key}.", now, effect)
        elif isinstance(value, list):
            for item in value[:5]:
                if isinstance(item, Mapping):
                    problems += _level_problems(item, f"{where}{key}[].", now, effect)
    return problems


def _created_days(outputs: Sequence[Any], values: set[str]) -> list[date]:
    """Creation days of the entities of earlier outputs that the call refers to by one of ``values``."""
    days: list[date] = []

    def visit(node: Any, depth: int) -> None:
        if depth > 3:
            return
        if isinstance(node, Mapping):
            created = next((node[key] for key in ("created_at", "created", "created_on") if key in node), None)
            day = _day(created)
            if day is not None and any(isinstance(item, str) and item in values for item in node.values()):
                days.append(day)
            for item in node.values():
                visit(item, depth + 1)
        elif isinstance(node, list):
            for item in node:
                visit(item, depth + 1)

    for output in outputs:
        visit(output, 0)
    return days


def value_problems(
    arguments: Mapping[str, Any],
    *,
    now: datetime | None = None,
    effect: str = "read",
    earlier: Sequence[Any] = (),
) -> list[str]:
    """Why values of one call's arguments are implausible (empty when a person could have given them).

    ``now`` is the environment's clock (a write's move-in or check-in day is not in the past);
    ``earlier`` the outputs of the calls before it (a date range about an entity does not end before
    the entity was created).
    """
    problems = _level_problems(arguments, "", now, effect)
    referenced = {value for value in arguments.values() if isinstance(value, str) and len(value) >= 4}
    created = _created_days(earlier, referenced) if referenced else []
    if created:
        first = max(created)
        for key, value in arguments.items():
            day = _day(value)
            if day is not None and _ENDS.search(key) and day < first:
                problems.append(f"{key} {value} is before the {first} the thing it asks about was created")
    return problems
