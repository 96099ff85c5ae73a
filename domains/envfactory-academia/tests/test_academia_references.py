"""Scenarios for the references environment: versioned writes, identifiers, trash, collections, notes."""

from __future__ import annotations

from envfactory_academia.references import environment


def _library_version(episode):
    return episode.table("library").all()[0]["version"]


def _live_article(episode):
    return next(row for row in episode.table("items").find(deleted=False) if row["doi"])


def test_creating_an_item_bumps_the_library_version_and_refuses_duplicates():
    episode = environment.episode(seed=0)
    before = _library_version(episode)
    created = episode.call(
        "create_item",
        {
            "item_type": "journalArticle",
            "title": "Urban heat and sleep quality in older adults",
            "creators": [{"first_name": "Nia", "last_name": "Osei", "creator_type": "author"}],
            "date": "2024-03",
            "publication": "Environmental Research Letters",
            "doi": "https://doi.org/10.1088/1748-9326/ad1234",
            "tags": ["climate", "to-read", "climate"],
        },
    )
    assert created.ok, created.error
    item = created.output
    assert item["doi"] == "10.1088/1748-9326/ad1234"
    assert item["url"] == "https://doi.org/10.1088/1748-9326/ad1234"
    assert item["tags"] == ["climate", "to-read"]
    assert item["version"] == before + 1
    assert item["library_version"] == before + 1
    assert len(item["item_id"]) == 8
    duplicate = episode.call(
        "create_item", {"item_type": "journalArticle", "title": "Same paper", "doi": "10.1088/1748-9326/AD1234"}
    )
    assert not duplicate.ok
    assert item["item_id"] in duplicate.error.message
    bad = episode.call("create_item", {"item_type": "journalArticle", "title": "X", "doi": "doi-1234"})
    assert not bad.ok
    assert "is not a DOI" in bad.error.message
    wrong_type = episode.call("create_item", {"item_type": "journalArticle", "title": "X", "isbn": "9780262035613"})
    assert not wrong_type.ok
    assert "has no ISBN field" in wrong_type.error.message
    assert _library_version(episode) == before + 1


def test_a_stale_version_is_refused_and_changes_nothing():
    episode = environment.episode(seed=0)
    item = _live_article(episode)
    episode.call("update_item", {"item_id": item["item_id"], "add_tags": ["reading-group"]})
    before = episode.state_hash()
    stale = episode.call(
        "update_item",
        {"item_id": item["item_id"], "title": "Edited elsewhere", "if_unmodified_since_version": item["version"]},
    )
    assert not stale.ok
    assert "fetch it again" in stale.error.message
    assert episode.state_hash() == before
    fresh = episode.table("items").get(item["item_id"])["version"]
    ok = episode.call(
        "update_item", {"item_id": item["item_id"], "title": "Edited here", "if_unmodified_since_version": fresh}
    )
    assert ok.ok
    assert ok.output["title"] == "Edited here"
    assert ok.output["version"] == fresh + 1


def test_trash_hides_an_item_and_its_notes_until_restored():
    episode = environment.episode(seed=0)
    item = _live_article(episode)
    note = episode.call("add_note", {"item_id": item["item_id"], "body": "Compare with the 2019 cohort."})
    assert note.ok
    assert note.output["body"] == "<p>Compare with the 2019 cohort.</p>"
    trashed = episode.call("trash_item", {"item_id": item["item_id"]})
    assert trashed.ok
    assert trashed.output["deleted"] is True
    assert episode.table("notes").get(note.output["note_id"])["deleted"] is True
    found = episode.call("search_items", {"doi": item["doi"]}).output
    assert found["count"] == 0
    refused = episode.call("add_note", {"item_id": item["item_id"], "body": "More"})
    assert not refused.ok
    assert "restore it" in refused.error.message
    restored = episode.call("restore_item", {"item_id": item["item_id"]})
    assert restored.ok
    assert episode.table("notes").get(note.output["note_id"])["deleted"] is False
    assert episode.call("search_items", {"doi": item["doi"]}).output["count"] == 1


def test_collections_nest_and_sibling_names_are_unique():
    episode = environment.episode(seed=0)
    parent = episode.call("create_collection", {"name": "Systematic review"})
    assert parent.ok
    child = episode.call(
        "create_collection", {"name": "Included studies", "parent_collection_id": parent.output["collection_id"]}
    )
    assert child.ok
    again = episode.call(
        "create_collection", {"name": "included STUDIES", "parent_collection_id": parent.output["collection_id"]}
    )
    assert not again.ok
    assert "already named" in again.error.message
    item = _live_article(episode)
    filed = episode.call(
        "add_to_collection", {"item_id": item["item_id"], "collection_id": child.output["collection_id"]}
    )
    assert filed.ok
    listing = {row["collection_id"]: row for row in episode.call("list_collections", {}).output["collections"]}
    assert listing[child.output["collection_id"]]["item_count"] == 1
    assert listing[child.output["collection_id"]]["parent_collection_id"] == parent.output["collection_id"]


def test_notes_cannot_have_child_notes():
    episode = environment.episode(seed=2)
    note = episode.table("notes").find(deleted=False)[0]
    result = episode.call("add_note", {"item_id": note["note_id"], "body": "nested"})
    assert not result.ok
    assert "notes cannot have child notes" in result.error.message
    assert episode.diff().empty
