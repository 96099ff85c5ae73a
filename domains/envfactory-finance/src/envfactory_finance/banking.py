"""A person's bank accounts after open-banking APIs: Plaid accounts and transactions, payees, transfers.

Accounts and transactions follow Plaid's ``/accounts/get`` and ``/transactions/get`` (amounts are
positive when money leaves the account, negative when it arrives; recent ones are pending).
Payees (beneficiaries) and transfers follow the UK Open Banking and Plaid Transfer flows: a payee
is checked (ABA routing checksum or IBAN checksum) before it is saved, a transfer is limited per
day and per account type, and a transfer can be cancelled while it is pending or scheduled.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import cents, digits, matches, money, page, parse_date, seed_id
from envfactory_core.models import Provenance

NEW_PAYEE_HOURS = 24
NEW_PAYEE_LIMIT = 1000.00
SAVINGS_MONTHLY_WITHDRAWALS = 6
MAX_DAYS_AHEAD = 90
IBAN_LENGTHS = {"DE": 22, "GB": 22, "IE": 22, "NL": 18, "ES": 24, "PT": 25, "FR": 27, "IT": 27, "SE": 24, "PL": 28}

POLICY = f"""\
Bank rules for payments and transfers:
- Transfers leave checking, savings or currency accounts; credit card accounts cannot send transfers.
- A transfer is in the account's currency, and the payee's account must be in that currency too (the
  bank does not convert currencies).
- Each account has a daily transfer limit: all transfers dated the same day (pending, scheduled or
  posted; not cancelled) together stay within it.
- Savings accounts allow at most {SAVINGS_MONTHLY_WITHDRAWALS} outgoing transfers per calendar month.
- A payee added less than {NEW_PAYEE_HOURS} hours ago can receive at most {NEW_PAYEE_LIMIT:,.2f} per transfer.
- A transfer dated today needs the available balance and is pending until it posts; a transfer can be
  scheduled up to {MAX_DAYS_AHEAD} days ahead (the balance is checked on that day). Pending and scheduled
  transfers can be cancelled; posted ones cannot.
- New payees are checked before they are saved: US accounts need a valid 9-digit ABA routing number and a
  4 to 17 digit account number; other accounts need a valid IBAN. The same account cannot be saved twice.
  A payee with pending or scheduled transfers cannot be removed.
