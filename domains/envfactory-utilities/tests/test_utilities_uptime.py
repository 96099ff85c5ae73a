"""Scenarios for the uptime environment: incidents, maintenance windows, monitors and contacts."""

from __future__ import annotations

import pytest
from envfactory_utilities import uptime

from envfactory_core.env import Episode


@pytest.fixture
def episode() -> Episode:
    return uptime.episode(seed=0)


def _active_contact_email(episode: Episode) -> str:
    return next(
        row["email"] for row in episode.table("alert_contacts").all() if row["email"] and row["status"] == "active"
    )


def test_acknowledge_then_resolve_brings_the_monitor_back_up(episode: Episode, ok, refused) -> None:
    incident = episode.table("incidents").first(status="ongoing")
    assert episode.table("monitors").get(incident["monitor_id"])["status"] == "down"
    email = _active_contact_email(episode)
    acknowledged = ok(episode, "acknowledge_incident", incident_id=incident["incident_id"], email=email)
    assert (acknowledged["status"], acknowledged["acknowledged_by"]) == ("acknowledged", email)
    resolved = ok(
        episode, "resolve_incident", incident_id=incident["incident_id"], email=email, note="Restarted nginx."
    )
    assert resolved["status"] == "resolved"
    changed = {(change.table, change.key): change.fields for change in episode.diff().changes}
    assert set(changed) == {("incidents", incident["incident_id"]), ("monitors", incident["monitor_id"])}
    assert "status" in changed[("monitors", incident["monitor_id"])]
    assert episode.table("monitors").get(incident["monitor_id"])["status"] == "up"
    assert "already resolved" in refused(episode, "resolve_incident", incident_id=incident["incident_id"], email=email)


def test_only_alert_contacts_act_on_incidents(episode: Episode, refused) -> None:
    incident = episode.table("incidents").first(status="ongoing")
    message = refused(
        episode, "acknowledge_incident", incident_id=incident["incident_id"], email="stranger@example.org"
    )
    assert "not an alert contact" in message


def test_maintenance_windows_cannot_overlap_or_exceed_a_day(episode: Episode, ok, refused) -> None:
    monitor_id = episode.table("monitors").all()[0]["monitor_id"]
    window = ok(
        episode,
        "create_maintenance_window",
        name="Database upgrade",
        start_time="2025-06-20T22:00:00+00:00",
        end_time="2025-06-21T02:00:00+00:00",
        monitor_ids=[monitor_id],
    )
    assert window["status"] == "scheduled"
    assert "cannot overlap" in refused(
        episode,
        "create_maintenance_window",
        name="Clash",
        start_time="2025-06-21T01:00:00+00:00",
        end_time="2025-06-21T03:00:00+00:00",
        monitor_ids=[monitor_id],
    )
    assert "at most 24 hours" in refused(
        episode,
        "create_maintenance_window",
        name="Too long",
        start_time="2025-06-22T00:00:00+00:00",
        end_time="2025-06-23T06:00:00+00:00",
        monitor_ids=[monitor_id],
    )
    assert "not in the future" in refused(
        episode,
        "create_maintenance_window",
        name="Past",
        start_time="2025-06-16T08:00:00+00:00",
        end_time="2025-06-16T09:00:00+00:00",
        monitor_ids=[monitor_id],
    )
    cancelled = ok(episode, "cancel_maintenance_window", maintenance_window_id=window["maintenance_window_id"])
    assert cancelled["status"] == "cancelled"
    again = refused(episode, "cancel_maintenance_window", maintenance_window_id=window["maintenance_window_id"])
    assert "only a scheduled window" in again


def test_monitor_types_need_their_own_settings(episode: Episode, ok, refused) -> None:
    assert "needs a port" in refused(
        episode, "create_monitor", name="SMTP", url="smtp.example.org", monitor_type="port"
    )
    assert "without a scheme" in refused(
        episode, "create_monitor", name="Ping", url="https://example.org/", monitor_type="ping"
    )
    assert "needs the keyword" in refused(
        episode, "create_monitor", name="Shop", url="https://shop.example.org/", monitor_type="keyword"
    )
    contact_id = episode.table("alert_contacts").all()[0]["alert_contact_id"]
    monitor = ok(
        episode,
        "create_monitor",
        name="Shop",
        url="https://shop.example.org/",
        monitor_type="keyword",
        keyword="Add to cart",
        alert_contact_ids=[contact_id],
    )
    assert (monitor["status"], monitor["interval_seconds"]) == ("not_checked", 300)
    assert "already watched" in refused(
        episode,
        "create_monitor",
        name="Shop again",
        url="https://shop.example.org/",
        monitor_type="keyword",
        keyword="Cart",
    )


def test_deleting_a_monitor_removes_its_incidents_and_window_membership(episode: Episode, ok) -> None:
    windows = episode.table("maintenance_windows").all()
    monitor_id = windows[0]["monitor_ids"][0]
    incidents = episode.table("incidents").count(monitor_id=monitor_id)
    result = ok(episode, "delete_monitor", monitor_id=monitor_id)
    assert result["incidents_deleted"] == incidents
    assert episode.table("incidents").count(monitor_id=monitor_id) == 0
    assert all(monitor_id not in window["monitor_ids"] for window in episode.table("maintenance_windows").all())


def test_alert_contacts_are_unique_and_validated(episode: Episode, ok, refused) -> None:
    email = _active_contact_email(episode)
    assert "already an alert contact" in refused(
        episode, "create_alert_contact", name="Dup", contact_type="email", email=email.upper()
    )
    assert "international format" in refused(
        episode, "create_alert_contact", name="Pager", contact_type="sms", phone="555-0134"
    )
    created = ok(episode, "create_alert_contact", name="Night pager", contact_type="sms", phone="+44 7700 900123")
    assert created["phone"] == "+44 7700 900123"
    assert created["email"] is None
