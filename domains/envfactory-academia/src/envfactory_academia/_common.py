"""Small helpers the academia environments share: the clock, reading times and dates, numeric ids.

Tools receive times as text; the core's :mod:`envfactory_core.env.values` parsers, with this
domain's examples, turn them into aware datetimes or dates, or refuse with a message that names the
argument and shows the expected form, so an agent can correct its call.
"""

from __future__ import annotations

from functools import partial

from envfactory_core.env import values
from envfactory_core.env.values import iso, next_int_id

__all__ = ["NOW", "iso", "next_int_id", "parse_day", "parse_time"]

NOW = "2025-10-15T10:00:00-04:00"
"""The academia domain's clock: a Wednesday morning in the middle of the fall semester (US Eastern)."""

parse_time = partial(values.parse_time, example="2025-10-20T23:59:00-04:00")
parse_day = partial(values.parse_date, example="2025-10-20")
