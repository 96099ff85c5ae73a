"""Small helpers the academia environments share: the clock, reading times and dates, numeric ids.

Tools receive times as text; these helpers turn them into aware datetimes or dates, or refuse with
a message that names the argument and shows the expected form, so an agent can correct its call.
"""

from __future__ import annotations

from datetime import date, datetime

from envfactory_core.env import ToolError
from envfactory_core.env.tables import TableView

__all__ = ["NOW", "iso", "next_int_id", "parse_day", "parse_time"]

NOW = "2025-10-15T10:00:00-04:00"
"""The academia domain's clock: a Wednesday morning in the middle of the fall semester (US Eastern)."""


def iso(moment: datetime) -> str:
    """ISO 8601 to the second, with the offset (``2025-10-20T23:59:00-04:00``)."""
    return moment.isoformat(timespec="seconds")


def parse_time(value: str, argument: str) -> datetime:
    """An aware datetime from ISO 8601 text, or a refusal naming ``argument``."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not an ISO 8601 time; give e.g. 2025-10-20T23:59:00-04:00") from None
    if moment.tzinfo is None:
        raise ToolError(f"{argument} {value!r} has no UTC offset; add one, e.g. 2025-10-20T23:59:00-04:00")
    return moment


def parse_day(value: str, argument: str) -> date:
    """A date from ``YYYY-MM-DD`` text, or a refusal naming ``argument``."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{argument} {value!r} is not a date; give YYYY-MM-DD, e.g. 2025-10-20") from None


def next_int_id(view: TableView, column: str, floor: int) -> int:
    """The next integer id for a table whose ids are numbers: one more than the largest, at least ``floor``."""
    rows = view.find(order_by=column, descending=True, limit=1)
    largest = int(rows[0][column]) if rows else floor - 1
    return max(largest + 1, floor)
