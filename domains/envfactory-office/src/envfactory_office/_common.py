"""Helpers the office environments share: reading dates, times and addresses an agent typed, the
account owner, and ids in the shapes the real services use.

The account owner is the first person of ``fake.people(ctx.shared("people"), n)``, so with the same
seed the calendar, the mailbox, the drive and the task list belong to the same person, and their
colleagues are the same people everywhere.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

from envfactory_core.env import Context, SeedContext, ToolError, fake

from ._zones import utc_offset

__all__ = [
    "BASE62",
    "HEX",
    "NOW",
    "check_email",
    "in_zone",
    "iso",
    "new_token",
    "owner",
    "parse_date",
    "parse_time",
    "require_text",
    "seed_people",
    "seed_token",
]

NOW = "2025-06-16T08:00:00+00:00"
"""The office domain's clock: Monday morning, 16 June 2025 (UTC)."""

HEX = "0123456789abcdef"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_EARLIEST_YEAR = 2000
_LATEST_YEAR = 2100


def parse_date(value: str, argument: str) -> date:
    """A ``YYYY-MM-DD`` date, or a refusal naming ``argument``."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-06-20") from None
    if not _EARLIEST_YEAR <= parsed.year <= _LATEST_YEAR:
        raise ToolError(f"{argument} {value!r} is outside the years {_EARLIEST_YEAR}-{_LATEST_YEAR}")
    return parsed


def parse_time(value: str, argument: str) -> datetime:
    """An ISO 8601 time with a UTC offset, or a refusal naming ``argument``."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not an ISO 8601 time; use e.g. 2025-06-20T14:00:00+02:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ToolError(f"{argument} {value!r} has no UTC offset; add one, e.g. 2025-06-20T14:00:00+02:00")
    if not _EARLIEST_YEAR <= parsed.year <= _LATEST_YEAR:
        raise ToolError(f"{argument} {value!r} is outside the years {_EARLIEST_YEAR}-{_LATEST_YEAR}")
    return parsed


def iso(moment: datetime) -> str:
    """ISO 8601 to the second, with the offset: ``2025-06-20T14:00:00+02:00``."""
    return moment.isoformat(timespec="seconds")


def in_zone(moment: datetime, time_zone: str) -> datetime:
    """``moment`` expressed in ``time_zone``'s local time, with the offset in force that day."""
    day = moment.astimezone(UTC).date()
    return moment.astimezone(timezone(timedelta(minutes=utc_offset(time_zone, day))))


def check_email(value: str, argument: str = "email") -> str:
    """A plausible email address, lowercased, or a refusal naming ``argument``."""
    text = value.strip()
    local, _, domain = text.partition("@")
    if not local or "." not in domain or " " in text or domain.startswith(".") or domain.endswith(".") or "@" in domain:
        raise ToolError(f"{argument} {value!r} is not an email address; give e.g. lena.vogel@example.com")
    return text.lower()


def require_text(value: str, argument: str, *, max_length: int = 200) -> str:
    """Non-blank text, trimmed, or a refusal naming ``argument``."""
    text = value.strip()
    if not text:
        raise ToolError(f"{argument} must not be blank")
    if len(text) > max_length:
        raise ToolError(f"{argument} is {len(text)} characters long; the limit is {max_length}")
    return text


def new_token(ctx: Context, kind: str, length: int, alphabet: str) -> str:
    """A new id token of ``length`` characters from ``alphabet`` (deterministic for the episode)."""
    return ctx.new_id(kind, length=length, alphabet=alphabet).split("_", 1)[1]


def seed_token(rng: random.Random, length: int, alphabet: str = "0123456789abcdefghjkmnpqrstvwxyz") -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def seed_people(ctx: SeedContext, count: int) -> list[fake.Person]:
    """The account owner first, then ``count - 1`` colleagues: the same people in every office environment."""
    return fake.people(ctx.shared("people"), max(2, count))


def owner(ctx: Context) -> dict[str, str]:
    """The account owner's profile row."""
    rows = ctx.table("profile").all()
    if not rows:
        raise ToolError("this account has no profile")
    return rows[0]  # type: ignore[return-value]
