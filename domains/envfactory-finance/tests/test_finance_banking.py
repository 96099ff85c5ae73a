"""Scenarios for banking (Plaid-style accounts and transactions, payees, transfers)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from envfactory_finance import banking
from envfactory_finance.banking import aba_checksum_ok, iban_ok, make_iban

from envfactory_core.env import Episode

TODAY = date.fromisoformat(banking.now[:10])


def _checking(episode: Episode) -> dict:
    return episode.table("accounts").first(subtype="checking")


def _old_usd_payee(episode: Episode) -> dict:
    now = datetime.fromisoformat(banking.now)
    return next(
        p
        for p in episode.table("payees").find(currency="USD")
        if now - datetime.fromisoformat(p["created_at"]) > timedelta(days=2)
    )


def test_a_transfer_reserves_funds_and_cancelling_gives_them_back() -> None:
    episode = banking.episode(seed=0)
    account, payee = _checking(episode), _old_usd_payee(episode)
    sent = episode.call(
        "create_transfer",
        {
            "account_id": account["account_id"],
            "payee_id": payee["payee_id"],
            "amount": 120.5,
            "currency": "USD",
            "description": "Invoice INV-0042",
        },
    )
    assert sent.ok, sent.error
    assert (sent.output["status"], sent.output["date"]) == ("pending", TODAY.isoformat())
    assert episode.table("accounts").get(account["account_id"])["balance_available"] == round(
        account["balance_available"] - 120.5, 2
    )
    pending = episode.call(
        "list_transactions", {"account_id": account["account_id"], "pending": True, "query": payee["name"]}
    ).output
    assert [t["amount"] for t in pending["transactions"] if t["transfer_id"] == sent.output["transfer_id"]] == [120.5]
    cancelled = episode.call("cancel_transfer", {"transfer_id": sent.output["transfer_id"]})
    assert cancelled.output["status"] == "cancelled"
    assert episode.table("accounts").get(account["account_id"])["balance_available"] == account["balance_available"]
    assert episode.table("transactions").count(transfer_id=sent.output["transfer_id"]) == 0
    assert {c.table for c in episode.diff().changes} == {"transfers"}


def test_the_daily_limit_is_shared_by_all_transfers_of_a_day() -> None:
    episode = banking.episode(seed=1)
    account, payee = _checking(episode), _old_usd_payee(episode)
    day = (TODAY + timedelta(days=3)).isoformat()
    limit = account["daily_transfer_limit"]
    first = episode.call(
        "create_transfer",
        {
            "account_id": account["account_id"],
            "payee_id": payee["payee_id"],
            "amount": limit - 100,
            "currency": "USD",
            "date": day,
        },
    )
    assert first.output["status"] == "scheduled"
    before = episode.state_hash()
    second = episode.call(
        "create_transfer",
        {
            "account_id": account["account_id"],
            "payee_id": payee["payee_id"],
            "amount": 100.01,
            "currency": "USD",
            "date": day,
        },
    )
    assert not second.ok
    assert "daily transfer limit" in second.error.message
    assert "100.00 left" in second.error.message
    assert episode.state_hash() == before


def test_new_payees_are_capped_and_checked() -> None:
    episode = banking.episode(seed=2)
    bad_routing = episode.call(
        "add_payee", {"name": "Ravi Iyer", "routing_number": "021000022", "account_number": "12345678"}
    )
    assert "ABA routing number" in bad_routing.error.message
    bad_iban = episode.call("add_payee", {"name": "Greta Vogel", "iban": "DE89370400440532013001"})
    assert "not valid" in bad_iban.error.message
    added = episode.call(
        "add_payee",
        {"name": "Ravi Iyer", "routing_number": "021000021", "account_number": "12345678", "email": "ravi@example.com"},
    )
    assert added.ok, added.error
    assert added.output["account_mask"] == "5678"
    again = episode.call("add_payee", {"name": "R. Iyer", "routing_number": "021000021", "account_number": "12345678"})
    assert "already saved" in again.error.message
    account = _checking(episode)
    big = episode.call(
        "create_transfer",
        {
            "account_id": account["account_id"],
            "payee_id": added.output["payee_id"],
            "amount": 1500,
            "currency": "USD",
            "date": (TODAY + timedelta(days=5)).isoformat(),
        },
    )
    assert "added less than 24 hours ago" in big.error.message
    small = episode.call(
        "create_transfer",
        {
            "account_id": account["account_id"],
            "payee_id": added.output["payee_id"],
            "amount": 1000,
            "currency": "USD",
            "date": (TODAY + timedelta(days=5)).isoformat(),
        },
    )
    assert small.ok, small.error


def test_accounts_and_currencies_that_cannot_send() -> None:
    episode = banking.episode(seed=3)
    card = episode.table("accounts").first(subtype="credit card")
    payee = _old_usd_payee(episode)
    assert (
        "credit card"
        in episode.call(
            "create_transfer",
            {"account_id": card["account_id"], "payee_id": payee["payee_id"], "amount": 10, "currency": "USD"},
        ).error.message
    )
    mismatch = episode.call(
        "create_transfer",
        {
            "account_id": _checking(episode)["account_id"],
            "payee_id": payee["payee_id"],
            "amount": 10,
            "currency": "EUR",
        },
    )
    assert "must be in USD" in mismatch.error.message
    scheduled = episode.table("transfers").first(status="scheduled")
    refused = episode.call("remove_payee", {"payee_id": scheduled["payee_id"]})
    assert "cancel them" in refused.error.message
    assert not episode.diff().changes


def test_savings_allow_six_withdrawals_a_month() -> None:
    episode = banking.episode(seed=4)
    savings = episode.table("accounts").first(subtype="savings")
    payee = _old_usd_payee(episode)
    results = [
        episode.call(
            "create_transfer",
            {
                "account_id": savings["account_id"],
                "payee_id": payee["payee_id"],
                "amount": 10,
                "currency": "USD",
                "date": (TODAY + timedelta(days=day)).isoformat(),
            },
        )
        for day in range(1, 8)
    ]
    assert [r.ok for r in results] == [True] * 6 + [False]
    assert "6 a month" in results[-1].error.message


def test_checksum_helpers_agree_with_known_numbers() -> None:
    assert aba_checksum_ok("021000021")
    assert not aba_checksum_ok("021000020")
    assert iban_ok("GB82WEST12345698765432")
    assert iban_ok(make_iban("NL", "ABNA0417164300"))
    assert not iban_ok("NL91ABNA041716430")
