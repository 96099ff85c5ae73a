"""Scenarios for expenses (Expensify/Ramp-style reports, approvals and reimbursements)."""

from __future__ import annotations

from datetime import date, timedelta

from envfactory_finance import expenses

from envfactory_core.env import Episode

TODAY = date.fromisoformat(expenses.now[:10])


def _staff(episode: Episode) -> tuple[dict, dict, dict]:
    """An ordinary employee, their manager, and a manager of someone else."""
    people = episode.table("employees").all()
    employee = next(e for e in people if e["role"] == "employee")
    manager = episode.table("employees").get(employee["manager_id"])
    other = next((e for e in people if e["role"] == "manager" and e["employee_id"] != manager["employee_id"]), None)
    return employee, manager, other


def _expense(episode: Episode, employee: dict, **changes) -> dict:
    arguments = {
        "employee_id": employee["employee_id"],
        "merchant": "Harbor View Hotel",
        "amount": 420,
        "currency": "EUR",
        "date": (TODAY - timedelta(days=3)).isoformat(),
        "category": "Lodging",
        **changes,
    }
    result = episode.call("create_expense", arguments)
    assert result.ok, result.error
    return result.output


def test_foreign_expenses_convert_and_over_limit_amounts_are_capped() -> None:
    episode = expenses.episode(seed=0)
    employee, _, _ = _staff(episode)
    hotel = _expense(episode, employee)
    assert (hotel["converted_amount"], hotel["reimbursable_amount"], hotel["over_limit"], hotel["needs_receipt"]) == (
        453.6,
        453.6,
        False,
        True,
    )
    dinner = _expense(episode, employee, merchant="Harborside Grill", amount=180, currency="USD", category="Meals")
    assert (dinner["reimbursable_amount"], dinner["over_limit"]) == (100.0, True)
    old = episode.call(
        "create_expense",
        {
            "employee_id": employee["employee_id"],
            "merchant": "Corner Bistro",
            "amount": 20,
            "currency": "USD",
            "date": (TODAY - timedelta(days=91)).isoformat(),
            "category": "Meals",
        },
    )
    assert "older than 90 days" in old.error.message
    assert [(c.table, c.change) for c in episode.diff().changes] == [("expenses", "added"), ("expenses", "added")]


def test_receipts_are_required_before_submitting() -> None:
    episode = expenses.episode(seed=1)
    employee, _, _ = _staff(episode)
    hotel = _expense(episode, employee)
    report = episode.call(
        "create_report",
        {"employee_id": employee["employee_id"], "title": "Lisbon client visit", "expense_ids": [hotel["expense_id"]]},
    ).output
    refused = episode.call("submit_report", {"report_id": report["report_id"]})
    assert "receipts are required" in refused.error.message
    assert hotel["expense_id"] in refused.error.message
    episode.call(
        "attach_receipt", {"expense_id": hotel["expense_id"], "url": "https://drive.example.com/files/hotel-folio.pdf"}
    )
    submitted = episode.call("submit_report", {"report_id": report["report_id"]}).output
    assert (submitted["status"], submitted["total"], submitted["expense_ids"]) == (
        "submitted",
        453.6,
        [hotel["expense_id"]],
    )
    locked = episode.call(
        "attach_receipt", {"expense_id": hotel["expense_id"], "url": "https://drive.example.com/files/other.pdf"}
    )
    assert "cannot be changed" in locked.error.message


def test_only_the_manager_or_an_admin_approves_and_reimbursement_pays_the_capped_total() -> None:
    episode = expenses.episode(seed=2)
    employee, manager, other = _staff(episode)
    hotel = _expense(episode, employee, receipt_url="https://receipts.example.com/h.pdf")
    dinner = _expense(
        episode,
        employee,
        merchant="Harborside Grill",
        amount=180,
        currency="USD",
        category="Meals",
        receipt_url="https://receipts.example.com/d.pdf",
    )
    report = episode.call(
        "create_report",
        {
            "employee_id": employee["employee_id"],
            "title": "Customer workshop",
            "expense_ids": [hotel["expense_id"], dinner["expense_id"]],
        },
    ).output
    episode.call("submit_report", {"report_id": report["report_id"]})
    own = episode.call("approve_report", {"report_id": report["report_id"], "approver_id": employee["employee_id"]})
    assert "own reports" in own.error.message
    if other is not None and other["employee_id"] != employee["manager_id"]:
        assert (
            "not"
            in episode.call(
                "approve_report", {"report_id": report["report_id"], "approver_id": other["employee_id"]}
            ).error.message
        )
    early = episode.call("reimburse_report", {"report_id": report["report_id"]})
    assert "only approved" in early.error.message
    approved = episode.call(
        "approve_report", {"report_id": report["report_id"], "approver_id": manager["employee_id"]}
    ).output
    assert approved["status"] == "approved"
    paid = episode.call("reimburse_report", {"report_id": report["report_id"]}).output
    assert (paid["amount"], paid["report"]["status"], paid["report"]["total"]) == (553.6, "reimbursed", 633.6)


def test_a_rejected_report_is_fixed_and_submitted_again() -> None:
    episode = expenses.episode(seed=3)
    employee, manager, _ = _staff(episode)
    taxi = _expense(
        episode, employee, merchant="Yellow Cab Co", amount=42, currency="USD", category="Ground Transportation"
    )
    report = episode.call(
        "create_report",
        {"employee_id": employee["employee_id"], "title": "Team offsite", "expense_ids": [taxi["expense_id"]]},
    ).output
    episode.call("submit_report", {"report_id": report["report_id"]})
    rejected = episode.call(
        "reject_report",
        {"report_id": report["report_id"], "approver_id": manager["employee_id"], "note": "Add the trip purpose"},
    ).output
    assert (rejected["status"], rejected["rejection_note"]) == ("rejected", "Add the trip purpose")
    again = episode.call("submit_report", {"report_id": report["report_id"]}).output
    assert (again["status"], again["rejection_note"]) == ("submitted", None)


def test_expenses_belong_to_one_report_of_their_own_employee() -> None:
    episode = expenses.episode(seed=4)
    employee, manager, _ = _staff(episode)
    taxi = _expense(
        episode, employee, merchant="Metro Transit", amount=12, currency="USD", category="Ground Transportation"
    )
    stranger = episode.call(
        "create_report", {"employee_id": manager["employee_id"], "title": "Mine", "expense_ids": [taxi["expense_id"]]}
    )
    assert "another employee" in stranger.error.message
    assert episode.call(
        "create_report", {"employee_id": employee["employee_id"], "title": "First", "expense_ids": [taxi["expense_id"]]}
    ).ok
    twice = episode.call(
        "create_report",
        {"employee_id": employee["employee_id"], "title": "Second", "expense_ids": [taxi["expense_id"]]},
    )
    assert "already on report" in twice.error.message
