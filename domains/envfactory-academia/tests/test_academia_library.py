"""Scenarios for the library environment: loans by patron type, fines, renewals, holds."""

from __future__ import annotations

import copy
from datetime import timedelta

from envfactory_academia.library import environment

TODAY = environment.clock.date()


def _good_patron(state, kind="graduate"):
    patron = sorted(state["patrons"].values(), key=lambda row: row["patron_id"])[0]
    patron.update({"patron_type": kind, "fines_owed": 0.0, "expiry_date": "2027-06-30"})
    return patron


def _shelf_copy(state):
    return next(
        copy
        for copy in sorted(state["copies"].values(), key=lambda row: row["copy_id"])
        if copy["status"] == "available" and copy["loan_type"] == "standard"
    )


def _clean(state):
    """Seed 0 with no holds and no loans of the copies a test uses, and a patron in good standing."""
    state = copy.deepcopy(state)
    state["holds"] = {}
    return state


def test_checkout_sets_the_due_date_by_patron_type():
    state = _clean(environment.initial_state(seed=0))
    patron = _good_patron(state, "undergraduate")
    shelf = _shelf_copy(state)
    state["loans"] = {k: v for k, v in state["loans"].items() if v["patron_id"] != patron["patron_id"]}
    episode = environment.episode(state=state)
    result = episode.call("checkout_book", {"patron_id": patron["patron_id"], "copy_id": shelf["copy_id"]})
    assert result.ok, result.error
    assert result.output["due_date"] == (TODAY + timedelta(days=21)).isoformat()
    assert result.output["renewals_left"] == 2
    assert result.output["email"] == patron["email"]
    assert episode.table("copies").get(shelf["copy_id"])["status"] == "on_loan"
    changes = {(change.table, change.change) for change in episode.diff().changes}
    assert changes == {("copies", "changed"), ("loans", "added")}


def test_fines_block_borrowing_until_paid():
    state = _clean(environment.initial_state(seed=0))
    patron = _good_patron(state)
    patron["fines_owed"] = 12.5
    shelf = _shelf_copy(state)
    state["loans"] = {k: v for k, v in state["loans"].items() if v["patron_id"] != patron["patron_id"]}
    episode = environment.episode(state=state)
    refused = episode.call("checkout_book", {"patron_id": patron["patron_id"], "copy_id": shelf["copy_id"]})
    assert not refused.ok
    assert "fines of $12.50" in refused.error.message
    assert episode.diff().empty
    too_much = episode.call("pay_fine", {"patron_id": patron["patron_id"], "amount": 20})
    assert not too_much.ok
    paid = episode.call("pay_fine", {"patron_id": patron["patron_id"], "amount": 5})
    assert paid.ok
    assert paid.output["fines_owed"] == 7.5
    assert episode.call("checkout_book", {"patron_id": patron["patron_id"], "copy_id": shelf["copy_id"]}).ok


def test_returning_late_charges_a_capped_fine_and_traps_the_copy_for_the_next_hold():
    state = _clean(environment.initial_state(seed=0))
    borrower, waiter = sorted(state["patrons"].values(), key=lambda row: row["patron_id"])[:2]
    for patron in (borrower, waiter):
        patron.update({"patron_type": "graduate", "fines_owed": 0.0, "expiry_date": "2027-06-30"})
    shelf = _shelf_copy(state)
    shelf["status"] = "on_loan"
    state["loans"] = {
        "loan_test": {
            "loan_id": "loan_test",
            "copy_id": shelf["copy_id"],
            "isbn": shelf["isbn"],
            "patron_id": borrower["patron_id"],
            "checkout_date": (TODAY - timedelta(days=38)).isoformat(),
            "due_date": (TODAY - timedelta(days=10)).isoformat(),
            "returned_date": None,
            "renewals": 0,
            "fine_charged": 0.0,
        }
    }
    for other in state["copies"].values():
        if other["isbn"] == shelf["isbn"] and other["copy_id"] != shelf["copy_id"]:
            other["status"] = "in_repair"
    episode = environment.episode(state=state)
    hold = episode.call(
        "place_hold", {"patron_id": waiter["patron_id"], "isbn": shelf["isbn"], "pickup_branch": "Main Library"}
    )
    assert hold.ok, hold.error
    returned = episode.call("return_book", {"loan_id": "loan_test"})
    assert returned.ok, returned.error
    assert returned.output["amount"] == 2.5
    assert returned.output["hold_ready_id"] == hold.output["hold_id"]
    assert episode.table("patrons").get(borrower["patron_id"])["fines_owed"] == 2.5
    assert episode.table("copies").get(shelf["copy_id"])["status"] == "on_hold_shelf"
    held = episode.table("holds").get(hold.output["hold_id"])
    assert held["status"] == "ready"
    assert held["expires_on"] == (TODAY + timedelta(days=7)).isoformat()
    stranger = episode.call("checkout_book", {"patron_id": borrower["patron_id"], "copy_id": shelf["copy_id"]})
    assert not stranger.ok
    assert "hold shelf for another patron" in stranger.error.message
    collected = episode.call("checkout_book", {"patron_id": waiter["patron_id"], "copy_id": shelf["copy_id"]})
    assert collected.ok
    assert episode.table("holds").get(hold.output["hold_id"])["status"] == "fulfilled"


