"""A seller's tools on a handmade marketplace after the Etsy Open API v3.

Shops list items (listings move through Etsy's states: draft, active, inactive, sold_out,
expired), buyers' purchases arrive as receipts with one transaction per item, the seller ships a
receipt by adding the carrier's tracking number, and buyers leave reviews per transaction.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import cents, digits, matches, money, page, seed_id
from envfactory_core.models import Provenance

MIN_PRICE = 0.20
MAX_PRICE = 50000.00
MAX_TAGS = 13
MAX_TAG_CHARS = 20
MAX_TITLE_CHARS = 140
RENEWAL_DAYS = 120

POLICY = f"""\
Marketplace seller rules (after Etsy's listing and order policies):
- A listing's title is at most {MAX_TITLE_CHARS} characters, and may use each of the characters % : & +
  at most once.
- A listing has at most {MAX_TAGS} tags of at most {MAX_TAG_CHARS} characters each (letters, numbers, spaces
  and hyphens).
- Prices are between {MIN_PRICE:.2f} and {MAX_PRICE:,.2f} in the shop's currency; quantity between 1 and 999
  (0 only when an active listing sells out).
- New listings start as drafts. Publishing (state active) needs a description and at least one item in
  stock, and renews the listing for {RENEWAL_DAYS} days. Only active listings can be deactivated (state
  inactive); inactive, expired and sold-out listings can be published again. An active listing whose
  quantity is set to 0 becomes sold_out.
- Active listings cannot be deleted: deactivate them first.
- A receipt is shipped once, with the carrier's tracking number; cancelled receipts are never shipped.
"""

environment = Environment(
    name="marketplace",
    domain="commerce",
    description=(
        "A seller's dashboard on a handmade-goods marketplace after the Etsy Open API v3 (shops, listings, "
        "shop receipts and transactions, receipt shipments, reviews): find shops, search, create, publish, "
        "edit and delete listings, read orders (receipts) and ship them with a tracking number, read reviews."
    ),
    tables=[
        table(
            "shops",
            primary_key="shop_id",
            shop_id=str,
            shop_name=str,
            title=str,
            name=str,
            email=str,
            city=str,
            country=str,
            currency=str,
            created_at=str,
        ),
        table(
            "listings",
            primary_key="listing_id",
            listing_id=str,
            shop_id=str,
            title=str,
            description=str,
            price=float,
            currency=str,
            quantity=int,
            state=str,
            tags=list,
            materials=list,
            who_made=str,
            when_made=str,
            views=int,
            num_favorers=int,
            created_at=str,
            expires_on=str | None,
        ),
        table(
            "receipts",
            primary_key="receipt_id",
            receipt_id=str,
            shop_id=str,
            name=str,
            email=str,
            address=str,
            city=str,
            postal_code=str,
            country=str,
            subtotal=float,
            shipping_cost=float,
            amount=float,
            currency=str,
            status=str,
            is_shipped=bool,
            tracking_number=str | None,
            carrier=str | None,
            message_from_buyer=str | None,
            created_at=str,
            shipped_at=str | None,
        ),
        table(
            "transactions",
            primary_key="transaction_id",
            transaction_id=str,
            receipt_id=str,
            listing_id=str,
            title=str,
            quantity=int,
            price=float,
        ),
        table(
            "reviews",
            primary_key="transaction_id",
            transaction_id=str,
            shop_id=str,
            listing_id=str,
            rating=int,
            review=str,
            name=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T14:00:00+00:00",
    provenance=Provenance(
        source="Etsy Open API v3: ShopListing, Shop, ShopReceipt, ShopReceiptTransaction, Review endpoints",
        url="https://developers.etsy.com/documentation/reference",
    ),
)


# --- output records --------------------------------------------------------------------------


class Shop(TypedDict):
    """A marketplace shop.

    Args:
        shop_id: The shop's id.
        shop_name: The shop's unique name, e.g. "CedarHollowCeramics".
        name: The shop owner's full name.
        currency: ISO 4217 code of the shop's prices.
        active_listing_count: Listings currently for sale.
        review_average: Mean rating of the shop's reviews (1-5), null without reviews.
    """

    shop_id: str
    shop_name: str
    title: str
    name: str
    email: str
    city: str
    country: str
    currency: str
    active_listing_count: int
    review_count: int
    review_average: float | None
    created_at: str


class ShopList(TypedDict):
    shops: list[Shop]
    count: int


class Listing(TypedDict):
    """An item for sale in a shop.

    Args:
        listing_id: The marketplace listing's id.
        shop_id: The shop that sells it.
        price: Unit price in the shop's currency.
        currency: ISO 4217 code of the price.
        quantity: Units available.
        state: draft, active (for sale), inactive, sold_out or expired.
        expires_on: The date an active listing expires unless renewed.
    """

    listing_id: str
    shop_id: str
    title: str
    description: str
    price: float
    currency: str
    quantity: int
    state: Literal["draft", "active", "inactive", "sold_out", "expired"]
    tags: list[str]
    materials: list[str]
    who_made: str
    when_made: str
    views: int
    num_favorers: int
    created_at: str
    expires_on: str | None


class ListingList(TypedDict):
    listings: list[Listing]
    count: int


class DeletedListing(TypedDict):
    listing_id: str
    title: str
    deleted: bool


class Transaction(TypedDict):
    """One purchased item on a receipt.

    Args:
        transaction_id: The transaction's id.
        listing_id: The listing bought.
        quantity: Units bought.
        price: Unit price paid.
    """

    transaction_id: str
    listing_id: str
    title: str
    quantity: int
    price: float


class Receipt(TypedDict):
    """A buyer's order from one shop.

    Args:
        receipt_id: The marketplace receipt's (order's) id.
        name: The buyer's full name (the shipping recipient).
        email: The buyer's email address.
        address: Shipping street address.
        city: Shipping city.
        postal_code: Shipping postal code.
        country: Shipping country, ISO 3166 alpha-2 code.
        amount: Grand total paid, items plus shipping, in the shop's currency.
        currency: ISO 4217 code of the amounts.
        status: paid (awaiting shipment), completed (shipped) or canceled.
        tracking_number: The shipment's tracking number once shipped.
        carrier: The shipment's carrier once shipped.
    """

    receipt_id: str
    shop_id: str
    name: str
    email: str
    address: str
    city: str
    postal_code: str
    country: str
    subtotal: float
    shipping_cost: float
    amount: float
    currency: str
    status: Literal["paid", "completed", "canceled"]
    is_shipped: bool
    tracking_number: str | None
    carrier: str | None
    message_from_buyer: str | None
    created_at: str
    shipped_at: str | None
    transactions: list[Transaction]


class ReceiptList(TypedDict):
    receipts: list[Receipt]
    count: int


class Review(TypedDict):
    """A buyer's review of one purchased item.

    Args:
        transaction_id: The reviewed transaction.
        rating: Stars from 1 to 5.
        review: The buyer's words.
        name: The reviewer's name.
    """

    transaction_id: str
    shop_id: str
    listing_id: str
    rating: int
    review: str
    name: str
    created_at: str


class ReviewList(TypedDict):
    reviews: list[Review]
    count: int
    average_rating: float | None


# --- helpers ---------------------------------------------------------------------------------


def _shop(ctx: Context, row: dict[str, Any]) -> Shop:
    reviews = ctx.table("reviews").find(shop_id=row["shop_id"])
    average = round(sum(r["rating"] for r in reviews) / len(reviews), 2) if reviews else None
    return {
        **row,  # type: ignore[typeddict-item]
        "active_listing_count": ctx.table("listings").count(shop_id=row["shop_id"], state="active"),
        "review_count": len(reviews),
        "review_average": average,
    }


def _receipt(ctx: Context, row: dict[str, Any]) -> Receipt:
    items = ctx.table("transactions").find(receipt_id=row["receipt_id"])
    transactions = [
        {key: item[key] for key in ("transaction_id", "listing_id", "title", "quantity", "price")} for item in items
    ]
    return {**row, "transactions": transactions}  # type: ignore[typeddict-item]


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ToolError("title is empty")
    if len(title) > MAX_TITLE_CHARS:
        raise ToolError(f"title is {len(title)} characters long; the limit is {MAX_TITLE_CHARS}")
    for special in "%:&+":
        if title.count(special) > 1:
            raise ToolError(
                f"title uses {special!r} {title.count(special)} times; each of % : & + may appear at most once"
            )
    return title


def _check_tags(tags: list[str]) -> list[str]:
    cleaned = [" ".join(tag.split()).lower() for tag in tags]
    if len(cleaned) > MAX_TAGS:
        raise ToolError(f"{len(cleaned)} tags given; a listing has at most {MAX_TAGS}")
    for tag in cleaned:
        if not tag or len(tag) > MAX_TAG_CHARS:
            raise ToolError(f"tag {tag!r} must be 1 to {MAX_TAG_CHARS} characters long")
        if not all(ch.isalnum() or ch in " -" for ch in tag):
            raise ToolError(f"tag {tag!r} may only use letters, numbers, spaces and hyphens")
    return list(dict.fromkeys(cleaned))


def _check_price(price: float) -> float:
    if not cents(MIN_PRICE) <= cents(price) <= cents(MAX_PRICE):
        raise ToolError(f"price {price} is outside {MIN_PRICE:.2f}-{MAX_PRICE:,.2f}")
    return money(price)


# --- tools -----------------------------------------------------------------------------------


@environment.tool(effect="read")
def find_shops(
    ctx: Context, query: str | None = None, limit: Annotated[int, Arg(minimum=1, maximum=25, mask=True)] = 10
) -> ShopList:
    """Find shops whose name, tagline, owner or city contains the query, with listing and review counts.

    Args:
        query: Words from the shop's name or tagline, the owner's name, or the city; leave out to list all.
        limit: At most this many shops.
    """
    found = [
        _shop(ctx, row)
        for row in ctx.table("shops").all(order_by="shop_name")
        if matches(query, row["shop_name"], row["title"], row["name"], row["city"])
    ]
    return {"shops": page(found, limit), "count": len(found)}


@environment.tool(effect="read")
def search_listings(
    ctx: Context,
    query: str | None = None,
    shop_id: str | None = None,
    state: Literal["draft", "active", "inactive", "sold_out", "expired"] | None = "active",
    min_price: Annotated[float, Arg(minimum=0)] | None = None,
    max_price: Annotated[float, Arg(minimum=0)] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ListingList:
    """Search listings by words in the title, description, tags or materials; by default only active ones.

    Args:
        query: Words to look for; leave out to list all.
        shop_id: Only this shop's listings.
        state: Only listings in this state (default active; null for every state).
        min_price: Only listings priced at least this much.
        max_price: Only listings priced at most this much.
        limit: At most this many listings.
        offset: Skip this many listings (for paging).
    """
    if shop_id is not None:
        ctx.table("shops").require(shop_id, what="shop")
    filters: dict[str, Any] = {}
    if shop_id is not None:
        filters["shop_id"] = shop_id
    if state is not None:
        filters["state"] = state
    found = [
        row
        for row in ctx.table("listings").find(order_by="created_at", descending=True, **filters)
        if matches(query, row["title"], row["description"], " ".join(row["tags"]), " ".join(row["materials"]))
        and (min_price is None or cents(row["price"]) >= cents(min_price))
        and (max_price is None or cents(row["price"]) <= cents(max_price))
    ]
    return {"listings": page(found, limit, offset), "count": len(found)}  # type: ignore[arg-type]


@environment.tool(effect="write")
def create_draft_listing(
    ctx: Context,
    shop_id: str,
    title: Annotated[str, Arg(min_length=1, max_length=200)],
    description: str,
    price: Annotated[float, Arg(minimum=0)],
    quantity: Annotated[int, Arg(minimum=1, maximum=999)],
    who_made: Literal["i_did", "someone_else", "collective"],
    when_made: Literal["made_to_order", "2020_2025", "2010_2019", "before_2010"],
    tags: list[str] | None = None,
    materials: list[str] | None = None,
) -> Listing:
    """Create a draft listing in a shop; publish it later with update_listing(state="active").

    Args:
        shop_id: The shop's id.
        title: The listing's title (at most 140 characters).
        description: What the item is, its size and care.
        price: Unit price in the shop's currency.
        quantity: Units available (1-999).
        who_made: Who made the item: i_did, someone_else or collective.
        when_made: When it was made: made_to_order, 2020_2025, 2010_2019 or before_2010.
        tags: Search words for the item (at most 13, each at most 20 characters).
        materials: What the item is made of, e.g. ["stoneware", "glaze"].
    """
    shop = ctx.table("shops").require(shop_id, what="shop")
    return ctx.table("listings").insert(  # type: ignore[return-value]
        {
            "listing_id": ctx.new_id("lst"),
            "shop_id": shop_id,
            "title": _check_title(title),
            "description": description.strip(),
            "price": _check_price(price),
            "currency": shop["currency"],
            "quantity": quantity,
            "state": "draft",
            "tags": _check_tags(tags or []),
            "materials": [" ".join(m.split()).lower() for m in (materials or []) if m.strip()],
            "who_made": who_made,
            "when_made": when_made,
            "views": 0,
            "num_favorers": 0,
            "created_at": ctx.now.isoformat(),
            "expires_on": None,
        }
    )


@environment.tool(effect="write")
def update_listing(
    ctx: Context,
    listing_id: str,
    state: Literal["active", "inactive"] | None = None,
    title: Annotated[str, Arg(min_length=1, max_length=200)] | None = None,
    description: str | None = None,
    price: Annotated[float, Arg(minimum=0)] | None = None,
    quantity: Annotated[int, Arg(minimum=0, maximum=999)] | None = None,
    tags: list[str] | None = None,
) -> Listing:
    """Edit a listing, publish it (state active) or take it off sale (state inactive).

    Args:
        listing_id: The marketplace listing's id.
        state: active to publish or renew it, inactive to stop selling it.
        title: A new title.
        description: A new description.
        price: A new unit price in the shop's currency.
        quantity: A new number of units available (0 marks an active listing sold out).
        tags: New search words, replacing the old ones.
    """
    listing = ctx.table("listings").require(listing_id, what="listing")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _check_title(title)
    if description is not None:
        changes["description"] = description.strip()
    if price is not None:
        changes["price"] = _check_price(price)
    if tags is not None:
        changes["tags"] = _check_tags(tags)
    if quantity is not None:
        changes["quantity"] = quantity
    if not changes and state is None:
        raise ToolError("nothing to change: give state, title, description, price, quantity or tags")
    merged = {**listing, **changes}
    current = listing["state"]
    new_state = current
    if state == "active":
        if current == "active":
            raise ToolError(f"listing {listing_id} is already active (it expires on {listing['expires_on']})")
        if not merged["description"]:
            raise ToolError("a listing needs a description before it can be published")
        if merged["quantity"] < 1:
            raise ToolError("a listing needs at least one item in stock to be published: set quantity too")
        new_state = "active"
        changes["expires_on"] = (ctx.today + timedelta(days=RENEWAL_DAYS)).isoformat()
    elif state == "inactive":
        if current != "active":
            raise ToolError(f"listing {listing_id} is {current}; only active listings can be deactivated")
        new_state = "inactive"
    if quantity == 0:
        if new_state == "active":
            new_state = "sold_out"
        elif new_state != "sold_out":
            raise ToolError(
                f"listing {listing_id} is {new_state}; quantity 0 is only possible for an active listing "
                "(it becomes sold out)"
            )
    changes["state"] = new_state
    return ctx.table("listings").update(listing_id, changes)  # type: ignore[return-value]


@environment.tool(effect="write")
def delete_listing(ctx: Context, listing_id: str) -> DeletedListing:
    """Delete a listing that is not active (draft, inactive, sold out or expired).

    Args:
        listing_id: The marketplace listing's id.
    """
    listing = ctx.table("listings").require(listing_id, what="listing")
    if listing["state"] == "active":
        raise ToolError(f"listing {listing_id} is active; deactivate it (state inactive) before deleting it")
    ctx.table("listings").delete(listing_id)
    return {"listing_id": listing_id, "title": listing["title"], "deleted": True}


@environment.tool(effect="read")
def list_receipts(
    ctx: Context,
    shop_id: str,
    status: Literal["paid", "completed", "canceled"] | None = None,
    was_shipped: bool | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ReceiptList:
    """List a shop's receipts (orders), newest first, with their items.

    Args:
        shop_id: The shop's id.
        status: Only receipts in this status: paid (to ship), completed or canceled.
        was_shipped: Only shipped (true) or only unshipped (false) receipts.
        limit: At most this many receipts.
        offset: Skip this many receipts (for paging).
    """
    ctx.table("shops").require(shop_id, what="shop")
    filters: dict[str, Any] = {"shop_id": shop_id}
    if status is not None:
        filters["status"] = status
    if was_shipped is not None:
        filters["is_shipped"] = was_shipped
    rows = ctx.table("receipts").find(order_by="created_at", descending=True, **filters)
    return {"receipts": [_receipt(ctx, row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="read")
def get_receipt(ctx: Context, receipt_id: str) -> Receipt:
    """Get one receipt (order) with the buyer's shipping address, totals, items and shipment.

    Args:
        receipt_id: The marketplace receipt's (order's) id.
    """
    return _receipt(ctx, ctx.table("receipts").require(receipt_id, what="receipt"))


@environment.tool(effect="write")
def create_receipt_shipment(
    ctx: Context,
    receipt_id: str,
    tracking_number: Annotated[str, Arg(min_length=6, max_length=40)],
    carrier: Annotated[str, Arg(min_length=2, max_length=40)],
    note_to_buyer: str | None = None,
) -> Receipt:
    """Mark a paid receipt as shipped with the carrier's tracking number; the buyer is notified.

    Args:
        receipt_id: The marketplace receipt's (order's) id.
        tracking_number: The shipping label's tracking number.
        carrier: The carrier, e.g. USPS, UPS, FedEx, Royal Mail or DHL Express.
        note_to_buyer: A short message sent to the buyer with the tracking details.
    """
    receipt = ctx.table("receipts").require(receipt_id, what="receipt")
    if receipt["status"] == "canceled":
        raise ToolError(f"receipt {receipt_id} was canceled and cannot be shipped")
    if receipt["is_shipped"]:
        raise ToolError(
            f"receipt {receipt_id} already shipped on {str(receipt['shipped_at'])[:10]} "
            f"with {receipt['carrier']} tracking {receipt['tracking_number']}"
        )
    tracking = "".join(tracking_number.split()).upper()
    if not tracking.isalnum():
        raise ToolError(f"tracking number {tracking_number!r} may only contain letters and digits")
    updated = ctx.table("receipts").update(
        receipt_id,
        {
            "status": "completed",
            "is_shipped": True,
            "tracking_number": tracking,
            "carrier": carrier.strip(),
            "shipped_at": ctx.now.isoformat(),
        },
    )
    return _receipt(ctx, updated)


@environment.tool(effect="read")
def list_reviews(
    ctx: Context,
    listing_id: str | None = None,
    shop_id: str | None = None,
    min_rating: Annotated[int, Arg(minimum=1, maximum=5)] | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> ReviewList:
    """List buyers' reviews of a listing or of a whole shop, newest first, with the average rating.

    Args:
        listing_id: Only reviews of this listing.
        shop_id: Only reviews of this shop's items.
        min_rating: Only reviews with at least this many stars.
        limit: At most this many reviews.
    """
    if listing_id is None and shop_id is None:
        raise ToolError("give listing_id or shop_id")
    filters: dict[str, Any] = {}
    if listing_id is not None:
        filters["listing_id"] = listing_id
    if shop_id is not None:
        ctx.table("shops").require(shop_id, what="shop")
        filters["shop_id"] = shop_id
    rows = [
        r
        for r in ctx.table("reviews").find(order_by="created_at", descending=True, **filters)
        if min_rating is None or r["rating"] >= min_rating
    ]
    average = round(sum(r["rating"] for r in rows) / len(rows), 2) if rows else None
    return {"reviews": page(rows, limit), "count": len(rows), "average_rating": average}  # type: ignore[arg-type]


# --- seed state ------------------------------------------------------------------------------

# (shop name, tagline, items: (title, price range, materials, tags))
SHOP_THEMES: tuple[
    tuple[str, str, tuple[tuple[str, tuple[float, float], tuple[str, ...], tuple[str, ...]], ...]], ...
] = (
    (
        "CedarHollowCeramics",
        "Wheel-thrown stoneware for slow mornings",
        (
            (
                "Speckled Stoneware Mug, 12 oz",
                (28, 42),
                ("stoneware", "glaze"),
                ("ceramic mug", "coffee mug", "handmade"),
            ),
            ("Ramen Bowl with Chopstick Rest", (38, 58), ("stoneware",), ("ramen bowl", "noodle bowl", "pottery")),
            ("Bud Vase Trio", (45, 70), ("porcelain",), ("bud vase", "flower vase", "minimalist")),
            ("Ceramic Olive Oil Cruet", (34, 49), ("stoneware", "cork"), ("oil bottle", "kitchen", "pottery")),
            ("Hand-Built Planter with Saucer", (32, 56), ("terracotta", "glaze"), ("planter", "succulent pot")),
        ),
    ),
    (
        "NorthLoopKnits",
        "Chunky knits from undyed wool",
        (
            ("Chunky Knit Beanie", (32, 48), ("merino wool",), ("beanie", "winter hat", "hand knit")),
            ("Fisherman Rib Scarf", (58, 85), ("alpaca", "wool"), ("scarf", "rib knit", "gift for him")),
            ("Baby Cardigan, Natural Cream", (44, 66), ("organic cotton",), ("baby gift", "cardigan", "newborn")),
            ("Wool Mittens with Lining", (36, 52), ("wool", "fleece"), ("mittens", "hand knit", "winter")),
            ("Cable Knit Throw Blanket", (160, 240), ("merino wool",), ("throw blanket", "cable knit", "home decor")),
        ),
    ),
    (
        "SaltMarshPrints",
        "Risograph prints of coastal birds",
        (
            ("Heron at Dawn Art Print, A4", (22, 35), ("paper", "soy ink"), ("bird print", "wall art", "coastal")),
            ("Tide Chart Poster 2025", (28, 40), ("recycled paper",), ("tide chart", "poster", "nautical")),
            (
                "Oystercatcher Greeting Cards, Set of 6",
                (16, 24),
                ("card stock",),
                ("greeting card", "birds", "stationery"),
            ),
            ("Lighthouse Linocut, Framed", (85, 140), ("paper", "oak frame"), ("linocut", "lighthouse", "framed art")),
            ("Sandpiper Tea Towel", (18, 26), ("linen",), ("tea towel", "kitchen", "bird")),
        ),
    ),
    (
        "EmberAndWick",
        "Small-batch soy candles",
        (
            ("Cedar and Smoke Soy Candle, 8 oz", (24, 34), ("soy wax", "cotton wick"), ("soy candle", "cedar", "gift")),
            ("Fig Leaf Travel Tin Candle", (14, 19), ("soy wax", "tin"), ("travel candle", "fig", "small gift")),
            ("Amber Glass Candle with Wooden Wick", (36, 48), ("soy wax", "wood wick"), ("wood wick", "amber jar")),
            ("Wax Melts Sampler", (12, 18), ("soy wax",), ("wax melts", "sampler", "home fragrance")),
            ("Beeswax Taper Candles, Pair", (18, 28), ("beeswax",), ("taper candle", "beeswax", "dinner party")),
        ),
    ),
    (
        "OakAndAnvilWoodshop",
        "Heirloom kitchen woodwork",
        (
            (
                "Walnut End-Grain Cutting Board",
                (120, 190),
                ("black walnut", "mineral oil"),
                ("cutting board", "walnut", "wedding gift"),
            ),
            ("Maple Serving Spoon Set", (38, 55), ("maple",), ("wooden spoon", "kitchen utensils")),
            ("Cherry Wood Coasters, Set of 4", (32, 45), ("cherry wood",), ("coasters", "housewarming")),
            ("Personalised Recipe Box", (65, 95), ("oak", "brass"), ("recipe box", "personalized", "kitchen")),
            ("Live Edge Floating Shelf", (85, 150), ("oak",), ("floating shelf", "live edge", "rustic")),
        ),
    ),
)

REVIEW_TEXTS = {
    5: (
        "Absolutely beautiful, even better than the photos.",
        "Arrived quickly and so well packed. Will order again!",
        "Perfect gift, my sister loved it.",
        "Lovely quality and a sweet handwritten note.",
    ),
    4: (
        "Really nice, slightly smaller than I expected.",
        "Good quality; shipping took a few extra days.",
        "Very pretty, the colour is a bit darker in person.",
    ),
    3: ("It's fine, but not quite what the listing described.", "Nice item, packaging could be better."),
    2: ("Arrived with a small chip; the seller offered a partial refund.",),
    1: ("Never matched the photos and took a month to arrive.",),
}
BUYER_MESSAGES = (
    "Could you gift wrap this please?",
    "Is it possible to ship before Friday?",
    "This is a birthday present, please leave out the invoice.",
)
SHOP_CITIES = (
    "Austin",
    "Seattle",
    "Chicago",
    "Boston",
    "Denver",
    "Toronto",
    "Vancouver",
    "Edinburgh",
    "Manchester",
    "Dublin",
    "Lisbon",
    "Amsterdam",
)


def _carrier_for(rng: random.Random, shop_country: str, buyer_country: str) -> tuple[str, str]:
    domestic = {
        "US": ("USPS", "UPS"),
        "CA": ("Canada Post",),
        "GB": ("Royal Mail",),
        "IE": ("An Post",),
        "PT": ("CTT",),
        "NL": ("PostNL",),
    }.get(shop_country, ("DHL Express",))
    carrier = rng.choice(domestic) if shop_country == buyer_country else rng.choice(("DHL Express", domestic[0]))
    if carrier == "UPS":
        return carrier, "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
    if carrier == "USPS":
        return carrier, "9400" + digits(rng, 18)
    if carrier == "DHL Express":
        return carrier, digits(rng, 10)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return carrier, f"{rng.choice(letters)}{rng.choice(letters)}{digits(rng, 9)}{shop_country}"


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    now = ctx.now
    today: date = now.date()
    cities = {c.name: c for c in fake.CITIES}
    shops: list[dict[str, Any]] = []
    listings: list[dict[str, Any]] = []
    themes = rng.sample(SHOP_THEMES, min(len(SHOP_THEMES), max(2, ctx.size // 4)))
    per_shop = max(3, min(5, (ctx.size + 6) // len(themes)))
    for shop_name, tagline, items in themes:
        owner = fake.person(rng)
        home = cities[rng.choice(SHOP_CITIES)]
        currency = {"US": "USD", "CA": "CAD", "GB": "GBP"}.get(home.country_code, "EUR")
        shop_id = seed_id(rng, "shop")
        shops.append(
            {
                "shop_id": shop_id,
                "shop_name": shop_name,
                "title": tagline,
                "name": owner.full_name,
                "email": f"hello@{shop_name.lower()}.example.com",
                "city": home.name,
                "country": home.country_code,
                "currency": currency,
                "created_at": fake.datetime_between(
                    rng, now - timedelta(days=1800), now - timedelta(days=200)
                ).isoformat(),
            }
        )
        for title, (low, high), materials, tags in rng.sample(items, per_shop):
            created = fake.datetime_between(rng, now - timedelta(days=300), now - timedelta(days=2))
            state = fake.choose_weighted(
                rng, {"active": 0.7, "sold_out": 0.08, "inactive": 0.08, "draft": 0.07, "expired": 0.07}
            )
            quantity = 0 if state == "sold_out" else rng.randint(1, 40)
            expires = None
            if state == "active":
                expires = (today + timedelta(days=rng.randint(5, RENEWAL_DAYS))).isoformat()
            elif state == "expired":
                expires = (today - timedelta(days=rng.randint(1, 60))).isoformat()
            listings.append(
                {
                    "listing_id": seed_id(rng, "lst"),
                    "shop_id": shop_id,
                    "title": title,
                    "description": f"{title}. Made by hand in {home.name}. {fake.sentence(rng)}"
                    if state != "draft" or rng.random() < 0.5
                    else "",
                    "price": fake.amount(rng, low, high),
                    "currency": currency,
                    "quantity": quantity,
                    "state": state,
                    "tags": list(tags),
                    "materials": list(materials),
                    "who_made": rng.choice(("i_did", "i_did", "collective")),
                    "when_made": rng.choice(("made_to_order", "2020_2025")),
                    "views": rng.randint(20, 4000) if state != "draft" else 0,
                    "num_favorers": rng.randint(0, 300) if state != "draft" else 0,
                    "created_at": created.isoformat(),
                    "expires_on": expires,
                }
            )
    buyers = fake.residents(ctx, max(4, ctx.size))
    receipts: list[dict[str, Any]] = []
    transactions: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    for _ in range(ctx.size + ctx.size // 2):
        shop = rng.choice(shops)
        sold = [
            row
            for row in listings
            if row["shop_id"] == shop["shop_id"] and row["state"] in ("active", "sold_out", "expired")
        ]
        if not sold:
            continue
        buyer = rng.choice(buyers)
        created = fake.datetime_between(rng, now - timedelta(days=60), now - timedelta(hours=2), minute_step=1)
        receipt_id = seed_id(rng, "rcpt")
        picked = rng.sample(sold, rng.randint(1, min(2, len(sold))))
        lines = []
        for listing in picked:
            line = {
                "transaction_id": seed_id(rng, "txn"),
                "receipt_id": receipt_id,
                "listing_id": listing["listing_id"],
                "title": listing["title"],
                "quantity": rng.choice((1, 1, 1, 2)),
                "price": listing["price"],
            }
            lines.append(line)
        subtotal = money(sum(line["price"] * line["quantity"] for line in lines))
        domestic = buyer.country == shop["country"]
        shipping_cost = fake.amount(rng, 4, 9) if domestic else fake.amount(rng, 14, 24)
        age = now - created
        status = "completed" if age > timedelta(days=4) and rng.random() < 0.85 else "paid"
        if rng.random() < 0.08:
            status = "canceled"
        carrier, tracking = _carrier_for(rng, shop["country"], buyer.country)
        shipped = status == "completed"
        receipts.append(
            {
                "receipt_id": receipt_id,
                "shop_id": shop["shop_id"],
                "name": buyer.person.full_name,
                "email": buyer.person.email,
                "address": buyer.address,
                "city": buyer.city,
                "postal_code": buyer.postal_code,
                "country": buyer.country,
                "subtotal": subtotal,
                "shipping_cost": shipping_cost,
                "amount": money(subtotal + shipping_cost),
                "currency": shop["currency"],
                "status": status,
                "is_shipped": shipped,
                "tracking_number": tracking if shipped else None,
                "carrier": carrier if shipped else None,
                "message_from_buyer": rng.choice(BUYER_MESSAGES) if rng.random() < 0.2 else None,
                "created_at": created.isoformat(),
                "shipped_at": (created + timedelta(days=rng.randint(1, 3))).isoformat() if shipped else None,
            }
        )
        transactions.extend(lines)
        if shipped and age > timedelta(days=8):
            for line in lines:
                if rng.random() < 0.55:
                    rating = int(fake.choose_weighted(rng, {"5": 0.62, "4": 0.22, "3": 0.08, "2": 0.05, "1": 0.03}))
                    reviews.append(
                        {
                            "transaction_id": line["transaction_id"],
                            "shop_id": shop["shop_id"],
                            "listing_id": line["listing_id"],
                            "rating": rating,
                            "review": rng.choice(REVIEW_TEXTS[rating]),
                            "name": buyer.person.first_name,
                            "created_at": (created + timedelta(days=rng.randint(7, min(30, age.days)))).isoformat(),
                        }
                    )
    return {
        "shops": shops,
        "listings": listings,
        "receipts": receipts,
        "transactions": transactions,
        "reviews": reviews,
    }
