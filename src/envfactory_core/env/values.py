"""Checks and conversions that tools of many environments share: money, dates, times, text, ids.

Tools receive dates and times as text. The parsers here turn them into values or raise a
:class:`~envfactory_core.env.ToolError` that names the argument and shows the expected form, so an
agent can correct its call. Pass ``example=`` to show a value near your environment's clock::

    from functools import partial

    from envfactory_core.env import values

    parse_date = partial(values.parse_date, example="2025-10-20")

The ``seed_*`` helpers draw ids for seed data from the factory's ``random.Random``, in the same
shape as the ids ``ctx.new_id`` issues to tools, so seeded rows and rows created later look alike.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from .errors import ToolError
from .tables import TableView

__all__ = [
    "ID_ALPHABET",
    "ZERO_DECIMAL_CURRENCIES",
    "cents",
    "check_email",
    "digits",
    "iso",
    "matches",
    "money",
    "next_int_id",
    "page",
    "parse_date",
    "parse_time",
    "require_text",
    "seed_id",
    "seed_token",
]

T = TypeVar("T")

ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Lowercase letters and digits without the look-alikes i, l, o, u: the alphabet of ``ctx.new_id``."""

ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW"})
"""Currencies written without decimals (ISO 4217 minor unit 0) among those the fake cities use."""


# --- money ------------------------------------------------------------------------------------------


def money(value: float, currency: str | None = None) -> float:
    """An amount rounded the way ``currency`` is written: to cents, or to whole units for JPY and KRW.

    ``-0.0`` becomes ``0.0``, so equal states hash equally.
    """
    if currency in ZERO_DECIMAL_CURRENCIES:
        return float(round(value)) + 0.0
    return round(float(value), 2) + 0.0


def cents(value: float) -> int:
    """An amount in whole cents, for exact comparisons of sums."""
    return round(float(value) * 100)


# --- dates and times --------------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    """ISO 8601 to the second, with the offset: ``2025-06-20T14:00:00+02:00``."""
    return moment.isoformat(timespec="seconds")


def _check_year(parsed: date, value: str, argument: str, years: tuple[int, int] | None) -> None:
    if years is not None and not years[0] <= parsed.year <= years[1]:
        raise ToolError(f"{argument} {value!r} is outside the years {years[0]}-{years[1]}")


def parse_date(value: str, argument: str, *, example: str = "2025-06-16", years: tuple[int, int] | None = None) -> date:
    """A ``YYYY-MM-DD`` date, or a refusal naming ``argument``.

    Only the ten-character form is accepted (``date.fromisoformat`` would also take ``20250616``).
    ``years=(first, last)`` refuses dates outside that range.
    """
    try:
        if len(value) != 10:
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not a date; use YYYY-MM-DD, e.g. {example}") from None
    _check_year(parsed, value, argument, years)
    return parsed


def parse_time(
    value: str,
    argument: str,
    *,
    example: str = "2025-06-18T15:00:00-05:00",
    years: tuple[int, int] | None = None,
) -> datetime:
    """An ISO 8601 time that carries a UTC offset (a bare local time is ambiguous), or a refusal naming ``argument``."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not an ISO 8601 time; use e.g. {example}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ToolError(f"{argument} {value!r} has no UTC offset; add one, e.g. {example}")
    _check_year(parsed, value, argument, years)
    return parsed


# --- text ---------------------------------------------------------------------------------------------


def require_text(value: str, argument: str, *, max_length: int = 200) -> str:
    """Non-blank text, trimmed, at most ``max_length`` characters, or a refusal naming ``argument``."""
    text = value.strip()
    if not text:
        raise ToolError(f"{argument} must not be blank")
    if len(text) > max_length:
        raise ToolError(f"{argument} is {len(text)} characters long; the limit is {max_length}")
    return text


def check_email(value: str, argument: str = "email", *, example: str = "lena.vogel@example.com") -> str:
    """A plausible email address (one ``@``, a dotted domain, no spaces), trimmed and lowercased."""
    text = value.strip()
    local, _, domain = text.partition("@")
    if not local or "." not in domain or " " in text or domain.startswith(".") or domain.endswith(".") or "@" in domain:
        raise ToolError(f"{argument} {value!r} is not an email address; give e.g. {example}")
    return text.lower()


def matches(needle: str | None, *haystacks: object) -> bool:
    """Case-insensitive substring search over several fields (an empty needle matches everything)."""
    if not needle:
        return True
    folded = needle.casefold().strip()
    return any(folded in str(field).casefold() for field in haystacks if field is not None)


def page(rows: Sequence[T], limit: int, offset: int = 0) -> list[T]:
    """One page of ``rows``: at most ``limit`` after skipping ``offset`` (the first ``limit`` without one).

    Every list tool pages through this, so ``limit`` and ``offset`` mean the same in every environment.
    """
    return list(rows[offset : offset + limit])


# --- ids ----------------------------------------------------------------------------------------------


def seed_token(rng: random.Random, length: int = 10, alphabet: str = ID_ALPHABET) -> str:
    """``length`` characters drawn from ``alphabet``: the random part of a seeded id."""
    return "".join(rng.choice(alphabet) for _ in range(length))


def seed_id(rng: random.Random, prefix: str, length: int = 10) -> str:
    """An id for seeded rows, shaped like the ids tools issue with ``ctx.new_id`` (``ord_4k2m…``)."""
    return f"{prefix}_" + seed_token(rng, length)


def digits(rng: random.Random, count: int) -> str:
    """``count`` random decimal digits (account numbers, tracking numbers, ZIP tails)."""
    return "".join(str(rng.randrange(10)) for _ in range(count))


def next_int_id(view: TableView, column: str, floor: int) -> int:
    """The next integer id for a table whose ids are numbers: one more than the largest, at least ``floor``."""
    rows = view.find(order_by=column, descending=True, limit=1)
    largest = int(rows[0][column]) if rows else floor - 1
    return max(largest + 1, floor)
