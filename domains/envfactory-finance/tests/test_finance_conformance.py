"""Every finance environment passes the conformance kit, and its seeds are deterministic and varied."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from envfactory_finance import ENVIRONMENTS, payments, plugin
from envfactory_testing import EnvironmentPackageTests, assert_tool_path

from envfactory_core.env import Environment, Episode

each_environment = pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)


class TestFinanceEnvironments(EnvironmentPackageTests):
    """The core's standard checks on each finance environment: conformance kit, shape, seeds, sizes, hashes."""

    environments = ENVIRONMENTS
    plugin = plugin
    domain = "finance"
    hash_seeds = (0, 7, 19)


def test_shared_people_are_the_same_across_environments() -> None:
    from envfactory_finance import invoicing, payments

    customers = {row["email"]: row["name"] for row in payments.initial_state(seed=5)["customers"].values()}
    contacts = {row["email"]: row["name"] for row in invoicing.initial_state(seed=5)["contacts"].values()}
    shared = set(customers) & set(contacts)
    assert shared
    assert all(customers[email] == contacts[email] for email in shared)


# --- every tool succeeds at least once on a realistic path, and its output fits its schema -----------

NOW = datetime.fromisoformat(payments.now)


def _payments_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    held = episode.table("payments").find(status="requires_capture")
    return [
        (
            "create_customer",
            {"email": "nia.osei@example.com", "name": "Nia Osei", "payment_method": "pm_card_mastercard"},
        ),
        ("search_customers", {"email": "nia.osei@example.com"}),
        ("attach_payment_method", {"customer_id": "{customer_id}", "payment_method": "pm_card_visa"}),
        (
            "create_payment",
            {"customer_id": "{customer_id}", "amount": 80, "currency": "USD", "capture_method": "manual"},
        ),
        ("capture_payment", {"payment_id": "{payment_id}", "amount_to_capture": 60}),
        ("create_refund", {"payment_id": "{payment_id}", "amount": 10}),
        ("get_payment", {"payment_id": "{payment_id}"}),
        ("list_payments", {"email": "nia.osei@example.com"}),
        (
            "create_payment",
            {"customer_id": "{customer_id}", "amount": 25, "currency": "GBP", "capture_method": "manual"},
        ),
        ("cancel_payment", {"payment_id": "{payment_id}", "cancellation_reason": "abandoned"}),
    ] + [("capture_payment", {"payment_id": row["payment_id"]}) for row in held[:1]]


def _invoicing_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    bill = episode.table("bills").first(status="submitted") or episode.table("bills").first(status="authorised")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("create_contact", {"name": "Nia Osei", "email": "nia.osei@example.com", "city": "Boston", "country": "US"}),
        ("search_contacts", {"query": "Osei"}),
        (
            "create_invoice",
            {
                "contact_id": "{contact_id}",
                "line_items": [{"description": "Poster design", "quantity": 2, "unit_price": 300}],
            },
        ),
        ("send_invoice", {"invoice_id": "{invoice_id}"}),
        ("record_payment", {"invoice_id": "{invoice_id}", "amount": 600, "payment_id": "pi_abc"}),
        ("get_invoice", {"invoice_id": "{invoice_id}"}),
        (
            "create_invoice",
            {
                "contact_id": "{contact_id}",
                "line_items": [{"description": "Revisions", "quantity": 1, "unit_price": 90}],
            },
        ),
        ("void_invoice", {"invoice_id": "{invoice_id}"}),
        ("list_invoices", {"overdue_only": True}),
        ("list_bills", {}),
    ]
    if bill["status"] == "submitted":
        steps.append(("approve_bill", {"bill_id": bill["bill_id"]}))
    return [*steps, ("pay_bill", {"bill_id": bill["bill_id"], "amount": bill["amount_due"], "transfer_id": "xfer_1"})]


def _banking_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    checking = episode.table("accounts").first(subtype="checking")
    return [
        ("list_accounts", {}),
        ("list_transactions", {"account_id": checking["account_id"], "query": "payroll"}),
        ("list_payees", {}),
        (
            "add_payee",
            {
                "name": "Nia Osei",
                "routing_number": "021000021",
                "account_number": "40021345",
                "email": "nia.osei@example.com",
            },
        ),
        (
            "create_transfer",
            {"account_id": checking["account_id"], "payee_id": "{payee_id}", "amount": 45, "currency": "USD"},
        ),
        ("list_transfers", {"account_id": checking["account_id"], "status": "pending"}),
        ("cancel_transfer", {"transfer_id": "{transfer_id}"}),
        ("remove_payee", {"payee_id": "{payee_id}"}),
    ]


def _expenses_path(episode: Episode) -> list[tuple[str, dict[str, Any]]]:
    employee = episode.table("employees").first(role="employee")
    day = (NOW.date() - timedelta(days=2)).isoformat()
    return [
        ("search_employees", {"query": employee["name"].split()[0]}),
        (
            "create_expense",
            {
                "employee_id": employee["employee_id"],
                "merchant": "The Linden Inn",
                "amount": 312.4,
                "currency": "EUR",
                "date": day,
                "category": "Lodging",
            },
        ),
        ("attach_receipt", {"expense_id": "{expense_id}", "url": "https://receipts.example.com/linden.pdf"}),
        ("list_expenses", {"employee_id": employee["employee_id"], "unreported_only": True}),
        (
            "create_report",
            {"employee_id": employee["employee_id"], "title": "Berlin workshop", "expense_ids": ["{expense_id}"]},
        ),
        ("submit_report", {"report_id": "{report_id}"}),
        ("reject_report", {"report_id": "{report_id}", "approver_id": employee["manager_id"], "note": "Add attendees"}),
        ("submit_report", {"report_id": "{report_id}"}),
        ("approve_report", {"report_id": "{report_id}", "approver_id": employee["manager_id"]}),
        ("reimburse_report", {"report_id": "{report_id}"}),
        ("list_reports", {"employee_id": employee["employee_id"]}),
    ]


PATHS = {"payments": _payments_path, "invoicing": _invoicing_path, "banking": _banking_path, "expenses": _expenses_path}


@each_environment
def test_every_tool_succeeds_on_a_realistic_path_with_schema_valid_output(environment: Environment) -> None:
    episode = environment.episode(seed=0)
    assert_tool_path(episode, PATHS[environment.name](episode))
