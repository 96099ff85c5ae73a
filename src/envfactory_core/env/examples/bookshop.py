"""A small bookshop: books with stock, customers, orders. The tutorial builds this file step by step."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from ...models import Provenance
from .. import Arg, Context, Environment, SeedContext, ToolError, fake, table

POLICY = """\
- An order can be cancelled only while its status is "placed", and only within 14 days of being placed.
- A customer may order at most 5 copies of one book in one order.
- Cancelling an order puts its copies back in stock.
"""

environment = Environment(
    name="bookshop",
    domain="examples",
    description="An online bookshop: a catalogue with stock, customers and their orders.",
    tables=[
        table("books", primary_key="isbn", isbn=str, title=str, author=str, price=float, stock=int),
        table("customers", primary_key="customer_id", customer_id=str, name=str, email=str, city=str),
        table(
            "orders",
            primary_key="order_id",
            order_id=str,
            customer_id=str,
            isbn=str,
            quantity=int,
            total=float,
            status=str,
            placed_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-03-14T10:00:00+00:00",
    provenance=Provenance(source="Example environment shipped with envfactory-core"),
)


class Book(TypedDict):
    isbn: str
    title: str
    author: str
    price: float
    stock: int


class Order(TypedDict):
    order_id: str
    customer_id: str
    isbn: str
    quantity: int
    total: float
    status: Literal["placed", "cancelled", "shipped"]
    placed_at: str


class BookList(TypedDict):
    books: list[Book]


class OrderList(TypedDict):
    orders: list[Order]


@environment.tool(effect="read")
def search_books(
    ctx: Context, query: str, limit: Annotated[int, Arg(minimum=1, maximum=20, mask=True)] = 10
) -> BookList:
    """Find books whose title or author contains the query.

    Args:
        query: Words from the title or the author's name.
        limit: At most this many books.
    """
    needle = query.lower()
    books = [
        book for book in ctx.table("books").all() if needle in book["title"].lower() or needle in book["author"].lower()
    ]
    return {"books": books[:limit]}  # type: ignore[typeddict-item]


@environment.tool(effect="read")
def find_customer(ctx: Context, email: str) -> dict[str, str]:
    """Look up a customer by email address.

    Args:
        email: The customer's email address.
    """
    customer = ctx.table("customers").first(email=email)
    if customer is None:
        raise ToolError(f"no customer with email {email!r}")
    return customer


@environment.tool(effect="read")
def list_orders(ctx: Context, customer_id: str) -> OrderList:
    """List a customer's orders, newest first.

    Args:
        customer_id: The customer's id.
    """
    ctx.table("customers").require(customer_id)
    return {"orders": ctx.table("orders").find(customer_id=customer_id, order_by="placed_at", descending=True)}  # type: ignore[typeddict-item]


@environment.tool(effect="write")
def place_order(ctx: Context, customer_id: str, isbn: str, quantity: Annotated[int, Arg(minimum=1)] = 1) -> Order:
    """Order copies of a book for a customer; the copies leave stock at once.

    Args:
        customer_id: The customer's id.
        isbn: The book's ISBN.
        quantity: How many copies (at most 5).
    """
    ctx.table("customers").require(customer_id)
    book = ctx.table("books").require(isbn, what="book")
    if quantity > 5:
        raise ToolError("at most 5 copies of one book per order")
    if book["stock"] < quantity:
        raise ToolError(f"only {book['stock']} copies of {book['title']!r} in stock")
    ctx.table("books").update(isbn, {"stock": book["stock"] - quantity})
    order = {
        "order_id": ctx.new_id("ord"),
        "customer_id": customer_id,
        "isbn": isbn,
        "quantity": quantity,
        "total": round(book["price"] * quantity, 2),
        "status": "placed",
        "placed_at": ctx.now.isoformat(),
    }
    return ctx.table("orders").insert(order)  # type: ignore[return-value]


@environment.tool(effect="write")
def cancel_order(ctx: Context, order_id: str) -> Order:
    """Cancel a placed order within 14 days and put its copies back in stock.

    Args:
        order_id: The order's id.
    """
    order = ctx.table("orders").require(order_id)
    if order["status"] != "placed":
        raise ToolError(f"order {order_id} is {order['status']}; only placed orders can be cancelled")
    if ctx.now - datetime.fromisoformat(order["placed_at"]) > timedelta(days=14):
        raise ToolError(f"order {order_id} was placed on {order['placed_at'][:10]}, more than 14 days ago")
    book = ctx.table("books").require(order["isbn"], what="book")
    ctx.table("books").update(order["isbn"], {"stock": book["stock"] + order["quantity"]})
    return ctx.table("orders").update(order_id, {"status": "cancelled"})  # type: ignore[return-value]


TITLES = (
    ("The Cartographer's Daughter", "Ines Moreau"),
    ("Tidewater", "Kofi Asante"),
    ("A Field Guide to Small Rivers", "Greta Lindqvist"),
    ("Midnight at the Observatory", "Hiroshi Tanaka"),
    ("The Salt Road", "Amara Okafor"),
    ("Letters from Lisbon", "Rafael Costa"),
    ("Quiet Machines", "Priya Iyer"),
    ("The Orchard Year", "Clara Vogel"),
    ("Winter Trains", "Tomasz Novak"),
    ("Paper Lanterns", "Mei Chen"),
    ("The Last Lighthouse Keeper", "Liam Fitzgerald"),
    ("Bread and Stone", "Lucia Bianchi"),
)


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    books: list[dict[str, Any]] = [
        {
            "isbn": f"978{rng.randrange(10**9, 10**10)}",
            "title": title,
            "author": author,
            "price": fake.amount(rng, 8, 35),
            "stock": rng.randint(0, 12),
        }
        for title, author in rng.sample(TITLES, min(len(TITLES), max(3, ctx.size)))
    ]
    people = fake.people(ctx.shared("people"), max(2, ctx.size // 2))
    customers = [
        {"customer_id": f"cus_{index + 1:04d}", "name": p.full_name, "email": p.email, "city": p.city.name}
        for index, p in enumerate(people)
    ]
    orders = []
    for index in range(ctx.size):
        book = rng.choice(books)
        quantity = rng.randint(1, 3)
        placed = fake.datetime_between(rng, ctx.now - timedelta(days=40), ctx.now - timedelta(hours=1))
        orders.append(
            {
                "order_id": f"ord_{index + 1:05d}",
                "customer_id": rng.choice(customers)["customer_id"],
                "isbn": book["isbn"],
                "quantity": quantity,
                "total": round(float(book["price"]) * quantity, 2),
                "status": fake.choose_weighted(rng, {"placed": 0.5, "shipped": 0.35, "cancelled": 0.15}),
                "placed_at": placed.isoformat(),
            }
        )
    return {"books": books, "customers": customers, "orders": orders}
