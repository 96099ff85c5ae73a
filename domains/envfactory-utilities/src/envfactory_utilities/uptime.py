"""Uptime: monitors for a ``url``, incidents, maintenance windows and alert contacts, after the
UptimeRobot API v2 (monitors, alert contacts, maintenance windows) and the Better Uptime API
(incident acknowledge and resolve).

A maintenance window's status is derived from the environment's clock (scheduled, active,
completed) unless it was cancelled, so it is always consistent with ``now``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.models import Provenance

from ._common import is_hostname, is_http_url, is_ipv4, iso, parse_time, seed_id, world_sites

__all__ = ["environment"]

MonitorType = Literal["http", "keyword", "ping", "port"]
IncidentStatus = Literal["ongoing", "acknowledged", "resolved"]
WindowStatus = Literal["scheduled", "active", "completed", "cancelled"]

MIN_INTERVAL = 300
MAX_INTERVAL = 86400
MAX_MONITORS = 50
MAX_WINDOW = timedelta(hours=24)
_PHONE = re.compile(r"^\+[0-9]{7,15}$")

POLICY = """\
Uptime monitoring account rules (enforced by the tools):
- The account has at most 50 monitors. Check intervals are 300 to 86400 seconds.
- http and keyword monitors watch an http(s) URL; ping and port monitors watch a host name or an IPv4
  address (no scheme). Port monitors need a port (1 to 65535) and keyword monitors a keyword; no other
  type takes either. One target is watched at most once per monitor type.
- Alert contacts named on a monitor must exist in the account.
- A paused monitor is not checked; resuming it leaves it not_checked until the next check.
- An ongoing incident can be acknowledged; an ongoing or acknowledged incident can be resolved; a resolved
  incident is final. Only an active alert contact of the account, named by email, can acknowledge or
  resolve an incident. Resolving a monitor's last open incident marks the monitor up again.
- A maintenance window starts in the future, ends after it starts, lasts at most 24 hours, covers at least
  one existing monitor, and cannot overlap another window on the same monitor. Only a scheduled window can
  be cancelled.
- An email alert contact needs an email address, an sms contact a phone number in international format
  (+ and 7 to 15 digits, spaces allowed). The same email or phone number cannot be added twice.
