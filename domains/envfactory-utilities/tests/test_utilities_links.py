"""Scenarios for the links environment: shortening, custom back-halves, quota and deletion rules."""

from __future__ import annotations

import pytest
from envfactory_utilities import links

from envfactory_core.env import Episode


@pytest.fixture
def episode() -> Episode:
    return links.episode(seed=0)


def test_shortening_the_same_url_twice_returns_the_same_link(episode: Episode, ok) -> None:
    url = "https://drive.example.com/files/fil_8k2m4/view"
    first = ok(episode, "shorten_url", url=url, domain="bit.ly", tags=["docs", "docs"])
    assert first["created"]
    assert first["tags"] == ["docs"]
    assert first["short_url"] == f"https://{first['link_id']}"
    after_first = episode.state_hash()
    second = ok(episode, "shorten_url", url=url, domain="bit.ly")
    assert not second["created"]
    assert second["link_id"] == first["link_id"]
    assert episode.state_hash() == after_first
    assert ok(episode, "expand_link", short_url=first["short_url"])["url"] == url


def test_short_links_and_non_http_urls_cannot_be_shortened(episode: Episode, refused) -> None:
    assert "already a short link" in refused(episode, "shorten_url", url="https://bit.ly/3FxQk2p")
    assert "not an absolute http" in refused(episode, "shorten_url", url="ftp://files.example.com/a.pdf")


def test_custom_back_half_resolves_and_is_unique(episode: Episode, ok, refused) -> None:
    link = episode.table("links").first(archived=False)
    added = ok(episode, "add_custom_back_half", link_id=link["link_id"], back_half="summer-2025")
    assert added["short_url"] == f"https://{link['domain']}/summer-2025"
    expanded = ok(episode, "expand_link", short_url=f"{link['domain']}/summer-2025")
    assert (expanded["link_id"], expanded["url"]) == (link["link_id"], link["url"])
    assert "already taken" in refused(episode, "add_custom_back_half", link_id=link["link_id"], back_half="summer-2025")
    assert "may only hold" in refused(episode, "add_custom_back_half", link_id=link["link_id"], back_half="no spaces")


def test_monthly_custom_back_half_allowance(episode: Episode, ok, refused) -> None:
    link = episode.table("links").first(archived=False)
    used = sum(1 for row in episode.table("custom_back_halves").all() if row["created_at"].startswith("2025-06"))
    remaining = None
    for number in range(10 - used):
        remaining = ok(episode, "add_custom_back_half", link_id=link["link_id"], back_half=f"promo-{number}")[
            "remaining_this_month"
        ]
    assert remaining == 0
    assert "used all 10 custom back-halves for 2025-06" in refused(
        episode, "add_custom_back_half", link_id=link["link_id"], back_half="one-too-many"
    )


def test_clicked_links_are_archived_not_deleted(episode: Episode, ok, refused) -> None:
    clicked = {row["link_id"] for row in episode.table("daily_clicks").all()}
    clicked_id = next(
        row["link_id"] for row in episode.table("links").find(archived=False) if row["link_id"] in clicked
    )
    assert "archive it" in refused(episode, "delete_link", link_id=clicked_id)
    archived = ok(episode, "update_link", link_id=clicked_id, archived=True)
    assert archived["archived"]
    assert archived["total_clicks"] > 0
    assert all(item["link_id"] != clicked_id for item in ok(episode, "list_links", limit=100)["links"])
    assert any(item["link_id"] == clicked_id for item in ok(episode, "list_links", archived=True, limit=100)["links"])
    fresh = ok(episode, "shorten_url", url="https://www.example.org/tmp")
    deleted = ok(episode, "delete_link", link_id=fresh["short_url"])
    assert deleted["link_id"] == fresh["link_id"]
    assert episode.table("links").get(fresh["link_id"]) is None


def test_click_summary_counts_only_the_requested_days(episode: Episode, ok) -> None:
    rows = episode.table("daily_clicks").all()
    link_id = max({row["link_id"] for row in rows}, key=lambda item: sum(1 for row in rows if row["link_id"] == item))
    days = sorted((row["date"], row["clicks"]) for row in rows if row["link_id"] == link_id)
    summary = ok(episode, "get_click_summary", link_id=link_id, start_date=days[0][0], end_date=days[0][0])
    assert summary["total_clicks"] == days[0][1]
    everything = ok(episode, "get_click_summary", link_id=link_id, start_date="2024-01-01")
    assert everything["total_clicks"] == sum(clicks for _, clicks in days)
    assert sum(item["clicks"] for item in everything["countries"]) == everything["total_clicks"]