def test_a_very_late_return_is_capped_at_ten_dollars():
    state = _clean(environment.initial_state(seed=1))
    loan = next(row for row in state["loans"].values() if not row["returned_date"])
    loan["due_date"] = (TODAY - timedelta(days=200)).isoformat()
    episode = environment.episode(state=state)
    result = episode.call("return_book", {"loan_id": loan["loan_id"]})
    assert result.ok
    assert result.output["amount"] == 10.0


def test_renewals_are_refused_when_someone_waits_or_the_item_is_overdue():
    state = _clean(environment.initial_state(seed=0))
    borrower, waiter = sorted(state["patrons"].values(), key=lambda row: row["patron_id"])[:2]
    for patron in (borrower, waiter):
        patron.update({"patron_type": "undergraduate", "fines_owed": 0.0, "expiry_date": "2027-06-30"})
    loan = next(row for row in state["loans"].values() if not row["returned_date"])
    loan.update(
        {"patron_id": borrower["patron_id"], "renewals": 0, "due_date": (TODAY + timedelta(days=3)).isoformat()}
    )
    for other in state["copies"].values():
        if other["isbn"] == loan["isbn"] and other["copy_id"] != loan["copy_id"]:
            other["status"] = "in_repair"
    episode = environment.episode(state=state)
    renewed = episode.call("renew_loan", {"loan_id": loan["loan_id"]})
    assert renewed.ok, renewed.error
    assert renewed.output["due_date"] == (TODAY + timedelta(days=21)).isoformat()
    assert renewed.output["renewals_left"] == 1
    branch = "Health Sciences Library"
    hold = episode.call("place_hold", {"patron_id": waiter["patron_id"], "isbn": loan["isbn"], "pickup_branch": branch})
    assert hold.ok, hold.error
    blocked = episode.call("renew_loan", {"loan_id": loan["loan_id"]})
    assert not blocked.ok
    assert "waiting for" in blocked.error.message
    late_state = copy.deepcopy(state)
    late_state["loans"][loan["loan_id"]]["due_date"] = (TODAY - timedelta(days=1)).isoformat()
    late = environment.episode(state=late_state).call("renew_loan", {"loan_id": loan["loan_id"]})
    assert not late.ok
    assert "overdue items must be returned" in late.error.message


def test_a_hold_is_refused_when_a_copy_is_on_the_shelf_at_the_pickup_branch():
    state = _clean(environment.initial_state(seed=0))
    patron = _good_patron(state)
    shelf = _shelf_copy(state)
    state["loans"] = {k: v for k, v in state["loans"].items() if v["patron_id"] != patron["patron_id"]}
    episode = environment.episode(state=state)
    result = episode.call(
        "place_hold", {"patron_id": patron["patron_id"], "isbn": shelf["isbn"], "pickup_branch": shelf["branch"]}
    )
    assert not result.ok
    assert "borrow it instead" in result.error.message
    assert shelf["copy_id"] in result.error.message
    assert episode.diff().empty
