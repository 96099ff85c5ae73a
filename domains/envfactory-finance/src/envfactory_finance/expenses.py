"""A company's expense reports after the Expensify and Ramp reimbursement APIs.

Employees log expenses (merchant, amount, currency, date, category), attach receipts and group
expenses into reports; a report is submitted, approved or rejected by the employee's manager (or
a finance admin), and approved reports are reimbursed. Foreign-currency expenses are converted to
the company's currency (USD) at the policy's fixed rates, and each category has a per-expense limit:
the part above the limit is not reimbursed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import cents, matches, money, page, parse_date, seed_id
from envfactory_core.models import Provenance

COMPANY = "Lumen Labs"
CURRENCY = "USD"
RECEIPT_THRESHOLD = 75.00
MAX_AGE_DAYS = 90
MAX_DAYS_AHEAD = 60
CATEGORY_LIMITS = {
    "Meals": 100.00,
    "Lodging": 1500.00,
    "Ground Transportation": 150.00,
    "Office Supplies": 250.00,
    "Software": 500.00,
    "Client Entertainment": 400.00,
    "Conferences": 2000.00,
    "Internet & Phone": 120.00,
}
# Fixed policy rates: units of USD per unit of the currency.
USD_RATES = {
    "USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CAD": 0.73, "AUD": 0.66, "NZD": 0.60, "CHF": 1.12, "JPY": 0.0068,
    "SEK": 0.095, "NOK": 0.093, "PLN": 0.25, "SGD": 0.74, "INR": 0.012, "MXN": 0.058, "BRL": 0.18, "ZAR": 0.054,
    "KRW": 0.00073, "KES": 0.0077, "GHS": 0.065,
}  # fmt: skip
Category = Literal[
    "Meals",
    "Lodging",
    "Ground Transportation",
    "Office Supplies",
    "Software",
    "Client Entertainment",
    "Conferences",
    "Internet & Phone",
]

_LIMITS_TEXT = "; ".join(f"{name} {limit:,.2f}" for name, limit in CATEGORY_LIMITS.items())
POLICY = f"""\
{COMPANY} expense policy (amounts in {CURRENCY}):
- Expenses are dated at most {MAX_AGE_DAYS} days ago; prepaid bookings may be dated up to {MAX_DAYS_AHEAD} days ahead.
- Foreign-currency expenses are converted to {CURRENCY} at the policy's fixed rates.
- Per-expense limits by category: {_LIMITS_TEXT}. An expense above its limit can be filed, but only the
  limit is reimbursed.
- Every expense of {RECEIPT_THRESHOLD:.2f} {CURRENCY} or more (after conversion) needs a receipt before its report
  can be submitted.
- An expense belongs to at most one report, and only to a report of the same employee. Expenses on a
  submitted, approved or reimbursed report cannot be changed.
- Reports are approved or rejected only while submitted, by the employee's manager or a finance admin,
  never by the employee. A rejected report can be fixed and submitted again.
