"""Calendar: calendars with access roles, events with attendees and reminders, free/busy queries.

Modelled on the Google Calendar API v3: calendarList.list, events.list/get/insert/patch/delete,
attendee responses, and freebusy.query. The account owner sees their own calendar, shared team
calendars, and colleagues' calendars with the access role each colleague granted (free/busy only,
or full details).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, check_email, in_zone, iso, new_token, owner, parse_time, require_text, seed_people, seed_token

__all__ = ["environment"]

MAX_EVENT_DAYS = 14
MAX_ATTENDEES = 50
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 40320
MAX_FREE_BUSY_DAYS = 62
MAX_FREE_BUSY_CALENDARS = 50
WRITE_ROLES = ("owner", "writer")

AccessRole = Literal["owner", "writer", "reader", "freeBusyReader"]
Response = Literal["needsAction", "accepted", "declined", "tentative"]
EventStatus = Literal["confirmed", "tentative", "cancelled"]

POLICY = f"""\
Calendar rules

- Your access role on a calendar decides what you can do: "owner" and "writer" may create events; "reader" sees
  event details; "freeBusyReader" sees only busy times, through query_free_busy.
- Only the organizer of an event (you, for events you created) can change or cancel it. For an event someone
  else organized, answer with respond_to_event (accepted, declined or tentative); the organizer cannot respond to
  their own event.
- An event ends after it starts and lasts at most {MAX_EVENT_DAYS} days. At most {MAX_ATTENDEES} attendees per event.
- At most {MAX_REMINDERS} reminders per event, each between 0 and {MAX_REMINDER_MINUTES} minutes (4 weeks)
  before the start.
- Cancelled events cannot be changed or answered.
- Free/busy queries cover at most {MAX_FREE_BUSY_DAYS} days and {MAX_FREE_BUSY_CALENDARS} calendars.
  A calendar is busy during its own events and during events it is invited to, unless it declined them;
  cancelled events do not count.
