"""A merchant's payment provider account after the Stripe API: customers, saved cards, payments, refunds.

Payments follow Stripe's PaymentIntents: a payment is created and confirmed against the
customer's saved card at once; with ``capture_method="automatic"`` it succeeds, with ``"manual"``
the card is only authorised (``requires_capture``) until captured or cancelled. Refunds return
part or all of a succeeded payment. Amounts are in major units (19.99), currencies ISO 4217.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import cents, digits, matches, money, page, seed_id
from envfactory_core.models import Provenance

REFUND_WINDOW_DAYS = 60
CAPTURE_WINDOW_DAYS = 7
MAX_AMOUNT = 999_999.99
# Stripe's minimum charge per currency (major units); JPY is a zero-decimal currency.
MINIMUM_CHARGE = {
    "USD": 0.50, "EUR": 0.50, "GBP": 0.30, "CAD": 0.50, "AUD": 0.50, "NZD": 0.50, "CHF": 0.50, "SGD": 0.50,
    "INR": 0.50, "BRL": 0.50, "MXN": 10.00, "SEK": 3.00, "NOK": 3.00, "PLN": 2.00, "JPY": 50.0,
}  # fmt: skip
ZERO_DECIMAL = frozenset({"JPY"})
# Stripe's test payment methods: a token attaches a card with known behaviour.
TEST_CARDS = {
    "pm_card_visa": ("visa", "4242", None),
    "pm_card_mastercard": ("mastercard", "4444", None),
    "pm_card_amex": ("amex", "8431", None),
    "pm_card_chargeDeclined": ("visa", "0002", "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995", "insufficient_funds"),
}

POLICY = f"""\
Payments policy (this merchant's Stripe account):
- A payment charges the customer's saved card. A customer without a saved card must have one attached
  first; an expired card or a card the bank declines fails the payment and nothing is recorded.
- Amounts must be at least the currency's minimum charge (USD 0.50, EUR 0.50, GBP 0.30, JPY 50, SEK 3.00,
  ...) and at most {MAX_AMOUNT:,.2f}. JPY amounts are whole yen.
- Payments created with capture_method "manual" are only authorised; capture them within
  {CAPTURE_WINDOW_DAYS} days of creation, at most the authorised amount (the rest is released). An authorised
  payment can be cancelled instead; a succeeded payment cannot be cancelled, only refunded.
- Refunds are given only for succeeded payments and only within {REFUND_WINDOW_DAYS} days of the payment. Several
  partial refunds are allowed, but together they never exceed the amount received.
