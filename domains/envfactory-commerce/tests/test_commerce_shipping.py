"""Scenarios for the shipping account (Shippo-style)."""

from __future__ import annotations

from datetime import date, timedelta

from envfactory_commerce import shipping

TODAY = date.fromisoformat(shipping.now[:10])
PARCEL = {"weight_kg": 1.2, "length_cm": 30, "width_cm": 20, "height_cm": 10}
RECIPIENT = {
    "name": "Nia Osei",
    "address": "418 Tremont Street",
    "city": "Boston",
    "postal_code": "02116",
    "country": "US",
}


def test_a_domestic_shipment_gets_rates_cheapest_first() -> None:
    episode = shipping.episode(seed=0)
    created = episode.call("create_shipment", {**RECIPIENT, **PARCEL, "order_id": "order_abc"})
    assert created.ok, created.error
    rates = created.output["rates"]
    assert {rate["carrier"] for rate in rates} == {"USPS", "UPS", "FedEx"}
    assert [rate["amount"] for rate in rates] == sorted(rate["amount"] for rate in rates)
    assert {rate["valid_until"] for rate in rates} == {(TODAY + timedelta(days=7)).isoformat()}
    assert created.output["status"] == "rates_ready"
    assert created.output["label"] is None
    added = {(change.table, change.change) for change in episode.diff().changes}
    assert added == {("shipments", "added"), ("rates", "added")}


def test_international_shipments_need_customs() -> None:
    episode = shipping.episode(seed=0)
    abroad = {
        "name": "Freya Berg",
        "address": "12 Kastanienallee",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    }
    refused = episode.call("create_shipment", {**abroad, **PARCEL})
    assert not refused.ok
    assert "customs" in refused.error.message
    assert not episode.diff().changes
    created = episode.call("create_shipment", {**abroad, **PARCEL, "declared_value": 80, "contents": "ceramic mugs"})
    assert created.ok, created.error
    assert {rate["service"] for rate in created.output["rates"]} >= {"Express Worldwide", "Priority Mail International"}


def test_heavy_parcels_get_no_usps_rates_and_bad_zips_are_refused() -> None:
    episode = shipping.episode(seed=1)
    heavy = episode.call("create_shipment", {**RECIPIENT, **PARCEL, "weight_kg": 40})
    assert {rate["carrier"] for rate in heavy.output["rates"]} == {"UPS", "FedEx"}
    check = episode.call(
        "validate_address", {**{k: RECIPIENT[k] for k in ("address", "city", "country")}, "postal_code": "78701"}
    )
    assert check.output["is_valid"] is False
    assert "not in Boston" in check.output["messages"][0]
    refused = episode.call("create_shipment", {**RECIPIENT, **PARCEL, "postal_code": "78701"})
    assert not refused.ok


def test_buying_a_label_starts_tracking_and_an_unused_label_refunds_once() -> None:
    episode = shipping.episode(seed=2)
    shipment = episode.call("create_shipment", {**RECIPIENT, **PARCEL}).output
    cheapest = shipment["rates"][0]
    label = episode.call("purchase_label", {"rate_id": cheapest["rate_id"]})
    assert label.ok, label.error
    assert label.output["amount"] == cheapest["amount"]
    tracking = episode.call(
        "get_tracking", {"tracking_number": label.output["tracking_number"], "carrier": cheapest["carrier"]}
    )
    assert tracking.output["status"] == "PRE_TRANSIT"
    second = episode.call("purchase_label", {"rate_id": shipment["rates"][1]["rate_id"]})
    assert not second.ok
    assert "already has a label" in second.error.message
    refund = episode.call("refund_label", {"label_id": label.output["label_id"]})
    assert refund.ok, refund.error
    assert refund.output["amount"] == cheapest["amount"]
    assert episode.call("get_shipment", {"shipment_id": shipment["shipment_id"]}).output["status"] == "rates_ready"
    again = episode.call("refund_label", {"label_id": label.output["label_id"]})
    assert not again.ok


def test_used_labels_cannot_be_refunded() -> None:
    seed = next(
        s for s in range(20) if any(t["status"] == "DELIVERED" for t in shipping.initial_state(s)["tracking"].values())
    )
    episode = shipping.episode(seed=seed)
    delivered = episode.table("tracking").first(status="DELIVERED")
    before = episode.state_hash()
    refused = episode.call("refund_label", {"label_id": delivered["label_id"]})
    assert not refused.ok
    assert "DELIVERED" in refused.error.message
    assert episode.state_hash() == before
