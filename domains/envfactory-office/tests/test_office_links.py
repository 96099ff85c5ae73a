"""Data flows between the office environments of one world: the same people, links and times move across."""

from __future__ import annotations

from envfactory_office import ENVIRONMENTS

from envfactory_core.env import World


def test_shared_document_link_is_mailed_to_a_calendar_guest():
    with World.open(ENVIRONMENTS, seed=3) as world:
        me = world.episodes["calendar"].table("profile").all()[0]["email"]
        inbox = world.call("email__search_messages", {"query": "in:inbox"}).output["messages"]
        correspondent = next(message["sender_email"] for message in inbox if message["sender_email"] != me)
        event = world.call(
            "calendar__create_event",
            {
                "calendar_id": me,
                "title": "Offsite planning",
                "start_time": "2025-06-25T09:00:00+02:00",
                "end_time": "2025-06-25T10:00:00+02:00",
                "attendee_emails": [correspondent],
            },
        ).output
        guest = next(attendee["email"] for attendee in event["attendees"] if attendee["email"] != me)
        document = world.call("drive__create_file", {"title": "Offsite agenda", "kind": "document"}).output
        assert world.call("drive__share_file", {"file_id": document["file_id"], "email": guest, "role": "commenter"}).ok
        link = world.call("drive__create_sharing_link", {"file_id": document["file_id"]}).output
        mail = world.call(
            "email__send_message",
            {
                "recipient_email": guest,
                "subject": event["title"],
                "body": f"Agenda for {event['start_time']}: {link['url']}",
            },
        ).output
        task = world.call(
            "tasks__create_task", {"title": f"Prepare {event['title']}", "due_date": event["start_time"][:10]}
        ).output
        assert link["url"] in mail["body"]
        assert mail["recipient_emails"] == [guest]
        assert task["due_date"] == "2025-06-25"
        touched = {change.environment for change in world.diff().changes}
        assert touched == {"calendar", "drive", "email", "tasks"}
