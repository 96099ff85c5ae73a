"""UTC offsets of the places the travel environments know, computed from the daylight-saving rules.

The rules are written out here (EU, North America, south-east Australia, New Zealand, none) so
local times are the same on every machine, with or without a time zone database installed.
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["ZONES", "utc_offset"]

# zone name -> (standard offset in minutes, daylight-saving rule)
ZONES: dict[str, tuple[int, str | None]] = {
    "Europe/Lisbon": (0, "eu"),
    "Europe/London": (0, "eu"),
    "Europe/Dublin": (0, "eu"),
    "Europe/Berlin": (60, "eu"),
    "Europe/Paris": (60, "eu"),
    "Europe/Madrid": (60, "eu"),
    "Europe/Rome": (60, "eu"),
    "Europe/Amsterdam": (60, "eu"),
    "Europe/Brussels": (60, "eu"),
    "Europe/Zurich": (60, "eu"),
    "Europe/Vienna": (60, "eu"),
    "Europe/Prague": (60, "eu"),
    "Europe/Warsaw": (60, "eu"),
    "Europe/Stockholm": (60, "eu"),
    "Europe/Oslo": (60, "eu"),
    "Europe/Copenhagen": (60, "eu"),
    "Europe/Athens": (120, "eu"),
    "Europe/Helsinki": (120, "eu"),
    "America/New_York": (-300, "us"),
    "America/Toronto": (-300, "us"),
    "America/Chicago": (-360, "us"),
    "America/Denver": (-420, "us"),
    "America/Los_Angeles": (-480, "us"),
    "America/Vancouver": (-480, "us"),
    "America/Mexico_City": (-360, None),
    "America/Sao_Paulo": (-180, None),
    "Africa/Nairobi": (180, None),
    "Africa/Accra": (0, None),
    "Africa/Johannesburg": (120, None),
    "Asia/Tokyo": (540, None),
    "Asia/Seoul": (540, None),
    "Asia/Singapore": (480, None),
    "Asia/Kolkata": (330, None),
    "Australia/Melbourne": (600, "au"),
    "Pacific/Auckland": (720, "nz"),
    "UTC": (0, None),
}


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _last_sunday(year: int, month: int) -> date:
    after = date(year + (month == 12), month % 12 + 1, 1)
    last = after - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _daylight_saving(rule: str | None, day: date) -> bool:
    year = day.year
    if rule == "eu":
        return _last_sunday(year, 3) <= day < _last_sunday(year, 10)
    if rule == "us":
        return _nth_sunday(year, 3, 2) <= day < _nth_sunday(year, 11, 1)
    if rule == "au":
        return not _nth_sunday(year, 4, 1) <= day < _nth_sunday(year, 10, 1)
    if rule == "nz":
        return not _nth_sunday(year, 4, 1) <= day < _last_sunday(year, 9)
    return False


def utc_offset(zone: str, day: date) -> int:
    """Minutes east of UTC in ``zone`` on ``day`` (unknown zones count as UTC)."""
    standard, rule = ZONES.get(zone, (0, None))
    return standard + (60 if _daylight_saving(rule, day) else 0)
