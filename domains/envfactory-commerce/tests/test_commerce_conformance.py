"""Every commerce environment passes the conformance kit, and its seeds are deterministic and varied."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from envfactory_commerce import ENVIRONMENTS, rentals
from jsonschema import Draft202012Validator

from envfactory_core.env import Environment, Episode
from envfactory_core.testing import assert_environment_conforms

NAMES = [environment.name for environment in ENVIRONMENTS]


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=NAMES)
def test_environment_conforms(environment: Environment) -> None:
    assert_environment_conforms(environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=NAMES)
def test_twenty_seeds_give_twenty_states(environment: Environment) -> None:
    hashes = {environment.template(seed=seed).state_hash for seed in range(20)}
    assert len(hashes) == 20


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=NAMES)
def test_size_scales_the_state(environment: Environment) -> None:
    small = sum(len(rows) for rows in environment.initial_state(seed=3, size=4).values())
    large = sum(len(rows) for rows in environment.initial_state(seed=3, size=20).values())
    assert small < large


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=NAMES)
def test_every_environment_reads_and_writes(environment: Environment) -> None:
    effects = [tool.effect for tool in environment.spec.tools]
    assert len(effects) >= 5
    assert "read" in effects
    assert "write" in effects
    assert environment.domain == "commerce"
    assert environment.provenance.url.startswith("https://")
    assert environment.overlaps == ()


def test_same_seed_same_hash_in_another_process() -> None:
    script = (
        "import json; from envfactory_commerce import ENVIRONMENTS; "
        "print(json.dumps({e.name: [e.template(seed=s).state_hash for s in (0, 7, 19)] for e in ENVIRONMENTS}))"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    here = {e.name: [e.template(seed=s).state_hash for s in (0, 7, 19)] for e in ENVIRONMENTS}
    assert json.loads(output) == here


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


def _fill(arguments: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Replace "{field}" (or "{list[0].field}") placeholders with values from the previous outputs."""
    filled = {}
    for key, value in arguments.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            path = value[1:-1]
            if "[0]." in path:
                head, tail = path.split("[0].")
                value = previous[head][0][tail]
            else:
                value = previous[path]
        filled[key] = value
    return filled


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=NAMES)
def test_every_tool_succeeds_on_a_realistic_path_with_schema_valid_output(environment: Environment) -> None:
    episode = environment.episode(seed=0)
    seen: dict[str, Any] = {}
    used = set()
    for tool, arguments in PATHS[environment.name](episode):
        result = episode.call(tool, _fill(arguments, seen))
        assert result.ok, f"{tool}: {result.error}"
        schema = environment.tools[tool].spec.output_schema
        assert schema is not None
        errors = list(Draft202012Validator(schema).iter_errors(result.output))
        assert not errors, f"{tool}: {errors[0].message}"
        seen.update(result.output)
        used.add(tool)
    assert used == set(environment.tools)
