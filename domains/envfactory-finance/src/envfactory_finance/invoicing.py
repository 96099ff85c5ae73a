"""A small business's accounts receivable and payable after the Xero Accounting and QuickBooks Online APIs.

Contacts are customers and suppliers. Sales invoices go draft → authorised (approved and sent)
→ paid, with payments recorded against them; they can be voided while unpaid (a draft is deleted).
Supplier bills go submitted (awaiting approval) → authorised → paid. The organisation keeps its
books in USD and invoices in a handful of currencies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import cents, matches, money, page, parse_date, seed_id
from envfactory_core.models import Provenance

ORGANISATION = "Copperleaf Design Studio"
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD")
MAX_TAX_RATE = 30.0

POLICY = f"""\
Accounting rules ({ORGANISATION}, Xero-style ledger):
- Contact names are unique. Invoices are in USD, EUR, GBP, CAD or AUD; an invoice's currency defaults
  to the contact's currency.
- An invoice needs at least one line with a positive quantity; its due date defaults to the invoice date
  plus the contact's payment terms and can never be before the invoice date.
- New invoices are drafts. Sending a draft approves it (status authorised) and emails it to the
  contact; paid, voided and deleted invoices are not sent.
- Payments are recorded only on authorised invoices, in the invoice's currency, for at most the amount
  due, dated no earlier than the invoice and not in the future. An invoice whose amount due reaches zero
  is paid.
- Voiding: a draft invoice is deleted; an authorised invoice without payments is voided; an invoice
  with payments cannot be voided (remove the payments first) and a paid invoice never.
- Supplier bills awaiting approval (submitted) must be approved before they are paid. Bill payments
  follow the invoice payment rules.