"""

environment = Environment(
    name="banking",
    domain="finance",
    description=(
        "A person's online banking after the Plaid API (accounts, balances, transactions, Transfer) and UK "
        "Open Banking beneficiaries and domestic payments: list accounts and transactions, add, list and "
        "remove payees, send, schedule, list and cancel transfers within daily limits."
    ),
    tables=[
        table(
            "accounts",
            primary_key="account_id",
            account_id=str,
            name=str,
            official_name=str,
            type=str,
            subtype=str,
            mask=str,
            currency=str,
            balance_current=float,
            balance_available=float,
            credit_limit=float | None,
            daily_transfer_limit=float,
            owner_name=str,
            email=str,
        ),
        table(
            "payees",
            primary_key="payee_id",
            payee_id=str,
            name=str,
            email=str | None,
            bank_name=str,
            routing_number=str | None,
            account_number=str | None,
            iban=str | None,
            country=str,
            currency=str,
            status=str,
            created_at=str,
        ),
        table(
            "transfers",
            primary_key="transfer_id",
            transfer_id=str,
            account_id=str,
            payee_id=str,
            name=str,
            amount=float,
            currency=str,
            date=str,
            description=str | None,
            status=str,
            created_at=str,
            cancelled_at=str | None,
        ),
        table(
            "transactions",
            primary_key="transaction_id",
            transaction_id=str,
            account_id=str,
            date=str,
            name=str,
            merchant_name=str | None,
            amount=float,
            currency=str,
            category=str,
            pending=bool,
            payment_channel=str,
            transfer_id=str | None,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source=(
            "Plaid API: /accounts/get, /transactions/get, Transfer (create, cancel, list); "
            "UK Open Banking beneficiaries and domestic payments"
        ),
        url="https://plaid.com/docs/api/",
    ),
)


# --- output records --------------------------------------------------------------------------


class Account(TypedDict):
    """A bank account with its balances and today's transfer allowance.

    Args:
        account_id: The bank account's id.
        name: The account's name, e.g. Everyday Checking.
        subtype: checking, savings, credit card or currency.
        mask: The account number's last four digits.
        currency: ISO 4217 code of the account.
        balance_current: The booked balance (for a credit card: what is owed).
        balance_available: What can be spent or sent now (for a credit card: the credit left).
        daily_transfer_limit: The most that transfers dated one day may add up to.
        transfer_allowance_today: What can still be sent today within the daily limit.
    """

    account_id: str
    name: str
    official_name: str
    type: Literal["depository", "credit"]
    subtype: Literal["checking", "savings", "credit card", "currency"]
    mask: str
    currency: str
    balance_current: float
    balance_available: float
    credit_limit: float | None
    daily_transfer_limit: float
    transfer_allowance_today: float
    owner_name: str
    email: str


class AccountList(TypedDict):
    accounts: list[Account]
    count: int


class Transaction(TypedDict):
    """A booked or pending account transaction.

    Args:
        transaction_id: The transaction's id.
        account_id: The account it belongs to.
        date: The date it was booked (or authorised, when pending).
        name: The description on the statement.
        merchant_name: The merchant, when known.
        amount: Positive when money left the account, negative when it arrived.
        currency: ISO 4217 code.
        category: Spending category, e.g. FOOD_AND_DRINK or TRANSFER_OUT.
        pending: Whether it has not posted yet.
        transfer_id: The transfer that made it, if any.
    """

    transaction_id: str
    account_id: str
    date: str
    name: str
    merchant_name: str | None
    amount: float
    currency: str
    category: str
    pending: bool
    payment_channel: str
    transfer_id: str | None


class TransactionList(TypedDict):
    transactions: list[Transaction]
    total_transactions: int


class Payee(TypedDict):
    """A saved payee (beneficiary) that transfers can be sent to.

    Args:
        payee_id: The payee's id.
        name: The payee's name as the bank shows it.
        email: The payee's email address, for payment notices.
        account_mask: The last four characters of the payee's account number or IBAN.
        currency: ISO 4217 code of the payee's account.
    """

    payee_id: str
    name: str
    email: str | None
    bank_name: str
    account_mask: str
    routing_number: str | None
    country: str
    currency: str
    status: str
    created_at: str


class PayeeList(TypedDict):
    payees: list[Payee]
    count: int


class RemovedPayee(TypedDict):
    payee_id: str
    name: str
    removed: bool


class Transfer(TypedDict):
    """A transfer to a payee.

    Args:
        transfer_id: The bank transfer's id.
        account_id: The account the money leaves.
        payee_id: The payee that receives it.
        name: The payee's name.
        amount: The amount sent, in major units.
        currency: ISO 4217 code.
        date: The day the transfer is made.
        status: pending (today, not yet posted), scheduled (a later date), posted or cancelled.
    """

    transfer_id: str
    account_id: str
    payee_id: str
    name: str
    amount: float
    currency: str
    date: str
    description: str | None
    status: Literal["pending", "scheduled", "posted", "cancelled"]
    created_at: str
    cancelled_at: str | None


class TransferList(TypedDict):
    transfers: list[Transfer]
    count: int


# --- checks ----------------------------------------------------------------------------------


def aba_checksum_ok(routing_number: str) -> bool:
    """The ABA routing number checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10)."""
    if not re.fullmatch(r"\d{9}", routing_number):
        return False
    d = [int(ch) for ch in routing_number]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0


def _iban_number(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text))


def iban_ok(iban: str) -> bool:
    """ISO 13616: the country's length and the mod-97 check."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    return _iban_number(iban[4:] + iban[:4]) % 97 == 1