- Only approved reports are reimbursed, for the reimbursable total, by ACH to the employee.
"""

environment = Environment(
    name="expenses",
    domain="finance",
    description=(
        "A company's expense management after the Expensify Integration Server and Ramp reimbursements APIs: "
        "employees, expenses with receipts and currency conversion, expense reports (create, submit, approve, "
        "reject) and reimbursements, with per-category limits and receipt rules."
    ),
    tables=[
        table(
            "employees",
            primary_key="employee_id",
            employee_id=str,
            name=str,
            email=str,
            department=str,
            role=str,
            manager_id=str | None,
        ),
        table(
            "expenses",
            primary_key="expense_id",
            expense_id=str,
            employee_id=str,
            merchant=str,
            amount=float,
            currency=str,
            converted_amount=float,
            reimbursable_amount=float,
            over_limit=bool,
            date=str,
            category=str,
            description=str | None,
            receipt_url=str | None,
            report_id=str | None,
            created_at=str,
        ),
        table(
            "reports",
            primary_key="report_id",
            report_id=str,
            employee_id=str,
            title=str,
            status=str,
            created_at=str,
            submitted_at=str | None,
            approver_id=str | None,
            approved_at=str | None,
            rejection_note=str | None,
            reimbursed_at=str | None,
        ),
        table(
            "reimbursements",
            primary_key="reimbursement_id",
            reimbursement_id=str,
            report_id=str,
            employee_id=str,
            amount=float,
            currency=str,
            date=str,
            method=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source="Expensify Integration Server API (expenses, reports, policy) and Ramp API reimbursements",
        url="https://integrations.expensify.com/Integration-Server/doc/",
    ),
)


# --- output records --------------------------------------------------------------------------


class Employee(TypedDict):
    """An employee.

    Args:
        employee_id: The employee's id.
        name: The employee's full name.
        email: The employee's work email address.
        role: employee, manager or admin (finance admins approve any report).
        manager_id: The employee's manager, who approves their reports.
    """

    employee_id: str
    name: str
    email: str
    department: str
    role: Literal["employee", "manager", "admin"]
    manager_id: str | None
    manager_name: str | None


class EmployeeList(TypedDict):
    employees: list[Employee]
    count: int


class Expense(TypedDict):
    """An expense.

    Args:
        expense_id: The expense's id.
        merchant: The merchant on the receipt.
        amount: The expense in its original currency.
        currency: ISO 4217 code of the amount.
        converted_amount: The amount in USD at the policy rate.
        reimbursable_amount: What will be reimbursed in USD (capped at the category limit).
        over_limit: Whether the converted amount is above the category limit.
        date: The date of the expense.
        receipt_url: The attached receipt, if any.
        report_id: The report it is on, null when unreported.
        needs_receipt: Whether a receipt is required and missing.
    """

    expense_id: str
    employee_id: str
    merchant: str
    amount: float
    currency: str
    converted_amount: float
    reimbursable_amount: float
    over_limit: bool
    date: str
    category: str
    description: str | None
    receipt_url: str | None
    report_id: str | None
    needs_receipt: bool
    created_at: str


class ExpenseList(TypedDict):
    expenses: list[Expense]
    count: int


class Report(TypedDict):
    """An expense report.

    Args:
        report_id: The expense report's id.
        employee_id: Whose report it is.
        status: open, submitted, approved, rejected or reimbursed.
        total: Sum of the converted amounts in USD.
        reimbursable_total: What will be reimbursed in USD.
        currency: The report currency (USD).
        expense_ids: The expenses on the report.
        approver_id: Who approved or rejected it.
    """

    report_id: str
    employee_id: str
    title: str
    status: Literal["open", "submitted", "approved", "rejected", "reimbursed"]
    total: float
    reimbursable_total: float
    currency: str
    expense_ids: list[str]
    created_at: str
    submitted_at: str | None
    approver_id: str | None
    approved_at: str | None
    rejection_note: str | None
    reimbursed_at: str | None


class ReportList(TypedDict):
    reports: list[Report]
    count: int


class Reimbursement(TypedDict):
    """A reimbursement paid to an employee.

    Args:
        reimbursement_id: The reimbursement's id.
        amount: Amount paid in USD.
        date: The day it was paid.
    """

    reimbursement_id: str
    report_id: str
    employee_id: str
    amount: float
    currency: str
    date: str
    method: str
    report: Report


# --- helpers ---------------------------------------------------------------------------------


def _needs_receipt(row: dict[str, Any]) -> bool:
    return row["receipt_url"] is None and cents(row["converted_amount"]) >= cents(RECEIPT_THRESHOLD)


def _expense(row: dict[str, Any]) -> Expense:
    return {**row, "needs_receipt": _needs_receipt(row)}  # type: ignore[typeddict-item]


def _report(ctx: Context, row: dict[str, Any]) -> Report:
    expenses = ctx.table("expenses").find(report_id=row["report_id"], order_by="date")
    return {
        **row,  # type: ignore[typeddict-item]
        "total": money(sum(e["converted_amount"] for e in expenses)),
        "reimbursable_total": money(sum(e["reimbursable_amount"] for e in expenses)),
        "currency": CURRENCY,
        "expense_ids": [e["expense_id"] for e in expenses],
    }


def _editable(ctx: Context, expense: dict[str, Any]) -> None:
    if expense["report_id"] is None:
        return
    report = ctx.table("reports").require(expense["report_id"], what="report")
    if report["status"] not in ("open", "rejected"):
        raise ToolError(
            f"expense {expense['expense_id']} is on report {report['report_id']}, which is {report['status']}; "
            "it cannot be changed"
        )


def _check_approver(ctx: Context, report: dict[str, Any], approver_id: str) -> dict[str, Any]:
    approver = ctx.table("employees").require(approver_id, what="employee")
    owner = ctx.table("employees").require(report["employee_id"], what="employee")
    if approver_id == owner["employee_id"]:
        raise ToolError("employees cannot approve or reject their own reports")
    if approver["role"] != "admin" and owner["manager_id"] != approver_id:
        raise ToolError(
            f"{approver['name']} is not {owner['name']}'s manager or a finance admin and cannot review this report"
        )
    if report["status"] != "submitted":
        raise ToolError(f"report {report['report_id']} is {report['status']}; only submitted reports can be reviewed")
    return approver


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_employees(ctx: Context, query: str | None = None) -> EmployeeList:
    """Find employees by name, email or department, with their manager.

    Args:
        query: Part of the employee's name, email address or department; leave out to list everyone.
    """
    everyone = ctx.table("employees").all(order_by="name")
    names = {row["employee_id"]: row["name"] for row in everyone}
    found = [
        {**row, "manager_name": names.get(row["manager_id"] or "")}
        for row in everyone
        if matches(query, row["name"], row["email"], row["department"])
    ]
    return {"employees": found, "count": len(found)}  # type: ignore[typeddict-item]


@environment.tool(effect="read")
def list_expenses(
    ctx: Context,
    employee_id: str | None = None,
    report_id: str | None = None,
    unreported_only: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ExpenseList:
    """List expenses, newest first, of an employee or a report, or only those not on any report.

    Args:
        employee_id: Only this employee's expenses.
        report_id: Only the expenses on this report.
        unreported_only: Only expenses that are not on a report yet.
        limit: At most this many expenses.
        offset: Skip this many expenses (for paging).
    """
    filters: dict[str, Any] = {}
    if employee_id is not None:
        filters["employee_id"] = employee_id
    if report_id is not None:
        filters["report_id"] = report_id
    rows = [
        _expense(row)
        for row in ctx.table("expenses").find(order_by=["date", "expense_id"], descending=True, **filters)
        if not unreported_only or row["report_id"] is None
    ]
    return {"expenses": page(rows, limit, offset), "count": len(rows)}


@environment.tool(effect="write")
def create_expense(
    ctx: Context,
    employee_id: str,
    merchant: Annotated[str, Arg(min_length=1, max_length=120)],
    amount: Annotated[float, Arg(minimum=0)],
    currency: Annotated[str, Arg(min_length=3, max_length=3)],
    date: str,
    category: Category,
    description: str | None = None,
    receipt_url: str | None = None,
) -> Expense:
    """Log an expense for an employee; a foreign currency is converted to USD and checked against the category limit.

    Args:
        employee_id: The employee who spent the money.
        merchant: Where the money was spent: a hotel, restaurant, car rental company or shop name.
        amount: The amount spent or booked, e.g. a hotel reservation's total, in the given currency.
        currency: ISO 4217 code of the amount spent, e.g. USD or EUR.
        date: The date of the expense (or of the stay, for a prepaid booking), YYYY-MM-DD.
        category: The expense category.
        description: What it was for, e.g. "Client dinner with Northwind".
        receipt_url: A link to the receipt image or PDF.
    """
    ctx.table("employees").require(employee_id, what="employee")
    code = currency.strip().upper()
    if code not in USD_RATES:
        raise ToolError(f"currency {currency!r} has no policy rate; use one of {', '.join(sorted(USD_RATES))}")
    value = money(amount)
    if cents(value) <= 0:
        raise ToolError("amount must be greater than 0")
    spent = parse_date(date, "date")
    if spent < ctx.today - timedelta(days=MAX_AGE_DAYS):
        raise ToolError(
            f"the expense is dated {spent}; expenses older than {MAX_AGE_DAYS} days "
            f"({ctx.today - timedelta(days=MAX_AGE_DAYS)}) cannot be filed"
        )
    if spent > ctx.today + timedelta(days=MAX_DAYS_AHEAD):
        raise ToolError(
            f"the expense is dated {spent}; prepaid bookings may be dated at most {MAX_DAYS_AHEAD} days ahead"
        )
    if receipt_url is not None and not receipt_url.startswith("https://"):
        raise ToolError("receipt_url must be an https:// link")
    converted = money(value * USD_RATES[code])
    limit = CATEGORY_LIMITS[category]
    row = ctx.table("expenses").insert(
        {
            "expense_id": ctx.new_id("exp"),
            "employee_id": employee_id,
            "merchant": " ".join(merchant.split()),
            "amount": value,
            "currency": code,
            "converted_amount": converted,
            "reimbursable_amount": min(converted, limit),
            "over_limit": cents(converted) > cents(limit),
            "date": spent.isoformat(),
            "category": category,
            "description": description,
            "receipt_url": receipt_url,
            "report_id": None,
            "created_at": ctx.now.isoformat(),
        }
    )
    return _expense(row)


@environment.tool(effect="write")
def attach_receipt(ctx: Context, expense_id: str, url: Annotated[str, Arg(min_length=9, max_length=2000)]) -> Expense:
    """Attach (or replace) the receipt of an expense that is not on a submitted or approved report.

    Args:
        expense_id: The expense's id.
        url: The https link to the receipt image or PDF.
    """
    expense = ctx.table("expenses").require(expense_id, what="expense")
    if not url.startswith("https://"):
        raise ToolError("url must be an https:// link to the receipt")
    _editable(ctx, expense)
    return _expense(ctx.table("expenses").update(expense_id, {"receipt_url": url}))


@environment.tool(effect="write")
def create_report(
    ctx: Context,
    employee_id: str,
    title: Annotated[str, Arg(min_length=1, max_length=100)],
    expense_ids: Annotated[list[str], Arg(description="The expenses to put on the report.")],
) -> Report:
    """Create an open expense report from some of an employee's unreported expenses.

    Args:
        employee_id: Whose report it is.
        title: The report's title, e.g. "Chicago client visit, June".
        expense_ids: The expenses to put on the report.
    """
    employee = ctx.table("employees").require(employee_id, what="employee")
    if not expense_ids:
        raise ToolError("a report needs at least one expense: give expense_ids")
    if len(set(expense_ids)) != len(expense_ids):
        raise ToolError("expense_ids lists an expense twice")
    report_id = ctx.new_id("rpt")
    for expense_id in expense_ids:
        expense = ctx.table("expenses").require(expense_id, what="expense")
        if expense["employee_id"] != employee_id:
            raise ToolError(f"expense {expense_id} belongs to another employee, not {employee['name']}")
        if expense["report_id"] is not None:
            raise ToolError(f"expense {expense_id} is already on report {expense['report_id']}")
        ctx.table("expenses").update(expense_id, {"report_id": report_id})
    row = ctx.table("reports").insert(
        {
            "report_id": report_id,
            "employee_id": employee_id,
            "title": " ".join(title.split()),
            "status": "open",
            "created_at": ctx.now.isoformat(),
            "submitted_at": None,
            "approver_id": None,
            "approved_at": None,
            "rejection_note": None,
            "reimbursed_at": None,
        }
    )
    return _report(ctx, row)


@environment.tool(effect="read")
def list_reports(
    ctx: Context,
    employee_id: str | None = None,
    status: Literal["open", "submitted", "approved", "rejected", "reimbursed"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> ReportList:
    """List expense reports, newest first, with totals and their expenses, by employee or status.

    Args:
        employee_id: Only this employee's reports.
        status: Only reports in this status (submitted reports await approval).
        limit: At most this many reports.
    """
    filters: dict[str, Any] = {}
    if employee_id is not None:
        filters["employee_id"] = employee_id
    if status is not None:
        filters["status"] = status
    rows = ctx.table("reports").find(order_by="created_at", descending=True, **filters)
    return {"reports": [_report(ctx, row) for row in page(rows, limit)], "count": len(rows)}


@environment.tool(effect="write")
def submit_report(ctx: Context, report_id: str) -> Report:
    """Submit an open (or rejected and fixed) report for approval; every expense of 75 USD or more needs a receipt.

    Args:
        report_id: The expense report's id.
    """
    report = ctx.table("reports").require(report_id, what="report")
    if report["status"] not in ("open", "rejected"):
        raise ToolError(f"report {report_id} is {report['status']}; only open or rejected reports can be submitted")
    expenses = ctx.table("expenses").find(report_id=report_id)
    if not expenses:
        raise ToolError(f"report {report_id} has no expenses")
    missing = [e for e in expenses if _needs_receipt(e)]
    if missing:
        shown = ", ".join(f"{e['expense_id']} ({e['merchant']}, {e['converted_amount']:.2f} USD)" for e in missing)
        raise ToolError(
            f"receipts are required for expenses of {RECEIPT_THRESHOLD:.2f} USD or more; missing for {shown}"
        )
    updated = ctx.table("reports").update(
        report_id, {"status": "submitted", "submitted_at": ctx.now.isoformat(), "rejection_note": None}
    )
    return _report(ctx, updated)


@environment.tool(effect="write")
def approve_report(ctx: Context, report_id: str, approver_id: str) -> Report:
    """Approve a submitted report as the employee's manager or a finance admin.

    Args:
        report_id: The expense report's id.
        approver_id: The employee id of the manager or admin who approves it.
    """
    report = ctx.table("reports").require(report_id, what="report")
    _check_approver(ctx, report, approver_id)
    updated = ctx.table("reports").update(
        report_id, {"status": "approved", "approver_id": approver_id, "approved_at": ctx.now.isoformat()}
    )
    return _report(ctx, updated)


@environment.tool(effect="write")
def reject_report(
    ctx: Context, report_id: str, approver_id: str, note: Annotated[str, Arg(min_length=1, max_length=500)]
) -> Report:
    """Send a submitted report back to the employee with the reason; they can fix it and submit again.

    Args:
        report_id: The expense report's id.
        approver_id: The employee id of the manager or admin who rejects it.
        note: What the employee must fix.
    """
    report = ctx.table("reports").require(report_id, what="report")
    _check_approver(ctx, report, approver_id)
    updated = ctx.table("reports").update(
        report_id, {"status": "rejected", "approver_id": approver_id, "rejection_note": note}
    )
    return _report(ctx, updated)


@environment.tool(effect="write")
def reimburse_report(ctx: Context, report_id: str) -> Reimbursement:
    """Pay an approved report's reimbursable total to the employee by ACH.

    Args:
        report_id: The expense report's id.
    """
    report = ctx.table("reports").require(report_id, what="report")
    if report["status"] != "approved":
        raise ToolError(f"report {report_id} is {report['status']}; only approved reports are reimbursed")
    summary = _report(ctx, report)
    row = ctx.table("reimbursements").insert(
        {
            "reimbursement_id": ctx.new_id("rmb"),
            "report_id": report_id,
            "employee_id": report["employee_id"],
            "amount": summary["reimbursable_total"],
            "currency": CURRENCY,
            "date": ctx.today.isoformat(),
            "method": "ACH",
        }
    )
    updated = ctx.table("reports").update(report_id, {"status": "reimbursed", "reimbursed_at": ctx.now.isoformat()})
    return {**row, "report": _report(ctx, updated)}  # type: ignore[typeddict-item]


# --- seed state ------------------------------------------------------------------------------

DEPARTMENTS = ("Engineering", "Sales", "Design", "Marketing", "Customer Success")
MERCHANTS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "Meals": (
        ("Corner Bistro", 18, 95),
        ("Saffron Spice Co", 22, 140),
        ("Harborside Grill", 35, 160),
        ("Morning Loaf Bakery", 6, 24),
    ),
    "Lodging": (("Harbor View Hotel", 180, 900), ("The Linden Inn", 140, 620), ("Parkside Suites", 210, 1650)),
    "Ground Transportation": (("Yellow Cab Co", 14, 65), ("Metro Transit", 3, 40), ("Riverside Car Rental", 90, 260)),
    "Office Supplies": (("Copperleaf Stationers", 12, 120), ("Quartz Office Depot", 25, 310)),
    "Software": (("Nimbus Cloudworks", 20, 240), ("Juniper Software", 49, 690)),
    "Client Entertainment": (("Tidewater Coffee", 12, 60), ("Summit Bowling Lanes", 80, 450)),
    "Conferences": (("DevSummit Europe", 450, 1400), ("Design Week Tickets", 250, 900)),
    "Internet & Phone": (("Fibrelink Internet", 45, 90), ("Orbit Mobile", 30, 140)),
}  # fmt: skip
TRIPS = ("Client visit", "Team offsite", "Conference trip", "Customer workshop", "Quarterly planning", "Sales kickoff")


def _seed_expense(rng: Any, employee: dict[str, Any], now: Any, currency: str) -> dict[str, Any]:
    category = rng.choice(list(MERCHANTS))
    merchant, low, high = rng.choice(MERCHANTS[category])
    rate = USD_RATES[currency]
    amount = (
        fake.amount(rng, low / rate, high / rate)
        if currency != "JPY"
        else float(round(rng.uniform(low, high) / rate, -1))
    )
    converted = money(amount * rate)
    limit = CATEGORY_LIMITS[category]
    spent = fake.date_between(rng, now.date() - timedelta(days=MAX_AGE_DAYS - 5), now.date() - timedelta(days=1))
    return {
        "expense_id": seed_id(rng, "exp"),
        "employee_id": employee["employee_id"],
        "merchant": merchant,
        "amount": amount,
        "currency": currency,
        "converted_amount": converted,
        "reimbursable_amount": min(converted, limit),
        "over_limit": cents(converted) > cents(limit),
        "date": spent.isoformat(),
        "category": category,
        "description": rng.choice(
            (None, "Team lunch", "Client meeting", "Travel to customer site", "Monthly plan", None)
        ),
        "receipt_url": f"https://receipts.expenses.example.com/{seed_id(rng, 'r')}.jpg" if rng.random() < 0.7 else None,
        "report_id": None,
        "created_at": f"{spent.isoformat()}T{rng.randint(8, 21):02d}:{rng.choice(('05', '20', '40', '55'))}:00+00:00",
    }


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    people = fake.residents(ctx, max(5, ctx.size))
    employees: list[dict[str, Any]] = []
    for index, resident in enumerate(people):
        person = resident.person
        role = "admin" if index < 2 else ("manager" if index < 4 else "employee")
        employees.append(
            {
                "employee_id": seed_id(rng, "emp"),
                "name": person.full_name,
                "email": f"{person.first_name}.{person.last_name}@lumenlabs.example.com".lower(),
                "department": "Finance" if role == "admin" else rng.choice(DEPARTMENTS),
                "role": role,
                "manager_id": None,
            }
        )
    admin, controller = employees[0], employees[1]
    controller["manager_id"] = admin["employee_id"]
    managers = [e for e in employees if e["role"] == "manager"]
    for manager in managers:
        manager["manager_id"] = admin["employee_id"]
    for employee in employees[4:]:
        employee["manager_id"] = rng.choice(managers)["employee_id"]
    expenses: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    reimbursements: list[dict[str, Any]] = []
    for employee, resident in zip(employees, people, strict=True):
        local = resident.person.city.currency if resident.person.city.currency in USD_RATES else "USD"
        mine = [
            _seed_expense(rng, employee, now, local if rng.random() < 0.3 else "USD")
            for _ in range(rng.randint(1, 4) if employee["role"] != "admin" or rng.random() < 0.5 else 0)
        ]
        expenses.extend(mine)
        if len(mine) >= 2 and employee["manager_id"] is not None:
            on_report = mine[: rng.randint(1, len(mine) - 1)] if len(mine) > 2 else mine[:1]
            status = fake.choose_weighted(
                rng, {"open": 0.2, "submitted": 0.35, "approved": 0.15, "rejected": 0.1, "reimbursed": 0.2}
            )
            report_id = seed_id(rng, "rpt")
            latest = max(e["date"] for e in on_report)
            created = f"{latest}T17:00:00+00:00"
            if status != "open":
                for expense in on_report:
                    if expense["receipt_url"] is None and cents(expense["converted_amount"]) >= cents(
                        RECEIPT_THRESHOLD
                    ):
                        expense["receipt_url"] = f"https://receipts.expenses.example.com/{seed_id(rng, 'r')}.pdf"
            for expense in on_report:
                expense["report_id"] = report_id
            reviewed = status in ("approved", "rejected", "reimbursed")
            reports.append(
                {
                    "report_id": report_id,
                    "employee_id": employee["employee_id"],
                    "title": f"{rng.choice(TRIPS)}, {fake.city(rng).name}",
                    "status": status,
                    "created_at": created,
                    "submitted_at": f"{latest}T18:00:00+00:00" if status != "open" else None,
                    "approver_id": employee["manager_id"] if reviewed else None,
                    "approved_at": f"{latest}T20:00:00+00:00" if status in ("approved", "reimbursed") else None,
                    "rejection_note": "Please add the itemised receipt and the attendees"
                    if status == "rejected"
                    else None,
                    "reimbursed_at": f"{latest}T22:00:00+00:00" if status == "reimbursed" else None,
                }
            )
            if status == "reimbursed":
                reimbursements.append(
                    {
                        "reimbursement_id": seed_id(rng, "rmb"),
                        "report_id": report_id,
                        "employee_id": employee["employee_id"],
                        "amount": money(sum(e["reimbursable_amount"] for e in on_report)),
                        "currency": CURRENCY,
                        "date": latest,
                        "method": "ACH",
                    }
                )
    return {"employees": employees, "expenses": expenses, "reports": reports, "reimbursements": reimbursements}