"""

environment = Environment(
    name="calendar",
    domain="office",
    description=(
        "A calendar service after the Google Calendar API v3 (calendarList, events list/get/insert/"
        "patch/delete, attendee responses, freebusy.query): calendars with access roles, events with "
        "attendees, reminders and video-call links, and free/busy lookups across colleagues' calendars."
    ),
    tables=[
        table("profile", primary_key="email", email=str, name=str, time_zone=str),
        table(
            "calendars",
            primary_key="calendar_id",
            calendar_id=str,
            title=str,
            description=str | None,
            time_zone=str,
            owner_email=str,
            access_role=str,
            is_primary=bool,
            color=str,
        ),
        table(
            "events",
            primary_key="event_id",
            event_id=str,
            calendar_id=str,
            title=str,
            description=str | None,
            location=str | None,
            start_time=str,
            end_time=str,
            status=str,
            organizer_email=str,
            attendees=list,
            reminders=list,
            url=str | None,
            created_at=str,
            updated_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Google Calendar API v3: CalendarList, Events, Freebusy",
        url="https://developers.google.com/calendar/api/v3/reference",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class Calendar(TypedDict):
    calendar_id: str
    title: str
    description: str | None
    time_zone: str
    owner_email: str
    access_role: AccessRole
    is_primary: bool
    color: str


class CalendarList(TypedDict):
    calendars: list[Calendar]
    count: int


class Attendee(TypedDict):
    email: str
    response_status: Response


class Event(TypedDict):
    """A calendar event.

    Args:
        start_time: Start, ISO 8601 with the calendar's UTC offset.
        end_time: End, ISO 8601 with the calendar's UTC offset.
        organizer_email: Email address of the person who organizes the event.
        attendees: Invited people (email addresses) and their responses.
        url: Video-call link to join the event, if any.
    """

    event_id: str
    calendar_id: str
    title: str
    description: str | None
    location: str | None
    start_time: str
    end_time: str
    status: EventStatus
    organizer_email: str
    attendees: list[Attendee]
    reminders: list[int]
    url: str | None
    created_at: str
    updated_at: str


class EventList(TypedDict):
    calendar_id: str
    events: list[Event]
    count: int


class BusyPeriod(TypedDict):
    start_time: str
    end_time: str


class CalendarBusy(TypedDict):
    """Busy periods of one calendar.

    Args:
        error: "notFound" when the calendar is unknown or not shared with you, else null.
    """

    calendar_id: str
    busy: list[BusyPeriod]
    error: str | None


class FreeBusy(TypedDict):
    start_time: str
    end_time: str
    calendars: list[CalendarBusy]


# --- rules -----------------------------------------------------------------------------------------


def _calendar(ctx: Context, calendar_id: str) -> dict[str, Any]:
    return ctx.table("calendars").require(calendar_id, what="calendar")


def _event_view(ctx: Context, row: dict[str, Any]) -> Event:
    calendar = _calendar(ctx, row["calendar_id"])
    zone = calendar["time_zone"]
    return {
        "event_id": row["event_id"],
        "calendar_id": row["calendar_id"],
        "title": row["title"],
        "description": row["description"],
        "location": row["location"],
        "start_time": iso(in_zone(datetime.fromisoformat(row["start_time"]), zone)),
        "end_time": iso(in_zone(datetime.fromisoformat(row["end_time"]), zone)),
        "status": row["status"],
        "organizer_email": row["organizer_email"],
        "attendees": list(row["attendees"]),
        "reminders": list(row["reminders"]),
        "url": row["url"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _readable_event(ctx: Context, event_id: str) -> dict[str, Any]:
    row = ctx.table("events").require(event_id, what="event")
    if _calendar(ctx, row["calendar_id"])["access_role"] == "freeBusyReader":
        raise ToolError(f"event {event_id!r} not found", code="not_found")
    return row


def _period(start_time: str, end_time: str) -> tuple[datetime, datetime]:
    start = parse_time(start_time, "start_time")
    end = parse_time(end_time, "end_time")
    if end <= start:
        raise ToolError(f"end_time {end_time} must be after start_time {start_time}")
    if end - start > timedelta(days=MAX_EVENT_DAYS):
        raise ToolError(f"an event lasts at most {MAX_EVENT_DAYS} days; {start_time} to {end_time} is longer")
    return start, end


def _attendees(me: str, organizer: str, emails: list[str], current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    previous = {item["email"]: item["response_status"] for item in current}
    people = [organizer, *(check_email(email, "attendee_emails") for email in emails)]
    unique = list(dict.fromkeys(people))
    if len(unique) > MAX_ATTENDEES:
        raise ToolError(f"an event has at most {MAX_ATTENDEES} attendees; {len(unique)} were given")
    return [
        {"email": email, "response_status": "accepted" if email == organizer else previous.get(email, "needsAction")}
        for email in unique
    ]


def _reminders(minutes: list[int]) -> list[int]:
    if len(minutes) > MAX_REMINDERS:
        raise ToolError(f"an event has at most {MAX_REMINDERS} reminders; {len(minutes)} were given")
    for value in minutes:
        if not 0 <= value <= MAX_REMINDER_MINUTES:
            raise ToolError(f"a reminder is 0 to {MAX_REMINDER_MINUTES} minutes before the start; {value} is not")
    return sorted(set(minutes))


def _organized_by_me(ctx: Context, row: dict[str, Any], verb: str) -> str:
    me = owner(ctx)["email"]
    if row["status"] == "cancelled":
        raise ToolError(f"event {row['event_id']} is already cancelled; it can no longer be changed or cancelled")
    if row["organizer_email"] != me:
        raise ToolError(
            f"only the organizer ({row['organizer_email']}) can {verb} event {row['event_id']}; "
            "use respond_to_event to accept or decline it"
        )
    if _calendar(ctx, row["calendar_id"])["access_role"] not in WRITE_ROLES:
        raise ToolError(f"you cannot change events on calendar {row['calendar_id']}")
    return me


def _merge(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def list_calendars(ctx: Context) -> CalendarList:
    """The calendars on your calendar list with your access role on each (primary first)."""
    rows = ctx.table("calendars").all()
    rows.sort(key=lambda row: (not row["is_primary"], row["title"]))
    return {"calendars": rows, "count": len(rows)}  # type: ignore[typeddict-item]


@environment.tool(effect="read")
def list_events(
    ctx: Context,
    calendar_id: str,
    start_time: str | None = None,
    end_time: str | None = None,
    query: str | None = None,
    include_cancelled: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> EventList:
    """Events of a calendar that overlap a time window, in start order; optionally only those matching words.

    Args:
        calendar_id: The calendar, from list_calendars (your primary calendar's id is your email address).
        start_time: Only events ending after this time, ISO 8601 with offset.
        end_time: Only events starting before this time, ISO 8601 with offset.
        query: Words to find in the title, description, location or attendees' emails.
        include_cancelled: Also return cancelled events.
        limit: At most this many events.
        offset: Skip this many events (for paging).
    """
    calendar = _calendar(ctx, calendar_id)
    if calendar["access_role"] == "freeBusyReader":
        raise ToolError(f"you can only see free/busy times of {calendar['title']}'s calendar; use query_free_busy")
    window_start = parse_time(start_time, "start_time") if start_time is not None else None
    window_end = parse_time(end_time, "end_time") if end_time is not None else None
    if window_start is not None and window_end is not None and window_end <= window_start:
        raise ToolError(f"end_time {end_time} must be after start_time {start_time}")
    words = query.lower().split() if query else []
    found: list[dict[str, Any]] = []
    for row in ctx.table("events").find(calendar_id=calendar_id):
        if row["status"] == "cancelled" and not include_cancelled:
            continue
        start = datetime.fromisoformat(row["start_time"])
        end = datetime.fromisoformat(row["end_time"])
        if window_start is not None and end <= window_start:
            continue
        if window_end is not None and start >= window_end:
            continue
        text = " ".join(
            [row["title"], row["description"] or "", row["location"] or "", *(a["email"] for a in row["attendees"])]
        ).lower()
        if any(word not in text for word in words):
            continue
        found.append(row)
    found.sort(key=lambda row: (datetime.fromisoformat(row["start_time"]), row["event_id"]))
    return {
        "calendar_id": calendar_id,
        "events": [_event_view(ctx, row) for row in page(found, limit, offset)],
        "count": len(found),
    }


@environment.tool(effect="read")
def get_event(ctx: Context, event_id: str) -> Event:
    """One event with its attendees and their responses, reminders and video-call link.

    Args:
        event_id: The event's id.
    """
    return _event_view(ctx, _readable_event(ctx, event_id))


@environment.tool(effect="write")
def create_event(
    ctx: Context,
    calendar_id: str,
    title: str,
    start_time: str,
    end_time: str,
    description: Annotated[str, Arg(max_length=8000)] | None = None,
    location: str | None = None,
    attendee_emails: list[str] | None = None,
    reminders: list[int] | None = None,
    add_video_call: bool = False,
) -> Event:
    """Create an event on a calendar you can write to; you are its organizer and invitations go to the attendees.

    Args:
        calendar_id: The calendar to add the event to (your primary calendar's id is your email address).
        title: The event's title.
        start_time: Start, ISO 8601 with offset, e.g. 2025-06-20T14:00:00+02:00.
        end_time: End, ISO 8601 with offset.
        description: Details shown in the event.
        location: Where it takes place (a room or an address).
        attendee_emails: Email addresses of the people to invite.
        reminders: Minutes before the start to remind you, e.g. [10, 60].
        add_video_call: Attach a video-call link to the event.
    """
    calendar = _calendar(ctx, calendar_id)
    if calendar["access_role"] not in WRITE_ROLES:
        raise ToolError(
            f"your access to calendar {calendar_id} is {calendar['access_role']}; "
            "only owners and writers can add events"
        )
    start, end = _period(start_time, end_time)
    me = owner(ctx)["email"]
    event_id = new_token(ctx, "evt", 26, "0123456789abcdefghijklmnopqrstuv")
    url = None
    if add_video_call:
        code = new_token(ctx, "meet", 10, "abcdefghijklmnopqrstuvwxyz")
        url = f"https://meet.google.com/{code[:3]}-{code[3:7]}-{code[7:]}"
    row = ctx.table("events").insert(
        {
            "event_id": event_id,
            "calendar_id": calendar_id,
            "title": require_text(title, "title", max_length=300),
            "description": description.strip() if description and description.strip() else None,
            "location": location.strip() if location and location.strip() else None,
            "start_time": iso(in_zone(start, calendar["time_zone"])),
            "end_time": iso(in_zone(end, calendar["time_zone"])),
            "status": "confirmed",
            "organizer_email": me,
            "attendees": _attendees(me, me, attendee_emails or [], []),
            "reminders": _reminders(reminders if reminders is not None else [10]),
            "url": url,
            "created_at": iso(ctx.now),
            "updated_at": iso(ctx.now),
        }
    )
    return _event_view(ctx, row)


@environment.tool(effect="write")
def update_event(
    ctx: Context,
    event_id: str,
    title: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    description: Annotated[str, Arg(max_length=8000)] | None = None,
    location: str | None = None,
    attendee_emails: list[str] | None = None,
    reminders: list[int] | None = None,
) -> Event:
    """Change an event you organize; fields left out keep their value. attendee_emails replaces the guest list
    (people already invited keep their response).

    Args:
        event_id: The event to change.
        title: New title.
        start_time: New start, ISO 8601 with offset.
        end_time: New end, ISO 8601 with offset.
        description: New details.
        location: New location.
        attendee_emails: The complete new list of guests' email addresses.
        reminders: The complete new list of reminder minutes.
    """
    row = _readable_event(ctx, event_id)
    me = _organized_by_me(ctx, row, "change")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = require_text(title, "title", max_length=300)
    if description is not None:
        changes["description"] = description.strip() or None
    if location is not None:
        changes["location"] = location.strip() or None
    if start_time is not None or end_time is not None:
        zone = _calendar(ctx, row["calendar_id"])["time_zone"]
        start, end = _period(start_time or row["start_time"], end_time or row["end_time"])
        changes["start_time"] = iso(in_zone(start, zone))
        changes["end_time"] = iso(in_zone(end, zone))
    if attendee_emails is not None:
        changes["attendees"] = _attendees(me, row["organizer_email"], attendee_emails, row["attendees"])
    if reminders is not None:
        changes["reminders"] = _reminders(reminders)
    if not changes:
        raise ToolError("give at least one field to change")
    changes["updated_at"] = iso(ctx.now)
    return _event_view(ctx, ctx.table("events").update(event_id, changes))


@environment.tool(effect="write")
def cancel_event(ctx: Context, event_id: str) -> Event:
    """Cancel an event you organize; attendees are told and it stops blocking their time.

    Args:
        event_id: The event to cancel.
    """
    row = _readable_event(ctx, event_id)
    _organized_by_me(ctx, row, "cancel")
    return _event_view(ctx, ctx.table("events").update(event_id, {"status": "cancelled", "updated_at": iso(ctx.now)}))


@environment.tool(effect="write")
def respond_to_event(
    ctx: Context, event_id: str, response_status: Literal["accepted", "declined", "tentative"]
) -> Event:
    """Answer an invitation: accept, decline or tentatively accept an event someone else organizes.

    Args:
        event_id: The event you were invited to.
        response_status: "accepted", "declined" or "tentative".
    """
    row = _readable_event(ctx, event_id)
    me = owner(ctx)["email"]
    if row["status"] == "cancelled":
        raise ToolError(f"event {event_id} was cancelled by its organizer")
    if row["organizer_email"] == me:
        raise ToolError(f"you organize event {event_id}; organizers do not respond to their own events")
    if all(attendee["email"] != me for attendee in row["attendees"]):
        raise ToolError(f"you are not invited to event {event_id}")
    attendees = [
        {**attendee, "response_status": response_status} if attendee["email"] == me else attendee
        for attendee in row["attendees"]
    ]
    return _event_view(ctx, ctx.table("events").update(event_id, {"attendees": attendees, "updated_at": iso(ctx.now)}))


@environment.tool(effect="read")
def query_free_busy(
    ctx: Context,
    calendar_ids: list[str],
    start_time: str,
    end_time: str,
) -> FreeBusy:
    """Busy periods of several calendars (people's email addresses or calendar ids) in a time window.

    Args:
        calendar_ids: Calendars to check: colleagues' email addresses or calendar ids from list_calendars.
        start_time: Window start, ISO 8601 with offset.
        end_time: Window end, ISO 8601 with offset.
    """
    if not calendar_ids:
        raise ToolError("give at least one calendar id or email address in calendar_ids")
    start = parse_time(start_time, "start_time")
    end = parse_time(end_time, "end_time")
    if end <= start:
        raise ToolError(f"end_time {end_time} must be after start_time {start_time}")
    if end - start > timedelta(days=MAX_FREE_BUSY_DAYS):
        raise ToolError(f"a free/busy query covers at most {MAX_FREE_BUSY_DAYS} days")
    if len(calendar_ids) > MAX_FREE_BUSY_CALENDARS:
        raise ToolError(f"a free/busy query covers at most {MAX_FREE_BUSY_CALENDARS} calendars")
    events = [row for row in ctx.table("events").all() if row["status"] != "cancelled"]
    zone = owner(ctx)["time_zone"]
    results: list[CalendarBusy] = []
    for calendar_id in dict.fromkeys(calendar_ids):
        calendar = ctx.table("calendars").get(calendar_id)
        if calendar is None:
            results.append({"calendar_id": calendar_id, "busy": [], "error": "notFound"})
            continue
        person = calendar["owner_email"] if calendar_id == calendar["owner_email"] else None
        periods: list[tuple[datetime, datetime]] = []
        for row in events:
            responses = {attendee["email"]: attendee["response_status"] for attendee in row["attendees"]}
            mine = row["calendar_id"] == calendar_id and responses.get(person or "", "accepted") != "declined"
            invited = person is not None and person in responses and responses[person] != "declined"
            if not (mine or invited):
                continue
            event_start = datetime.fromisoformat(row["start_time"])
            event_end = datetime.fromisoformat(row["end_time"])
            if event_end <= start or event_start >= end:
                continue
            periods.append((max(event_start, start), min(event_end, end)))
        busy: list[BusyPeriod] = [
            {"start_time": iso(in_zone(first, zone)), "end_time": iso(in_zone(last, zone))}
            for first, last in _merge(periods)
        ]
        results.append({"calendar_id": calendar_id, "busy": busy, "error": None})
    return {"start_time": iso(start), "end_time": iso(end), "calendars": results}


# --- seed ------------------------------------------------------------------------------------------

_COLORS = ("#039be5", "#7986cb", "#33b679", "#8e24aa", "#e67c73", "#f6bf26", "#f4511e", "#0b8043")
_ROOMS = ("Room Atlas (4th floor)", "Room Kestrel", "Boardroom", "Cafe corner", "Room Juniper (2nd floor)")
_TEAM_EVENTS = (
    ("Sprint planning", 90),
    ("Release go/no-go", 30),
    ("Team retrospective", 60),
    ("All-hands", 45),
    ("Design critique", 60),
    ("Quarterly roadmap review", 120),
)
_SOLO_EVENTS = (
    ("Focus time", 120),
    ("Dentist appointment", 60),
    ("Gym", 60),
    ("Pick up the kids", 30),
    ("Prepare board deck", 90),
    ("Expense report", 30),
)


_TOPICS = (
    "Atlas migration",
    "Spring launch",
    "Q3 budget",
    "Website relaunch",
    "Onboarding revamp",
    "Data platform",
    "Partner portal",
    "Pricing update",
    "Security audit",
    "Customer research",
)
_ROLES = ("Senior Backend Engineer", "Product Designer", "Data Analyst", "Account Manager", "Engineering Manager")


def _meeting(rng: random.Random, me: Any, other: Any) -> tuple[str, int]:
    topic = rng.choice(_TOPICS)
    return rng.choice(
        (
            (f"1:1 {other.first_name} / {me.first_name}", 30),
            (f"{topic} review", 60),
            (f"Lunch with {other.first_name}", 60),
            (f"{topic} kickoff", 45),
            (f"Interview: {rng.choice(_ROLES)} candidate", 60),
            (f"{topic} sync", 30),
            (f"Coffee chat with {other.full_name}", 30),
        )
    )


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    people = seed_people(ctx)
    me, colleagues = people[0], people[1:]
    zone = me.city.timezone
    company = fake.company(ctx.shared("company"))
    team_id = f"c_{seed_token(rng, 24, '0123456789abcdef')}@group.calendar.google.com"
    calendars: list[dict[str, Any]] = [
        {
            "calendar_id": me.email,
            "title": me.full_name,
            "description": None,
            "time_zone": zone,
            "owner_email": me.email,
            "access_role": "owner",
            "is_primary": True,
            "color": "#039be5",
        },
        {
            "calendar_id": team_id,
            "title": f"{company} team",
            "description": f"Shared calendar of the {company} team",
            "time_zone": zone,
            "owner_email": colleagues[0].email,
            "access_role": "writer",
            "is_primary": False,
            "color": rng.choice(_COLORS),
        },
    ]
    for index, colleague in enumerate(colleagues[:4]):
        calendars.append(
            {
                "calendar_id": colleague.email,
                "title": colleague.full_name,
                "description": None,
                "time_zone": colleague.city.timezone,
                "owner_email": colleague.email,
                "access_role": "reader" if index == 0 else "freeBusyReader",
                "is_primary": False,
                "color": rng.choice(_COLORS),
            }
        )
    events: list[dict[str, Any]] = []
    start_of_today = in_zone(ctx.now, zone).replace(hour=0, minute=0, second=0)

    def add(
        calendar: dict[str, Any], title: str, minutes: int, organizer: str, guests: list[str], **extra: Any
    ) -> None:
        day = start_of_today + timedelta(days=rng.randint(-10, 20))
        if day.weekday() >= 5 and rng.random() < 0.8:
            day += timedelta(days=7 - day.weekday())
        start = fake.datetime_between(rng, day.replace(hour=8), day.replace(hour=17), minute_step=30)
        created = min(start, ctx.now) - timedelta(days=rng.randint(1, 20), minutes=15 * rng.randint(0, 40))
        attendees = [{"email": organizer, "response_status": "accepted"}]
        for guest in guests:
            if guest != organizer:
                status = fake.choose_weighted(
                    rng, {"accepted": 0.6, "needsAction": 0.2, "tentative": 0.1, "declined": 0.1}
                )
                attendees.append({"email": guest, "response_status": status})
        status = "cancelled" if rng.random() < 0.07 else ("tentative" if rng.random() < 0.05 else "confirmed")
        video = None
        if guests and rng.random() < 0.6:
            code = seed_token(rng, 10, "abcdefghijklmnopqrstuvwxyz")
            video = f"https://meet.google.com/{code[:3]}-{code[3:7]}-{code[7:]}"
        events.append(
            {
                "event_id": seed_token(rng, 26, "0123456789abcdefghijklmnopqrstuv"),
                "calendar_id": calendar["calendar_id"],
                "title": title,
                "description": extra.get("description"),
                "location": extra.get("location") or (rng.choice(_ROOMS) if guests and rng.random() < 0.5 else None),
                "start_time": iso(in_zone(start, calendar["time_zone"])),
                "end_time": iso(in_zone(start + timedelta(minutes=minutes), calendar["time_zone"])),
                "status": status,
                "organizer_email": organizer,
                "attendees": attendees,
                "reminders": sorted(rng.sample([5, 10, 15, 30, 60, 1440], rng.randint(0, 2))),
                "url": video,
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(hours=rng.randint(0, 30))),
            }
        )

    primary = calendars[0]
    for _ in range(ctx.size * 2):
        other = rng.choice(colleagues)
        if rng.random() < 0.25:
            title, minutes = rng.choice(_SOLO_EVENTS)
            add(primary, title, minutes, me.email, [])
        elif rng.random() < 0.5:
            title, minutes = _meeting(rng, me, other)
            guests = [other.email, *(p.email for p in rng.sample(colleagues, rng.randint(0, 2)))]
            add(primary, title, minutes, me.email, guests, description=fake.sentence(rng))
        else:
            title, minutes = _meeting(rng, me, other)
            guests = [me.email, *(p.email for p in rng.sample(colleagues, rng.randint(0, 2)))]
            add(primary, title, minutes, other.email, guests, description=fake.sentence(rng))
    for _ in range(max(3, ctx.size // 2)):
        title, minutes = rng.choice(_TEAM_EVENTS)
        add(calendars[1], title, minutes, colleagues[0].email, [me.email, *(p.email for p in colleagues[1:4])])
    for calendar in calendars[2:]:
        for _ in range(rng.randint(2, 4)):
            title, minutes = rng.choice((*_SOLO_EVENTS, ("Customer call", 45), ("Team standup", 15)))
            add(calendar, title, minutes, calendar["owner_email"], [])
    profile = [{"email": me.email, "name": me.full_name, "time_zone": zone}]
    return {"profile": profile, "calendars": calendars, "events": events}