def make_iban(country: str, bban: str) -> str:
    check = 98 - _iban_number(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def make_routing_number(rng: random.Random) -> str:
    head = rng.choice(("02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "22", "31", "32"))
    body = head + digits(rng, 6)
    d = [int(ch) for ch in body]
    partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5]
    return body + str((10 - partial % 10) % 10)


def _payee(row: dict[str, Any]) -> Payee:
    number = row["iban"] or row["account_number"] or ""
    fields = ("payee_id", "name", "email", "bank_name", "routing_number", "country", "currency", "status", "created_at")
    return {**{key: row[key] for key in fields}, "account_mask": number[-4:]}  # type: ignore[typeddict-item]


def _scheduled_on(ctx: Context, account_id: str, day: str) -> float:
    return money(
        sum(
            t["amount"]
            for t in ctx.table("transfers").find(account_id=account_id, date=day)
            if t["status"] != "cancelled"
        )
    )


def _account(ctx: Context, row: dict[str, Any]) -> Account:
    used = _scheduled_on(ctx, row["account_id"], ctx.today.isoformat())
    allowance = 0.0 if row["type"] == "credit" else money(max(0.0, row["daily_transfer_limit"] - used))
    return {**row, "transfer_allowance_today": allowance}  # type: ignore[typeddict-item]


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def list_accounts(ctx: Context) -> AccountList:
    """List the bank accounts with balances, daily transfer limits and what can still be sent today."""
    rows = [_account(ctx, row) for row in ctx.table("accounts").all(order_by="name")]
    return {"accounts": rows, "count": len(rows)}


@environment.tool(effect="read")
def list_transactions(
    ctx: Context,
    account_id: str,
    start_date: str | None = None,
    end_date: str | None = None,
    query: str | None = None,
    pending: bool | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> TransactionList:
    """List an account's transactions, newest first, optionally between two dates or matching a merchant or description.

    Args:
        account_id: The bank account's id.
        start_date: Only transactions on or after this date, YYYY-MM-DD.
        end_date: Only transactions on or before this date, YYYY-MM-DD.
        query: Words in the description, merchant or category, e.g. "grocer".
        pending: Only pending (true) or only posted (false) transactions.
        limit: At most this many transactions.
        offset: Skip this many transactions (for paging).
    """
    ctx.table("accounts").require(account_id, what="account")
    start = None if start_date is None else parse_date(start_date, "start_date").isoformat()
    end = None if end_date is None else parse_date(end_date, "end_date").isoformat()
    if start and end and start > end:
        raise ToolError(f"start_date {start} is after end_date {end}")
    rows = [
        row
        for row in ctx.table("transactions").find(
            account_id=account_id, order_by=["date", "transaction_id"], descending=True
        )
        if (start is None or row["date"] >= start)
        and (end is None or row["date"] <= end)
        and (pending is None or row["pending"] == pending)
        and matches(query, row["name"], row["merchant_name"], row["category"])
    ]
    return {"transactions": page(rows, limit, offset), "total_transactions": len(rows)}  # type: ignore[arg-type]


@environment.tool(effect="read")
def list_payees(ctx: Context, query: str | None = None) -> PayeeList:
    """List saved payees, optionally only those whose name, email or bank matches the query.

    Args:
        query: Part of the payee's name, email address or bank name.
    """
    rows = [
        _payee(row)
        for row in ctx.table("payees").all(order_by="name")
        if matches(query, row["name"], row["email"], row["bank_name"])
    ]
    return {"payees": rows, "count": len(rows)}


@environment.tool(effect="write")
def add_payee(
    ctx: Context,
    name: Annotated[str, Arg(min_length=1, max_length=70)],
    routing_number: str | None = None,
    account_number: str | None = None,
    iban: str | None = None,
    email: str | None = None,
    bank_name: str | None = None,
) -> Payee:
    """Save a payee: a US account (routing and account number) or an international one (IBAN), after checking it.

    Args:
        name: The payee's name as it should appear, e.g. "Maple Property Management".
        routing_number: The 9-digit ABA routing number of a US account.
        account_number: The US account number (4 to 17 digits).
        iban: The IBAN of a non-US account, e.g. DE89370400440532013000.
        email: The payee's email address, for payment notices.
        bank_name: The payee's bank.
    """
    if iban is not None and (routing_number is not None or account_number is not None):
        raise ToolError("give either iban, or routing_number and account_number, not both")
    if iban is not None:
        code = "".join(iban.split()).upper()
        if not iban_ok(code):
            raise ToolError(f"IBAN {iban!r} is not valid (wrong length for {code[:2]} or failed checksum)")
        details: dict[str, Any] = {
            "routing_number": None,
            "account_number": None,
            "iban": code,
            "country": code[:2],
            "currency": {"GB": "GBP", "SE": "SEK", "PL": "PLN"}.get(code[:2], "EUR"),
        }
        duplicate = ctx.table("payees").first(iban=code)
    else:
        if routing_number is None or account_number is None:
            raise ToolError("a US payee needs routing_number and account_number (or give an iban for a non-US account)")
        routing = routing_number.strip()
        number = account_number.strip()
        if not aba_checksum_ok(routing):
            raise ToolError(f"routing number {routing_number!r} is not a valid 9-digit ABA routing number")
        if not re.fullmatch(r"\d{4,17}", number):
            raise ToolError(f"account number {account_number!r} must be 4 to 17 digits")
        details = {
            "routing_number": routing,
            "account_number": number,
            "iban": None,
            "country": "US",
            "currency": "USD",
        }
        duplicate = ctx.table("payees").first(routing_number=routing, account_number=number)
    if duplicate is not None:
        raise ToolError(f"this account is already saved as payee {duplicate['name']!r} ({duplicate['payee_id']})")
    row = ctx.table("payees").insert(
        {
            "payee_id": ctx.new_id("payee"),
            "name": " ".join(name.split()),
            "email": email.strip().lower() if email else None,
            "bank_name": bank_name or ("US bank" if details["country"] == "US" else f"{details['country']} bank"),
            **details,
            "status": "active",
            "created_at": ctx.now.isoformat(),
        }
    )
    return _payee(row)


@environment.tool(effect="write")
def remove_payee(ctx: Context, payee_id: str) -> RemovedPayee:
    """Remove a saved payee that has no pending or scheduled transfers.

    Args:
        payee_id: The payee's id.
    """
    payee = ctx.table("payees").require(payee_id, what="payee")
    open_transfers = [
        t for t in ctx.table("transfers").find(payee_id=payee_id) if t["status"] in ("pending", "scheduled")
    ]
    if open_transfers:
        shown = ", ".join(f"{t['transfer_id']} on {t['date']}" for t in open_transfers)
        raise ToolError(f"payee {payee['name']} has open transfers ({shown}); cancel them before removing the payee")
    ctx.table("payees").delete(payee_id)
    return {"payee_id": payee_id, "name": payee["name"], "removed": True}


@environment.tool(effect="write")
def create_transfer(
    ctx: Context,
    account_id: str,
    payee_id: str,
    amount: Annotated[float, Arg(minimum=0)],
    currency: Annotated[str, Arg(min_length=3, max_length=3)],
    date: str | None = None,
    description: Annotated[str, Arg(max_length=140)] | None = None,
) -> Transfer:
    """Send money from an account to a saved payee today, or schedule it for a later date.

    Args:
        account_id: The bank account the money leaves.
        payee_id: The payee that receives it.
        amount: The amount to pay in major units, e.g. a bill's or invoice's amount due of 250.00.
        currency: ISO 4217 code of the bill or invoice amount to pay, e.g. USD.
        date: The day to make the transfer, YYYY-MM-DD (default today; at most 90 days ahead).
        description: The reference the payee sees, e.g. "Invoice INV-0042".
    """
    account = ctx.table("accounts").require(account_id, what="account")
    payee = ctx.table("payees").require(payee_id, what="payee")
    if account["type"] == "credit":
        raise ToolError(
            f"{account['name']} is a credit card account; "
            "transfers can only leave checking, savings or currency accounts"
        )
    code = currency.strip().upper()
    if code != account["currency"]:
        raise ToolError(
            f"{account['name']} holds {account['currency']}; "
            f"transfers from it must be in {account['currency']}, not {code}"
        )
    if code != payee["currency"]:
        raise ToolError(
            f"payee {payee['name']} receives {payee['currency']}; "
            f"the bank does not convert {code} to {payee['currency']}"
        )
    value = money(amount)
    if cents(value) <= 0:
        raise ToolError("amount must be greater than 0")
    day = ctx.today if date is None else parse_date(date, "date")
    if day < ctx.today:
        raise ToolError(f"date {day} is in the past; transfers are made today or later")
    if day > ctx.today + timedelta(days=MAX_DAYS_AHEAD):
        raise ToolError(
            f"transfers can be scheduled at most {MAX_DAYS_AHEAD} days ahead "
            f"(until {ctx.today + timedelta(days=MAX_DAYS_AHEAD)})"
        )
    used = _scheduled_on(ctx, account_id, day.isoformat())
    if cents(used + value) > cents(account["daily_transfer_limit"]):
        left = money(max(0.0, account["daily_transfer_limit"] - used))
        raise ToolError(
            f"daily transfer limit of {account['daily_transfer_limit']:,.2f} {code} "
            f"for {account['name']} would be exceeded: "
            f"{used:,.2f} already sent or scheduled on {day}, {left:,.2f} left"
        )
    added = datetime.fromisoformat(payee["created_at"])
    if ctx.now - added < timedelta(hours=NEW_PAYEE_HOURS) and cents(value) > cents(NEW_PAYEE_LIMIT):
        raise ToolError(
            f"payee {payee['name']} was added less than {NEW_PAYEE_HOURS} hours ago and can receive at most "
            f"{NEW_PAYEE_LIMIT:,.2f} per transfer until {(added + timedelta(hours=NEW_PAYEE_HOURS)).isoformat()}"
        )
    if account["subtype"] == "savings":
        month = day.isoformat()[:7]
        count = len(
            [
                t
                for t in ctx.table("transfers").find(account_id=account_id)
                if t["date"][:7] == month and t["status"] != "cancelled"
            ]
        )
        if count >= SAVINGS_MONTHLY_WITHDRAWALS:
            raise ToolError(
                f"{account['name']} already has {count} outgoing transfers in {month}; "
                f"savings accounts allow {SAVINGS_MONTHLY_WITHDRAWALS} a month"
            )
    transfer_id = ctx.new_id("xfer")
    status = "pending" if day == ctx.today else "scheduled"
    if status == "pending":
        if cents(account["balance_available"]) < cents(value):
            raise ToolError(
                f"insufficient funds: {account['name']} has {account['balance_available']:,.2f} {code} available"
            )
        ctx.table("accounts").update(account_id, {"balance_available": money(account["balance_available"] - value)})
        ctx.table("transactions").insert(
            {
                "transaction_id": ctx.new_id("txn"),
                "account_id": account_id,
                "date": day.isoformat(),
                "name": f"TRANSFER TO {payee['name'].upper()}",
                "merchant_name": None,
                "amount": value,
                "currency": code,
                "category": "TRANSFER_OUT",
                "pending": True,
                "payment_channel": "online",
                "transfer_id": transfer_id,
            }
        )
    return ctx.table("transfers").insert(  # type: ignore[return-value]
        {
            "transfer_id": transfer_id,
            "account_id": account_id,
            "payee_id": payee_id,
            "name": payee["name"],
            "amount": value,
            "currency": code,
            "date": day.isoformat(),
            "description": description,
            "status": status,
            "created_at": ctx.now.isoformat(),
            "cancelled_at": None,
        }
    )


@environment.tool(effect="write")
def cancel_transfer(ctx: Context, transfer_id: str) -> Transfer:
    """Cancel a pending or scheduled transfer; a pending one gives its amount back to the available balance.

    Args:
        transfer_id: The bank transfer's id.
    """
    transfer = ctx.table("transfers").require(transfer_id, what="transfer")
    if transfer["status"] == "posted":
        raise ToolError(
            f"transfer {transfer_id} posted on {transfer['date']} and cannot be cancelled; "
            f"ask {transfer['name']} to send the money back"
        )
    if transfer["status"] == "cancelled":
        raise ToolError(f"transfer {transfer_id} was already cancelled")
    if transfer["status"] == "pending":
        account = ctx.table("accounts").require(transfer["account_id"], what="account")
        ctx.table("accounts").update(
            account["account_id"], {"balance_available": money(account["balance_available"] + transfer["amount"])}
        )
        for row in ctx.table("transactions").find(transfer_id=transfer_id, pending=True):
            ctx.table("transactions").delete(row["transaction_id"])
    return ctx.table("transfers").update(transfer_id, {"status": "cancelled", "cancelled_at": ctx.now.isoformat()})  # type: ignore[return-value]


@environment.tool(effect="read")
def list_transfers(
    ctx: Context,
    account_id: str | None = None,
    status: Literal["pending", "scheduled", "posted", "cancelled"] | None = None,
    payee_id: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
) -> TransferList:
    """List transfers, latest date first, by account, payee or status.

    Args:
        account_id: Only transfers leaving this account.
        status: Only transfers in this status.
        payee_id: Only transfers to this payee.
        limit: At most this many transfers.
    """
    filters: dict[str, Any] = {}
    for column, value in (("account_id", account_id), ("status", status), ("payee_id", payee_id)):
        if value is not None:
            filters[column] = value
    rows = ctx.table("transfers").find(order_by=["date", "created_at"], descending=True, **filters)
    return {"transfers": page(rows, limit), "count": len(rows)}  # type: ignore[arg-type]


# --- seed state ------------------------------------------------------------------------------

US_BANKS = (
    "First Harbor Bank",
    "Cedar Valley Credit Union",
    "Summit National Bank",
    "Lakeshore Savings",
    "Prairie Trust Bank",
)
EU_BANKS = {
    "DE": "Nordstadt Bank",
    "NL": "Grachten Bank",
    "GB": "Thistle & Crown Bank",
    "IE": "Liffey Bank",
    "PT": "Banco Atlantico",
    "ES": "Banco del Sol",
    "FR": "Banque du Rhone",
    "IT": "Banca Lombarda",
}
IBAN_BBAN: dict[str, Callable[[random.Random], str]] = {
    "DE": lambda rng: digits(rng, 18),
    "NL": lambda rng: "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + digits(rng, 10),
    "GB": lambda rng: "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + digits(rng, 14),
    "IE": lambda rng: "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + digits(rng, 14),
    "PT": lambda rng: digits(rng, 21),
    "ES": lambda rng: digits(rng, 20),
    "FR": lambda rng: digits(rng, 23),
    "IT": lambda rng: rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + digits(rng, 22),
}
GROCERS = ("Green Basket Grocers", "Harvest Market", "Corner Pantry", "Fresh Fields Co-op")
CAFES = ("Tidewater Coffee", "Bean & Leaf", "Morning Loaf Bakery")
TRANSIT = ("Metro Transit", "CityBike", "Yellow Cab Co")
SHOPS = ("Riverbend Books", "Ember Kitchenware", "Kestrel Outdoor", "Foxglove Florists", "Summit Fitness")
SUBSCRIPTIONS = (
    ("Streamline Music", 10.99),
    ("CloudBox Storage", 2.99),
    ("Daily Ledger News", 14.00),
    ("FitTrack Premium", 8.99),
)
UTILITIES = (("City Power & Light", (60, 140)), ("Bluewater Utilities", (30, 70)), ("Fibrelink Internet", (55, 80)))


def _us_payee(rng: random.Random, name: str, email: str | None, created: datetime) -> dict[str, Any]:
    return {
        "payee_id": seed_id(rng, "payee"),
        "name": name,
        "email": email,
        "bank_name": rng.choice(US_BANKS),
        "routing_number": make_routing_number(rng),
        "account_number": digits(rng, rng.randint(8, 12)),
        "iban": None,
        "country": "US",
        "currency": "USD",
        "status": "active",
        "created_at": created.isoformat(),
    }


def _iban_payee(rng: random.Random, name: str, email: str | None, country: str, created: datetime) -> dict[str, Any]:
    return {
        "payee_id": seed_id(rng, "payee"),
        "name": name,
        "email": email,
        "bank_name": EU_BANKS[country],
        "routing_number": None,
        "account_number": None,
        "iban": make_iban(country, IBAN_BBAN[country](rng)),
        "country": country,
        "currency": "GBP" if country == "GB" else "EUR",
        "status": "active",
        "created_at": created.isoformat(),
    }


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    today: date = now.date()
    people = fake.residents(ctx, max(4, ctx.size // 2 + 2))
    owner = people[0].person
    accounts: list[dict[str, Any]] = [
        {
            "account_id": seed_id(rng, "acc"),
            "name": "Everyday Checking",
            "official_name": "Everyday Checking Account",
            "type": "depository",
            "subtype": "checking",
            "mask": digits(rng, 4),
            "currency": "USD",
            "balance_current": fake.amount(rng, 1800, 9500),
            "balance_available": 0.0,
            "credit_limit": None,
            "daily_transfer_limit": rng.choice((5000.0, 7500.0, 10000.0)),
        },
        {
            "account_id": seed_id(rng, "acc"),
            "name": "High-Yield Savings",
            "official_name": "High-Yield Savings 4.10% APY",
            "type": "depository",
            "subtype": "savings",
            "mask": digits(rng, 4),
            "currency": "USD",
            "balance_current": fake.amount(rng, 4000, 42000),
            "balance_available": 0.0,
            "credit_limit": None,
            "daily_transfer_limit": rng.choice((2500.0, 5000.0)),
        },
        {
            "account_id": seed_id(rng, "acc"),
            "name": "Rewards Visa",
            "official_name": "Rewards Visa Signature Card",
            "type": "credit",
            "subtype": "credit card",
            "mask": digits(rng, 4),
            "currency": "USD",
            "balance_current": 0.0,
            "balance_available": 0.0,
            "credit_limit": rng.choice((5000.0, 8000.0, 12000.0)),
            "daily_transfer_limit": 0.0,
        },
    ]
    if rng.random() < 0.5 or ctx.size >= 15:
        accounts.append(
            {
                "account_id": seed_id(rng, "acc"),
                "name": "Euro Wallet",
                "official_name": "Multi-Currency Account (EUR)",
                "type": "depository",
                "subtype": "currency",
                "mask": digits(rng, 4),
                "currency": "EUR",
                "balance_current": fake.amount(rng, 600, 5200),
                "balance_available": 0.0,
                "credit_limit": None,
                "daily_transfer_limit": 3000.0,
            }
        )
    for account in accounts:
        account["owner_name"] = owner.full_name
        account["email"] = owner.email
    checking, savings, card = accounts[0], accounts[1], accounts[2]
    payees = [
        _us_payee(
            rng,
            rng.choice(("Maple Property Management", "Oakridge Apartments LLC", "Harbor Lofts Leasing")),
            None,
            now - timedelta(days=400),
        ),
        _us_payee(rng, rng.choice(UTILITIES)[0], None, now - timedelta(days=300)),
    ]
    for friend in people[1 : 1 + max(2, ctx.size // 4)]:
        person = friend.person
        created = now - timedelta(days=rng.randint(20, 500))
        country = person.city.country_code
        if country in IBAN_BBAN:
            payees.append(_iban_payee(rng, person.full_name, person.email, country, created))
        else:
            payees.append(_us_payee(rng, person.full_name, person.email, created))
    newcomer = people[-1].person
    payees.append(
        _us_payee(
            rng,
            f"{newcomer.first_name} {newcomer.last_name}",
            newcomer.email,
            now - timedelta(hours=rng.randint(2, 20)),
        )
    )
    transactions: list[dict[str, Any]] = []
    transfers: list[dict[str, Any]] = []

    def add(
        account: dict[str, Any],
        day: date,
        name: str,
        amount: float,
        category: str,
        merchant: str | None = None,
        channel: str = "in store",
        transfer_id: str | None = None,
    ) -> None:
        transactions.append(
            {
                "transaction_id": seed_id(rng, "txn"),
                "account_id": account["account_id"],
                "date": day.isoformat(),
                "name": name,
                "merchant_name": merchant,
                "amount": money(amount),
                "currency": account["currency"],
                "category": category,
                "pending": (today - day).days <= 1 and category != "INCOME",
                "payment_channel": channel,
                "transfer_id": transfer_id,
            }
        )

    employer = fake.company(rng)
    start = today - timedelta(days=45)
    payday = start + timedelta(days=rng.randint(0, 13))
    while payday <= today:
        add(checking, payday, f"{employer.upper()} PAYROLL", -fake.amount(rng, 2100, 3900), "INCOME", employer, "other")
        payday += timedelta(days=14)
    for day_offset in range(46):
        day = start + timedelta(days=day_offset)
        if rng.random() < 0.3:
            shop = rng.choice(GROCERS)
            add(rng.choice((checking, card)), day, shop.upper(), fake.amount(rng, 18, 140), "FOOD_AND_DRINK", shop)
        if rng.random() < 0.35:
            cafe = rng.choice(CAFES)
            add(card, day, cafe.upper(), fake.amount(rng, 3, 16), "FOOD_AND_DRINK", cafe)
        if rng.random() < 0.2:
            ride = rng.choice(TRANSIT)
            add(
                card,
                day,
                ride.upper(),
                fake.amount(rng, 2, 35),
                "TRANSPORTATION",
                ride,
                "online" if ride == "CityBike" else "in store",
            )
        if rng.random() < 0.12:
            shop = rng.choice(SHOPS)
            add(
                card,
                day,
                shop.upper(),
                fake.amount(rng, 15, 220),
                "GENERAL_MERCHANDISE",
                shop,
                rng.choice(("online", "in store")),
            )
        if day.day == 1:
            landlord = payees[0]
            transfer_id = seed_id(rng, "xfer")
            rent = float(rng.randrange(1400, 2600, 25))
            transfers.append(
                {
                    "transfer_id": transfer_id,
                    "account_id": checking["account_id"],
                    "payee_id": landlord["payee_id"],
                    "name": landlord["name"],
                    "amount": rent,
                    "currency": "USD",
                    "date": day.isoformat(),
                    "description": f"Rent {day.strftime('%B %Y')}",
                    "status": "posted",
                    "created_at": (now - timedelta(days=(today - day).days + 2)).isoformat(),
                    "cancelled_at": None,
                }
            )
            add(
                checking,
                day,
                f"TRANSFER TO {landlord['name'].upper()}",
                rent,
                "TRANSFER_OUT",
                None,
                "online",
                transfer_id,
            )
            utility, (low, high) = rng.choice(UTILITIES)
            add(
                checking,
                day + timedelta(days=rng.randint(2, 6)),
                f"{utility.upper()} AUTOPAY",
                fake.amount(rng, low, high),
                "RENT_AND_UTILITIES",
                utility,
                "online",
            )
        if day.day in (5, 12, 20):
            service, price = rng.choice(SUBSCRIPTIONS)
            add(card, day, service.upper(), price, "ENTERTAINMENT", service, "online")
    transactions = [t for t in transactions if t["date"] <= today.isoformat()]
    add(
        savings,
        today.replace(day=1) - timedelta(days=1),
        "INTEREST PAYMENT",
        -fake.amount(rng, 8, 120, step=0.01),
        "INCOME",
        None,
        "other",
    )
    friends = [p for p in payees[2:-1] if p["currency"] == "USD"]
    for payee in rng.sample(friends, min(len(friends), 2)):
        day = fake.date_between(rng, today - timedelta(days=30), today - timedelta(days=3))
        transfer_id = seed_id(rng, "xfer")
        amount = float(rng.randrange(20, 400, 5))
        transfers.append(
            {
                "transfer_id": transfer_id,
                "account_id": checking["account_id"],
                "payee_id": payee["payee_id"],
                "name": payee["name"],
                "amount": amount,
                "currency": "USD",
                "date": day.isoformat(),
                "description": rng.choice(("Dinner split", "Concert tickets", "Birthday gift", "Cabin weekend")),
                "status": "posted",
                "created_at": f"{day.isoformat()}T18:30:00+00:00",
                "cancelled_at": None,
            }
        )
        add(checking, day, f"TRANSFER TO {payee['name'].upper()}", amount, "TRANSFER_OUT", None, "online", transfer_id)
    next_first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    landlord = payees[0]
    transfers.append(
        {
            "transfer_id": seed_id(rng, "xfer"),
            "account_id": checking["account_id"],
            "payee_id": landlord["payee_id"],
            "name": landlord["name"],
            "amount": next((t["amount"] for t in transfers if t["payee_id"] == landlord["payee_id"]), 1800.0),
            "currency": "USD",
            "date": next_first.isoformat(),
            "description": f"Rent {next_first.strftime('%B %Y')}",
            "status": "scheduled",
            "created_at": (now - timedelta(days=rng.randint(1, 6))).isoformat(),
            "cancelled_at": None,
        }
    )
    pending_out: dict[str, float] = {}
    for row in transactions:
        if row["pending"] and row["amount"] > 0:
            pending_out[row["account_id"]] = pending_out.get(row["account_id"], 0.0) + row["amount"]
    card["balance_current"] = money(
        sum(t["amount"] for t in transactions if t["account_id"] == card["account_id"] and not t["pending"])
        + fake.amount(rng, 0, 600)
    )
    for account in accounts:
        if account["type"] == "credit":
            account["balance_available"] = money(
                account["credit_limit"] - account["balance_current"] - pending_out.get(account["account_id"], 0.0)
            )
        else:
            account["balance_available"] = money(
                account["balance_current"] - pending_out.get(account["account_id"], 0.0)
            )
    return {"accounts": accounts, "payees": payees, "transfers": transfers, "transactions": transactions}
