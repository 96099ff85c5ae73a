"""Scenarios for the storefront (Shopify-style store admin)."""

from __future__ import annotations

from typing import Any

from envfactory_commerce import storefront

from envfactory_core.env import Episode


def _in_stock(episode: Episode, minimum: int = 2) -> dict[str, Any]:
    active = {p["product_id"] for p in episode.table("products").find(status="active")}
    return next(
        v for v in episode.table("variants").all() if v["product_id"] in active and v["inventory_quantity"] >= minimum
    )


def _us_customer(episode: Episode) -> dict[str, Any]:
    customers = episode.table("customers").all()
    return next((c for c in customers if c["country"] == "US"), customers[0])


def test_completing_a_draft_takes_stock_and_counts_the_order() -> None:
    episode = storefront.episode(seed=0)
    variant = _in_stock(episode)
    customer = _us_customer(episode)
    draft = episode.call(
        "create_draft_order", {"email": customer["email"], "line_items": [{"sku": variant["sku"], "quantity": 2}]}
    )
    assert draft.ok, draft.error
    assert draft.output["amount"] == round(draft.output["subtotal"] + draft.output["shipping_price"], 2)
    order = episode.call(
        "complete_draft_order", {"draft_order_id": draft.output["draft_order_id"], "payment_pending": True}
    )
    assert order.ok, order.error
    assert order.output["financial_status"] == "pending"
    assert order.output["email"] == customer["email"]
    assert (
        order.output["order_number"]
        == max(o["order_number"] for o in storefront.initial_state(0)["orders"].values()) + 1
    )
    assert episode.table("variants").get(variant["sku"])["inventory_quantity"] == variant["inventory_quantity"] - 2
    changed = {(change.table, change.change) for change in episode.diff().changes}
    assert ("orders", "added") in changed
    assert ("variants", "changed") in changed
    assert ("customers", "changed") in changed
    assert episode.table("customers").get(customer["customer_id"])["orders_count"] == customer["orders_count"] + 1


def test_draft_beyond_stock_is_refused_and_changes_nothing() -> None:
    episode = storefront.episode(seed=1)
    variant = _in_stock(episode, minimum=1)
    before = episode.state_hash()
    result = episode.call(
        "create_draft_order",
        {
            "email": _us_customer(episode)["email"],
            "line_items": [{"sku": variant["sku"], "quantity": variant["inventory_quantity"] + 1}],
        },
    )
    assert not result.ok
    assert "in stock" in result.error.message
    assert episode.state_hash() == before


def test_discount_codes_apply_and_exhausted_codes_are_refused() -> None:
    episode = storefront.episode(seed=0)
    state = storefront.initial_state(0)
    summer = next(code for code in state["discount_codes"].values() if code["code"].startswith("SUMMER"))
    customer = _us_customer(episode)
    expensive = max(
        (
            v
            for v in episode.table("variants").all()
            if v["inventory_quantity"] >= 3 and episode.table("products").get(v["product_id"])["status"] == "active"
        ),
        key=lambda v: v["price"],
    )
    quantity = 3 if expensive["price"] * 2 < summer["minimum_subtotal"] else 2
    lines = [{"sku": expensive["sku"], "quantity": quantity}]
    draft = episode.call(
        "create_draft_order", {"email": customer["email"], "line_items": lines, "discount_code": summer["code"].lower()}
    )
    assert draft.ok, draft.error
    expected = round(draft.output["subtotal"] * summer["value"] / 100, 2)
    assert draft.output["discount_code"] == summer["code"]
    assert draft.output["discount_total"] == expected
    # A code whose usage limit is reached is refused with its reason.
    code = summer["code"]
    used_up = {
        **state,
        "discount_codes": {**state["discount_codes"], code: {**summer, "usage_limit": 3, "times_used": 3}},
    }
    exhausted = storefront.episode(state=used_up)
    refused = exhausted.call(
        "create_draft_order", {"email": customer["email"], "line_items": lines, "discount_code": code}
    )
    assert not refused.ok
    assert "usage limit" in refused.error.message
    assert not exhausted.diff().changes


def test_fulfilled_orders_cannot_be_cancelled_but_open_ones_restock() -> None:
    episode = storefront.episode(seed=2)
    fulfilled = episode.table("orders").first(fulfillment_status="fulfilled")
    refused = episode.call("cancel_order", {"order_id": fulfilled["order_id"], "reason": "customer"})
    assert not refused.ok
    assert "fulfilled" in refused.error.message
    open_paid = next(
        o
        for o in episode.table("orders").find(status="open", financial_status="paid", fulfillment_status="unfulfilled")
    )
    line = open_paid["line_items"][0]
    stock_before = episode.table("variants").get(line["sku"])["inventory_quantity"]
    cancelled = episode.call("cancel_order", {"order_id": open_paid["order_id"], "reason": "customer"})
    assert cancelled.ok, cancelled.error
    assert cancelled.output["status"] == "cancelled"
    assert cancelled.output["financial_status"] == "refunded"
    assert episode.table("variants").get(line["sku"])["inventory_quantity"] == stock_before + line["quantity"]
    again = episode.call("get_order", {"order_id": open_paid["order_id"]})
    assert again.output["status"] == "cancelled"


def test_pending_orders_ship_only_after_payment() -> None:
    episode = storefront.episode(seed=0)
    pending = episode.table("orders").first(financial_status="pending", status="open")
    refused = episode.call(
        "create_fulfillment",
        {"order_id": pending["order_id"], "tracking_number": "1Z999AA10123456784", "carrier": "UPS"},
    )
    assert not refused.ok
    assert "paid" in refused.error.message
    assert episode.call("mark_order_paid", {"order_id": pending["order_id"], "payment_id": "pi_3Qx8"}).ok
    shipped = episode.call(
        "create_fulfillment",
        {"order_id": pending["order_id"], "tracking_number": "1Z999AA10123456784", "carrier": "UPS"},
    )
    assert shipped.ok, shipped.error
    assert shipped.output["fulfillment_status"] == "fulfilled"
    assert shipped.output["payment_reference"] == "pi_3Qx8"
    assert [f["tracking_number"] for f in shipped.output["fulfillments"]] == ["1Z999AA10123456784"]


def test_inventory_never_goes_below_zero() -> None:
    episode = storefront.episode(seed=4)
    variant = episode.table("variants").all()[0]
    result = episode.call(
        "adjust_inventory",
        {"sku": variant["sku"], "adjustment": -(variant["inventory_quantity"] + 1), "reason": "damaged"},
    )
    assert not result.ok
    assert "below zero" in result.error.message
    received = episode.call("adjust_inventory", {"sku": variant["sku"], "adjustment": 12, "reason": "received"})
    assert received.output["inventory_quantity"] == variant["inventory_quantity"] + 12
