"""Scenarios for the payment provider (Stripe-style payment intents and refunds)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from envfactory_finance import payments

from envfactory_core.env import Episode

NOW = datetime.fromisoformat(payments.now)


def _payer(episode: Episode) -> dict:
    today = NOW.date()
    return next(
        c
        for c in episode.table("customers").all()
        if c["card_last4"]
        and (c["card_exp_year"], c["card_exp_month"]) >= (today.year, today.month)
        and not c["card_decline"]
    )


def test_a_payment_charges_the_saved_card() -> None:
    episode = payments.episode(seed=0)
    customer = _payer(episode)
    result = episode.call(
        "create_payment",
        {"customer_id": customer["customer_id"], "amount": 114.93, "currency": "usd", "order_id": "order_7kq2"},
    )
    assert result.ok, result.error
    payment = result.output
    assert (payment["status"], payment["amount_received"], payment["currency"]) == ("succeeded", 114.93, "USD")
    assert payment["email"] == customer["email"]
    assert payment["card_last4"] == customer["card_last4"]
    listed = episode.call("list_payments", {"order_id": "order_7kq2"}).output
    assert [p["payment_id"] for p in listed["payments"]] == [payment["payment_id"]]
    assert [(c.table, c.change) for c in episode.diff().changes] == [("payments", "added")]


def test_refunds_stay_within_the_window_and_the_amount_received() -> None:
    state = payments.initial_state(0)
    payment = next(p for p in state["payments"].values() if p["status"] == "succeeded" and p["amount_refunded"] == 0)
    old = {**payment, "created_at": (NOW - timedelta(days=61)).isoformat()}
    episode = payments.episode(state={**state, "payments": {**state["payments"], payment["payment_id"]: old}})
    late = episode.call("create_refund", {"payment_id": payment["payment_id"]})
    assert not late.ok
    assert "refund window of 60 days has passed" in late.error.message
    assert not episode.diff().changes
    fresh = payments.episode(
        state={
            **state,
            "payments": {
                **state["payments"],
                payment["payment_id"]: {**payment, "created_at": (NOW - timedelta(days=59)).isoformat()},
            },
        }
    )
    half = round(payment["amount"] / 2, 2) if payment["currency"] != "JPY" else float(int(payment["amount"] / 2))
    first = fresh.call(
        "create_refund", {"payment_id": payment["payment_id"], "amount": half, "reason": "requested_by_customer"}
    )
    assert first.ok, first.error
    too_much = fresh.call("create_refund", {"payment_id": payment["payment_id"], "amount": payment["amount"]})
    assert not too_much.ok
    assert "left to refund" in too_much.error.message
    rest = fresh.call("create_refund", {"payment_id": payment["payment_id"]})
    assert round(first.output["amount"] + rest.output["amount"], 2) == payment["amount_received"]
    detail = fresh.call("get_payment", {"payment_id": payment["payment_id"]}).output
    assert detail["amount_refunded"] == payment["amount_received"]
    assert len(detail["refunds"]) == 2


def test_manual_capture_takes_part_and_succeeded_payments_cannot_be_cancelled() -> None:
    episode = payments.episode(seed=1)
    customer = _payer(episode)
    held = episode.call(
        "create_payment",
        {"customer_id": customer["customer_id"], "amount": 200, "currency": "EUR", "capture_method": "manual"},
    ).output
    assert (held["status"], held["amount_capturable"], held["amount_received"]) == ("requires_capture", 200.0, 0.0)
    over = episode.call("capture_payment", {"payment_id": held["payment_id"], "amount_to_capture": 250})
    assert not over.ok
    captured = episode.call("capture_payment", {"payment_id": held["payment_id"], "amount_to_capture": 150}).output
    assert (captured["status"], captured["amount_received"], captured["amount_capturable"]) == ("succeeded", 150.0, 0.0)
    refused = episode.call("cancel_payment", {"payment_id": held["payment_id"]})
    assert not refused.ok
    assert "create_refund" in refused.error.message


def test_declines_and_a_new_card() -> None:
    state = payments.initial_state(2)
    customer = next(iter(state["customers"].values()))
    expired = {
        **customer,
        "card_brand": "visa",
        "card_last4": "1881",
        "card_exp_month": 3,
        "card_exp_year": 2025,
        "card_decline": None,
    }
    episode = payments.episode(state={**state, "customers": {**state["customers"], customer["customer_id"]: expired}})
    declined = episode.call("create_payment", {"customer_id": customer["customer_id"], "amount": 30, "currency": "USD"})
    assert not declined.ok
    assert "expired_card" in declined.error.message
    assert episode.call(
        "attach_payment_method", {"customer_id": customer["customer_id"], "payment_method": "pm_card_chargeDeclined"}
    ).ok
    bank_says_no = episode.call(
        "create_payment", {"customer_id": customer["customer_id"], "amount": 30, "currency": "USD"}
    )
    assert "generic_decline" in bank_says_no.error.message
    card = episode.call(
        "attach_payment_method", {"customer_id": customer["customer_id"], "payment_method": "pm_card_visa"}
    ).output["card"]
    assert (card["brand"], card["last4"], card["exp_year"]) == (
        "visa",
        "4242",
        date.fromisoformat(payments.now[:10]).year + 3,
    )
    assert episode.call("create_payment", {"customer_id": customer["customer_id"], "amount": 30, "currency": "USD"}).ok


def test_currency_minimums_and_zero_decimal_amounts() -> None:
    episode = payments.episode(seed=3)
    customer = _payer(episode)["customer_id"]
    assert (
        "at least 0.30 GBP"
        in episode.call("create_payment", {"customer_id": customer, "amount": 0.2, "currency": "GBP"}).error.message
    )
    assert (
        "zero-decimal"
        in episode.call("create_payment", {"customer_id": customer, "amount": 1200.5, "currency": "JPY"}).error.message
    )
    assert (
        "not supported"
        in episode.call("create_payment", {"customer_id": customer, "amount": 10, "currency": "XYZ"}).error.message
    )
    assert (
        episode.call("create_payment", {"customer_id": customer, "amount": 1200, "currency": "JPY"}).output["amount"]
        == 1200.0
    )