"""

environment = Environment(
    name="uptime",
    domain="utilities",
    description=(
        "Uptime monitoring after the UptimeRobot API v2 (monitors, alert contacts, maintenance windows) and "
        "the Better Uptime incidents API: monitors for a url, incidents, maintenance windows, alert contacts."
    ),
    tables=[
        table(
            "monitors",
            primary_key="monitor_id",
            monitor_id=str,
            name=str,
            url=str,
            monitor_type=str,
            interval_seconds=int,
            status=str,
            keyword=str | None,
            port=int | None,
            alert_contact_ids=list,
            uptime_ratio_30d=float,
            last_checked_at=str | None,
            created_at=str,
        ),
        table(
            "incidents",
            primary_key="incident_id",
            incident_id=str,
            monitor_id=str,
            cause=str,
            status=str,
            started_at=str,
            acknowledged_by=str | None,
            acknowledged_at=str | None,
            resolved_by=str | None,
            resolved_at=str | None,
            note=str | None,
        ),
        table(
            "maintenance_windows",
            primary_key="maintenance_window_id",
            maintenance_window_id=str,
            name=str,
            start_time=str,
            end_time=str,
            monitor_ids=list,
            cancelled=bool,
            created_at=str,
        ),
        table(
            "alert_contacts",
            primary_key="alert_contact_id",
            alert_contact_id=str,
            name=str,
            contact_type=str,
            email=str | None,
            phone=str | None,
            status=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T08:30:00+00:00",
    provenance=Provenance(
        source="UptimeRobot API v2 (monitors, alert contacts, maintenance windows); Better Uptime API (incidents)",
        url="https://uptimerobot.com/api/",
    ),
)


# --- outputs -------------------------------------------------------------------------------------


class Monitor(TypedDict):
    """A monitor.

    Args:
        monitor_id: Monitor id.
        name: Friendly name.
        url: What the monitor watches.
        monitor_type: http, keyword, ping or port.
        interval_seconds: Seconds between checks.
        status: up, down, paused or not_checked.
        keyword: Text a keyword monitor expects on the page.
        port: Port a port monitor connects to.
        alert_contact_ids: Alert contacts notified on changes.
        uptime_ratio_30d: Percentage of checks up over the last 30 days.
        last_checked_at: When the monitor was last checked.
        created_at: When the monitor was created.
    """

    monitor_id: str
    name: str
    url: str
    monitor_type: str
    interval_seconds: int
    status: str
    keyword: str | None
    port: int | None
    alert_contact_ids: list[str]
    uptime_ratio_30d: float
    last_checked_at: str | None
    created_at: str


class MonitorList(TypedDict):
    """Monitors.

    Args:
        monitors: Matching monitors, by name.
        count: Number of matching monitors.
    """

    monitors: list[Monitor]
    count: int


class Incident(TypedDict):
    """An incident: a period when a monitor was down.

    Args:
        incident_id: Incident id.
        monitor_id: The monitor that went down.
        url: What the failing monitor watches.
        cause: Why the check failed.
        status: ongoing, acknowledged or resolved.
        started_at: When the monitor went down.
        acknowledged_by: Email of who acknowledged it.
        acknowledged_at: When it was acknowledged.
        resolved_by: Email of who resolved it.
        resolved_at: When it was resolved.
        note: Resolution note.
    """

    incident_id: str
    monitor_id: str
    url: str
    cause: str
    status: str
    started_at: str
    acknowledged_by: str | None
    acknowledged_at: str | None
    resolved_by: str | None
    resolved_at: str | None
    note: str | None


class IncidentList(TypedDict):
    """Incidents.

    Args:
        incidents: Matching incidents, newest first.
        count: Number of matching incidents.
    """

    incidents: list[Incident]
    count: int


class AlertContact(TypedDict):
    """Someone the account notifies.

    Args:
        alert_contact_id: Alert contact id.
        name: Contact's name.
        contact_type: email or sms.
        email: The contact's email address (email contacts).
        phone: The contact's phone number (sms contacts).
        status: active or paused.
        created_at: When the contact was added.
    """

    alert_contact_id: str
    name: str
    contact_type: str
    email: str | None
    phone: str | None
    status: str
    created_at: str


class AlertContactList(TypedDict):
    """Alert contacts.

    Args:
        alert_contacts: The account's alert contacts, by name.
        count: Number of contacts.
    """

    alert_contacts: list[AlertContact]
    count: int


class MonitorDetails(Monitor):
    """A monitor with its alert contacts, recent incidents and maintenance state.

    Args:
        monitor_id: Monitor id.
        name: Friendly name.
        url: What the monitor watches.
        monitor_type: http, keyword, ping or port.
        interval_seconds: Seconds between checks.
        status: up, down, paused or not_checked.
        keyword: Text a keyword monitor expects on the page.
        port: Port a port monitor connects to.
        alert_contact_ids: Alert contacts notified on changes.
        uptime_ratio_30d: Percentage of checks up over the last 30 days.
        last_checked_at: When the monitor was last checked.
        created_at: When the monitor was created.
        alert_contacts: The contacts behind alert_contact_ids.
        incidents: The monitor's incidents, newest first.
        in_maintenance: True while an active maintenance window covers the monitor.
    """

    alert_contacts: list[AlertContact]
    incidents: list[Incident]
    in_maintenance: bool


class DeletedMonitor(TypedDict):
    """A removed monitor.

    Args:
        monitor_id: The removed monitor's id.
        url: What the removed monitor watched.
        incidents_deleted: Incidents removed with it.
    """

    monitor_id: str
    url: str
    incidents_deleted: int


class MaintenanceWindow(TypedDict):
    """A maintenance window: alerts for its monitors are silenced between start_time and end_time.

    Args:
        maintenance_window_id: Maintenance window id.
        name: Name of the window.
        start_time: When it starts (ISO 8601).
        end_time: When it ends (ISO 8601).
        monitor_ids: Monitors it covers.
        status: scheduled, active, completed or cancelled.
        created_at: When it was created.
    """

    maintenance_window_id: str
    name: str
    start_time: str
    end_time: str
    monitor_ids: list[str]
    status: str
    created_at: str


class MaintenanceWindowList(TypedDict):
    """Maintenance windows.

    Args:
        maintenance_windows: Matching windows, by start time.
        count: Number of matching windows.
    """

    maintenance_windows: list[MaintenanceWindow]
    count: int


# --- helpers -------------------------------------------------------------------------------------


def _monitor_output(row: dict[str, Any]) -> Monitor:
    port = row["port"]
    keyword = row["keyword"]
    checked = row["last_checked_at"]
    return Monitor(
        monitor_id=str(row["monitor_id"]),
        name=str(row["name"]),
        url=str(row["url"]),
        monitor_type=str(row["monitor_type"]),
        interval_seconds=int(row["interval_seconds"]),
        status=str(row["status"]),
        keyword=None if keyword is None else str(keyword),
        port=None if port is None else int(port),
        alert_contact_ids=[str(item) for item in row["alert_contact_ids"]],
        uptime_ratio_30d=float(row["uptime_ratio_30d"]),
        last_checked_at=None if checked is None else str(checked),
        created_at=str(row["created_at"]),
    )


def _incident_output(row: dict[str, Any], url: str) -> Incident:
    return Incident(
        incident_id=str(row["incident_id"]),
        monitor_id=str(row["monitor_id"]),
        url=url,
        cause=str(row["cause"]),
        status=str(row["status"]),
        started_at=str(row["started_at"]),
        acknowledged_by=row["acknowledged_by"],
        acknowledged_at=row["acknowledged_at"],
        resolved_by=row["resolved_by"],
        resolved_at=row["resolved_at"],
        note=row["note"],
    )


def _contact_output(row: dict[str, Any]) -> AlertContact:
    return AlertContact(
        alert_contact_id=str(row["alert_contact_id"]),
        name=str(row["name"]),
        contact_type=str(row["contact_type"]),
        email=row["email"],
        phone=row["phone"],
        status=str(row["status"]),
        created_at=str(row["created_at"]),
    )


def _window_status(row: dict[str, Any], ctx: Context) -> str:
    if row["cancelled"]:
        return "cancelled"
    start = parse_time(str(row["start_time"]), "start_time")
    end = parse_time(str(row["end_time"]), "end_time")
    if end <= ctx.now:
        return "completed"
    return "active" if start <= ctx.now else "scheduled"


def _window_output(row: dict[str, Any], ctx: Context) -> MaintenanceWindow:
    return MaintenanceWindow(
        maintenance_window_id=str(row["maintenance_window_id"]),
        name=str(row["name"]),
        start_time=str(row["start_time"]),
        end_time=str(row["end_time"]),
        monitor_ids=[str(item) for item in row["monitor_ids"]],
        status=_window_status(row, ctx),
        created_at=str(row["created_at"]),
    )


def _check_target(monitor_type: str, url: str, keyword: str | None, port: int | None) -> str:
    target = url.strip()
    if monitor_type in ("http", "keyword"):
        if not is_http_url(target):
            raise ToolError(
                f"a {monitor_type} monitor watches an http(s) URL such as https://www.example.com/; got {url!r}"
            )
    elif not (is_hostname(target.lower()) or is_ipv4(target)):
        raise ToolError(f"a {monitor_type} monitor watches a host name or IPv4 address without a scheme; got {url!r}")
    else:
        target = target.lower()
    if monitor_type == "keyword" and not keyword:
        raise ToolError("a keyword monitor needs the keyword it expects on the page")
    if monitor_type != "keyword" and keyword is not None:
        raise ToolError(f"only keyword monitors take a keyword; this is a {monitor_type} monitor")
    if monitor_type == "port" and port is None:
        raise ToolError("a port monitor needs a port from 1 to 65535")
    if monitor_type != "port" and port is not None:
        raise ToolError(f"only port monitors take a port; this is a {monitor_type} monitor")
    return target


def _check_contacts(ctx: Context, alert_contact_ids: list[str]) -> list[str]:
    contacts = ctx.table("alert_contacts")
    unknown = [item for item in alert_contact_ids if contacts.get(item) is None]
    if unknown:
        raise ToolError(
            f"alert contact(s) {', '.join(unknown)} not found; list_alert_contacts shows the account's contacts"
        )
    return list(dict.fromkeys(alert_contact_ids))


def _responder(ctx: Context, email: str) -> str:
    wanted = email.strip().lower()
    for contact in ctx.table("alert_contacts").find(contact_type="email"):
        if str(contact["email"]).lower() == wanted:
            if contact["status"] != "active":
                raise ToolError(
                    f"alert contact {contact['alert_contact_id']} ({email}) is paused and cannot act on incidents"
                )
            return str(contact["email"])
    raise ToolError(f"{email} is not an alert contact of this account; only alert contacts can act on incidents")


# --- tools ---------------------------------------------------------------------------------------

MonitorUrl = Annotated[
    str,
    Arg(
        description="What to watch: the http(s) URL of a site, an API, a shared document or an event page "
        "(http, keyword); a host name or IPv4 address (ping, port).",
        min_length=3,
        max_length=2048,
    ),
]
Interval = Annotated[
    int, Arg(description="Seconds between checks, 300 to 86400.", minimum=MIN_INTERVAL, maximum=MAX_INTERVAL)
]


@environment.tool(effect="read")
def list_monitors(
    ctx: Context,
    status: Literal["up", "down", "paused", "not_checked"] | None = None,
    query: Annotated[str, Arg(max_length=200)] | None = None,
) -> MonitorList:
    """List monitors, optionally with one status or matching text in the name or URL.

    Args:
        status: Only monitors with this status.
        query: Text to find in the monitor's name or URL (case-insensitive).
    """
    filters: dict[str, Any] = {"status": status} if status else {}
    rows = ctx.table("monitors").find(order_by=["name", "monitor_id"], **filters)
    if query is not None:
        needle = query.strip().casefold()
        rows = [row for row in rows if needle in str(row["name"]).casefold() or needle in str(row["url"]).casefold()]
    return MonitorList(monitors=[_monitor_output(row) for row in rows], count=len(rows))


@environment.tool(effect="read")
def get_monitor(ctx: Context, monitor_id: str) -> MonitorDetails:
    """Get a monitor with its alert contacts, incidents and whether a maintenance window covers it now.

    Args:
        monitor_id: The monitor's id.
    """
    row = ctx.table("monitors").require(monitor_id, what="monitor")
    contacts = ctx.table("alert_contacts")
    found = [contacts.get(item) for item in row["alert_contact_ids"]]
    incidents = ctx.table("incidents").find(
        monitor_id=monitor_id, order_by=["started_at", "incident_id"], descending=True
    )
    in_maintenance = any(
        monitor_id in window["monitor_ids"] and _window_status(window, ctx) == "active"
        for window in ctx.table("maintenance_windows").all()
    )
    return MonitorDetails(
        **_monitor_output(row),
        alert_contacts=[_contact_output(contact) for contact in found if contact is not None],
        incidents=[_incident_output(incident, str(row["url"])) for incident in incidents],
        in_maintenance=in_maintenance,
    )


@environment.tool(effect="write")
def create_monitor(
    ctx: Context,
    *,
    name: Annotated[str, Arg(min_length=1, max_length=100)],
    url: MonitorUrl,
    monitor_type: MonitorType = "http",
    interval_seconds: Interval = MIN_INTERVAL,
    keyword: Annotated[str, Arg(min_length=1, max_length=100)] | None = None,
    port: Annotated[int, Arg(minimum=1, maximum=65535)] | None = None,
    alert_contact_ids: list[str] | None = None,
) -> Monitor:
    """Start monitoring a URL (http, keyword) or a host (ping, port); it is checked from the next interval.

    Args:
        name: Friendly name for the monitor.
        url: The http(s) URL of a site, an API, a shared document or an event page to watch (http, keyword);
            a host name or IPv4 address (ping, port).
        monitor_type: What kind of check to run.
        interval_seconds: Seconds between checks.
        keyword: Text the page must contain (keyword monitors only).
        port: Port to connect to (port monitors only).
        alert_contact_ids: Alert contacts to notify when it goes down or up.
    """
    monitors = ctx.table("monitors")
    target = _check_target(monitor_type, url, keyword, port)
    for row in monitors.find(monitor_type=monitor_type):
        if row["url"] == target and row["port"] == port:
            raise ToolError(
                f"{target} is already watched by {monitor_type} monitor {row['monitor_id']} ({row['name']})"
            )
    if monitors.count() >= MAX_MONITORS:
        raise ToolError(f"the account already has {MAX_MONITORS} monitors, the most allowed; delete one first")
    contacts = _check_contacts(ctx, alert_contact_ids or [])
    row = monitors.insert(
        {
            "monitor_id": ctx.new_id("mon"),
            "name": name.strip(),
            "url": target,
            "monitor_type": monitor_type,
            "interval_seconds": interval_seconds,
            "status": "not_checked",
            "keyword": keyword,
            "port": port,
            "alert_contact_ids": contacts,
            "uptime_ratio_30d": 100.0,
            "last_checked_at": None,
            "created_at": iso(ctx.now),
        }
    )
    return _monitor_output(row)


@environment.tool(effect="write")
def update_monitor(
    ctx: Context,
    *,
    monitor_id: str,
    name: Annotated[str, Arg(min_length=1, max_length=100)] | None = None,
    interval_seconds: Interval | None = None,
    paused: bool | None = None,
    alert_contact_ids: list[str] | None = None,
) -> Monitor:
    """Rename a monitor, change its interval or alert contacts, or pause or resume it.

    Args:
        monitor_id: The monitor's id.
        name: New friendly name.
        interval_seconds: New interval in seconds.
        paused: True to pause checks, false to resume them.
        alert_contact_ids: Alert contacts to notify, replacing the current ones.
    """
    monitors = ctx.table("monitors")
    row = monitors.require(monitor_id, what="monitor")
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name.strip()
    if interval_seconds is not None:
        changes["interval_seconds"] = interval_seconds
    if alert_contact_ids is not None:
        changes["alert_contact_ids"] = _check_contacts(ctx, alert_contact_ids)
    if paused is True and row["status"] != "paused":
        changes["status"] = "paused"
    elif paused is False and row["status"] == "paused":
        changes["status"] = "not_checked"
    elif paused is not None:
        raise ToolError(f"monitor {monitor_id} is already {'paused' if paused else 'running'} ({row['status']})")
    if not changes:
        raise ToolError("nothing to change: give a name, interval_seconds, paused or alert_contact_ids")
    return _monitor_output(monitors.update(monitor_id, changes))


@environment.tool(effect="write")
def delete_monitor(ctx: Context, monitor_id: str) -> DeletedMonitor:
    """Delete a monitor with its incident history; it is also taken out of maintenance windows.

    Args:
        monitor_id: The monitor's id.
    """
    row = ctx.table("monitors").require(monitor_id, what="monitor")
    incidents = ctx.table("incidents")
    removed = incidents.find(monitor_id=monitor_id)
    for incident in removed:
        incidents.delete(incident["incident_id"])
    windows = ctx.table("maintenance_windows")
    for window in windows.all():
        if monitor_id in window["monitor_ids"]:
            windows.update(
                window["maintenance_window_id"],
                {"monitor_ids": [item for item in window["monitor_ids"] if item != monitor_id]},
            )
    ctx.table("monitors").delete(monitor_id)
    return DeletedMonitor(monitor_id=monitor_id, url=str(row["url"]), incidents_deleted=len(removed))


@environment.tool(effect="read")
def list_incidents(
    ctx: Context,
    monitor_id: str | None = None,
    status: IncidentStatus | None = None,
) -> IncidentList:
    """List incidents, newest first, optionally for one monitor or with one status.

    Args:
        monitor_id: Only incidents of this monitor.
        status: Only incidents with this status.
    """
    monitors = ctx.table("monitors")
    filters: dict[str, Any] = {}
    if monitor_id is not None:
        monitors.require(monitor_id, what="monitor")
        filters["monitor_id"] = monitor_id
    if status is not None:
        filters["status"] = status
    rows = ctx.table("incidents").find(order_by=["started_at", "incident_id"], descending=True, **filters)
    urls = {str(row["monitor_id"]): str(row["url"]) for row in monitors.all()}
    return IncidentList(
        incidents=[_incident_output(row, urls.get(str(row["monitor_id"]), "")) for row in rows], count=len(rows)
    )


@environment.tool(effect="write")
def acknowledge_incident(
    ctx: Context,
    incident_id: str,
    email: Annotated[str, Arg(description="Email of the alert contact acknowledging.", max_length=254)],
) -> Incident:
    """Acknowledge an ongoing incident so the team knows someone is on it.

    Args:
        incident_id: The incident's id.
        email: Email of the alert contact who acknowledges it.
    """
    incidents = ctx.table("incidents")
    row = incidents.require(incident_id, what="incident")
    if row["status"] != "ongoing":
        raise ToolError(f"incident {incident_id} is {row['status']}; only an ongoing incident can be acknowledged")
    who = _responder(ctx, email)
    updated = incidents.update(
        incident_id, {"status": "acknowledged", "acknowledged_by": who, "acknowledged_at": iso(ctx.now)}
    )
    monitor = ctx.table("monitors").get(row["monitor_id"])
    return _incident_output(updated, str(monitor["url"]) if monitor else "")


@environment.tool(effect="write")
def resolve_incident(
    ctx: Context,
    incident_id: str,
    email: Annotated[str, Arg(description="Email of the alert contact resolving.", max_length=254)],
    note: Annotated[str, Arg(max_length=500)] | None = None,
) -> Incident:
    """Resolve an ongoing or acknowledged incident; the monitor is marked up when no incident stays open.

    Args:
        incident_id: The incident's id.
        email: Email of the alert contact who resolves it.
        note: What was done.
    """
    incidents = ctx.table("incidents")
    row = incidents.require(incident_id, what="incident")
    if row["status"] == "resolved":
        raise ToolError(f"incident {incident_id} was already resolved at {row['resolved_at']} by {row['resolved_by']}")
    who = _responder(ctx, email)
    updated = incidents.update(
        incident_id, {"status": "resolved", "resolved_by": who, "resolved_at": iso(ctx.now), "note": note}
    )
    monitors = ctx.table("monitors")
    monitor = monitors.get(row["monitor_id"])
    still_open = [item for item in incidents.find(monitor_id=row["monitor_id"]) if item["status"] != "resolved"]
    if monitor is not None and monitor["status"] == "down" and not still_open:
        monitors.update(monitor["monitor_id"], {"status": "up", "last_checked_at": iso(ctx.now)})
    return _incident_output(updated, str(monitor["url"]) if monitor else "")


@environment.tool(effect="read")
def list_maintenance_windows(ctx: Context, status: WindowStatus | None = None) -> MaintenanceWindowList:
    """List maintenance windows by start time, optionally with one status.

    Args:
        status: Only windows with this status.
    """
    rows = ctx.table("maintenance_windows").find(order_by=["start_time", "maintenance_window_id"])
    windows = [_window_output(row, ctx) for row in rows]
    if status is not None:
        windows = [window for window in windows if window["status"] == status]
    return MaintenanceWindowList(maintenance_windows=windows, count=len(windows))


@environment.tool(effect="write")
def create_maintenance_window(
    ctx: Context,
    *,
    name: Annotated[str, Arg(min_length=1, max_length=100)],
    start_time: str,
    end_time: str,
    monitor_ids: Annotated[list[str], Arg(description="Monitors whose alerts are silenced during the window.")],
) -> MaintenanceWindow:
    """Schedule a maintenance window (at most 24 hours) that silences alerts for some monitors.

    Args:
        name: Name of the window, e.g. "Database upgrade".
        start_time: When it starts (ISO 8601 with offset), in the future.
        end_time: When it ends (ISO 8601 with offset).
        monitor_ids: Monitors it covers.
    """
    start = parse_time(start_time, "start_time")
    end = parse_time(end_time, "end_time")
    if start <= ctx.now:
        raise ToolError(f"start_time {start_time} is not in the future; it is now {iso(ctx.now)}")
    if end <= start:
        raise ToolError(f"end_time {end_time} must be after start_time {start_time}")
    if end - start > MAX_WINDOW:
        raise ToolError(f"a maintenance window lasts at most 24 hours; this one lasts {end - start}")
    covered = list(dict.fromkeys(monitor_ids))
    if not covered:
        raise ToolError("a maintenance window must cover at least one monitor")
    monitors = ctx.table("monitors")
    unknown = [item for item in covered if monitors.get(item) is None]
    if unknown:
        raise ToolError(f"monitor(s) {', '.join(unknown)} not found")
    windows = ctx.table("maintenance_windows")
    for window in windows.all():
        if window["cancelled"]:
            continue
        shared = [item for item in covered if item in window["monitor_ids"]]
        other_start = parse_time(str(window["start_time"]), "start_time")
        other_end = parse_time(str(window["end_time"]), "end_time")
        if shared and start < other_end and other_start < end:
            raise ToolError(
                f"monitor {shared[0]} is already in maintenance window {window['maintenance_window_id']} "
                f"({window['start_time']} to {window['end_time']}); windows on one monitor cannot overlap"
            )
    row = windows.insert(
        {
            "maintenance_window_id": ctx.new_id("mw"),
            "name": name.strip(),
            "start_time": iso(start),
            "end_time": iso(end),
            "monitor_ids": covered,
            "cancelled": False,
            "created_at": iso(ctx.now),
        }
    )
    return _window_output(row, ctx)


@environment.tool(effect="write")
def cancel_maintenance_window(ctx: Context, maintenance_window_id: str) -> MaintenanceWindow:
    """Cancel a scheduled maintenance window (one that has not started yet).

    Args:
        maintenance_window_id: The window's id.
    """
    windows = ctx.table("maintenance_windows")
    row = windows.require(maintenance_window_id, what="maintenance window")
    status = _window_status(row, ctx)
    if status != "scheduled":
        raise ToolError(
            f"maintenance window {maintenance_window_id} is {status}; only a scheduled window can be cancelled"
        )
    return _window_output(windows.update(maintenance_window_id, {"cancelled": True}), ctx)


@environment.tool(effect="read")
def list_alert_contacts(ctx: Context) -> AlertContactList:
    """List the account's alert contacts (who gets notified, by email or sms)."""
    rows = ctx.table("alert_contacts").all(order_by=["name", "alert_contact_id"])
    return AlertContactList(alert_contacts=[_contact_output(row) for row in rows], count=len(rows))


