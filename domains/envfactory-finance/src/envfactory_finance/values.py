"""Checks and conversions the finance tools share: money, dates, times, text search, pages.

Tools receive dates and times as text; these helpers turn them into values or refuse with a
message that names the argument and shows the expected form, so an agent can correct itself.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from envfactory_core.env import ToolError

T = TypeVar("T")

_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def money(value: float) -> float:
    """An amount rounded to cents (``-0.0`` becomes ``0.0`` so equal states hash equally)."""
    return round(float(value), 2) + 0.0


def cents(value: float) -> int:
    """An amount in whole cents, for exact comparisons."""
    return round(float(value) * 100)


def parse_date(value: str, argument: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-06-16") from None


def parse_time(value: str, argument: str) -> datetime:
    """An ISO 8601 time that must carry a UTC offset (a bare local time is ambiguous)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(
            f"{argument} {value!r} is not a time; use ISO 8601 with an offset, e.g. 2025-06-18T15:00:00-05:00"
        ) from None
    if parsed.tzinfo is None:
        raise ToolError(f"{argument} {value!r} has no UTC offset; add one, e.g. 2025-06-18T15:00:00-05:00")
    return parsed


def matches(needle: str | None, *haystacks: object) -> bool:
    """Case-insensitive substring search over several fields (an empty needle matches everything)."""
    if not needle:
        return True
    folded = needle.casefold().strip()
    return any(folded in str(field).casefold() for field in haystacks if field is not None)


def page(rows: Sequence[T], limit: int, offset: int) -> list[T]:
    return list(rows[offset : offset + limit])


def seed_id(rng: random.Random, prefix: str, length: int = 10) -> str:
    """An id for seeded rows, shaped like the ids tools issue (``ord_4k2m…``)."""
    return f"{prefix}_" + "".join(rng.choice(_ID_ALPHABET) for _ in range(length))


def digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))
