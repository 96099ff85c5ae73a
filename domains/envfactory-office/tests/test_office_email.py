"""Scenario tests for the email environment: sending, replies, labels, trash, drafts and limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from envfactory_office import email

NOW = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)


def _inbox(episode):
    return episode.call("search_messages", {"query": "in:inbox", "limit": 100}).output["messages"]


def test_send_message_lands_in_sent_and_only_adds_one_row():
    episode = email.episode(seed=0)
    sent = episode.call(
        "send_message",
        {
            "recipient_email": "Lena.Vogel@example.com",
            "subject": "Slides",
            "body": "Here they are.",
            "cc_emails": ["a@example.org"],
        },
    )
    assert sent.ok, sent.error
    assert sent.output["label_ids"] == ["SENT"]
    assert sent.output["recipient_emails"] == ["lena.vogel@example.com"]
    found = episode.call("search_messages", {"query": "in:sent subject:slides"}).output["messages"]
    assert [message["message_id"] for message in found] == [sent.output["message_id"]]
    assert [(change.table, change.change) for change in episode.diff().changes] == [("messages", "added")]


def test_reply_joins_the_thread_and_prefixes_the_subject():
    episode = email.episode(seed=0)
    original = _inbox(episode)[0]
    reply = episode.call(
        "send_message",
        {
            "recipient_email": original["sender_email"],
            "subject": original["subject"],
            "body": "Thanks, will do.",
            "reply_to_message_id": original["message_id"],
        },
    ).output
    assert reply["thread_id"] == original["thread_id"]
    assert reply["subject"] == f"Re: {original['subject']}"


def test_marking_read_and_system_labels():
    episode = email.episode(seed=0)
    unread = episode.call("search_messages", {"query": "is:unread"}).output
    target = unread["messages"][0]["message_id"]
    marked = episode.call("modify_message_labels", {"message_id": target, "remove_label_ids": ["UNREAD"]})
    assert marked.ok, marked.error
    assert not marked.output["is_unread"]
    assert episode.call("search_messages", {"query": "is:unread"}).output["count"] == unread["count"] - 1
    before = episode.state_hash()
    refused = episode.call("modify_message_labels", {"message_id": target, "add_label_ids": ["SENT"]})
    assert not refused.ok
    assert "set by the mailbox" in refused.error.message
    unknown = episode.call("modify_message_labels", {"message_id": target, "add_label_ids": ["Label_99"]})
    assert not unknown.ok
    assert episode.state_hash() == before


def test_trash_hides_a_message_from_search_and_cannot_repeat():
    episode = email.episode(seed=0)
    target = _inbox(episode)[0]["message_id"]
    count = episode.call("search_messages", {}).output["count"]
    trashed = episode.call("trash_message", {"message_id": target}).output
    assert "TRASH" in trashed["label_ids"]
    assert "INBOX" not in trashed["label_ids"]
    assert episode.call("search_messages", {}).output["count"] == count - 1
    in_trash = episode.call("search_messages", {"query": "in:trash", "limit": 100}).output["messages"]
    assert target in [message["message_id"] for message in in_trash]
    again = episode.call("trash_message", {"message_id": target})
    assert not again.ok
    assert "already in the trash" in again.error.message


def test_draft_is_sent_once_and_labels_stay_unique():
    episode = email.episode(seed=0)
    draft = episode.call(
        "create_draft", {"recipient_email": "kofi.asante@example.com", "subject": "Agenda", "body": "Draft agenda."}
    ).output
    assert draft["draft_id"].startswith("r")
    sent = episode.call("send_draft", {"draft_id": draft["draft_id"]})
    assert sent.ok, sent.error
    assert sent.output["subject"] == "Agenda"
    assert episode.table("drafts").get(draft["draft_id"]) is None
    assert not episode.call("send_draft", {"draft_id": draft["draft_id"]}).ok
    label = episode.call("create_label", {"name": "Vendors"}).output
    assert label["label_id"].startswith("Label_")
    duplicate = episode.call("create_label", {"name": "vendors"})
    assert not duplicate.ok
    assert "already exists" in duplicate.error.message
    system = episode.call("create_label", {"name": "Inbox"})
    assert not system.ok


def test_daily_sending_limit_is_enforced():
    state = email.initial_state(seed=0)
    me = next(iter(state["profile"].values()))
    messages = dict(state["messages"])
    for number in range(500):
        message_id = f"{number:016x}"
        messages[message_id] = {
            "message_id": message_id,
            "thread_id": message_id,
            "sender_email": me["email"],
            "sender_name": me["name"],
            "recipient_emails": [f"customer{number}@example.com"],
            "cc_emails": [],
            "subject": "Your order",
            "body": "Thank you!",
            "label_ids": ["SENT"],
            "has_attachment": False,
            "created_at": (NOW - timedelta(minutes=2 * number + 1)).isoformat(),
        }
    episode = email.episode(state={**state, "messages": messages})
    refused = episode.call("send_message", {"recipient_email": "x@example.com", "subject": "Hi", "body": "Hello"})
    assert not refused.ok
    assert "sending limit of 500" in refused.error.message