"""

environment = Environment(
    name="payments",
    domain="finance",
    description=(
        "A merchant's payment provider account after the Stripe API's customers, payment methods, payment "
        "intents (create-and-confirm, capture, cancel) and refunds endpoints: find or create customers, save "
        "cards, charge or authorise amounts in many currencies, capture, cancel and refund payments."
    ),
    tables=[
        table(
            "customers",
            primary_key="customer_id",
            customer_id=str,
            name=str,
            email=str,
            phone=str | None,
            address=str | None,
            city=str | None,
            postal_code=str | None,
            country=str | None,
            card_brand=str | None,
            card_last4=str | None,
            card_exp_month=int | None,
            card_exp_year=int | None,
            card_decline=str | None,
            description=str | None,
            created_at=str,
        ),
        table(
            "payments",
            primary_key="payment_id",
            payment_id=str,
            customer_id=str,
            email=str,
            amount=float,
            amount_capturable=float,
            amount_received=float,
            amount_refunded=float,
            currency=str,
            status=str,
            capture_method=str,
            description=str | None,
            order_id=str | None,
            card_brand=str,
            card_last4=str,
            created_at=str,
            canceled_at=str | None,
            cancellation_reason=str | None,
        ),
        table(
            "refunds",
            primary_key="refund_id",
            refund_id=str,
            payment_id=str,
            amount=float,
            currency=str,
            reason=str | None,
            status=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source=(
            "Stripe API: Customers, PaymentMethods (attach), PaymentIntents (create, confirm, capture, cancel), Refunds"
        ),
        url="https://docs.stripe.com/api",
    ),
)


# --- output records --------------------------------------------------------------------------


class Card(TypedDict):
    """A saved card (only its brand, last digits and expiry are ever shown).

    Args:
        brand: Card network, e.g. visa.
        last4: The card number's last four digits.
        exp_month: Expiry month (1-12).
        exp_year: Expiry year.
    """

    brand: str
    last4: str
    exp_month: int
    exp_year: int


class Customer(TypedDict):
    """A customer of the payment provider.

    Args:
        customer_id: The payment provider's customer id.
        name: The customer's full name.
        email: The customer's email address.
        card: The saved default card, null when none is attached.
    """

    customer_id: str
    name: str
    email: str
    phone: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    country: str | None
    description: str | None
    card: Card | None
    created_at: str


class CustomerList(TypedDict):
    customers: list[Customer]
    count: int


class Refund(TypedDict):
    """A refund of a payment.

    Args:
        refund_id: The refund's id.
        payment_id: The refunded payment.
        amount: How much this refund gave back.
        currency: ISO 4217 code of the refund.
        reason: duplicate, fraudulent or requested_by_customer.
    """

    refund_id: str
    payment_id: str
    amount: float
    currency: str
    reason: str | None
    status: str
    created_at: str


class Payment(TypedDict):
    """A payment (a Stripe payment intent) and its refunds.

    Args:
        payment_id: The payment's id.
        customer_id: The paying customer's id at the payment provider.
        email: The paying customer's email address, where receipts are sent.
        amount: Amount of this payment intent (charged or authorised).
        amount_capturable: Authorised amount that can still be captured.
        amount_received: Amount actually collected.
        amount_refunded: Amount refunded so far.
        currency: ISO 4217 code of this payment intent, e.g. USD.
        status: succeeded, requires_capture (authorised only) or canceled.
        order_id: The merchant's order this payment is for, if given.
    """

    payment_id: str
    customer_id: str
    email: str
    amount: float
    amount_capturable: float
    amount_received: float
    amount_refunded: float
    currency: str
    status: Literal["succeeded", "requires_capture", "canceled"]
    capture_method: Literal["automatic", "manual"]
    description: str | None
    order_id: str | None
    card_brand: str
    card_last4: str
    created_at: str
    canceled_at: str | None
    cancellation_reason: str | None
    refunds: list[Refund]


class PaymentList(TypedDict):
    payments: list[Payment]
    count: int
    has_more: bool


# --- helpers ---------------------------------------------------------------------------------


def _customer(row: dict[str, Any]) -> Customer:
    card: Card | None = None
    if row["card_last4"] is not None:
        card = {
            "brand": row["card_brand"],
            "last4": row["card_last4"],
            "exp_month": row["card_exp_month"],
            "exp_year": row["card_exp_year"],
        }
    fields = ("customer_id", "name", "email", "phone", "address", "city", "postal_code", "country", "description")
    return {**{key: row[key] for key in fields}, "card": card, "created_at": row["created_at"]}  # type: ignore[typeddict-item]


def _payment(ctx: Context, row: dict[str, Any]) -> Payment:
    return {**row, "refunds": ctx.table("refunds").find(payment_id=row["payment_id"], order_by="created_at")}  # type: ignore[typeddict-item]


def _check_amount(amount: float, currency: str) -> tuple[float, str]:
    code = currency.strip().upper()
    if code not in MINIMUM_CHARGE:
        raise ToolError(f"currency {currency!r} is not supported; use one of {', '.join(sorted(MINIMUM_CHARGE))}")
    if code in ZERO_DECIMAL and float(amount) != int(amount):
        raise ToolError(f"{code} is a zero-decimal currency: give a whole amount, e.g. {int(amount)}")
    if cents(amount) < cents(MINIMUM_CHARGE[code]):
        raise ToolError(f"amount must be at least {MINIMUM_CHARGE[code]:.2f} {code} (the minimum charge)")
    if cents(amount) > cents(MAX_AMOUNT):
        raise ToolError(f"amount must be at most {MAX_AMOUNT:,.2f}")
    return money(amount), code


def _card_error(customer: dict[str, Any], today: date) -> str | None:
    if customer["card_last4"] is None:
        return (
            f"customer {customer['customer_id']} has no saved card; attach one with attach_payment_method "
            "before charging (status requires_payment_method)"
        )
    if (customer["card_exp_year"], customer["card_exp_month"]) < (today.year, today.month):
        return (
            f"card_declined (expired_card): {customer['card_brand']} ending {customer['card_last4']} expired "
            f"{customer['card_exp_month']:02d}/{customer['card_exp_year']}; ask the customer for a new card"
        )
    if customer["card_decline"]:
        return (
            f"card_declined ({customer['card_decline']}): the bank declined {customer['card_brand']} "
            f"ending {customer['card_last4']}; ask the customer for another card"
        )
    return None


def _card_fields(payment_method: str, today: date) -> dict[str, Any]:
    brand, last4, decline = TEST_CARDS[payment_method]
    return {
        "card_brand": brand,
        "card_last4": last4,
        "card_exp_month": 12,
        "card_exp_year": today.year + 3,
        "card_decline": decline,
    }


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_customers(
    ctx: Context,
    email: str | None = None,
    query: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 10,
) -> CustomerList:
    """Find customers by exact email address or by words in their name, phone or description.

    Args:
        email: The customer's email address (exact, case-insensitive).
        query: Part of the customer's name, phone number or description.
        limit: At most this many customers.
    """
    if email is None and query is None:
        raise ToolError("give email or query")
    rows = ctx.table("customers").all(order_by="created_at")
    found = [
        _customer(row)
        for row in rows
        if (email is None or row["email"] == email.strip().lower())
        and matches(query, row["name"], row["phone"], row["description"])
    ]
    return {"customers": page(found, limit), "count": len(found)}


@environment.tool(effect="write")
def create_customer(
    ctx: Context,
    email: Annotated[str, Arg(format="email", max_length=254)],
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    phone: str | None = None,
    address: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    country: Annotated[str, Arg(pattern="^[A-Z]{2}$")] | None = None,
    description: str | None = None,
    payment_method: Literal[
        "pm_card_visa",
        "pm_card_mastercard",
        "pm_card_amex",
        "pm_card_chargeDeclined",
        "pm_card_chargeDeclinedInsufficientFunds",
    ]
    | None = None,
) -> Customer:
    """Create a customer, optionally saving a card from a payment method token as the default.

    Args:
        email: The customer's email address.
        name: The customer's full name.
        phone: The customer's phone number.
        address: The billing street address.
        city: The billing city.
        postal_code: The billing postal code.
        country: The billing country, ISO 3166 alpha-2 code.
        description: A note about the customer, e.g. the store's customer reference.
        payment_method: A payment method token whose card becomes the customer's default.
    """
    email = email.strip().lower()
    if "@" not in email.strip("@"):
        raise ToolError(f"email {email!r} is not an email address")
    row: dict[str, Any] = {
        "customer_id": ctx.new_id("cus", length=14),
        "name": " ".join(name.split()),
        "email": email,
        "phone": phone,
        "address": address,
        "city": city,
        "postal_code": postal_code,
        "country": country,
        "card_brand": None,
        "card_last4": None,
        "card_exp_month": None,
        "card_exp_year": None,
        "card_decline": None,
        "description": description,
        "created_at": ctx.now.isoformat(),
    }
    if payment_method is not None:
        row.update(_card_fields(payment_method, ctx.today))
    return _customer(ctx.table("customers").insert(row))


@environment.tool(effect="write")
def attach_payment_method(
    ctx: Context,
    customer_id: str,
    payment_method: Literal[
        "pm_card_visa",
        "pm_card_mastercard",
        "pm_card_amex",
        "pm_card_chargeDeclined",
        "pm_card_chargeDeclinedInsufficientFunds",
    ],
) -> Customer:
    """Save a card (from a payment method token) as the customer's default card, replacing the old one.

    Args:
        customer_id: The payment provider's customer id.
        payment_method: The payment method token of the card to save.
    """
    ctx.table("customers").require(customer_id, what="customer")
    return _customer(ctx.table("customers").update(customer_id, _card_fields(payment_method, ctx.today)))


@environment.tool(effect="write")
def create_payment(
    ctx: Context,
    customer_id: str,
    amount: Annotated[float, Arg(minimum=0)],
    currency: Annotated[str, Arg(min_length=3, max_length=3)],
    description: str | None = None,
    order_id: str | None = None,
    capture_method: Literal["automatic", "manual"] = "automatic",
) -> Payment:
    """Charge (or, with capture_method manual, only authorise) an amount on the customer's saved card.

    Amounts are in major units (49.90), not cents.

    Args:
        customer_id: The payment provider's customer id.
        amount: The order total to charge the customer.
        currency: ISO 4217 code of the order total to charge, e.g. USD.
        description: What the payment is for, shown on the receipt.
        order_id: The merchant's order this payment is for (kept as metadata).
        capture_method: automatic charges now; manual authorises now and captures later.
    """
    customer = ctx.table("customers").require(customer_id, what="customer")
    value, code = _check_amount(amount, currency)
    problem = _card_error(customer, ctx.today)
    if problem:
        raise ToolError(problem, code="card_declined")
    automatic = capture_method == "automatic"
    row = ctx.table("payments").insert(
        {
            "payment_id": ctx.new_id("pi", length=16),
            "customer_id": customer_id,
            "email": customer["email"],
            "amount": value,
            "amount_capturable": 0.0 if automatic else value,
            "amount_received": value if automatic else 0.0,
            "amount_refunded": 0.0,
            "currency": code,
            "status": "succeeded" if automatic else "requires_capture",
            "capture_method": capture_method,
            "description": description,
            "order_id": order_id,
            "card_brand": customer["card_brand"],
            "card_last4": customer["card_last4"],
            "created_at": ctx.now.isoformat(),
            "canceled_at": None,
            "cancellation_reason": None,
        }
    )
    return _payment(ctx, row)


@environment.tool(effect="write")
def capture_payment(
    ctx: Context,
    payment_id: str,
    amount_to_capture: Annotated[float, Arg(minimum=0)] | None = None,
) -> Payment:
    """Capture an authorised payment, all of it or less (the rest of the authorisation is released).

    Args:
        payment_id: The payment's id.
        amount_to_capture: How much to capture, at most the authorised amount; default all of it.
    """
    payment = ctx.table("payments").require(payment_id, what="payment")
    if payment["status"] != "requires_capture":
        raise ToolError(
            f"payment {payment_id} is {payment['status']}; only payments in requires_capture can be captured"
        )
    created = datetime.fromisoformat(payment["created_at"])
    if ctx.now - created > timedelta(days=CAPTURE_WINDOW_DAYS):
        raise ToolError(
            f"the authorisation of payment {payment_id} from {payment['created_at'][:10]} expired after "
            f"{CAPTURE_WINDOW_DAYS} days; create a new payment"
        )
    value = payment["amount_capturable"] if amount_to_capture is None else money(amount_to_capture)
    if cents(value) > cents(payment["amount_capturable"]):
        raise ToolError(
            f"cannot capture {value:.2f}: only {payment['amount_capturable']:.2f} {payment['currency']} is authorised"
        )
    if cents(value) < cents(MINIMUM_CHARGE[payment["currency"]]):
        raise ToolError(
            f"the captured amount must be at least {MINIMUM_CHARGE[payment['currency']]:.2f} {payment['currency']}"
        )
    if payment["currency"] in ZERO_DECIMAL and value != int(value):
        raise ToolError(f"{payment['currency']} is a zero-decimal currency: capture a whole amount")
    updated = ctx.table("payments").update(
        payment_id, {"status": "succeeded", "amount_received": value, "amount_capturable": 0.0}
    )
    return _payment(ctx, updated)


@environment.tool(effect="write")
def cancel_payment(
    ctx: Context,
    payment_id: str,
    cancellation_reason: Literal["duplicate", "fraudulent", "requested_by_customer", "abandoned"] | None = None,
) -> Payment:
    """Cancel an authorised, not yet captured payment; the hold on the card is released.

    Args:
        payment_id: The payment's id.
        cancellation_reason: Why: duplicate, fraudulent, requested_by_customer or abandoned.
    """
    payment = ctx.table("payments").require(payment_id, what="payment")
    if payment["status"] == "succeeded":
        raise ToolError(f"payment {payment_id} has succeeded and cannot be canceled; refund it with create_refund")
    if payment["status"] == "canceled":
        raise ToolError(f"payment {payment_id} was already canceled on {str(payment['canceled_at'])[:10]}")
    updated = ctx.table("payments").update(
        payment_id,
        {
            "status": "canceled",
            "amount_capturable": 0.0,
            "canceled_at": ctx.now.isoformat(),
            "cancellation_reason": cancellation_reason,
        },
    )
    return _payment(ctx, updated)


@environment.tool(effect="write")
def create_refund(
    ctx: Context,
    payment_id: str,
    amount: Annotated[float, Arg(minimum=0)] | None = None,
    reason: Literal["duplicate", "fraudulent", "requested_by_customer"] | None = None,
) -> Refund:
    """Refund a succeeded payment within 60 days, in full (default) or in part.

    Args:
        payment_id: The payment's id.
        amount: How much to refund, in major units; default everything not yet refunded.
        reason: Why: duplicate, fraudulent or requested_by_customer.
    """
    payment = ctx.table("payments").require(payment_id, what="payment")
    if payment["status"] != "succeeded":
        raise ToolError(f"payment {payment_id} is {payment['status']}; only succeeded payments can be refunded")
    created = datetime.fromisoformat(payment["created_at"])
    if ctx.now - created > timedelta(days=REFUND_WINDOW_DAYS):
        raise ToolError(
            f"refund window of {REFUND_WINDOW_DAYS} days has passed for payment {payment_id}: "
            f"created {payment['created_at'][:10]}"
        )
    remaining = money(payment["amount_received"] - payment["amount_refunded"])
    if cents(remaining) <= 0:
        raise ToolError(f"payment {payment_id} has already been fully refunded")
    value = remaining if amount is None else money(amount)
    if cents(value) <= 0:
        raise ToolError("amount must be greater than 0")
    if cents(value) > cents(remaining):
        raise ToolError(
            f"cannot refund {value:.2f}: only {remaining:.2f} {payment['currency']} "
            f"of payment {payment_id} is left to refund"
        )
    if payment["currency"] in ZERO_DECIMAL and value != int(value):
        raise ToolError(f"{payment['currency']} is a zero-decimal currency: refund a whole amount")
    ctx.table("payments").update(payment_id, {"amount_refunded": money(payment["amount_refunded"] + value)})
    return ctx.table("refunds").insert(  # type: ignore[return-value]
        {
            "refund_id": ctx.new_id("re", length=16),
            "payment_id": payment_id,
            "amount": value,
            "currency": payment["currency"],
            "reason": reason,
            "status": "succeeded",
            "created_at": ctx.now.isoformat(),
        }
    )


@environment.tool(effect="read")
def list_payments(
    ctx: Context,
    customer_id: str | None = None,
    email: str | None = None,
    status: Literal["succeeded", "requires_capture", "canceled"] | None = None,
    order_id: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 10,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> PaymentList:
    """List payments, newest first, for a customer (by id or email), an order, or a status.

    Args:
        customer_id: Only this customer's payments.
        email: Only payments of the customer with this email address.
        status: Only payments in this status.
        order_id: Only payments for this merchant order.
        limit: At most this many payments.
        offset: Skip this many payments (for paging).
    """
    filters: dict[str, Any] = {}
    for column, value in (("customer_id", customer_id), ("status", status), ("order_id", order_id)):
        if value is not None:
            filters[column] = value
    if email is not None:
        filters["email"] = email.strip().lower()
    rows = ctx.table("payments").find(order_by="created_at", descending=True, **filters)
    chosen = page(rows, limit, offset)
    return {
        "payments": [_payment(ctx, row) for row in chosen],
        "count": len(rows),
        "has_more": offset + len(chosen) < len(rows),
    }


@environment.tool(effect="read")
def get_payment(ctx: Context, payment_id: str) -> Payment:
    """Get one payment with its amounts received and refunded, its status and its refunds.

    Args:
        payment_id: The payment's id.
    """
    return _payment(ctx, ctx.table("payments").require(payment_id, what="payment"))


# --- seed state ------------------------------------------------------------------------------

DESCRIPTIONS = (
    "Order from Harbor & Pine Goods",
    "Annual membership",
    "Workshop ticket: ceramics for beginners",
    "Monthly subscription - Pro plan",
    "Custom framing deposit",
    "Consultation, 1 hour",
    "Gift card",
    "Replacement part and shipping",
)
BRANDS = (("visa", 0.55), ("mastercard", 0.3), ("amex", 0.15))


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    today = now.date()
    customers: list[dict[str, Any]] = []
    for resident in fake.residents(ctx, max(4, ctx.size)):
        person = resident.person
        card_state = fake.choose_weighted(rng, {"valid": 0.8, "expired": 0.1, "none": 0.1})
        brand = fake.choose_weighted(rng, dict(BRANDS))
        expiry_year = today.year + rng.randint(0, 4) if card_state == "valid" else today.year - rng.randint(0, 1)
        expiry_month = (
            rng.randint(today.month, 12) if card_state == "valid" and expiry_year == today.year else rng.randint(1, 12)
        )
        if card_state == "expired" and expiry_year == today.year:
            expiry_month = rng.randint(1, today.month - 1) if today.month > 1 else 1
        has_card = card_state != "none"
        customers.append(
            {
                "customer_id": seed_id(rng, "cus", 14),
                "name": person.full_name,
                "email": person.email,
                "phone": person.phone,
                "address": resident.address,
                "city": resident.city,
                "postal_code": resident.postal_code,
                "country": resident.country,
                "card_brand": brand if has_card else None,
                "card_last4": digits(rng, 4) if has_card else None,
                "card_exp_month": expiry_month if has_card else None,
                "card_exp_year": expiry_year if has_card else None,
                "card_decline": None,
                "description": rng.choice(
                    (None, None, "Wholesale account", "VIP since 2022", "Prefers email receipts")
                ),
                "created_at": fake.datetime_between(
                    rng, now - timedelta(days=720), now - timedelta(days=130)
                ).isoformat(),
            }
        )
    payers = [
        c
        for c in customers
        if c["card_last4"] is not None
        and c["card_exp_year"] * 12 + c["card_exp_month"] >= today.year * 12 + today.month
    ]
    if not payers:  # tiny worlds: make sure someone can pay
        customers[0].update(
            card_brand="visa", card_last4=digits(rng, 4), card_exp_month=12, card_exp_year=today.year + 2
        )
        payers = customers[:1]
    payments: list[dict[str, Any]] = []
    refunds: list[dict[str, Any]] = []
    for _ in range(ctx.size * 2):
        customer = rng.choice(payers)
        created = fake.datetime_between(rng, now - timedelta(days=110), now - timedelta(minutes=30), minute_step=1)
        local = next((c.currency for c in fake.CITIES if c.name == customer["city"]), "USD")
        currency = local if local in MINIMUM_CHARGE and rng.random() < 0.35 else "USD"
        amount = fake.amount(rng, 12, 480)
        if currency in ZERO_DECIMAL:
            amount = float(round(amount * 150, -1))
        age = now - created
        state = "succeeded"
        if age < timedelta(days=CAPTURE_WINDOW_DAYS - 1) and rng.random() < 0.2:
            state = "requires_capture"
        elif rng.random() < 0.08:
            state = "canceled"
        payment_id = seed_id(rng, "pi", 16)
        received = amount if state == "succeeded" else 0.0
        refunded = 0.0
        if state == "succeeded" and rng.random() < 0.2:
            refunded = amount if rng.random() < 0.5 else money(amount * rng.choice((0.25, 0.5)))
            if currency in ZERO_DECIMAL:
                refunded = float(int(refunded))
            refunds.append(
                {
                    "refund_id": seed_id(rng, "re", 16),
                    "payment_id": payment_id,
                    "amount": refunded,
                    "currency": currency,
                    "reason": rng.choice(("requested_by_customer", "requested_by_customer", "duplicate")),
                    "status": "succeeded",
                    "created_at": (created + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))).isoformat()
                    if age > timedelta(days=21)
                    else (created + (now - created) / 2).isoformat(),
                }
            )
        payments.append(
            {
                "payment_id": payment_id,
                "customer_id": customer["customer_id"],
                "email": customer["email"],
                "amount": amount,
                "amount_capturable": amount if state == "requires_capture" else 0.0,
                "amount_received": received,
                "amount_refunded": refunded,
                "currency": currency,
                "status": state,
                "capture_method": "manual" if state != "succeeded" or rng.random() < 0.1 else "automatic",
                "description": rng.choice(DESCRIPTIONS),
                "order_id": seed_id(rng, "order") if rng.random() < 0.4 else None,
                "card_brand": customer["card_brand"],
                "card_last4": customer["card_last4"],
                "created_at": created.isoformat(),
                "canceled_at": min(created + timedelta(hours=rng.randint(1, 48)), now).isoformat()
                if state == "canceled"
                else None,
                "cancellation_reason": rng.choice(("requested_by_customer", "abandoned", "duplicate"))
                if state == "canceled"
                else None,
            }
        )
    return {"customers": customers, "payments": payments, "refunds": refunds}
