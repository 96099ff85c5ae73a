"""Scenario tests for the calendar environment: invitations, free/busy, organizer rights, limits."""

from __future__ import annotations

from envfactory_office import calendar

START = "2025-06-24T14:00:00+00:00"
END = "2025-06-24T15:00:00+00:00"


def _me(episode):
    return episode.table("profile").all()[0]["email"]


def _by_role(episode, role):
    return [row for row in episode.table("calendars").all() if row["access_role"] == role]


def test_invitation_blocks_the_guest_in_free_busy():
    episode = calendar.episode(seed=0)
    me = _me(episode)
    guest = _by_role(episode, "freeBusyReader")[0]["calendar_id"]
    window = {"calendar_ids": [guest], "start_time": START, "end_time": END}
    assert episode.call("query_free_busy", window).output["calendars"][0]["busy"] == []
    created = episode.call(
        "create_event",
        {"calendar_id": me, "title": "Budget review", "start_time": START, "end_time": END, "attendee_emails": [guest]},
    )
    assert created.ok, created.error
    attendees = {a["email"]: a["response_status"] for a in created.output["attendees"]}
    assert attendees == {me: "accepted", guest: "needsAction"}
    busy = episode.call("query_free_busy", window).output["calendars"][0]["busy"]
    assert len(busy) == 1
    assert [(change.table, change.change) for change in episode.diff().changes] == [("events", "added")]


def test_free_busy_readers_see_busy_times_only():
    episode = calendar.episode(seed=0)
    colleague = _by_role(episode, "freeBusyReader")[0]["calendar_id"]
    refused = episode.call("list_events", {"calendar_id": colleague})
    assert not refused.ok
    assert "query_free_busy" in refused.error.message
    result = episode.call(
        "query_free_busy",
        {
            "calendar_ids": [colleague, "nobody@example.com"],
            "start_time": "2025-06-06T00:00:00+00:00",
            "end_time": "2025-07-06T00:00:00+00:00",
        },
    ).output
    found, missing = result["calendars"]
    assert found["error"] is None
    assert found["busy"], "the colleague's own events make them busy"
    assert missing == {"calendar_id": "nobody@example.com", "busy": [], "error": "notFound"}


def test_only_the_organizer_changes_an_event_and_guests_respond():
    episode = calendar.episode(seed=0)
    me = _me(episode)
    invited = next(
        row
        for row in episode.table("events").find(calendar_id=me)
        if row["organizer_email"] != me and row["status"] != "cancelled"
    )
    before = episode.state_hash()
    refused = episode.call("update_event", {"event_id": invited["event_id"], "title": "Renamed"})
    assert not refused.ok
    assert "only the organizer" in refused.error.message
    assert episode.state_hash() == before
    answered = episode.call("respond_to_event", {"event_id": invited["event_id"], "response_status": "declined"})
    assert answered.ok, answered.error
    mine = next(a for a in answered.output["attendees"] if a["email"] == me)
    assert mine["response_status"] == "declined"
    (change,) = episode.diff().changes
    assert "attendees" in change.fields


def test_cancelled_event_frees_the_time_and_cannot_be_changed():
    episode = calendar.episode(seed=0)
    me = _me(episode)
    event = episode.call(
        "create_event", {"calendar_id": me, "title": "Focus time", "start_time": START, "end_time": END}
    ).output
    cancelled = episode.call("cancel_event", {"event_id": event["event_id"]}).output
    assert cancelled["status"] == "cancelled"
    window = {"calendar_ids": [me], "start_time": START, "end_time": END}
    assert episode.call("query_free_busy", window).output["calendars"][0]["busy"] == []
    again = episode.call("update_event", {"event_id": event["event_id"], "title": "Back on"})
    assert not again.ok
    assert "cancelled" in again.error.message


def test_write_access_and_reminder_limits_are_enforced():
    episode = calendar.episode(seed=0)
    reader = _by_role(episode, "reader")[0]["calendar_id"]
    team = _by_role(episode, "writer")[0]["calendar_id"]
    base = {"title": "Planning", "start_time": START, "end_time": END}
    refused = episode.call("create_event", {**base, "calendar_id": reader})
    assert not refused.ok
    assert "only owners and writers" in refused.error.message
    too_many = episode.call("create_event", {**base, "calendar_id": team, "reminders": [1, 2, 3, 4, 5, 6]})
    assert not too_many.ok
    assert "at most 5 reminders" in too_many.error.message
    too_early = episode.call("create_event", {**base, "calendar_id": team, "reminders": [50000]})
    assert not too_early.ok
    backwards = episode.call("create_event", {**base, "calendar_id": team, "end_time": "2025-06-24T13:00:00+00:00"})
    assert not backwards.ok
    assert episode.diff().changes == ()
    created = episode.call("create_event", {**base, "calendar_id": team, "add_video_call": True})
    assert created.ok, created.error
    assert created.output["url"].startswith("https://meet.google.com/")
