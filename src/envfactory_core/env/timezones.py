"""UTC offsets of named time zones, computed from daylight-saving rules written out here.

Environments that show local times (a calendar event, a hotel check-in, a train departure) need the
offset in force at a place on a day. ``zoneinfo`` reads the machine's time zone database, which may
be missing or of another release, so two machines could write different bytes for the same seed.
The rules below (EU, North America, south-east Australia, New Zealand, none) give the same offsets
on every machine, with or without a time zone database.

One simplification: the offset of a *day* is the one in force on that day's date, so the change
happens at midnight rather than at 01:00 or 02:00 local time. Zones not in :data:`ZONES` count as
UTC. Every zone of :data:`envfactory_core.env.fake.CITIES` is covered::

    from envfactory_core.env import timezones

    timezones.utc_offset("Europe/Berlin", date(2025, 6, 16))        # 120
    timezones.in_zone(moment, "America/New_York")                    # the same instant, local time
    timezones.local_time(date(2025, 7, 4), "15:00", "Europe/Paris")  # 2025-07-04T15:00:00+02:00
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

__all__ = ["ZONES", "in_zone", "local_time", "offset_text", "utc_offset", "zone_on"]

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
"""Zone name → (standard offset in minutes east of UTC, daylight-saving rule or ``None``)."""


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


def zone_on(zone: str, day: date) -> timezone:
    """The fixed-offset ``tzinfo`` of ``zone`` on ``day``."""
    return timezone(timedelta(minutes=utc_offset(zone, day)))


def in_zone(moment: datetime, zone: str) -> datetime:
    """``moment`` (an aware datetime) expressed in ``zone``'s local time, with the offset in force that day."""
    return moment.astimezone(zone_on(zone, moment.astimezone(UTC).date()))


def local_time(day: date, clock: str, zone: str) -> datetime:
    """``day`` at ``clock`` (``"15:00"``) in ``zone``, with the offset in force that day."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone_on(zone, day))


def offset_text(minutes: int) -> str:
    """An offset as ISO 8601 writes it: ``330`` → ``"+05:30"``, ``-240`` → ``"-04:00"``."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"
