"""Helpers the travel environments share: reading dates and times an agent typed, local clocks,
money in the right currency, and booking codes.

Tools receive dates and times as text; these helpers turn them into values or refuse with a
message that names the argument and shows the expected form, so an agent can correct its call.
Local times carry the UTC offset in force at that place on that day (see :mod:`._zones`).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta, timezone

from envfactory_core.env import Context, ToolError

from ._zones import utc_offset

__all__ = [
    "CODE_ALPHABET",
    "FX_FROM_EUR",
    "NOW",
    "check_email",
    "convert",
    "in_zone",
    "iso",
    "local_time",
    "money",
    "new_code",
    "nights",
    "parse_date",
    "parse_time",
    "phone_number",
    "require_text",
    "seed_code",
    "seed_token",
]

NOW = "2025-06-16T08:00:00+00:00"
"""The travel domain's clock: Monday morning, 16 June 2025 (UTC)."""

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits of booking codes, without the look-alikes 0/O and 1/I."""

_EARLIEST_YEAR = 2000
_LATEST_YEAR = 2100

# Approximate mid-2025 rates from one euro, used to price the same product in local currencies.
FX_FROM_EUR: dict[str, float] = {
    "EUR": 1.0,
    "USD": 1.14,
    "GBP": 0.85,
    "CHF": 0.94,
    "CZK": 24.8,
    "PLN": 4.27,
    "SEK": 10.9,
    "NOK": 11.5,
    "DKK": 7.46,
    "JPY": 165.0,
    "KRW": 1570.0,
    "SGD": 1.47,
    "INR": 97.5,
    "CAD": 1.56,
    "AUD": 1.76,
    "NZD": 1.91,
    "BRL": 6.35,
    "MXN": 21.8,
    "ZAR": 20.4,
    "KES": 147.0,
    "GHS": 11.8,
}
_ZERO_DECIMAL = {"JPY", "KRW"}


def parse_date(value: str, argument: str) -> date:
    """A ``YYYY-MM-DD`` date, or a refusal naming ``argument``."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-07-04") from None
    if not _EARLIEST_YEAR <= parsed.year <= _LATEST_YEAR:
        raise ToolError(f"{argument} {value!r} is outside the years {_EARLIEST_YEAR}-{_LATEST_YEAR}")
    return parsed


def parse_time(value: str, argument: str) -> datetime:
    """An ISO 8601 time with a UTC offset, or a refusal naming ``argument``."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not an ISO 8601 time; use e.g. 2025-07-04T10:00:00+02:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ToolError(f"{argument} {value!r} has no UTC offset; add one, e.g. 2025-07-04T10:00:00+02:00")
    if not _EARLIEST_YEAR <= parsed.year <= _LATEST_YEAR:
        raise ToolError(f"{argument} {value!r} is outside the years {_EARLIEST_YEAR}-{_LATEST_YEAR}")
    return parsed


def iso(moment: datetime) -> str:
    """ISO 8601 to the second, with the offset: ``2025-07-04T15:00:00+02:00``."""
    return moment.isoformat(timespec="seconds")


def local_time(day: date, clock: str, time_zone: str) -> datetime:
    """``day`` at ``clock`` (``"15:00"``) in ``time_zone``, with the offset in force that day."""
    hours, minutes = (int(part) for part in clock.split(":"))
    zone = timezone(timedelta(minutes=utc_offset(time_zone, day)))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone)


def in_zone(moment: datetime, time_zone: str) -> datetime:
    """``moment`` expressed in ``time_zone``'s local time."""
    zone = timezone(timedelta(minutes=utc_offset(time_zone, moment.astimezone(UTC).date())))
    return moment.astimezone(zone)


def nights(start: date, end: date) -> list[date]:
    """The nights of a stay from ``start`` (check-in) to ``end`` (check-out)."""
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


def money(amount: float, currency: str) -> float:
    """An amount rounded the way ``currency`` is written (no decimals for JPY and KRW)."""
    if currency in _ZERO_DECIMAL:
        return float(round(amount))
    return round(float(amount), 2)


def convert(eur_amount: float, currency: str) -> float:
    """A euro price expressed in ``currency``, rounded for that currency."""
    return money(eur_amount * FX_FROM_EUR.get(currency, 1.0), currency)


def new_code(ctx: Context, table: str, column: str = "confirmation_code", length: int = 6) -> str:
    """A new booking code not yet used in ``table`` (deterministic for the episode)."""
    view = ctx.table(table)
    while True:
        code = ctx.new_id("code", length=length, alphabet=CODE_ALPHABET).removeprefix("code_")
        if view.first(**{column: code}) is None:
            return code


def seed_code(rng: random.Random, length: int = 6) -> str:
    """A booking code for seed data."""
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(length))


def seed_token(rng: random.Random, length: int = 10) -> str:
    """A lowercase id token for seed data (``ctx.new_id`` uses the same alphabet)."""
    return "".join(rng.choice("0123456789abcdefghjkmnpqrstvwxyz") for _ in range(length))


def check_email(value: str, argument: str = "email") -> str:
    """A plausible email address, or a refusal naming ``argument``."""
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or domain.startswith(".") or domain.endswith("."):
        raise ToolError(f"{argument} {value!r} is not an email address; give e.g. ines.moreau@example.com")
    return value.strip().lower()


def require_text(value: str, argument: str, *, max_length: int = 200) -> str:
    """Non-blank text, trimmed, or a refusal naming ``argument``."""
    text = value.strip()
    if not text:
        raise ToolError(f"{argument} must not be blank")
    if len(text) > max_length:
        raise ToolError(f"{argument} is {len(text)} characters long; the limit is {max_length}")
    return text


_DIALLING_CODES = {
    "DE": "+49",
    "FR": "+33",
    "NL": "+31",
    "BE": "+32",
    "IT": "+39",
    "CH": "+41",
    "AT": "+43",
    "CZ": "+420",
    "PL": "+48",
    "GB": "+44",
    "ES": "+34",
    "SE": "+46",
    "NO": "+47",
    "US": "+1",
    "CA": "+1",
    "SG": "+65",
    "JP": "+81",
    "AU": "+61",
}


def phone_number(rng: random.Random, country: str) -> str:
    """A phone number with ``country``'s dialling code."""
    return (
        f"{_DIALLING_CODES.get(country, '+1')} {rng.randint(20, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    )
