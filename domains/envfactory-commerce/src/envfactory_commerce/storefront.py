"""A merchant's store admin after the Shopify Admin API: catalogue, stock, customers, orders.

The flow follows Shopify's: a draft order is built for a customer (line items by SKU, an optional
discount code), completing it turns it into an order and takes the stock, the order is marked paid
and fulfilled (with a carrier's tracking number) or cancelled (stock goes back). Amounts are in the
shop's currency, USD.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import cents, matches, money, page, seed_id
from envfactory_core.models import Provenance

from .shipping import tracking_number

SHOP_CURRENCY = "USD"
SHOP_COUNTRY = "US"
FREE_SHIPPING_FROM = 75.00
DOMESTIC_SHIPPING = 6.95
INTERNATIONAL_SHIPPING = 19.95
MAX_QUANTITY = 50

POLICY = f"""\
Store policy (Harbor & Pine Goods, Shopify admin):
- Prices and totals are in {SHOP_CURRENCY}. Shipping: free within the United States for orders of
  {FREE_SHIPPING_FROM:.2f} or more after discounts, otherwise {DOMESTIC_SHIPPING:.2f}; {INTERNATIONAL_SHIPPING:.2f}
  to any other country.
- Orders are built as draft orders and completed into orders. A draft order may only contain active
  products, at most {MAX_QUANTITY} units per line, and never more units than are in stock (the store does not
  oversell). Stock is taken when the draft order is completed and checked again at that moment.
- Discount codes apply only between their start and end dates, only when the subtotal reaches the
  code's minimum, only while the code's usage limit is not reached, and codes marked once per customer
  only to a customer's first order that uses them. One code per order.
- Only paid orders are fulfilled, and an order is fulfilled once (all its items ship together).
- A fulfilled order cannot be cancelled. Cancelling an order refunds a paid order in full (a pending
  one is voided) and, unless told otherwise, puts the items back in stock.
