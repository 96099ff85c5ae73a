"""Every commerce environment passes the conformance kit, and its seeds are deterministic and varied."""

from __future__ import annotations

from typing import Any

import pytest
from envfactory_commerce import ENVIRONMENTS, plugin, rentals
from envfactory_testing import EnvironmentPackageTests, assert_tool_path

from envfactory_core.env import Environment, Episode

each_environment = pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)


class TestCommerceEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each commerce environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "commerce"
    hash_seeds = (0, 7, 19)


def test_shared_people_are_the_same_across_environments() -> None:
    from envfactory_commerce import marketplace, storefront

    customers = {row["email"]: row["city"] for row in storefront.initial_state(seed=5)["customers"].values()}
    buyers = {row["email"]: row["city"] for row in marketplace.initial_state(seed=5)["receipts"].values()}
    shared = set(customers) & set(buyers)
    assert shared
    assert all(customers[email] == buyers[email] for email in shared)


# --- every tool succeeds at least once on a realistic path, and its output fits its schema -----------


def _storefront_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    active = {p["product_id"] for p in episode.table("products").find(status="active")}
    variant = next(
        v for v in episode.table("variants").all() if v["product_id"] in active and v["inventory_quantity"] >= 2
    )
    pending = episode.table("orders").first(financial_status="pending", status="open")
    open_paid = episode.table("orders").find(financial_status="paid", status="open", fulfillment_status="unfulfilled")
    return [
        ("search_products", {"query": variant["sku"]}),
        ("adjust_inventory", {"sku": variant["sku"], "adjustment": 5, "reason": "received"}),
        (
            "create_customer",
            {
                "email": "nia.osei@example.com",
                "first_name": "Nia",
                "last_name": "Osei",
                "address": "9 Elm Road",
                "city": "Boston",
                "postal_code": "02118",
                "country": "US",
            },
        ),
        ("search_customers", {"query": "nia.osei"}),
        (
            "create_draft_order",
            {"email": "nia.osei@example.com", "line_items": [{"sku": variant["sku"], "quantity": 2}]},
        ),
        ("complete_draft_order", {"draft_order_id": "{draft_order_id}"}),
        ("list_orders", {"email": "nia.osei@example.com"}),
        ("get_order", {"order_id": "{order_id}"}),
        ("mark_order_paid", {"order_id": pending["order_id"], "payment_id": "pi_123"}),
        (
            "create_fulfillment",
            {"order_id": pending["order_id"], "tracking_number": "9400111899223344556677", "carrier": "USPS"},
        ),
        ("cancel_order", {"order_id": open_paid[0]["order_id"], "reason": "customer"}),
    ]


def _marketplace_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    shop = episode.table("shops").all()[0]
    paid = episode.table("receipts").first(status="paid")
    return [
        ("find_shops", {}),
        ("search_listings", {"shop_id": shop["shop_id"], "state": None}),
        (
            "create_draft_listing",
            {
                "shop_id": shop["shop_id"],
                "title": "Linen Apron",
                "description": "Stonewashed linen.",
                "price": 38,
                "quantity": 3,
                "who_made": "i_did",
                "when_made": "made_to_order",
                "tags": ["apron"],
            },
        ),
        ("update_listing", {"listing_id": "{listing_id}", "state": "active"}),
        ("update_listing", {"listing_id": "{listing_id}", "state": "inactive"}),
        ("delete_listing", {"listing_id": "{listing_id}"}),
        ("list_receipts", {"shop_id": paid["shop_id"], "status": "paid"}),
        ("get_receipt", {"receipt_id": paid["receipt_id"]}),
        (
            "create_receipt_shipment",
            {"receipt_id": paid["receipt_id"], "tracking_number": "1Z999AA10123456784", "carrier": "UPS"},
        ),
        ("list_reviews", {"shop_id": shop["shop_id"]}),
    ]


def _shipping_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    recipient = {"name": "Nia Osei", "address": "9 Elm Road", "city": "Boston", "postal_code": "02118", "country": "US"}
    return [
        ("validate_address", {k: recipient[k] for k in ("address", "city", "postal_code", "country")}),
        (
            "create_shipment",
            {**recipient, "weight_kg": 2, "length_cm": 30, "width_cm": 20, "height_cm": 15, "order_id": "order_1"},
        ),
        ("get_shipment", {"shipment_id": "{shipment_id}"}),
        ("list_shipments", {"order_id": "order_1"}),
        ("purchase_label", {"rate_id": "{rates[0].rate_id}"}),
        ("get_tracking", {"tracking_number": "{tracking_number}"}),
        ("refund_label", {"label_id": "{label_id}"}),
    ]


def _rentals_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    home = episode.table("properties").first(status="active")
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from envfactory_commerce.rentals import CITIES

    day = datetime.fromisoformat(rentals.now).date() + timedelta(days=2)
    start = datetime.combine(day, time(11, 30), tzinfo=ZoneInfo(CITIES[home["city"]][1])).isoformat()
    person = {"name": "Nia Osei", "email": "nia.osei@example.com"}
    return [
        ("search_rentals", {"city": home["city"]}),
        ("get_property", {"property_id": home["property_id"]}),
        ("estimate_rent", {"property_id": home["property_id"]}),
        ("schedule_viewing", {"property_id": home["property_id"], **person, "start_time": start}),
        ("list_viewings", {"email": person["email"]}),
        ("cancel_viewing", {"viewing_id": "{viewing_id}"}),
        (
            "submit_application",
            {
                "property_id": home["property_id"],
                **person,
                "monthly_income": home["price"] * 4,
                "move_in_date": home["available_date"],
            },
        ),
        ("list_applications", {"property_id": home["property_id"]}),
        ("decide_application", {"application_id": "{application_id}", "decision": "approve"}),
        (
            "submit_application",
            {
                "property_id": next(
                    h
                    for h in episode.table("properties").find(status="active")
                    if h["property_id"] != home["property_id"]
                )["property_id"],
                **person,
                "monthly_income": 9000,
                "move_in_date": "2025-09-01",
            },
        ),
        ("withdraw_application", {"application_id": "{application_id}"}),
    ]


PATHS = {
    "storefront": _storefront_path,
    "marketplace": _marketplace_path,
    "shipping": _shipping_path,
    "rentals": _rentals_path,
}


@each_environment
def test_every_tool_succeeds_on_a_realistic_path_with_schema_valid_output(environment: Environment) -> None:
    episode = environment.episode(seed=0)
    assert_tool_path(episode, PATHS[environment.name](episode))
