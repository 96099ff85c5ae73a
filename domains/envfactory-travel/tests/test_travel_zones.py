"""The written-out daylight-saving rules give the offsets in force on both sides of each 2025 change."""

from __future__ import annotations

from datetime import date

import pytest
from envfactory_travel._zones import utc_offset

CHANGES = [
    ("Europe/Berlin", date(2025, 3, 29), 60),
    ("Europe/Berlin", date(2025, 3, 30), 120),
    ("Europe/Berlin", date(2025, 10, 25), 120),
    ("Europe/Berlin", date(2025, 10, 26), 60),
    ("Europe/London", date(2025, 6, 16), 60),
    ("Europe/London", date(2025, 12, 1), 0),
    ("America/New_York", date(2025, 3, 8), -300),
    ("America/New_York", date(2025, 3, 9), -240),
    ("America/New_York", date(2025, 11, 1), -240),
    ("America/New_York", date(2025, 11, 2), -300),
    ("Australia/Melbourne", date(2025, 4, 5), 660),
    ("Australia/Melbourne", date(2025, 4, 6), 600),
    ("Australia/Melbourne", date(2025, 10, 4), 600),
    ("Australia/Melbourne", date(2025, 10, 5), 660),
    ("Pacific/Auckland", date(2025, 4, 5), 780),
    ("Pacific/Auckland", date(2025, 4, 6), 720),
    ("Pacific/Auckland", date(2025, 9, 27), 720),
    ("Pacific/Auckland", date(2025, 9, 28), 780),
    ("Asia/Kolkata", date(2025, 6, 16), 330),
    ("America/Sao_Paulo", date(2025, 1, 15), -180),
]


@pytest.mark.parametrize(("zone", "day", "minutes"), CHANGES)
def test_offset_on_each_side_of_a_change(zone, day, minutes):
    assert utc_offset(zone, day) == minutes