@environment.tool(effect="write")
def create_alert_contact(
    ctx: Context,
    name: Annotated[str, Arg(min_length=1, max_length=100)],
    contact_type: Literal["email", "sms"],
    email: Annotated[str, Arg(format="email", max_length=254)] | None = None,
    phone: Annotated[str, Arg(max_length=24)] | None = None,
) -> AlertContact:
    """Add someone to notify when a monitor goes down or up: by email, or by sms to a phone number.

    Args:
        name: The contact's name.
        contact_type: email or sms.
        email: Email address of the person to notify (email contacts), e.g. a colleague or a customer.
        phone: Phone number of the person to notify, in international format, e.g. +1 415 555 0134 (sms contacts).
    """
    contacts = ctx.table("alert_contacts")
    if contact_type == "email":
        if email is None:
            raise ToolError("an email alert contact needs an email address")
        if phone is not None:
            raise ToolError("an email alert contact takes no phone number; create an sms contact for it")
        address = email.strip()
        local, _, host = address.partition("@")
        if not local or not is_hostname(host.lower()):
            raise ToolError(f"email {email!r} is not an email address")
        if any(str(row["email"]).lower() == address.lower() for row in contacts.find(contact_type="email")):
            raise ToolError(f"{address} is already an alert contact")
        number = None
    else:
        if phone is None:
            raise ToolError("an sms alert contact needs a phone number in international format, e.g. +1 415 555 0134")
        if email is not None:
            raise ToolError("an sms alert contact takes no email address; create an email contact for it")
        number = phone.strip()
        if not _PHONE.match(number.replace(" ", "")):
            raise ToolError(f"phone {phone!r} is not in international format: + then 7 to 15 digits")
        if any(
            str(row["phone"]).replace(" ", "") == number.replace(" ", "") for row in contacts.find(contact_type="sms")
        ):
            raise ToolError(f"{number} is already an alert contact")
        address = None
    row = contacts.insert(
        {
            "alert_contact_id": ctx.new_id("ac"),
            "name": name.strip(),
            "contact_type": contact_type,
            "email": address,
            "phone": number,
            "status": "active",
            "created_at": iso(ctx.now),
        }
    )
    return _contact_output(row)


