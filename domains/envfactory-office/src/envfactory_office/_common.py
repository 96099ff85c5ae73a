"""Helpers the office environments share: reading dates, times and addresses an agent typed (the
core's :mod:`envfactory_core.env.values` with this domain's examples), local times in the owner's
zone (:mod:`envfactory_core.env.timezones`), the account owner, and ids in the shapes the real
services use.

The account owner is the first person of ``fake.people(ctx.shared("people"), n)``, so with the same
seed the calendar, the mailbox, the drive and the task list belong to the same person, and their
colleagues are the same people everywhere.
"""

from __future__ import annotations

from functools import partial

from envfactory_core.env import Context, SeedContext, ToolError, fake, values
from envfactory_core.env.timezones import in_zone
from envfactory_core.env.values import check_email, iso, require_text, seed_token

__all__ = [
    "BASE62",
    "HEX",
    "NOW",
    "chain_depth",
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
YEARS = (2000, 2100)
"""The years a date or time an agent types must fall in."""

parse_date = partial(values.parse_date, example="2025-06-20", years=YEARS)
parse_time = partial(values.parse_time, example="2025-06-20T14:00:00+02:00", years=YEARS)


def new_token(ctx: Context, kind: str, length: int, alphabet: str) -> str:
    """A new id token of ``length`` characters from ``alphabet`` (deterministic for the episode)."""
    return ctx.new_id(kind, length=length, alphabet=alphabet).split("_", 1)[1]


def chain_depth(ctx: Context, table: str, parent_column: str, key: str | None) -> int:
    """How many ids the chain from ``key`` up through ``table``'s ``parent_column`` holds (0 for None).

    The nesting depth of folders or subtasks; a cycle ends the walk, so a corrupt state cannot loop forever.
    """
    depth = 0
    seen: set[str] = set()
    while key is not None and key not in seen:
        seen.add(key)
        depth += 1
        parent = ctx.table(table).get(key)
        key = None if parent is None else parent[parent_column]
    return depth


def seed_people(ctx: SeedContext) -> list[fake.Person]:
    """The account owner first, then colleagues (more for larger sizes): the same people in every office environment."""
    return fake.people(ctx.shared("people"), max(6, ctx.size // 2 + 4))


def owner(ctx: Context) -> dict[str, str]:
    """The account owner's profile row."""
    rows = ctx.table("profile").all()
    if not rows:
        raise ToolError("this account has no profile")
    return rows[0]
