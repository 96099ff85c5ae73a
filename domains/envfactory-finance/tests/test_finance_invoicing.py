"""Scenarios for invoicing (Xero-style invoices, payments received and bills)."""

from __future__ import annotations

from datetime import date, timedelta

from envfactory_finance import invoicing

from envfactory_core.env import Episode

TODAY = date.fromisoformat(invoicing.now[:10])


def _customer(episode: Episode) -> dict:
    return next(c for c in episode.table("contacts").find(is_customer=True))


def _new_invoice(episode: Episode, **extra) -> dict:
    contact = _customer(episode)
    lines = [
        {"description": "Brand identity workshop", "quantity": 6, "unit_price": 120},
        {"description": "Logo design, three concepts", "quantity": 1, "unit_price": 1450.5},
    ]
    result = episode.call(
        "create_invoice", {"contact_id": contact["contact_id"], "line_items": lines, "tax_rate": 8.25, **extra}
    )
    assert result.ok, result.error
    return result.output


def test_an_invoice_is_drafted_sent_and_paid_in_two_parts() -> None:
    episode = invoicing.episode(seed=0)
    invoice = _new_invoice(episode)
    contact = episode.table("contacts").get(invoice["contact_id"])
    assert invoice["subtotal"] == 2170.5
    assert invoice["tax"] == 179.07
    assert invoice["amount"] == invoice["amount_due"] == 2349.57
    assert invoice["due_date"] == (TODAY + timedelta(days=contact["payment_terms_days"])).isoformat()
    assert (invoice["status"], invoice["sent"]) == ("draft", False)
    sent = episode.call("send_invoice", {"invoice_id": invoice["invoice_id"]}).output
    assert (sent["status"], sent["sent"], sent["email"]) == ("authorised", True, contact["email"])
    first = episode.call(
        "record_payment", {"invoice_id": invoice["invoice_id"], "amount": 1000, "payment_id": "pi_1Abc"}
    ).output
    assert (first["status"], first["amount_due"]) == ("authorised", 1349.57)
    paid = episode.call("record_payment", {"invoice_id": invoice["invoice_id"], "amount": 1349.57}).output
    assert (paid["status"], paid["amount_due"], len(paid["payments"])) == ("paid", 0.0, 2)
    # both payments are dated today, so their order is the primary key's, not the order recorded
    assert sorted(str(payment["payment_id"]) for payment in paid["payments"]) == ["None", "pi_1Abc"]
    tables = {c.table for c in episode.diff().changes}
    assert tables == {"invoices", "invoice_payments"}


def test_payment_rules_refuse_drafts_overpayment_and_future_dates() -> None:
    episode = invoicing.episode(seed=1)
    invoice = _new_invoice(episode)
    draft = episode.call("record_payment", {"invoice_id": invoice["invoice_id"], "amount": 10})
    assert "draft" in draft.error.message
    episode.call("send_invoice", {"invoice_id": invoice["invoice_id"]})
    before = episode.state_hash()
    over = episode.call("record_payment", {"invoice_id": invoice["invoice_id"], "amount": invoice["amount"] + 1})
    assert "more than" in over.error.message
    future = episode.call(
        "record_payment",
        {"invoice_id": invoice["invoice_id"], "amount": 10, "date": (TODAY + timedelta(days=1)).isoformat()},
    )
    assert "in the future" in future.error.message
    assert episode.state_hash() == before


def test_voiding_depends_on_status_and_payments() -> None:
    episode = invoicing.episode(seed=2)
    draft = _new_invoice(episode)
    assert episode.call("void_invoice", {"invoice_id": draft["invoice_id"]}).output["status"] == "deleted"
    sent = _new_invoice(episode)
    episode.call("send_invoice", {"invoice_id": sent["invoice_id"]})
    episode.call("record_payment", {"invoice_id": sent["invoice_id"], "amount": 100})
    refused = episode.call("void_invoice", {"invoice_id": sent["invoice_id"]})
    assert "remove the payments" in refused.error.message
    unpaid = _new_invoice(episode)
    episode.call("send_invoice", {"invoice_id": unpaid["invoice_id"]})
    voided = episode.call("void_invoice", {"invoice_id": unpaid["invoice_id"]}).output
    assert (voided["status"], voided["amount_due"]) == ("voided", 0.0)
    assert not episode.call("send_invoice", {"invoice_id": unpaid["invoice_id"]}).ok


def test_bills_are_approved_before_they_are_paid() -> None:
    seed = next(
        s for s in range(20) if any(b["status"] == "submitted" for b in invoicing.initial_state(s)["bills"].values())
    )
    episode = invoicing.episode(seed=seed)
    bill = episode.table("bills").first(status="submitted")
    early = episode.call("pay_bill", {"bill_id": bill["bill_id"], "amount": bill["amount_due"]})
    assert "approve it" in early.error.message
    assert episode.call("approve_bill", {"bill_id": bill["bill_id"]}).output["status"] == "authorised"
    paid = episode.call(
        "pay_bill", {"bill_id": bill["bill_id"], "amount": bill["amount_due"], "transfer_id": "xfer_9m2k"}
    ).output
    assert (paid["status"], paid["amount_due"]) == ("paid", 0.0)
    assert paid["payments"][0]["transfer_id"] == "xfer_9m2k"


def test_contact_names_are_unique_and_suppliers_get_no_invoices() -> None:
    episode = invoicing.episode(seed=3)
    existing = _customer(episode)
    duplicate = episode.call("create_contact", {"name": existing["name"].upper(), "email": "other@example.com"})
    assert "already exists" in duplicate.error.message
    supplier = episode.table("contacts").first(is_supplier=True)
    refused = episode.call(
        "create_invoice",
        {"contact_id": supplier["contact_id"], "line_items": [{"description": "x", "quantity": 1, "unit_price": 5}]},
    )
    assert "supplier" in refused.error.message
    assert not episode.diff().changes