# --- seed ----------------------------------------------------------------------------------------

_CAUSES = (
    "HTTP 503 Service Unavailable",
    "HTTP 502 Bad Gateway",
    "HTTP 500 Internal Server Error",
    "Connection timeout",
    "Connection refused",
    "SSL certificate expired",
    "DNS resolution failed",
)
_WINDOW_NAMES = ("Database upgrade", "Kernel patching", "CDN migration", "Load balancer swap", "Certificate rotation")


def _monitor_targets(company: str, domain: str) -> list[tuple[str, str, str, str | None, int | None]]:
    """``(name, url, type, keyword, port)`` candidates for one company's site."""
    return [
        (f"{company} website", f"https://www.{domain}/", "http", None, None),
        (f"{company} API health", f"https://api.{domain}/health", "http", None, None),
        (f"{company} shop checkout", f"https://shop.{domain}/cart", "keyword", "Checkout", None),
        (f"{company} status page", f"https://status.{domain}/", "http", None, None),
        (f"{company} API host", f"api.{domain}", "ping", None, None),
        (f"{company} mail submission", f"mail.{domain}", "port", None, 587),
    ]


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    people = fake.people(ctx.shared("people"), max(3, ctx.size))
    contacts = []
    for person in people[: max(2, ctx.size // 3)]:
        contacts.append(
            {
                "alert_contact_id": seed_id(rng, "ac"),
                "name": person.full_name,
                "contact_type": "email",
                "email": person.email,
                "phone": None,
                "status": "paused" if rng.random() < 0.15 else "active",
                "created_at": iso(ctx.now - timedelta(days=rng.randint(30, 600))),
            }
        )
    on_call = people[0]
    contacts.append(
        {
            "alert_contact_id": seed_id(rng, "ac"),
            "name": f"{on_call.full_name} (SMS)",
            "contact_type": "sms",
            "email": None,
            "phone": on_call.phone,
            "status": "active",
            "created_at": iso(ctx.now - timedelta(days=rng.randint(30, 600))),
        }
    )
    contact_ids = [str(contact["alert_contact_id"]) for contact in contacts]
    candidates = [target for site in world_sites(ctx) for target in _monitor_targets(site.company, site.domain)]
    monitors, incidents = [], []
    for name, url, monitor_type, keyword, port in rng.sample(candidates, min(len(candidates), max(4, ctx.size))):
        monitor_id = seed_id(rng, "mon")
        created = ctx.now - timedelta(days=rng.randint(40, 700), minutes=rng.randrange(0, 1440, 5))
        status = fake.choose_weighted(rng, {"up": 7, "down": 1.5, "paused": 1})
        interval = rng.choice((300, 300, 600, 900, 1800, 3600))
        monitors.append(
            {
                "monitor_id": monitor_id,
                "name": name,
                "url": url,
                "monitor_type": monitor_type,
                "interval_seconds": interval,
                "status": status,
                "keyword": keyword,
                "port": port,
                "alert_contact_ids": sorted(rng.sample(contact_ids, rng.randint(1, min(3, len(contact_ids))))),
                "uptime_ratio_30d": round(rng.uniform(97.0, 100.0) if status != "down" else rng.uniform(88.0, 99.5), 3),
                "last_checked_at": None
                if status == "paused"
                else iso(ctx.now - timedelta(seconds=rng.randint(1, interval))),
                "created_at": iso(created),
            }
        )
        history = rng.randint(0, 3)
        for _ in range(history):
            started = ctx.now - timedelta(days=rng.randint(2, 35), minutes=rng.randrange(0, 1440, 1))
            responder = rng.choice(people[:2]).email
            acknowledged = started + timedelta(minutes=rng.randint(2, 30))
            incidents.append(
                {
                    "incident_id": seed_id(rng, "inc"),
                    "monitor_id": monitor_id,
                    "cause": rng.choice(_CAUSES),
                    "status": "resolved",
                    "started_at": iso(started),
                    "acknowledged_by": responder if rng.random() < 0.7 else None,
                    "acknowledged_at": iso(acknowledged),
                    "resolved_by": responder,
                    "resolved_at": iso(acknowledged + timedelta(minutes=rng.randint(5, 240))),
                    "note": rng.choice(
                        (None, "Restarted the app servers.", "Renewed the certificate.", "Rolled back.")
                    ),
                }
            )
        if status == "down":
            started = ctx.now - timedelta(minutes=rng.randint(3, 180))
            is_acknowledged = rng.random() < 0.4
            incidents.append(
                {
                    "incident_id": seed_id(rng, "inc"),
                    "monitor_id": monitor_id,
                    "cause": rng.choice(_CAUSES),
                    "status": "acknowledged" if is_acknowledged else "ongoing",
                    "started_at": iso(started),
                    "acknowledged_by": people[0].email if is_acknowledged else None,
                    "acknowledged_at": iso(started + timedelta(minutes=2)) if is_acknowledged else None,
                    "resolved_by": None,
                    "resolved_at": None,
                    "note": None,
                }
            )
    for incident in incidents:
        if incident["acknowledged_by"] is None and incident["status"] == "resolved":
            incident["acknowledged_at"] = None
    windows: list[dict[str, Any]] = []
    for index in range(rng.randint(1, 3)):
        day = ctx.now.replace(hour=0, minute=0, second=0) + timedelta(days=rng.randint(-20, 20))
        start = day + timedelta(hours=rng.choice((1, 2, 3, 22, 23)))
        end = start + timedelta(hours=rng.choice((1, 2, 4)))
        covered = sorted({str(monitor["monitor_id"]) for monitor in rng.sample(monitors, rng.randint(1, 2))})
        if any(
            set(covered) & set(other["monitor_ids"]) and start < other["ends"] and other["starts"] < end
            for other in windows
        ):
            continue
        windows.append(
            {
                "maintenance_window_id": seed_id(rng, "mw"),
                "name": _WINDOW_NAMES[index],
                "start_time": iso(start),
                "end_time": iso(end),
                "monitor_ids": covered,
                "cancelled": rng.random() < 0.15,
                "created_at": iso(
                    min(ctx.now - timedelta(hours=rng.randint(1, 72)), start - timedelta(days=rng.randint(3, 14)))
                ),
                "starts": start,
                "ends": end,
            }
        )
    for window in windows:
        del window["starts"], window["ends"]
    return {"monitors": monitors, "incidents": incidents, "maintenance_windows": windows, "alert_contacts": contacts}