- Inventory adjustments must give a reason and can never take stock below zero.
- Each customer email belongs to one customer.
"""

environment = Environment(
    name="storefront",
    domain="commerce",
    description=(
        "A merchant's online store admin after the Shopify Admin API's products, inventory levels, "
        "customers, draft orders, orders and fulfillments endpoints: search the catalogue, adjust stock, "
        "manage customers, build and complete draft orders, mark orders paid, fulfil or cancel them."
    ),
    tables=[
        table(
            "products",
            primary_key="product_id",
            product_id=str,
            title=str,
            product_type=str,
            vendor=str,
            status=str,
            tags=list,
            created_at=str,
        ),
        table(
            "variants",
            primary_key="sku",
            sku=str,
            product_id=str,
            title=str,
            price=float,
            inventory_quantity=int,
            weight_grams=int,
        ),
        table(
            "customers",
            primary_key="customer_id",
            customer_id=str,
            first_name=str,
            last_name=str,
            email=str,
            phone=str | None,
            address=str | None,
            city=str | None,
            postal_code=str | None,
            country=str | None,
            tags=list,
            accepts_marketing=bool,
            orders_count=int,
            total_spent=float,
            created_at=str,
        ),
        table(
            "discount_codes",
            primary_key="code",
            code=str,
            value_type=str,
            value=float,
            minimum_subtotal=float,
            usage_limit=int | None,
            times_used=int,
            once_per_customer=bool,
            start_date=str,
            end_date=str | None,
        ),
        table(
            "draft_orders",
            primary_key="draft_order_id",
            draft_order_id=str,
            customer_id=str,
            email=str,
            line_items=list,
            subtotal=float,
            discount_code=str | None,
            discount_total=float,
            shipping_price=float,
            amount=float,
            currency=str,
            address=str,
            city=str,
            postal_code=str,
            country=str,
            status=str,
            order_id=str | None,
            note=str | None,
            created_at=str,
        ),
        table(
            "orders",
            primary_key="order_id",
            order_id=str,
            order_number=int,
            customer_id=str,
            email=str,
            name=str,
            line_items=list,
            subtotal=float,
            discount_code=str | None,
            discount_total=float,
            shipping_price=float,
            amount=float,
            currency=str,
            financial_status=str,
            fulfillment_status=str,
            status=str,
            address=str,
            city=str,
            postal_code=str,
            country=str,
            note=str | None,
            payment_reference=str | None,
            created_at=str,
            cancelled_at=str | None,
            cancel_reason=str | None,
        ),
        table(
            "fulfillments",
            primary_key="fulfillment_id",
            fulfillment_id=str,
            order_id=str,
            tracking_number=str | None,
            carrier=str | None,
            status=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source="Shopify Admin REST API: Product, InventoryLevel, Customer, DraftOrder, Order, Fulfillment resources",
        url="https://shopify.dev/docs/api/admin-rest",
    ),
)


# --- output records --------------------------------------------------------------------------


class Variant(TypedDict):
    """One purchasable variant of a product.

    Args:
        sku: The variant's stock keeping unit, unique in the store.
        title: The variant's option, e.g. "Medium" or "Forest".
        price: The unit price in USD.
        inventory_quantity: Units in stock.
    """

    sku: str
    title: str
    price: float
    inventory_quantity: int


class Product(TypedDict):
    """A catalogue product with its variants.

    Args:
        product_id: The product's id.
        title: The product's name.
        status: active (sold), draft (not yet sold) or archived (no longer sold).
    """

    product_id: str
    title: str
    product_type: str
    vendor: str
    status: Literal["active", "draft", "archived"]
    tags: list[str]
    variants: list[Variant]


class ProductList(TypedDict):
    products: list[Product]
    count: int


class InventoryLevel(TypedDict):
    """Stock of one SKU after an adjustment.

    Args:
        sku: The variant's SKU.
        previous_quantity: Units in stock before the adjustment.
        inventory_quantity: Units in stock now.
    """

    sku: str
    product_id: str
    title: str
    previous_quantity: int
    inventory_quantity: int
    reason: str


class Customer(TypedDict):
    """A store customer.

    Args:
        customer_id: The store customer's id.
        email: The customer's email address.
        name: The customer's full name.
        address: Street address of the customer's default shipping address.
        country: ISO 3166 alpha-2 country code of the default address.
        orders_count: Orders the customer has placed.
        total_spent: Lifetime spend in USD (cancelled orders excluded).
    """

    customer_id: str
    first_name: str
    last_name: str
    name: str
    email: str
    phone: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    country: str | None
    tags: list[str]
    accepts_marketing: bool
    orders_count: int
    total_spent: float
    created_at: str


class CustomerList(TypedDict):
    customers: list[Customer]
    count: int


class LineItem(TypedDict):
    """A line of a draft order or order.

    Args:
        sku: The variant's SKU.
        title: Product and variant name.
        quantity: Units ordered.
        price: Unit price in USD.
    """

    sku: str
    title: str
    quantity: int
    price: float


class LineItemInput(TypedDict):
    """A line to put on a draft order.

    Args:
        sku: The variant's SKU.
        quantity: Units to order.
    """

    sku: str
    quantity: int


class DraftOrder(TypedDict):
    """A draft order: an order being prepared that has not taken stock yet.

    Args:
        draft_order_id: The draft order's id.
        email: The customer's email address.
        amount: The order total the draft will charge, in USD: subtotal minus discount plus shipping.
        currency: ISO 4217 code of the order total (USD).
        status: open, or completed once turned into an order.
        order_id: The order created when the draft was completed, else null.
    """

    draft_order_id: str
    customer_id: str
    email: str
    line_items: list[LineItem]
    subtotal: float
    discount_code: str | None
    discount_total: float
    shipping_price: float
    amount: float
    currency: str
    address: str
    city: str
    postal_code: str
    country: str
    status: Literal["open", "completed"]
    order_id: str | None
    note: str | None
    created_at: str


class Fulfillment(TypedDict):
    """A shipment of an order's items.

    Args:
        fulfillment_id: The fulfillment's id.
        order_id: The fulfilled order's id.
        tracking_number: The carrier's tracking number, if any.
        carrier: The shipping carrier, e.g. USPS or UPS.
    """

    fulfillment_id: str
    order_id: str
    tracking_number: str | None
    carrier: str | None
    status: str
    created_at: str


class Order(TypedDict):
    """A store order.

    Args:
        order_id: The order's id.
        order_number: The number shown to the customer, e.g. 1042 for order #1042.
        email: The customer's email address.
        name: The customer's full name: the recipient the order ships to.
        amount: The order total to charge the customer, in USD (subtotal minus discount plus shipping).
        currency: ISO 4217 code of the order total to charge (USD).
        financial_status: pending (awaiting payment), paid, refunded or voided.
        fulfillment_status: unfulfilled or fulfilled.
        status: open, or cancelled.
        address: Street address the order ships to.
        city: City the order ships to.
        postal_code: Postal code the order ships to.
        country: Country the order ships to, ISO 3166 alpha-2 code.
        payment_reference: The payment provider's reference recorded when the order was marked paid.
    """

    order_id: str
    order_number: int
    customer_id: str
    email: str
    name: str
    line_items: list[LineItem]
    subtotal: float
    discount_code: str | None
    discount_total: float
    shipping_price: float
    amount: float
    currency: str
    financial_status: Literal["pending", "paid", "refunded", "voided"]
    fulfillment_status: Literal["unfulfilled", "fulfilled"]
    status: Literal["open", "cancelled"]
    address: str
    city: str
    postal_code: str
    country: str
    note: str | None
    payment_reference: str | None
    created_at: str
    cancelled_at: str | None
    cancel_reason: str | None
    fulfillments: list[Fulfillment]


class OrderList(TypedDict):
    orders: list[Order]
    count: int


# --- helpers ---------------------------------------------------------------------------------


def _product(ctx: Context, row: dict[str, Any]) -> Product:
    variants = ctx.table("variants").find(product_id=row["product_id"])
    return {
        "product_id": row["product_id"],
        "title": row["title"],
        "product_type": row["product_type"],
        "vendor": row["vendor"],
        "status": row["status"],
        "tags": row["tags"],
        "variants": [
            {"sku": v["sku"], "title": v["title"], "price": v["price"], "inventory_quantity": v["inventory_quantity"]}
            for v in variants
        ],
    }


def _customer(row: dict[str, Any]) -> Customer:
    return {**row, "name": f"{row['first_name']} {row['last_name']}"}  # type: ignore[typeddict-item]


def _order(ctx: Context, row: dict[str, Any]) -> Order:
    fulfillments = ctx.table("fulfillments").find(order_id=row["order_id"], order_by="created_at")
    return {**row, "fulfillments": fulfillments}  # type: ignore[typeddict-item]


def _shipping_price(country: str, discounted_subtotal: float) -> float:
    if country != SHOP_COUNTRY:
        return INTERNATIONAL_SHIPPING
    return 0.0 if cents(discounted_subtotal) >= cents(FREE_SHIPPING_FROM) else DOMESTIC_SHIPPING


def _discount(ctx: Context, code: str, customer_id: str, subtotal: float) -> tuple[str, float]:
    """Validate ``code`` for this customer and subtotal; return the stored code and the discount."""
    row = ctx.table("discount_codes").get(code.strip().upper())
    if row is None:
        raise ToolError(f"discount code {code!r} does not exist")
    today = ctx.today.isoformat()
    if today < row["start_date"]:
        raise ToolError(f"discount code {row['code']} is not active yet: it starts on {row['start_date']}")
    if row["end_date"] is not None and today > row["end_date"]:
        raise ToolError(f"discount code {row['code']} expired on {row['end_date']}")
    if row["usage_limit"] is not None and row["times_used"] >= row["usage_limit"]:
        raise ToolError(f"discount code {row['code']} has reached its usage limit of {row['usage_limit']}")
    if cents(subtotal) < cents(row["minimum_subtotal"]):
        raise ToolError(
            f"discount code {row['code']} needs a subtotal of at least {row['minimum_subtotal']:.2f} {SHOP_CURRENCY}; "
            f"this order's subtotal is {subtotal:.2f}"
        )
    if row["once_per_customer"]:
        used = [
            o
            for o in ctx.table("orders").find(customer_id=customer_id, discount_code=row["code"])
            if o["status"] != "cancelled"
        ]
        if used:
            raise ToolError(
                f"discount code {row['code']} is once per customer and was already used "
                f"on order #{used[0]['order_number']}"
            )
    if row["value_type"] == "percentage":
        value = money(subtotal * row["value"] / 100)
    else:
        value = money(min(row["value"], subtotal))
    return row["code"], value


def _restock(ctx: Context, line_items: list[dict[str, Any]]) -> None:
    variants = ctx.table("variants")
    for item in line_items:
        variant = variants.get(item["sku"])
        if variant is not None:
            variants.update(item["sku"], {"inventory_quantity": variant["inventory_quantity"] + item["quantity"]})


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_products(
    ctx: Context,
    query: str | None = None,
    status: Literal["active", "draft", "archived"] | None = None,
    product_type: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ProductList:
    """Search the catalogue by words in the title, vendor, type, tags or SKU, with each product's variants and stock.

    Args:
        query: Words to look for in the product's title, vendor, type, tags or variant SKUs; leave out to list all.
        status: Only products with this status.
        product_type: Only products of this type, e.g. "Kitchen" or "Apparel".
        limit: At most this many products.
        offset: Skip this many products (for paging).
    """
    found = []
    for row in ctx.table("products").all(order_by="title"):
        if status is not None and row["status"] != status:
            continue
        if product_type is not None and row["product_type"].casefold() != product_type.casefold():
            continue
        product = _product(ctx, row)
        skus = [variant["sku"] for variant in product["variants"]]
        if not matches(query, row["title"], row["vendor"], row["product_type"], " ".join(row["tags"]), " ".join(skus)):
            continue
        found.append(product)
    return {"products": page(found, limit, offset), "count": len(found)}


@environment.tool(effect="write")
def adjust_inventory(
    ctx: Context,
    sku: str,
    adjustment: Annotated[int, Arg(minimum=-1000, maximum=1000)],
    reason: Literal["received", "correction", "cycle_count", "damaged", "shrinkage", "restock"],
) -> InventoryLevel:
    """Add or remove units of a SKU's stock (a positive adjustment adds units), recording why.

    Args:
        sku: The variant's SKU.
        adjustment: Units to add (positive) or remove (negative); not zero.
        reason: Why the stock changes: received (a delivery arrived), correction, cycle_count, damaged,
            shrinkage or restock.
    """
    if adjustment == 0:
        raise ToolError("adjustment must not be zero: give the number of units to add (positive) or remove (negative)")
    variant = ctx.table("variants").require(sku, what="SKU")
    before = variant["inventory_quantity"]
    after = before + adjustment
    if after < 0:
        raise ToolError(f"SKU {sku} has {before} units in stock; removing {-adjustment} would take it below zero")
    ctx.table("variants").update(sku, {"inventory_quantity": after})
    product = ctx.table("products").require(variant["product_id"], what="product")
    return {
        "sku": sku,
        "product_id": variant["product_id"],
        "title": f"{product['title']} - {variant['title']}",
        "previous_quantity": before,
        "inventory_quantity": after,
        "reason": reason,
    }


@environment.tool(effect="read")
def search_customers(
    ctx: Context,
    query: str,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> CustomerList:
    """Find customers whose email, name, phone or city contains the query.

    Args:
        query: An email address, part of a name, a phone number or a city.
        limit: At most this many customers.
    """
    found = [
        _customer(row)
        for row in ctx.table("customers").all(order_by="email")
        if matches(query, row["email"], f"{row['first_name']} {row['last_name']}", row["phone"], row["city"])
    ]
    return {"customers": page(found, limit), "count": len(found)}


@environment.tool(effect="write")
def create_customer(
    ctx: Context,
    email: Annotated[str, Arg(format="email", max_length=254)],
    first_name: Annotated[str, Arg(min_length=1, max_length=80)],
    last_name: Annotated[str, Arg(min_length=1, max_length=80)],
    phone: str | None = None,
    address: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    country: Annotated[str, Arg(pattern="^[A-Z]{2}$")] | None = None,
    accepts_marketing: bool = False,
    tags: list[str] | None = None,
) -> Customer:
    """Create a customer; the email must not belong to another customer.

    Args:
        email: The customer's email address.
        first_name: The customer's first name.
        last_name: The customer's last name.
        phone: The customer's phone number, with country code.
        address: Street address of the default shipping address.
        city: City of the default shipping address.
        postal_code: Postal code of the default shipping address.
        country: Country of the default shipping address, ISO 3166 alpha-2 code (e.g. US, DE).
        accepts_marketing: Whether the customer agreed to receive marketing email.
        tags: Labels for the customer, e.g. ["wholesale"].
    """
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ToolError(f"email {email!r} is not an email address")
    existing = ctx.table("customers").first(email=email)
    if existing is not None:
        raise ToolError(f"email {email} has already been taken by customer {existing['customer_id']}")
    given = {"address": address, "city": city, "postal_code": postal_code, "country": country}
    if any(value is not None for value in given.values()) and not all(value for value in given.values()):
        missing = ", ".join(name for name, value in given.items() if not value)
        raise ToolError(f"a default address needs address, city, postal_code and country; missing: {missing}")
    row = ctx.table("customers").insert(
        {
            "customer_id": ctx.new_id("cust"),
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "email": email,
            "phone": phone,
            "address": address,
            "city": city,
            "postal_code": postal_code,
            "country": country,
            "tags": sorted(set(tags or [])),
            "accepts_marketing": accepts_marketing,
            "orders_count": 0,
            "total_spent": 0.0,
            "created_at": ctx.now.isoformat(),
        }
    )
    return _customer(row)


@environment.tool(effect="write")
def create_draft_order(
    ctx: Context,
    email: str,
    line_items: Annotated[list[LineItemInput], Arg(description="The lines to order: each a SKU and a quantity.")],
    discount_code: str | None = None,
    address: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    country: Annotated[str, Arg(pattern="^[A-Z]{2}$")] | None = None,
    note: str | None = None,
) -> DraftOrder:
    """Start a draft order for the customer with this email: prices the lines, applies a discount code and shipping.

    The draft ships to the customer's default address unless a full address is given.

    Args:
        email: The email address of an existing customer.
        line_items: The lines to order: each a SKU and a quantity.
        discount_code: A discount code to apply, e.g. "SUMMER15".
        address: Shipping street address, if not the customer's default.
        city: Shipping city, if not the customer's default.
        postal_code: Shipping postal code, if not the customer's default.
        country: Shipping country (ISO 3166 alpha-2 code), if not the customer's default.
        note: A note for the order, e.g. "gift wrap".
    """
    customer = ctx.table("customers").first(email=email.strip().lower())
    if customer is None:
        raise ToolError(f"no customer with email {email!r}; create the customer first with create_customer")
    if not line_items:
        raise ToolError("line_items is empty: give at least one {sku, quantity}")
    given = {"address": address, "city": city, "postal_code": postal_code, "country": country}
    if any(value is not None for value in given.values()):
        if not all(value for value in given.values()):
            missing = ", ".join(name for name, value in given.items() if not value)
            raise ToolError(f"a shipping address needs address, city, postal_code and country; missing: {missing}")
        shipping_to = {key: str(value) for key, value in given.items()}
    else:
        if not customer["address"]:
            raise ToolError(
                f"customer {customer['email']} has no default address; give address, city, postal_code and country"
            )
        shipping_to = {key: customer[key] for key in given}
    lines: list[LineItem] = []
    seen: set[str] = set()
    for item in line_items:
        sku, quantity = item["sku"], item["quantity"]
        if sku in seen:
            raise ToolError(f"SKU {sku} appears twice; put the total quantity on one line")
        seen.add(sku)
        if not 1 <= quantity <= MAX_QUANTITY:
            raise ToolError(f"quantity for SKU {sku} must be between 1 and {MAX_QUANTITY}, got {quantity}")
        variant = ctx.table("variants").require(sku, what="SKU")
        product = ctx.table("products").require(variant["product_id"], what="product")
        if product["status"] != "active":
            raise ToolError(f"{product['title']} (SKU {sku}) is {product['status']} and cannot be sold")
        if variant["inventory_quantity"] < quantity:
            raise ToolError(f"only {variant['inventory_quantity']} units of SKU {sku} in stock; {quantity} requested")
        lines.append(
            {
                "sku": sku,
                "title": f"{product['title']} - {variant['title']}",
                "quantity": quantity,
                "price": variant["price"],
            }
        )
    subtotal = money(sum(line["price"] * line["quantity"] for line in lines))
    code, discount_total = (None, 0.0)
    if discount_code:
        code, discount_total = _discount(ctx, discount_code, customer["customer_id"], subtotal)
    shipping_price = _shipping_price(shipping_to["country"], subtotal - discount_total)
    return ctx.table("draft_orders").insert(  # type: ignore[return-value]
        {
            "draft_order_id": ctx.new_id("draft"),
            "customer_id": customer["customer_id"],
            "email": customer["email"],
            "line_items": lines,
            "subtotal": subtotal,
            "discount_code": code,
            "discount_total": discount_total,
            "shipping_price": shipping_price,
            "amount": money(subtotal - discount_total + shipping_price),
            "currency": SHOP_CURRENCY,
            **shipping_to,
            "status": "open",
            "order_id": None,
            "note": note,
            "created_at": ctx.now.isoformat(),
        }
    )


@environment.tool(effect="write")
def complete_draft_order(ctx: Context, draft_order_id: str, payment_pending: bool = False) -> Order:
    """Turn an open draft order into an order: stock is taken and the discount code counts as used.

    Args:
        draft_order_id: The draft order's id.
        payment_pending: True when the customer has not paid yet (the order stays pending until marked
            paid); false marks it paid now.
    """
    draft = ctx.table("draft_orders").require(draft_order_id, what="draft order")
    if draft["status"] != "open":
        raise ToolError(f"draft order {draft_order_id} was already completed as order {draft['order_id']}")
    variants = ctx.table("variants")
    for line in draft["line_items"]:
        variant = variants.require(line["sku"], what="SKU")
        if variant["inventory_quantity"] < line["quantity"]:
            raise ToolError(
                f"only {variant['inventory_quantity']} units of SKU {line['sku']} left in stock; "
                f"the draft needs {line['quantity']}: adjust the draft or the stock first"
            )
        variants.update(line["sku"], {"inventory_quantity": variant["inventory_quantity"] - line["quantity"]})
    if draft["discount_code"]:
        code = ctx.table("discount_codes").require(draft["discount_code"], what="discount code")
        if code["usage_limit"] is not None and code["times_used"] >= code["usage_limit"]:
            raise ToolError(
                f"discount code {code['code']} reached its usage limit since the draft was made; "
                "remove it from the draft"
            )
        ctx.table("discount_codes").update(code["code"], {"times_used": code["times_used"] + 1})
    customer = ctx.table("customers").require(draft["customer_id"], what="customer")
    ctx.table("customers").update(
        customer["customer_id"],
        {"orders_count": customer["orders_count"] + 1, "total_spent": money(customer["total_spent"] + draft["amount"])},
    )
    numbers = [row["order_number"] for row in ctx.table("orders").all()]
    order_id = ctx.new_id("order")
    order = ctx.table("orders").insert(
        {
            "order_id": order_id,
            "order_number": max(numbers, default=1000) + 1,
            "customer_id": customer["customer_id"],
            "email": draft["email"],
            "name": f"{customer['first_name']} {customer['last_name']}",
            "line_items": draft["line_items"],
            "subtotal": draft["subtotal"],
            "discount_code": draft["discount_code"],
            "discount_total": draft["discount_total"],
            "shipping_price": draft["shipping_price"],
            "amount": draft["amount"],
            "currency": draft["currency"],
            "financial_status": "pending" if payment_pending else "paid",
            "fulfillment_status": "unfulfilled",
            "status": "open",
            "address": draft["address"],
            "city": draft["city"],
            "postal_code": draft["postal_code"],
            "country": draft["country"],
            "note": draft["note"],
            "payment_reference": None,
            "created_at": ctx.now.isoformat(),
            "cancelled_at": None,
            "cancel_reason": None,
        }
    )
    ctx.table("draft_orders").update(draft_order_id, {"status": "completed", "order_id": order_id})
    return _order(ctx, order)


@environment.tool(effect="read")
def list_orders(
    ctx: Context,
    email: str | None = None,
    status: Literal["open", "cancelled"] | None = None,
    financial_status: Literal["pending", "paid", "refunded", "voided"] | None = None,
    fulfillment_status: Literal["unfulfilled", "fulfilled"] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> OrderList:
    """List orders, newest first, optionally only a customer's (by email) or by status.

    Args:
        email: Only orders of the customer with this email address.
        status: Only open or only cancelled orders.
        financial_status: Only orders with this payment state.
        fulfillment_status: Only unfulfilled or only fulfilled orders.
        limit: At most this many orders.
        offset: Skip this many orders (for paging).
    """
    filters: dict[str, Any] = {}
    if email is not None:
        filters["email"] = email.strip().lower()
    for column, value in (
        ("status", status),
        ("financial_status", financial_status),
        ("fulfillment_status", fulfillment_status),
    ):
        if value is not None:
            filters[column] = value
    rows = ctx.table("orders").find(order_by="order_number", descending=True, **filters)
    return {"orders": [_order(ctx, row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="read")
def get_order(ctx: Context, order_id: str) -> Order:
    """Get one order with its line items, totals, shipping address, payment and fulfillment state.

    Args:
        order_id: The order's id.
    """
    return _order(ctx, ctx.table("orders").require(order_id, what="order"))


@environment.tool(effect="write")
def mark_order_paid(ctx: Context, order_id: str, payment_id: str | None = None) -> Order:
    """Mark a pending order as paid, e.g. after the payment provider collected the amount.

    Args:
        order_id: The order's id.
        payment_id: The payment provider's id for the collected payment, kept as the order's payment reference.
    """
    order = ctx.table("orders").require(order_id, what="order")
    if order["status"] == "cancelled":
        raise ToolError(f"order #{order['order_number']} is cancelled and cannot be paid")
    if order["financial_status"] != "pending":
        raise ToolError(
            f"order #{order['order_number']} is {order['financial_status']}; only pending orders can be marked paid"
        )
    updated = ctx.table("orders").update(order_id, {"financial_status": "paid", "payment_reference": payment_id})
    return _order(ctx, updated)


@environment.tool(effect="write")
def create_fulfillment(
    ctx: Context,
    order_id: str,
    tracking_number: str | None = None,
    carrier: str | None = None,
) -> Order:
    """Fulfil a paid order: all its items ship together, optionally with the carrier's tracking number.

    Args:
        order_id: The order's id.
        tracking_number: The shipping label's tracking number.
        carrier: The carrier that ships it, e.g. USPS, UPS, FedEx or DHL Express.
    """
    order = ctx.table("orders").require(order_id, what="order")
    label = f"order #{order['order_number']}"
    if order["status"] == "cancelled":
        raise ToolError(f"{label} is cancelled and cannot be fulfilled")
    if order["fulfillment_status"] == "fulfilled":
        raise ToolError(f"{label} is already fulfilled")
    if order["financial_status"] != "paid":
        raise ToolError(f"{label} is {order['financial_status']}; only paid orders are fulfilled (mark it paid first)")
    if tracking_number is not None and carrier is None:
        raise ToolError("a tracking number needs its carrier: give carrier too, e.g. USPS")
    ctx.table("fulfillments").insert(
        {
            "fulfillment_id": ctx.new_id("ful"),
            "order_id": order_id,
            "tracking_number": tracking_number,
            "carrier": carrier,
            "status": "success",
            "created_at": ctx.now.isoformat(),
        }
    )
    updated = ctx.table("orders").update(order_id, {"fulfillment_status": "fulfilled"})
    return _order(ctx, updated)


@environment.tool(effect="write")
def cancel_order(
    ctx: Context,
    order_id: str,
    reason: Literal["customer", "inventory", "fraud", "declined", "other"],
    restock: bool = True,
) -> Order:
    """Cancel an unfulfilled order: a paid order is refunded in full, a pending one voided.

    Args:
        order_id: The order's id.
        reason: Why: customer (asked to cancel), inventory (items unavailable), fraud, declined (payment
            declined) or other.
        restock: Put the order's items back in stock.
    """
    order = ctx.table("orders").require(order_id, what="order")
    label = f"order #{order['order_number']}"
    if order["status"] == "cancelled":
        raise ToolError(f"{label} was already cancelled on {order['cancelled_at'][:10]}")
    if order["fulfillment_status"] == "fulfilled":
        raise ToolError(f"{label} has been fulfilled and cannot be cancelled")
    financial = "refunded" if order["financial_status"] == "paid" else "voided"
    if restock:
        _restock(ctx, order["line_items"])
    customer = ctx.table("customers").get(order["customer_id"])
    if customer is not None:
        ctx.table("customers").update(
            customer["customer_id"], {"total_spent": money(max(0.0, customer["total_spent"] - order["amount"]))}
        )
    updated = ctx.table("orders").update(
        order_id,
        {
            "status": "cancelled",
            "financial_status": financial,
            "cancelled_at": ctx.now.isoformat(),
            "cancel_reason": reason,
        },
    )
    return _order(ctx, updated)


# --- seed state ------------------------------------------------------------------------------

CATALOG: tuple[tuple[str, str, str, str, tuple[float, float], tuple[str, ...], int], ...] = (
    ("Merino Wool Beanie", "Accessories", "Kestrel Outdoor", "MWB", (22, 38), ("Charcoal", "Forest", "Rust"), 90),
    ("Ceramic Pour-Over Set", "Kitchen", "Ember Kitchenware", "CPO", (38, 64), ("White", "Speckled Sand"), 850),
    ("Canvas Weekender Bag", "Bags", "Harborview Supply", "CWB", (89, 149), ("Olive", "Navy"), 1300),
    ("Organic Cotton Tee", "Apparel", "Willow & Co", "OCT", (24, 34), ("S", "M", "L", "XL"), 180),
    ("Bamboo Cutting Board", "Kitchen", "Ember Kitchenware", "BCB", (26, 48), ("Medium", "Large"), 1100),
    ("Trail Running Socks", "Apparel", "Summit Fitness", "TRS", (14, 22), ("S/M", "L/XL"), 70),
    ("Linen Throw Pillow", "Home", "Copperleaf Design", "LTP", (32, 55), ("Oat", "Sage", "Terracotta"), 450),
    ("Cold Brew Coffee Maker", "Kitchen", "Tidewater Coffee", "CBM", (34, 52), ("1 L", "2 L"), 950),
    ("Leather Card Wallet", "Accessories", "Cedar & Stone", "LCW", (39, 69), ("Tan", "Black"), 60),
    ("Insulated Water Bottle", "Outdoor", "Kestrel Outdoor", "IWB", (24, 39), ("500 ml", "750 ml", "1 L"), 400),
    ("Beeswax Pillar Candle", "Home", "Foxglove Florists", "BPC", (16, 29), ("Small", "Large"), 380),
    ("Wool Blend Scarf", "Accessories", "Willow & Co", "WBS", (45, 79), ("Heather Grey", "Camel"), 220),
    ("Stoneware Mug", "Kitchen", "Ember Kitchenware", "STM", (16, 26), ("Glacier", "Moss", "Ink"), 420),
    ("Packable Rain Jacket", "Apparel", "Kestrel Outdoor", "PRJ", (95, 160), ("S", "M", "L"), 310),
    ("Cast Iron Skillet", "Kitchen", "Pinecrest Foods", "CIS", (42, 78), ("10 in", "12 in"), 2700),
    ("Field Notes Journal", "Stationery", "Riverbend Books", "FNJ", (12, 21), ("Dot Grid", "Lined"), 240),
    ("Hanging Planter", "Home", "Foxglove Florists", "HPL", (28, 46), ("Small", "Medium"), 760),
    ("Yoga Mat", "Outdoor", "Summit Fitness", "YGM", (48, 88), ("Plum", "Slate"), 1800),
)

PRODUCT_TAGS = ("bestseller", "new-arrival", "gift", "eco", "limited", "staff-pick")
CUSTOMER_TAGS = ("vip", "wholesale", "newsletter", "repeat", "local-pickup")
CARRIERS = (("USPS", 0.5), ("UPS", 0.3), ("FedEx", 0.2))


def _option_code(option: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", option.upper())[:4]


def _discount_codes(ctx: SeedContext) -> list[dict[str, Any]]:
    rng = ctx.rng
    today = ctx.now.date()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    season = rng.choice((10, 15, 20))
    templates: list[dict[str, Any]] = [
        {
            "code": f"SUMMER{season}",
            "value_type": "percentage",
            "value": float(season),
            "minimum_subtotal": 50.0,
            "usage_limit": None,
            "once_per_customer": False,
            "start_date": day(-rng.randint(10, 20)),
            "end_date": day(rng.randint(40, 75)),
        },
        {
            "code": "WELCOME10",
            "value_type": "percentage",
            "value": 10.0,
            "minimum_subtotal": 0.0,
            "usage_limit": None,
            "once_per_customer": True,
            "start_date": day(-200),
            "end_date": None,
        },
        {
            "code": "TAKE20",
            "value_type": "fixed_amount",
            "value": 20.0,
            "minimum_subtotal": 100.0,
            "usage_limit": rng.choice((50, 100)),
            "once_per_customer": False,
            "start_date": day(-45),
            "end_date": day(rng.randint(20, 35)),
        },
        {
            "code": f"SPRING{rng.choice((20, 25))}",
            "value_type": "percentage",
            "value": 25.0,
            "minimum_subtotal": 60.0,
            "usage_limit": None,
            "once_per_customer": False,
            "start_date": day(-100),
            "end_date": day(-rng.randint(10, 20)),
        },
        {
            "code": "VIPNIGHT",
            "value_type": "percentage",
            "value": 30.0,
            "minimum_subtotal": 150.0,
            "usage_limit": 25,
            "once_per_customer": True,
            "start_date": day(-5),
            "end_date": day(4),
        },
        {
            "code": "FLASH5",
            "value_type": "fixed_amount",
            "value": 5.0,
            "minimum_subtotal": 25.0,
            "usage_limit": 200,
            "once_per_customer": False,
            "start_date": day(rng.randint(3, 10)),
            "end_date": day(rng.randint(12, 20)),
        },
        {
            "code": "FRIENDS15",
            "value_type": "percentage",
            "value": 15.0,
            "minimum_subtotal": 40.0,
            "usage_limit": 40,
            "once_per_customer": False,
            "start_date": day(-60),
            "end_date": day(30),
        },
    ]
    extra = rng.sample(templates[2:], min(len(templates) - 2, max(2, ctx.size // 3)))
    chosen = [templates[0], templates[1], *extra]
    for row in chosen:
        row["times_used"] = (
            rng.randint(0, 30) if row["usage_limit"] is None else rng.randint(0, row["usage_limit"] // 2)
        )
    if any(row["code"] == "FRIENDS15" for row in chosen):
        friends = next(row for row in chosen if row["code"] == "FRIENDS15")
        friends["times_used"] = friends["usage_limit"]  # used up: a realistic refusal
    return chosen


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    products: list[dict[str, Any]] = []
    variants: list[dict[str, Any]] = []
    templates = rng.sample(CATALOG, min(len(CATALOG), max(5, ctx.size)))
    statuses = ["active"] * len(templates)
    if len(templates) >= 6:
        statuses[-1] = "draft"
        statuses[-2] = "archived"
    for (title, kind, vendor, prefix, (low, high), options, grams), status in zip(templates, statuses, strict=True):
        product_id = seed_id(rng, "prod")
        created = fake.datetime_between(rng, now - timedelta(days=500), now - timedelta(days=20))
        products.append(
            {
                "product_id": product_id,
                "title": title,
                "product_type": kind,
                "vendor": vendor,
                "status": status,
                "tags": sorted(rng.sample(PRODUCT_TAGS, rng.randint(0, 2))),
                "created_at": created.isoformat(),
            }
        )
        price = fake.amount(rng, low, high)
        for option in options:
            variants.append(
                {
                    "sku": f"{prefix}-{_option_code(option)}",
                    "product_id": product_id,
                    "title": option,
                    "price": price,
                    "inventory_quantity": rng.choice((0, rng.randint(1, 8), rng.randint(8, 60), rng.randint(8, 60))),
                    "weight_grams": grams,
                }
            )
    people = fake.residents(ctx, max(3, ctx.size))
    customers: list[dict[str, Any]] = []
    for resident in people:
        person = resident.person
        customers.append(
            {
                "customer_id": seed_id(rng, "cust"),
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "phone": person.phone,
                "address": resident.address,
                "city": resident.city,
                "postal_code": resident.postal_code,
                "country": resident.country,
                "tags": sorted(rng.sample(CUSTOMER_TAGS, rng.choice((0, 0, 1, 2)))),
                "accepts_marketing": rng.random() < 0.6,
                "orders_count": 0,
                "total_spent": 0.0,
                "created_at": fake.datetime_between(
                    rng, now - timedelta(days=700), now - timedelta(days=90)
                ).isoformat(),
            }
        )
    codes = _discount_codes(ctx)
    sellable = [
        v for v in variants if any(p["product_id"] == v["product_id"] and p["status"] != "draft" for p in products)
    ]
    titles = {p["product_id"]: p["title"] for p in products}
    orders: list[dict[str, Any]] = []
    fulfillments: list[dict[str, Any]] = []
    for _ in range(ctx.size + ctx.size // 2):
        customer = rng.choice(customers)
        created = fake.datetime_between(rng, now - timedelta(days=75), now - timedelta(hours=3), minute_step=1)
        lines = [
            {
                "sku": v["sku"],
                "title": f"{titles[v['product_id']]} - {v['title']}",
                "quantity": rng.choice((1, 1, 1, 2, 3)),
                "price": v["price"],
            }
            for v in rng.sample(sellable, rng.randint(1, min(3, len(sellable))))
        ]
        subtotal = money(sum(line["price"] * line["quantity"] for line in lines))
        code_used, discount_total = None, 0.0
        usable = [
            c
            for c in codes
            if c["start_date"] <= created.date().isoformat()
            and (c["end_date"] is None or created.date().isoformat() <= c["end_date"])
            and cents(subtotal) >= cents(c["minimum_subtotal"])
            and not c["once_per_customer"]
        ]
        if usable and rng.random() < 0.3:
            chosen = rng.choice(usable)
            code_used = chosen["code"]
            value = (
                subtotal * chosen["value"] / 100
                if chosen["value_type"] == "percentage"
                else min(chosen["value"], subtotal)
            )
            discount_total = money(value)
        shipping_price = _shipping_price(customer["country"], subtotal - discount_total)
        age = now - created
        state = fake.choose_weighted(rng, {"paid": 0.72, "pending": 0.14, "cancelled": 0.14})
        if age < timedelta(days=2) and state == "cancelled":
            state = "pending"
        financial = {"paid": "paid", "pending": "pending", "cancelled": rng.choice(("refunded", "voided"))}[state]
        fulfilled = state == "paid" and age > timedelta(days=2) and rng.random() < 0.8
        order_id = seed_id(rng, "order")
        amount = money(subtotal - discount_total + shipping_price)
        orders.append(
            {
                "order_id": order_id,
                "order_number": 0,
                "customer_id": customer["customer_id"],
                "email": customer["email"],
                "name": f"{customer['first_name']} {customer['last_name']}",
                "line_items": lines,
                "subtotal": subtotal,
                "discount_code": code_used,
                "discount_total": discount_total,
                "shipping_price": shipping_price,
                "amount": amount,
                "currency": SHOP_CURRENCY,
                "financial_status": financial,
                "fulfillment_status": "fulfilled" if fulfilled else "unfulfilled",
                "status": "cancelled" if state == "cancelled" else "open",
                "address": customer["address"],
                "city": customer["city"],
                "postal_code": customer["postal_code"],
                "country": customer["country"],
                "note": rng.choice(
                    (
                        None,
                        None,
                        None,
                        "Please gift wrap",
                        "Leave at the side door",
                        "Birthday present - no invoice in the box",
                    )
                ),
                "payment_reference": None,
                "created_at": created.isoformat(),
                "cancelled_at": (created + timedelta(hours=rng.randint(2, 30))).isoformat()
                if state == "cancelled"
                else None,
                "cancel_reason": rng.choice(("customer", "inventory", "declined")) if state == "cancelled" else None,
            }
        )
        customer["orders_count"] += 1
        if state != "cancelled":
            customer["total_spent"] = money(customer["total_spent"] + amount)
        if fulfilled:
            carrier = fake.choose_weighted(rng, dict(CARRIERS))
            fulfillments.append(
                {
                    "fulfillment_id": seed_id(rng, "ful"),
                    "order_id": order_id,
                    "tracking_number": tracking_number(rng, carrier),
                    "carrier": carrier,
                    "status": "success",
                    "created_at": (created + timedelta(hours=rng.randint(20, 48))).isoformat(),
                }
            )
    orders.sort(key=lambda row: row["created_at"])
    for number, order in enumerate(orders, start=1001):
        order["order_number"] = number
    drafts: list[dict[str, Any]] = []
    active = [
        v for v in variants if any(p["product_id"] == v["product_id"] and p["status"] == "active" for p in products)
    ]
    for _ in range(max(1, ctx.size // 4)):
        customer = rng.choice(customers)
        in_stock = [v for v in active if v["inventory_quantity"] > 0]
        if not in_stock:
            break
        variant = rng.choice(in_stock)
        quantity = min(variant["inventory_quantity"], rng.randint(1, 2))
        subtotal = money(variant["price"] * quantity)
        shipping_price = _shipping_price(customer["country"], subtotal)
        drafts.append(
            {
                "draft_order_id": seed_id(rng, "draft"),
                "customer_id": customer["customer_id"],
                "email": customer["email"],
                "line_items": [
                    {
                        "sku": variant["sku"],
                        "title": f"{titles[variant['product_id']]} - {variant['title']}",
                        "quantity": quantity,
                        "price": variant["price"],
                    }
                ],
                "subtotal": subtotal,
                "discount_code": None,
                "discount_total": 0.0,
                "shipping_price": shipping_price,
                "amount": money(subtotal + shipping_price),
                "currency": SHOP_CURRENCY,
                "address": customer["address"],
                "city": customer["city"],
                "postal_code": customer["postal_code"],
                "country": customer["country"],
                "status": "open",
                "order_id": None,
                "note": rng.choice((None, "Quote requested by phone", "Wholesale inquiry")),
                "created_at": fake.datetime_between(rng, now - timedelta(days=6), now - timedelta(hours=1)).isoformat(),
            }
        )
    return {
        "products": products,
        "variants": variants,
        "customers": customers,
        "discount_codes": codes,
        "draft_orders": drafts,
        "orders": orders,
        "fulfillments": fulfillments,
    }
