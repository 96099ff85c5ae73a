"""Helpers the travel environments share: reading dates and times an agent typed, local clocks,
money in the right currency, and booking codes.

Tools receive dates and times as text; the core's :mod:`envfactory_core.env.values` parsers, with
this domain's examples, turn them into values or refuse with a message that names the argument and
shows the expected form, so an agent can correct its call. Local times carry the UTC offset in
force at that place on that day (see :mod:`envfactory_core.env.timezones`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from envfactory_core.env import Context, values
from envfactory_core.env.fake import PhoneShape
from envfactory_core.env.timezones import in_zone, local_time
from envfactory_core.env.values import iso, money, require_text, seed_token

__all__ = [
    "CODE_ALPHABET",
    "DESK_PHONE",
    "FX_FROM_EUR",
    "NOW",
    "check_email",
    "convert",
    "find_bookings",
    "in_zone",
    "iso",
    "local_time",
    "money",
    "new_code",
    "nights",
    "parse_date",
    "parse_time",
    "require_text",
    "seed_code",
    "seed_token",
    "unique_seed_code",
]

NOW = "2025-06-16T08:00:00+00:00"
"""The travel domain's clock: Monday morning, 16 June 2025 (UTC)."""

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits of booking codes, without the look-alikes 0/O and 1/I."""

YEARS = (2000, 2100)
"""The years a date or time an agent types must fall in."""

parse_date = partial(values.parse_date, example="2025-07-04", years=YEARS)
parse_time = partial(values.parse_time, example="2025-07-04T10:00:00+02:00", years=YEARS)
check_email = partial(values.check_email, example="ines.moreau@example.com")

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


def nights(start: date, end: date) -> list[date]:
    """The nights of a stay from ``start`` (check-in) to ``end`` (check-out)."""
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


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


def find_bookings(
    ctx: Context,
    table: str,
    *,
    email: str | None = None,
    confirmation_code: str | None = None,
    order_by: str | Sequence[str] | None = None,
    **equals: Any,
) -> list[dict[str, Any]]:
    """Rows of a booking table matching every filter given (``None`` filters are left out).

    Emails are stored lowercased and confirmation codes in capitals, so an agent's spelling of
    either still finds the booking.
    """
    filters = {column: value for column, value in equals.items() if value is not None}
    if confirmation_code is not None:
        filters["confirmation_code"] = confirmation_code.strip().upper()
    rows = ctx.table(table).find(order_by=order_by, **filters)
    if email is not None:
        wanted = email.strip().lower()
        rows = [row for row in rows if row["email"] == wanted]
    return rows


def seed_code(rng: random.Random, length: int = 6) -> str:
    """A booking code for seed data."""
    return seed_token(rng, length, CODE_ALPHABET)


def unique_seed_code(rng: random.Random, used: set[str], length: int = 6) -> str:
    """A booking code for seed data that is not in ``used`` (drawn again until it is new), added to ``used``."""
    code = seed_code(rng, length)
    while code in used:
        code = seed_code(rng, length)
    used.add(code)
    return code


DESK_PHONE = PhoneShape(groups=((20, 99), (100, 999), (1000, 9999)))
"""A hotel's or rental desk's number for ``fake.phone``: ``+49 37 682 2033``."""
