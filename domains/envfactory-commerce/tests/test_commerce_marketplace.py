"""Scenarios for the marketplace (Etsy-style seller tools)."""

from __future__ import annotations

from datetime import date, timedelta

from envfactory_commerce import marketplace

TODAY = date.fromisoformat(marketplace.now[:10])


def _draft(episode, **changes):
    shop = episode.table("shops").all()[0]
    arguments = {
        "shop_id": shop["shop_id"],
        "title": "Hand-Thrown Stoneware Butter Dish",
        "description": "A lidded butter dish in a satin white glaze.",
        "price": 42.5,
        "quantity": 4,
        "who_made": "i_did",
        "when_made": "made_to_order",
        "tags": ["butter dish", "Stoneware", "kitchen"],
        **changes,
    }
    return shop, episode.call("create_draft_listing", arguments)


def test_a_draft_is_published_for_120_days_and_becomes_searchable() -> None:
    episode = marketplace.episode(seed=0)
    shop, created = _draft(episode)
    assert created.ok, created.error
    listing = created.output
    assert listing["state"] == "draft"
    assert listing["currency"] == shop["currency"]
    assert listing["tags"] == ["butter dish", "stoneware", "kitchen"]
    hidden = episode.call("search_listings", {"query": "butter dish"})
    assert hidden.output["count"] == 0
    published = episode.call("update_listing", {"listing_id": listing["listing_id"], "state": "active"})
    assert published.ok, published.error
    assert published.output["expires_on"] == (TODAY + timedelta(days=120)).isoformat()
    found = episode.call("search_listings", {"query": "butter dish", "shop_id": shop["shop_id"]})
    assert [row["listing_id"] for row in found.output["listings"]] == [listing["listing_id"]]


def test_listing_rules_refuse_bad_titles_and_too_many_tags() -> None:
    episode = marketplace.episode(seed=1)
    before = episode.state_hash()
    _, ampersands = _draft(episode, title="Salt & Pepper & Oil Set")
    assert not ampersands.ok
    assert "'&'" in ampersands.error.message
    _, tags = _draft(episode, tags=[f"tag {n}" for n in range(14)])
    assert not tags.ok
    assert "at most 13" in tags.error.message
    _, cheap = _draft(episode, price=0.1)
    assert not cheap.ok
    assert episode.state_hash() == before


def test_active_listings_must_be_deactivated_before_deletion() -> None:
    episode = marketplace.episode(seed=2)
    active = episode.table("listings").first(state="active")
    refused = episode.call("delete_listing", {"listing_id": active["listing_id"]})
    assert not refused.ok
    assert "deactivate" in refused.error.message
    assert (
        episode.call("update_listing", {"listing_id": active["listing_id"], "state": "inactive"}).output["state"]
        == "inactive"
    )
    deleted = episode.call("delete_listing", {"listing_id": active["listing_id"]})
    assert deleted.output == {"listing_id": active["listing_id"], "title": active["title"], "deleted": True}
    removed = [c for c in episode.diff().changes if c.table == "listings"]
    assert [(c.key, c.change) for c in removed] == [(active["listing_id"], "removed")]


def test_selling_out_an_active_listing() -> None:
    episode = marketplace.episode(seed=3)
    active = episode.table("listings").first(state="active")
    sold_out = episode.call("update_listing", {"listing_id": active["listing_id"], "quantity": 0})
    assert sold_out.output["state"] == "sold_out"
    refused = episode.call("update_listing", {"listing_id": active["listing_id"], "state": "active"})
    assert not refused.ok
    restocked = episode.call("update_listing", {"listing_id": active["listing_id"], "state": "active", "quantity": 5})
    assert restocked.output["state"] == "active"
    assert restocked.output["quantity"] == 5


def test_a_paid_receipt_ships_once_and_cancelled_ones_never() -> None:
    episode = marketplace.episode(seed=0)
    paid = episode.table("receipts").first(status="paid")
    shipped = episode.call(
        "create_receipt_shipment",
        {"receipt_id": paid["receipt_id"], "tracking_number": "9400 1118 9922 3344 5566 77", "carrier": "USPS"},
    )
    assert shipped.ok, shipped.error
    assert shipped.output["status"] == "completed"
    assert shipped.output["is_shipped"] is True
    assert shipped.output["tracking_number"] == "9400111899223344556677"
    again = episode.call(
        "create_receipt_shipment",
        {"receipt_id": paid["receipt_id"], "tracking_number": "9400111899223344556688", "carrier": "USPS"},
    )
    assert not again.ok
    assert "already shipped" in again.error.message
    cancelled = [
        r
        for seed in range(10)
        for r in marketplace.initial_state(seed)["receipts"].values()
        if r["status"] == "canceled"
    ]
    assert cancelled
    other = marketplace.episode(
        seed=next(
            s
            for s in range(10)
            if any(r["status"] == "canceled" for r in marketplace.initial_state(s)["receipts"].values())
        )
    )
    target = other.table("receipts").first(status="canceled")
    refused = other.call(
        "create_receipt_shipment",
        {"receipt_id": target["receipt_id"], "tracking_number": "1Z999AA10123456784", "carrier": "UPS"},
    )
    assert not refused.ok
    assert "canceled" in refused.error.message


def test_reviews_report_their_average() -> None:
    episode = marketplace.episode(seed=4)
    shop = max(episode.table("shops").all(), key=lambda s: episode.table("reviews").count(shop_id=s["shop_id"]))
    reviews = episode.table("reviews").find(shop_id=shop["shop_id"])
    result = episode.call("list_reviews", {"shop_id": shop["shop_id"], "limit": 50})
    assert result.output["count"] == len(reviews)
    assert result.output["average_rating"] == round(sum(r["rating"] for r in reviews) / len(reviews), 2)
    shops = episode.call("find_shops", {"query": shop["shop_name"][:6]}).output["shops"]
    assert shops[0]["review_average"] == result.output["average_rating"]
