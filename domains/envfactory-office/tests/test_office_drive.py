"""Scenario tests for the drive environment: creating, sharing by role, link sharing, moving and trash."""

from __future__ import annotations

from envfactory_office import drive


def _me(episode):
    return episode.table("profile").all()[0]["email"]


def _shared_with_me(episode, role, *, writers_can_share=None):
    me = _me(episode)
    for permission in episode.table("permissions").find(email=me, role=role):
        row = episode.table("files").get(permission["file_id"])
        shareable = writers_can_share is None or row["writers_can_share"] == writers_can_share
        if row["owner_email"] != me and not row["trashed"] and shareable:
            return row
    return None


def test_create_and_share_a_document():
    episode = drive.episode(seed=0)
    created = episode.call("create_file", {"title": "Offsite budget", "kind": "spreadsheet"}).output
    assert created["url"] == f"https://docs.google.com/spreadsheets/d/{created['file_id']}/edit"
    assert [(p["email"], p["role"]) for p in created["permissions"]] == [(_me(episode), "owner")]
    shared = episode.call(
        "share_file", {"file_id": created["file_id"], "email": "Lena.Vogel@example.com", "role": "commenter"}
    )
    assert shared.ok, shared.error
    assert shared.output["email"] == "lena.vogel@example.com"
    same = episode.call(
        "share_file", {"file_id": created["file_id"], "email": "lena.vogel@example.com", "role": "commenter"}
    )
    assert not same.ok
    assert "already has commenter access" in same.error.message
    upgraded = episode.call(
        "share_file", {"file_id": created["file_id"], "email": "lena.vogel@example.com", "role": "writer"}
    )
    assert upgraded.output["role"] == "writer"
    roles = {
        p["email"]: p["role"] for p in episode.call("get_file", {"file_id": created["file_id"]}).output["permissions"]
    }
    assert roles["lena.vogel@example.com"] == "writer"


def test_readers_and_restricted_editors_cannot_share():
    for seed in range(30):
        episode = drive.episode(seed=seed)
        reader_file = _shared_with_me(episode, "reader")
        locked_file = _shared_with_me(episode, "writer", writers_can_share=False)
        if reader_file and locked_file:
            break
    before = episode.state_hash()
    as_reader = episode.call(
        "share_file", {"file_id": reader_file["file_id"], "email": "x@example.com", "role": "reader"}
    )
    assert not as_reader.ok
    assert "only the owner and editors" in as_reader.error.message
    as_locked_editor = episode.call(
        "share_file", {"file_id": locked_file["file_id"], "email": "x@example.com", "role": "reader"}
    )
    assert not as_locked_editor.ok
    assert "does not let editors share" in as_locked_editor.error.message
    assert not episode.call("move_file", {"file_id": reader_file["file_id"], "folder_id": "nowhere"}).ok
    assert episode.state_hash() == before


def test_sharing_link_is_reader_or_commenter_only():
    episode = drive.episode(seed=0)
    created = episode.call("create_file", {"title": "Launch FAQ", "kind": "document"}).output
    link = episode.call("create_sharing_link", {"file_id": created["file_id"], "link_role": "commenter"})
    assert link.ok, link.error
    assert link.output["url"] == created["url"]
    assert episode.call("get_file", {"file_id": created["file_id"]}).output["link_role"] == "commenter"
    editing = episode.call("create_sharing_link", {"file_id": created["file_id"], "link_role": "writer"})
    assert not editing.ok
    assert editing.error.kind == "invalid_arguments"


def test_only_the_owner_trashes_and_trashed_files_stay_private():
    episode = drive.episode(seed=0)
    created = episode.call("create_file", {"title": "Draft contract", "kind": "document"}).output
    trashed = episode.call("trash_file", {"file_id": created["file_id"]}).output
    assert trashed["trashed"] is True
    refused = episode.call("share_file", {"file_id": created["file_id"], "email": "x@example.com", "role": "reader"})
    assert not refused.ok
    assert "in the trash" in refused.error.message
    editor_file = _shared_with_me(episode, "writer")
    not_owner = episode.call("trash_file", {"file_id": editor_file["file_id"]})
    assert not not_owner.ok
    assert "only the owner" in not_owner.error.message
    owner_removal = episode.call(
        "revoke_access", {"file_id": editor_file["file_id"], "email": editor_file["owner_email"]}
    )
    assert not owner_removal.ok


def test_files_move_only_into_my_folders():
    episode = drive.episode(seed=0)
    me = _me(episode)
    created = episode.call("create_file", {"title": "Q3 notes", "kind": "document"}).output
    folder = episode.call("create_folder", {"title": "Q3"}).output
    moved = episode.call("move_file", {"file_id": created["file_id"], "folder_id": folder["folder_id"]})
    assert moved.ok, moved.error
    assert moved.output["folder_id"] == folder["folder_id"]
    listed = episode.call("search_files", {"folder_id": folder["folder_id"]}).output["files"]
    assert [item["file_id"] for item in listed] == [created["file_id"]]
    foreign = next(row for row in episode.table("folders").all() if row["owner_email"] != me)
    refused = episode.call("move_file", {"file_id": created["file_id"], "folder_id": foreign["folder_id"]})
    assert not refused.ok
    assert "use a folder you own" in refused.error.message