"""

environment = Environment(
    name="invoicing",
    domain="finance",
    description=(
        "A small business's invoicing and bills after the Xero Accounting API (and QuickBooks Online): contacts, "
        "sales invoices (create, send, void), payments received against invoices, supplier bills (approve, pay)."
    ),
    tables=[
        table(
            "contacts",
            primary_key="contact_id",
            contact_id=str,
            name=str,
            email=str,
            phone=str | None,
            city=str | None,
            country=str | None,
            is_customer=bool,
            is_supplier=bool,
            currency=str,
            payment_terms_days=int,
            created_at=str,
        ),
        table(
            "invoices",
            primary_key="invoice_id",
            invoice_id=str,
            invoice_number=str,
            contact_id=str,
            name=str,
            email=str,
            date=str,
            due_date=str,
            line_items=list,
            subtotal=float,
            tax_rate=float,
            tax=float,
            amount=float,
            amount_paid=float,
            amount_due=float,
            currency=str,
            status=str,
            sent=bool,
            reference=str | None,
            created_at=str,
        ),
        table(
            "bills",
            primary_key="bill_id",
            bill_id=str,
            bill_number=str,
            contact_id=str,
            name=str,
            description=str,
            date=str,
            due_date=str,
            amount=float,
            amount_paid=float,
            amount_due=float,
            currency=str,
            status=str,
            created_at=str,
        ),
        table(
            "invoice_payments",
            primary_key="invoice_payment_id",
            invoice_payment_id=str,
            invoice_id=str,
            amount=float,
            currency=str,
            date=str,
            payment_id=str | None,
            created_at=str,
        ),
        table(
            "bill_payments",
            primary_key="bill_payment_id",
            bill_payment_id=str,
            bill_id=str,
            amount=float,
            currency=str,
            date=str,
            transfer_id=str | None,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source=(
            "Xero Accounting API: Contacts, Invoices (ACCREC and ACCPAY), Payments; "
            "QuickBooks Online Invoice and Payment"
        ),
        url="https://developer.xero.com/documentation/api/accounting/overview",
    ),
)


# --- output records --------------------------------------------------------------------------


class Contact(TypedDict):
    """A customer or supplier in the ledger.

    Args:
        contact_id: The ledger contact's id.
        name: The contact's unique name (a company or a person).
        email: The contact's email address (invoices are sent there).
        currency: The contact's default invoice currency (ISO 4217).
        payment_terms_days: Days after the invoice date that payment is due.
        outstanding: What the contact owes on authorised invoices, in each currency's units.
    """

    contact_id: str
    name: str
    email: str
    phone: str | None
    city: str | None
    country: str | None
    is_customer: bool
    is_supplier: bool
    currency: str
    payment_terms_days: int
    outstanding: float
    created_at: str


class ContactList(TypedDict):
    contacts: list[Contact]
    count: int


class LineItem(TypedDict):
    """An invoice line.

    Args:
        description: What was sold.
        quantity: How many units.
        unit_price: Price per unit before tax.
        amount: quantity x unit_price.
    """

    description: str
    quantity: float
    unit_price: float
    amount: float


class LineItemInput(TypedDict):
    """A line to put on an invoice.

    Args:
        description: What is being sold, e.g. "Logo design, 3 concepts".
        quantity: How many units (may be fractional, e.g. 2.5 hours).
        unit_price: Price per unit before tax.
    """

    description: str
    quantity: float
    unit_price: float


class InvoicePayment(TypedDict):
    """A payment received against an invoice.

    Args:
        invoice_payment_id: The recorded payment's id in the ledger.
        payment_id: The payment processor's payment id it came from, if recorded.
    """

    invoice_payment_id: str
    invoice_id: str
    amount: float
    currency: str
    date: str
    payment_id: str | None
    created_at: str


class Invoice(TypedDict):
    """A sales invoice.

    Args:
        invoice_id: The invoice's id.
        invoice_number: The number printed on the invoice, e.g. INV-0042.
        contact_id: The customer's ledger contact id.
        name: The customer's name.
        email: The customer's email address, where the invoice is sent.
        date: The invoice date.
        due_date: The date payment is due.
        amount: The invoice total to pay, tax included.
        amount_due: What is still due to pay on the invoice.
        currency: ISO 4217 code of the invoice amount to pay.
        status: draft, authorised (approved, awaiting payment), paid, voided or deleted.
        sent: Whether the invoice was emailed to the customer.
    """

    invoice_id: str
    invoice_number: str
    contact_id: str
    name: str
    email: str
    date: str
    due_date: str
    line_items: list[LineItem]
    subtotal: float
    tax_rate: float
    tax: float
    amount: float
    amount_paid: float
    amount_due: float
    currency: str
    status: Literal["draft", "authorised", "paid", "voided", "deleted"]
    sent: bool
    reference: str | None
    is_overdue: bool
    created_at: str
    payments: list[InvoicePayment]


class InvoiceList(TypedDict):
    invoices: list[Invoice]
    count: int
    total_due: float


class BillPayment(TypedDict):
    """A payment made on a bill.

    Args:
        bill_payment_id: The bill payment's id in the ledger.
        transfer_id: The bank transfer that paid it, if recorded.
    """

    bill_payment_id: str
    bill_id: str
    amount: float
    currency: str
    date: str
    transfer_id: str | None
    created_at: str


class Bill(TypedDict):
    """A supplier's bill to pay.

    Args:
        bill_id: The bill's id.
        bill_number: The supplier's invoice number.
        name: The supplier's name (the payee).
        amount: The bill total to pay the supplier.
        amount_due: What is still due to pay on the bill.
        currency: ISO 4217 code of the bill amount to pay.
        due_date: The date payment is due.
        status: submitted (awaiting approval), authorised (awaiting payment), paid or voided.
    """

    bill_id: str
    bill_number: str
    contact_id: str
    name: str
    description: str
    date: str
    due_date: str
    amount: float
    amount_paid: float
    amount_due: float
    currency: str
    status: Literal["submitted", "authorised", "paid", "voided"]
    is_overdue: bool
    created_at: str
    payments: list[BillPayment]


class BillList(TypedDict):
    bills: list[Bill]
    count: int


# --- helpers ---------------------------------------------------------------------------------


def _contact(ctx: Context, row: dict[str, Any]) -> Contact:
    owed = sum(i["amount_due"] for i in ctx.table("invoices").find(contact_id=row["contact_id"], status="authorised"))
    return {**row, "outstanding": money(owed)}  # type: ignore[typeddict-item]


def _invoice(ctx: Context, row: dict[str, Any]) -> Invoice:
    overdue = row["status"] == "authorised" and row["due_date"] < ctx.today.isoformat() and row["amount_due"] > 0
    payments = ctx.table("invoice_payments").find(invoice_id=row["invoice_id"], order_by="date")
    return {**row, "is_overdue": overdue, "payments": payments}  # type: ignore[typeddict-item]


def _bill(ctx: Context, row: dict[str, Any]) -> Bill:
    overdue = row["status"] == "authorised" and row["due_date"] < ctx.today.isoformat()
    payments = ctx.table("bill_payments").find(bill_id=row["bill_id"], order_by="date")
    return {**row, "is_overdue": overdue, "payments": payments}  # type: ignore[typeddict-item]


def _payment_date(ctx: Context, value: str | None, earliest: str, what: str) -> str:
    paid_on = ctx.today if value is None else parse_date(value, "date")
    if paid_on > ctx.today:
        raise ToolError(f"date {paid_on} is in the future; record payments on or before {ctx.today}")
    if paid_on.isoformat() < earliest:
        raise ToolError(f"date {paid_on} is before the {what} date {earliest}")
    return paid_on.isoformat()


def _check_amount(amount: float, due: float, currency: str, what: str) -> float:
    value = money(amount)
    if cents(value) <= 0:
        raise ToolError("amount must be greater than 0")
    if cents(value) > cents(due):
        raise ToolError(f"amount {value:.2f} is more than the {due:.2f} {currency} due on {what}")
    return value


def _after_payment(document: dict[str, Any], value: float) -> dict[str, Any]:
    """An invoice's or bill's amounts after a payment of ``value``, and its status once nothing is due."""
    due = money(document["amount_due"] - value)
    changes: dict[str, Any] = {"amount_paid": money(document["amount_paid"] + value), "amount_due": due}
    if cents(due) == 0:
        changes["status"] = "paid"
    return changes


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_contacts(
    ctx: Context,
    query: str | None = None,
    kind: Literal["customer", "supplier"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> ContactList:
    """Find customers or suppliers by name, email or city, with what each owes on open invoices.

    Args:
        query: Part of the contact's name, email address or city; leave out to list all.
        kind: Only customers or only suppliers.
        limit: At most this many contacts.
    """
    found = [
        _contact(ctx, row)
        for row in ctx.table("contacts").all(order_by="name")
        if matches(query, row["name"], row["email"], row["city"])
        and (kind is None or (row["is_customer"] if kind == "customer" else row["is_supplier"]))
    ]
    return {"contacts": page(found, limit), "count": len(found)}


@environment.tool(effect="write")
def create_contact(
    ctx: Context,
    name: Annotated[str, Arg(min_length=1, max_length=255)],
    email: Annotated[str, Arg(format="email")],
    is_supplier: bool = False,
    phone: str | None = None,
    city: str | None = None,
    country: Annotated[str, Arg(pattern="^[A-Z]{2}$")] | None = None,
    currency: Literal["USD", "EUR", "GBP", "CAD", "AUD"] = "USD",
    payment_terms_days: Annotated[int, Arg(minimum=0, maximum=120)] = 30,
) -> Contact:
    """Add a customer (or, with is_supplier, a supplier); contact names must be unique.

    Args:
        name: The contact's name: a company or a person.
        email: The contact's email address.
        is_supplier: True for a supplier whose bills you pay; false for a customer you invoice.
        phone: The contact's phone number.
        city: The contact's city.
        country: The contact's country, ISO 3166 alpha-2 code.
        currency: The contact's default invoice currency.
        payment_terms_days: Days after the invoice date that payment is due (e.g. 30 for net 30).
    """
    clean = " ".join(name.split())
    for row in ctx.table("contacts").all():
        if row["name"].casefold() == clean.casefold():
            raise ToolError(
                f"a contact named {row['name']!r} already exists ({row['contact_id']}); contact names are unique"
            )
    row = ctx.table("contacts").insert(
        {
            "contact_id": ctx.new_id("con"),
            "name": clean,
            "email": email.strip().lower(),
            "phone": phone,
            "city": city,
            "country": country,
            "is_customer": not is_supplier,
            "is_supplier": is_supplier,
            "currency": currency,
            "payment_terms_days": payment_terms_days,
            "created_at": ctx.now.isoformat(),
        }
    )
    return _contact(ctx, row)


@environment.tool(effect="read")
def list_invoices(
    ctx: Context,
    contact_id: str | None = None,
    status: Literal["draft", "authorised", "paid", "voided", "deleted"] | None = None,
    overdue_only: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> InvoiceList:
    """List sales invoices, newest first, by customer, status or only overdue ones, with the total still due.

    Args:
        contact_id: Only this customer's invoices.
        status: Only invoices in this status.
        overdue_only: Only authorised invoices past their due date with money still owed.
        limit: At most this many invoices.
        offset: Skip this many invoices (for paging).
    """
    filters: dict[str, Any] = {}
    if contact_id is not None:
        filters["contact_id"] = contact_id
    if status is not None:
        filters["status"] = status
    rows = [
        _invoice(ctx, row)
        for row in ctx.table("invoices").find(order_by=["date", "invoice_number"], descending=True, **filters)
    ]
    if overdue_only:
        rows = [row for row in rows if row["is_overdue"]]
    total_due = money(sum(row["amount_due"] for row in rows if row["status"] == "authorised"))
    return {"invoices": page(rows, limit, offset), "count": len(rows), "total_due": total_due}


@environment.tool(effect="read")
def get_invoice(ctx: Context, invoice_id: str) -> Invoice:
    """Get one invoice with its lines, totals, status and the payments recorded against it.

    Args:
        invoice_id: The invoice's id.
    """
    return _invoice(ctx, ctx.table("invoices").require(invoice_id, what="invoice"))


@environment.tool(effect="write")
def create_invoice(
    ctx: Context,
    contact_id: str,
    line_items: Annotated[
        list[LineItemInput], Arg(description="The invoice lines: description, quantity and unit price.")
    ],
    date: str | None = None,
    due_date: str | None = None,
    currency: Literal["USD", "EUR", "GBP", "CAD", "AUD"] | None = None,
    tax_rate: Annotated[float, Arg(minimum=0, maximum=MAX_TAX_RATE)] = 0.0,
    reference: str | None = None,
) -> Invoice:
    """Create a draft sales invoice for a customer; send it with send_invoice.

    Args:
        contact_id: The customer's ledger contact id.
        line_items: The invoice lines: description, quantity and unit price.
        date: The invoice date, YYYY-MM-DD (default today).
        due_date: When payment is due, YYYY-MM-DD (default: date plus the contact's payment terms).
        currency: The invoice currency (default: the contact's currency).
        tax_rate: Sales tax in percent applied to the subtotal, e.g. 8.25.
        reference: The customer's purchase order number or another reference.
    """
    contact = ctx.table("contacts").require(contact_id, what="contact")
    if not contact["is_customer"]:
        raise ToolError(
            f"{contact['name']} is a supplier; invoices are issued to customers (record their bills instead)"
        )
    if not line_items:
        raise ToolError("line_items is empty: give at least one line with description, quantity and unit_price")
    issued = ctx.today if date is None else parse_date(date, "date")
    due = (
        issued + timedelta(days=contact["payment_terms_days"]) if due_date is None else parse_date(due_date, "due_date")
    )
    if due < issued:
        raise ToolError(f"due_date {due} is before the invoice date {issued}")
    lines: list[LineItem] = []
    for index, item in enumerate(line_items):
        if not item["description"].strip():
            raise ToolError(f"line {index + 1} has no description")
        if item["quantity"] <= 0:
            raise ToolError(f"line {index + 1} ({item['description']}) needs a quantity greater than 0")
        if item["unit_price"] < 0:
            raise ToolError(f"line {index + 1} ({item['description']}) has a negative unit price")
        quantity = round(float(item["quantity"]), 4)
        unit_price = money(item["unit_price"])
        amount = money(quantity * unit_price)
        lines.append(
            {
                "description": item["description"].strip(),
                "quantity": quantity,
                "unit_price": unit_price,
                "amount": amount,
            }
        )
    subtotal = money(sum(line["amount"] for line in lines))
    if cents(subtotal) <= 0:
        raise ToolError("the invoice total must be greater than 0")
    tax = money(subtotal * tax_rate / 100)
    total = money(subtotal + tax)
    number = max((int(row["invoice_number"].split("-")[1]) for row in ctx.table("invoices").all()), default=0) + 1
    row = ctx.table("invoices").insert(
        {
            "invoice_id": ctx.new_id("inv"),
            "invoice_number": f"INV-{number:04d}",
            "contact_id": contact_id,
            "name": contact["name"],
            "email": contact["email"],
            "date": issued.isoformat(),
            "due_date": due.isoformat(),
            "line_items": lines,
            "subtotal": subtotal,
            "tax_rate": float(tax_rate),
            "tax": tax,
            "amount": total,
            "amount_paid": 0.0,
            "amount_due": total,
            "currency": currency or contact["currency"],
            "status": "draft",
            "sent": False,
            "reference": reference,
            "created_at": ctx.now.isoformat(),
        }
    )
    return _invoice(ctx, row)


@environment.tool(effect="write")
def send_invoice(ctx: Context, invoice_id: str) -> Invoice:
    """Approve a draft invoice and email it to the customer (or email an approved invoice again).

    Args:
        invoice_id: The invoice's id.
    """
    invoice = ctx.table("invoices").require(invoice_id, what="invoice")
    if invoice["status"] not in ("draft", "authorised"):
        raise ToolError(f"invoice {invoice['invoice_number']} is {invoice['status']} and cannot be sent")
    return _invoice(ctx, ctx.table("invoices").update(invoice_id, {"status": "authorised", "sent": True}))


@environment.tool(effect="write")
def void_invoice(ctx: Context, invoice_id: str) -> Invoice:
    """Cancel an unpaid invoice: a draft is deleted, an approved invoice without payments is voided.

    Args:
        invoice_id: The invoice's id.
    """
    invoice = ctx.table("invoices").require(invoice_id, what="invoice")
    number = invoice["invoice_number"]
    if invoice["status"] in ("voided", "deleted"):
        raise ToolError(f"invoice {number} is already {invoice['status']}")
    if invoice["status"] == "paid":
        raise ToolError(f"invoice {number} is paid and cannot be voided")
    if cents(invoice["amount_paid"]) > 0:
        raise ToolError(
            f"invoice {number} has payments of {invoice['amount_paid']:.2f} {invoice['currency']}; "
            "remove the payments before voiding it"
        )
    status = "deleted" if invoice["status"] == "draft" else "voided"
    return _invoice(ctx, ctx.table("invoices").update(invoice_id, {"status": status, "amount_due": 0.0}))


@environment.tool(effect="write")
def record_payment(
    ctx: Context,
    invoice_id: str,
    amount: Annotated[float, Arg(minimum=0)],
    date: str | None = None,
    payment_id: str | None = None,
) -> Invoice:
    """Record money received against an approved invoice; the invoice is paid once nothing is due.

    Args:
        invoice_id: The invoice's id.
        amount: Amount received, in the invoice's currency.
        date: When it was received, YYYY-MM-DD (default today).
        payment_id: The payment processor's payment id the money came from (e.g. a card payment), kept as the reference.
    """
    invoice = ctx.table("invoices").require(invoice_id, what="invoice")
    number = invoice["invoice_number"]
    if invoice["status"] == "draft":
        raise ToolError(f"invoice {number} is a draft; send (approve) it before recording payments")
    if invoice["status"] != "authorised":
        raise ToolError(f"invoice {number} is {invoice['status']}; payments are recorded only on authorised invoices")
    value = _check_amount(amount, invoice["amount_due"], invoice["currency"], f"invoice {number}")
    paid_on = _payment_date(ctx, date, invoice["date"], "invoice")
    ctx.table("invoice_payments").insert(
        {
            "invoice_payment_id": ctx.new_id("ipay"),
            "invoice_id": invoice_id,
            "amount": value,
            "currency": invoice["currency"],
            "date": paid_on,
            "payment_id": payment_id,
            "created_at": ctx.now.isoformat(),
        }
    )
    return _invoice(ctx, ctx.table("invoices").update(invoice_id, _after_payment(invoice, value)))


@environment.tool(effect="read")
def list_bills(
    ctx: Context,
    status: Literal["submitted", "authorised", "paid", "voided"] | None = None,
    contact_id: str | None = None,
    due_before: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> BillList:
    """List supplier bills by due date, by status, supplier or due date.

    Args:
        status: Only bills in this status (submitted bills await approval; authorised ones await payment).
        contact_id: Only this supplier's bills.
        due_before: Only bills due on or before this date, YYYY-MM-DD.
        limit: At most this many bills.
    """
    filters: dict[str, Any] = {}
    if status is not None:
        filters["status"] = status
    if contact_id is not None:
        filters["contact_id"] = contact_id
    cutoff = None if due_before is None else parse_date(due_before, "due_before").isoformat()
    rows = [
        _bill(ctx, row)
        for row in ctx.table("bills").find(order_by=["due_date", "bill_id"], **filters)
        if cutoff is None or row["due_date"] <= cutoff
    ]
    return {"bills": page(rows, limit), "count": len(rows)}


@environment.tool(effect="write")
def approve_bill(ctx: Context, bill_id: str) -> Bill:
    """Approve a supplier bill that awaits approval, so that it can be paid.

    Args:
        bill_id: The bill's id.
    """
    bill = ctx.table("bills").require(bill_id, what="bill")
    if bill["status"] != "submitted":
        raise ToolError(
            f"bill {bill['bill_number']} is {bill['status']}; only bills awaiting approval (submitted) can be approved"
        )
    return _bill(ctx, ctx.table("bills").update(bill_id, {"status": "authorised"}))


@environment.tool(effect="write")
def pay_bill(
    ctx: Context,
    bill_id: str,
    amount: Annotated[float, Arg(minimum=0)],
    date: str | None = None,
    transfer_id: str | None = None,
) -> Bill:
    """Record a payment of an approved supplier bill; the bill is paid once nothing is due.

    Args:
        bill_id: The bill's id.
        amount: Amount paid, in the bill's currency.
        date: When it was paid, YYYY-MM-DD (default today).
        transfer_id: The bank transfer that paid the bill, kept as the reference.
    """
    bill = ctx.table("bills").require(bill_id, what="bill")
    number = bill["bill_number"]
    if bill["status"] == "submitted":
        raise ToolError(f"bill {number} from {bill['name']} awaits approval; approve it before paying")
    if bill["status"] != "authorised":
        raise ToolError(f"bill {number} is {bill['status']}; only authorised bills can be paid")
    value = _check_amount(amount, bill["amount_due"], bill["currency"], f"bill {number}")
    paid_on = _payment_date(ctx, date, bill["date"], "bill")
    ctx.table("bill_payments").insert(
        {
            "bill_payment_id": ctx.new_id("bpay"),
            "bill_id": bill_id,
            "amount": value,
            "currency": bill["currency"],
            "date": paid_on,
            "transfer_id": transfer_id,
            "created_at": ctx.now.isoformat(),
        }
    )
    return _bill(ctx, ctx.table("bills").update(bill_id, _after_payment(bill, value)))


# --- seed state ------------------------------------------------------------------------------

SERVICES = (
    ("Brand identity workshop", "hours", (95, 140)),
    ("Logo design, three concepts", "project", (900, 1800)),
    ("Website design, per page", "page", (250, 450)),
    ("Illustration, full page", "piece", (300, 650)),
    ("Packaging design revision", "hours", (85, 120)),
    ("Photography day rate", "day", (800, 1400)),
    ("Print production management", "hours", (70, 95)),
    ("Social media template pack", "pack", (350, 600)),
)
SUPPLIERS = (
    ("Nimbus Cloudworks", "Cloud hosting and storage", (120, 480)),
    ("Atlas Freight", "Courier of print proofs", (60, 240)),
    ("Granite Legal", "Contract review", (400, 1600)),
    ("Tidewater Coffee", "Office coffee subscription", (45, 120)),
    ("Juniper Software", "Design software licences", (300, 900)),
    ("Harborview Logistics", "Warehouse storage of samples", (150, 420)),
    ("Brightline Studio", "Freelance motion design", (800, 2400)),
)
QUARTERS = ("00", "15", "30", "45")
CUSTOMER_COMPANIES = (
    "Northwind Traders", "Bluefin Analytics", "Lumen Labs", "Kestrel Outdoor", "Mosaic Health", "Pinecrest Foods",
    "Riverbend Books", "Solstice Energy", "Willow & Co", "Orbit Robotics", "Meridian Travel", "Summit Fitness",
)  # fmt: skip


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    today = now.date()
    contacts: list[dict[str, Any]] = []
    for company in rng.sample(CUSTOMER_COMPANIES, max(2, ctx.size // 3)):
        home = fake.city(rng)
        contacts.append(
            {
                "contact_id": seed_id(rng, "con"),
                "name": company,
                "email": f"accounts@{fake.slug(company)}.example.com",
                "phone": fake.phone(rng, home.country_code),
                "city": home.name,
                "country": home.country_code,
                "is_customer": True,
                "is_supplier": False,
                "currency": home.currency if home.currency in CURRENCIES else "USD",
                "payment_terms_days": rng.choice((14, 30, 30, 45)),
                "created_at": fake.datetime_between(
                    rng, now - timedelta(days=900), now - timedelta(days=120)
                ).isoformat(),
            }
        )
    for resident in fake.residents(ctx, max(2, ctx.size // 2)):
        person = resident.person
        if any(c["name"] == person.full_name for c in contacts):
            continue  # contact names are unique
        contacts.append(
            {
                "contact_id": seed_id(rng, "con"),
                "name": person.full_name,
                "email": person.email,
                "phone": person.phone,
                "city": resident.city,
                "country": resident.country,
                "is_customer": True,
                "is_supplier": False,
                "currency": person.city.currency if person.city.currency in CURRENCIES else "USD",
                "payment_terms_days": rng.choice((7, 14, 30)),
                "created_at": fake.datetime_between(
                    rng, now - timedelta(days=600), now - timedelta(days=90)
                ).isoformat(),
            }
        )
    suppliers = rng.sample(SUPPLIERS, max(2, min(len(SUPPLIERS), ctx.size // 2)))
    for company, _what, _range in suppliers:
        contacts.append(
            {
                "contact_id": seed_id(rng, "con"),
                "name": company,
                "email": f"billing@{fake.slug(company)}.example.com",
                "phone": fake.phone(rng, "US"),
                "city": rng.choice(("Austin", "Seattle", "Chicago", "Denver", "Boston")),
                "country": "US",
                "is_customer": False,
                "is_supplier": True,
                "currency": "USD",
                "payment_terms_days": 30,
                "created_at": fake.datetime_between(
                    rng, now - timedelta(days=900), now - timedelta(days=200)
                ).isoformat(),
            }
        )
    customers = [c for c in contacts if c["is_customer"]]
    invoices: list[dict[str, Any]] = []
    invoice_payments: list[dict[str, Any]] = []
    for _ in range(ctx.size + ctx.size // 2):
        contact = rng.choice(customers)
        issued = fake.date_between(rng, today - timedelta(days=100), today)
        due = issued + timedelta(days=contact["payment_terms_days"])
        lines: list[dict[str, Any]] = []
        for service, unit, (low, high) in rng.sample(SERVICES, rng.randint(1, 3)):
            quantity = float(rng.randint(1, 12)) if unit in ("hours", "page") else 1.0
            unit_price = float(rng.randrange(int(low), int(high) + 1, 5))
            lines.append(
                {
                    "description": service,
                    "quantity": quantity,
                    "unit_price": unit_price,
                    "amount": money(quantity * unit_price),
                }
            )
        subtotal = money(sum(line["amount"] for line in lines))
        tax_rate = rng.choice((0.0, 0.0, 8.25, 20.0)) if contact["country"] in ("US", "GB") else 0.0
        tax = money(subtotal * tax_rate / 100)
        total = money(subtotal + tax)
        age = (today - issued).days
        status = "draft" if age < 3 and rng.random() < 0.5 else "authorised"
        if status == "authorised" and rng.random() < 0.05:
            status = "voided"
        invoice_id = seed_id(rng, "inv")
        paid = 0.0
        if status == "authorised" and age > 5:
            past_due = due < today
            weights = (
                {"paid": 0.75, "partial": 0.1, "unpaid": 0.15}
                if past_due
                else {"paid": 0.3, "partial": 0.1, "unpaid": 0.6}
            )
            outcome = fake.choose_weighted(rng, weights)
            if outcome != "unpaid":
                paid = total if outcome == "paid" else money(total * rng.choice((0.3, 0.5)))
                invoice_payments.append(
                    {
                        "invoice_payment_id": seed_id(rng, "ipay"),
                        "invoice_id": invoice_id,
                        "amount": paid,
                        "currency": contact["currency"],
                        "date": fake.date_between(
                            rng, issued + timedelta(days=1), min(today, due + timedelta(days=10))
                        ).isoformat(),
                        "payment_id": seed_id(rng, "pi", 16) if rng.random() < 0.4 else None,
                        "created_at": now.isoformat(),
                    }
                )
                if outcome == "paid":
                    status = "paid"
        invoices.append(
            {
                "invoice_id": invoice_id,
                "invoice_number": "",
                "contact_id": contact["contact_id"],
                "name": contact["name"],
                "email": contact["email"],
                "date": issued.isoformat(),
                "due_date": due.isoformat(),
                "line_items": lines,
                "subtotal": subtotal,
                "tax_rate": tax_rate,
                "tax": tax,
                "amount": total,
                "amount_paid": paid,
                "amount_due": 0.0 if status == "voided" else money(total - paid),
                "currency": contact["currency"],
                "status": status,
                "sent": status != "draft",
                "reference": f"PO-{rng.randint(1000, 9999)}" if rng.random() < 0.3 else None,
                "created_at": f"{issued.isoformat()}T{rng.randint(8, 17):02d}:{rng.choice(QUARTERS)}:00+00:00",
            }
        )
    invoices.sort(key=lambda row: (row["date"], row["invoice_id"]))
    start = rng.randint(20, 400)
    for offset, row in enumerate(invoices):
        row["invoice_number"] = f"INV-{start + offset:04d}"
    for payment in invoice_payments:
        payment["created_at"] = f"{payment['date']}T12:00:00+00:00"
    bills: list[dict[str, Any]] = []
    bill_payments: list[dict[str, Any]] = []
    supplier_rows = [c for c in contacts if c["is_supplier"]]
    for _ in range(max(3, ctx.size)):
        supplier = rng.choice(supplier_rows)
        what, (low, high) = next((w, r) for name, w, r in SUPPLIERS if name == supplier["name"])
        issued = fake.date_between(rng, today - timedelta(days=75), today - timedelta(days=1))
        due = issued + timedelta(days=30)
        amount = fake.amount(rng, low, high)
        status = fake.choose_weighted(rng, {"submitted": 0.25, "authorised": 0.4, "paid": 0.35})
        bill_id = seed_id(rng, "bill")
        paid = 0.0
        if status == "paid":
            paid = amount
            bill_payments.append(
                {
                    "bill_payment_id": seed_id(rng, "bpay"),
                    "bill_id": bill_id,
                    "amount": amount,
                    "currency": "USD",
                    "date": fake.date_between(rng, issued, min(today, due)).isoformat(),
                    "transfer_id": seed_id(rng, "xfer") if rng.random() < 0.5 else None,
                    "created_at": now.isoformat(),
                }
            )
            bill_payments[-1]["created_at"] = f"{bill_payments[-1]['date']}T16:00:00+00:00"
        bills.append(
            {
                "bill_id": bill_id,
                "bill_number": f"{fake.slug(supplier['name'])[:3].upper()}-{rng.randint(10000, 99999)}",
                "contact_id": supplier["contact_id"],
                "name": supplier["name"],
                "description": f"{what}, {issued.strftime('%B %Y')}",
                "date": issued.isoformat(),
                "due_date": due.isoformat(),
                "amount": amount,
                "amount_paid": paid,
                "amount_due": money(amount - paid),
                "currency": "USD",
                "status": status,
                "created_at": f"{issued.isoformat()}T09:00:00+00:00",
            }
        )
    return {
        "contacts": contacts,
        "invoices": invoices,
        "bills": bills,
        "invoice_payments": invoice_payments,
        "bill_payments": bill_payments,
    }
