"""A university library after the Open Library books API and an integrated library system's loans API.

Books are identified by ISBN-13 with Open Library-style metadata (title, authors, publisher, year,
subjects); the library owns barcoded copies at several branches. Circulation follows the rules of
library systems such as Koha and Alma: loan periods, renewal limits and borrowing limits by patron
type, daily overdue fines with a per-item cap, a fines threshold that blocks borrowing, and a hold
queue that traps returned copies on the hold shelf for the next patron in line.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, iso
from .catalog import academic_books

__all__ = ["environment"]

BRANCHES = ("Main Library", "Science & Engineering Library", "Social Sciences Library", "Health Sciences Library")
# patron type: (loan days, renewals allowed, most items on loan)
PATRON_RULES = {
    "undergraduate": (21, 2, 20),
    "graduate": (28, 3, 40),
    "faculty": (90, 5, 100),
    "staff": (28, 2, 30),
}
DAILY_FINE = 0.25
MAX_FINE_PER_ITEM = 10.0
BLOCKING_FINES = 10.0
HOLD_SHELF_DAYS = 7
MAX_HOLDS = 10
CURRENCY = "USD"

POLICY = """\
Circulation rules:
- Loan periods, renewals and borrowing limits depend on the patron type: undergraduates 21 days, 2
  renewals, 20 items; graduate students 28 days, 3 renewals, 40 items; faculty 90 days, 5 renewals,
  100 items; staff 28 days, 2 renewals, 30 items.
- A patron cannot borrow, renew or place holds with an expired library card or with fines of
  $10.00 or more; paying fines lifts the block.
- Reference copies are for use in the library only. A patron cannot borrow a second copy of a book
  they already have on loan.
- A renewal sets the due date to the loan period from today. Overdue items cannot be renewed, nor can
  items another patron is waiting for (a waiting hold on the title).
- Overdue items are fined $0.25 per day, at most $10.00 per item, charged when the item is returned.
- Holds: at most 10 active holds per patron. A hold is refused when a copy is on the shelf at the
  pickup branch (borrow it instead). A returned copy goes to the hold shelf for the first waiting
  hold and waits there 7 days; only that patron can borrow it.
"""

environment = Environment(
    name="library",
    domain="academia",
    description=(
        "A university library after the Open Library books API (books by ISBN, authors, subjects) and a library "
        "system's circulation API (copies, patrons, loans, renewals, holds, fines): search the catalogue, check "
        "copies out and in, renew loans, place and cancel holds, and pay fines."
    ),
    tables=[
        table(
            "books",
            primary_key="isbn",
            isbn=str,
            title=str,
            authors=list,
            publisher=str,
            publish_year=int,
            subjects=list,
            pages=int,
        ),
        table(
            "copies",
            primary_key="copy_id",
            copy_id=str,
            isbn=str,
            branch=str,
            call_number=str,
            loan_type=str,
            status=str,
        ),
        table(
            "patrons",
            primary_key="patron_id",
            patron_id=str,
            name=str,
            email=str,
            patron_type=str,
            expiry_date=str,
            fines_owed=float,
        ),
        table(
            "loans",
            primary_key="loan_id",
            loan_id=str,
            copy_id=str,
            isbn=str,
            patron_id=str,
            checkout_date=str,
            due_date=str,
            returned_date=str | None,
            renewals=int,
            fine_charged=float,
        ),
        table(
            "holds",
            primary_key="hold_id",
            hold_id=str,
            isbn=str,
            patron_id=str,
            pickup_branch=str,
            status=str,
            queue_order=int,
            created_at=str,
            copy_id=str | None,
            expires_on=str | None,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Open Library Books API (ISBN lookup, search) and the circulation endpoints of library systems "
        "such as Koha's REST API (checkouts, renewals, holds, patron accounts)",
        url="https://openlibrary.org/developers/api",
    ),
)


# --- outputs ---------------------------------------------------------------------------------------------------


class BookSummary(TypedDict):
    """A catalogue record.

    Args:
        isbn: The book's ISBN-13.
        title: The book's title.
        authors: Author names.
        available_copies: Copies on the shelf that can be borrowed now.
    """

    isbn: str
    title: str
    authors: list[str]
    publisher: str
    publish_year: int
    subjects: list[str]
    available_copies: int


class BookSearch(TypedDict):
    books: list[BookSummary]
    count: int


class Copy(TypedDict):
    """One physical copy.

    Args:
        copy_id: The copy's barcode.
        status: available, on_loan, on_hold_shelf, in_repair or lost.
        loan_type: standard (can be borrowed) or reference (library use only).
        due_date: When the copy is due back, if it is on loan.
    """

    copy_id: str
    branch: str
    call_number: str
    loan_type: str
    status: str
    due_date: str | None


class BookDetail(TypedDict):
    """A book with its copies and hold queue.

    Args:
        holds_waiting: Patrons waiting for a copy.
    """

    isbn: str
    title: str
    authors: list[str]
    publisher: str
    publish_year: int
    subjects: list[str]
    pages: int
    copies: list[Copy]
    holds_waiting: int


class Loan(TypedDict):
    """A loan of one copy.

    Args:
        loan_id: The loan's id.
        title: Title of the borrowed book.
        due_date: When the copy is due back (YYYY-MM-DD).
        status: active, overdue or returned.
        renewals_left: Renewals still allowed.
        fine_charged: Overdue fine charged at return, in USD.
    """

    loan_id: str
    copy_id: str
    isbn: str
    title: str
    patron_id: str
    email: str
    checkout_date: str
    due_date: str
    returned_date: str | None
    status: str
    renewals: int
    renewals_left: int
    fine_charged: float


class LoanList(TypedDict):
    loans: list[Loan]
    count: int


class Hold(TypedDict):
    """A hold (reservation) on a title.

    Args:
        hold_id: The hold's id.
        status: waiting, ready (a copy is on the hold shelf), fulfilled or cancelled.
        position: Place in the queue while waiting (0 otherwise).
        expires_on: Last day to collect a ready copy.
    """

    hold_id: str
    isbn: str
    title: str
    patron_id: str
    pickup_branch: str
    status: str
    position: int
    copy_id: str | None
    expires_on: str | None
    created_at: str


class Patron(TypedDict):
    """A library account.

    Args:
        patron_id: The library card number.
        email: The patron's email.
        fines_owed: Unpaid fines in USD.
        blocked: Whether borrowing is blocked (expired card or fines of $10.00 or more).
    """

    patron_id: str
    name: str
    email: str
    patron_type: str
    expiry_date: str
    fines_owed: float
    currency: str
    blocked: bool
    block_reason: str | None
    loans_active: int
    max_loans: int
    holds_active: int
    loans: list[Loan]
    holds: list[Hold]


class Return(TypedDict):
    """A returned copy.

    Args:
        amount: The overdue fine charged for this return in major units of ``currency`` (0 when on time).
        currency: ISO 4217 currency code, USD.
        email: The patron's email address.
        hold_ready_id: The hold the copy was trapped for, if someone was waiting.
    """

    loan: Loan
    amount: float
    currency: str
    email: str
    hold_ready_id: str | None


class Payment(TypedDict):
    """A fine payment.

    Args:
        amount: Amount paid.
        fines_owed: Balance left after the payment.
    """

    patron_id: str
    email: str
    amount: float
    currency: str
    fines_owed: float


# --- rules -----------------------------------------------------------------------------------------------------


def _patron(ctx: Context, patron_id: str) -> dict[str, Any]:
    return ctx.table("patrons").require(patron_id, what="patron")


def _book(ctx: Context, isbn: str) -> dict[str, Any]:
    book = ctx.table("books").get(isbn.replace("-", "").strip())
    if book is None:
        raise ToolError(f"no book with ISBN {isbn!r} in the catalogue; search_books finds ISBNs by title or author")
    return book


def _block_reason(ctx: Context, patron: dict[str, Any]) -> str | None:
    if date.fromisoformat(patron["expiry_date"]) < ctx.today:
        return f"the library card expired on {patron['expiry_date']}"
    if patron["fines_owed"] >= BLOCKING_FINES:
        return f"fines of ${patron['fines_owed']:.2f} are owed (borrowing stops at ${BLOCKING_FINES:.2f})"
    return None


def _require_in_good_standing(ctx: Context, patron: dict[str, Any], action: str) -> None:
    reason = _block_reason(ctx, patron)
    if reason:
        raise ToolError(f"patron {patron['patron_id']} cannot {action}: {reason}")


def _loan_status(ctx: Context, row: dict[str, Any]) -> str:
    if row["returned_date"]:
        return "returned"
    return "overdue" if date.fromisoformat(row["due_date"]) < ctx.today else "active"


def _loan_out(ctx: Context, row: dict[str, Any]) -> Loan:
    book = ctx.table("books").get(row["isbn"]) or {"title": ""}
    patron = ctx.table("patrons").get(row["patron_id"]) or {"email": "", "patron_type": "undergraduate"}
    allowed = PATRON_RULES[patron["patron_type"]][1]
    return {
        "loan_id": row["loan_id"],
        "copy_id": row["copy_id"],
        "isbn": row["isbn"],
        "title": book["title"],
        "patron_id": row["patron_id"],
        "email": patron["email"],
        "checkout_date": row["checkout_date"],
        "due_date": row["due_date"],
        "returned_date": row["returned_date"],
        "status": _loan_status(ctx, row),
        "renewals": row["renewals"],
        "renewals_left": max(0, allowed - row["renewals"]),
        "fine_charged": row["fine_charged"],
    }


def _hold_out(ctx: Context, row: dict[str, Any]) -> Hold:
    book = ctx.table("books").get(row["isbn"]) or {"title": ""}
    position = 0
    if row["status"] == "waiting":
        queue = ctx.table("holds").find(isbn=row["isbn"], status="waiting")
        position = 1 + sum(1 for other in queue if other["queue_order"] < row["queue_order"])
    return {
        "hold_id": row["hold_id"],
        "isbn": row["isbn"],
        "title": book["title"],
        "patron_id": row["patron_id"],
        "pickup_branch": row["pickup_branch"],
        "status": row["status"],
        "position": position,
        "copy_id": row["copy_id"],
        "expires_on": row["expires_on"],
        "created_at": row["created_at"],
    }


def _available(ctx: Context, isbn: str) -> list[dict[str, Any]]:
    return [copy for copy in ctx.table("copies").find(isbn=isbn, status="available") if copy["loan_type"] == "standard"]


def _trap_for_next_hold(ctx: Context, copy: dict[str, Any]) -> str | None:
    """Put a copy on the hold shelf for the first waiting hold on its title; else back on the shelf."""
    waiting = ctx.table("holds").find(isbn=copy["isbn"], status="waiting", order_by="queue_order")
    if not waiting or copy["loan_type"] != "standard":
        ctx.table("copies").update(copy["copy_id"], {"status": "available"})
        return None
    hold = waiting[0]
    ctx.table("holds").update(
        hold["hold_id"],
        {
            "status": "ready",
            "copy_id": copy["copy_id"],
            "expires_on": (ctx.today + timedelta(days=HOLD_SHELF_DAYS)).isoformat(),
        },
    )
    ctx.table("copies").update(copy["copy_id"], {"status": "on_hold_shelf"})
    hold_id: str = hold["hold_id"]
    return hold_id


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_books(
    ctx: Context,
    query: str | None = None,
    author: str | None = None,
    subject: str | None = None,
    available_only: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 10,
) -> BookSearch:
    """Search the catalogue by words in the title, author name or subject.

    Args:
        query: Words to find in the title, e.g. "machine learning".
        author: Part of an author's name, e.g. "Okafor".
        subject: A subject, e.g. "Statistics" (case-insensitive).
        available_only: Only books with a copy on the shelf now.
        limit: Most books to return.
    """
    found: list[BookSummary] = []
    for row in ctx.table("books").all():
        if query and not all(word in row["title"].lower() for word in query.lower().split()):
            continue
        if author and not any(author.strip().lower() in name.lower() for name in row["authors"]):
            continue
        if subject and subject.strip().lower() not in (item.lower() for item in row["subjects"]):
            continue
        available = len(_available(ctx, row["isbn"]))
        if available_only and not available:
            continue
        found.append(
            {
                "isbn": row["isbn"],
                "title": row["title"],
                "authors": row["authors"],
                "publisher": row["publisher"],
                "publish_year": row["publish_year"],
                "subjects": row["subjects"],
                "available_copies": available,
            }
        )
    found.sort(key=lambda book: (book["title"], book["isbn"]))
    return {"books": page(found, limit), "count": len(found)}


@environment.tool(effect="read")
def get_book(ctx: Context, isbn: Annotated[str, Arg(min_length=10, max_length=17)]) -> BookDetail:
    """Get a book by ISBN with every copy (branch, call number, status, due date) and the hold queue.

    Args:
        isbn: The book's ISBN-13 (hyphens allowed).
    """
    book = _book(ctx, isbn)
    copies: list[Copy] = []
    for copy in ctx.table("copies").find(isbn=book["isbn"]):
        loan = next(
            (row for row in ctx.table("loans").find(copy_id=copy["copy_id"]) if not row["returned_date"]),
            None,
        )
        copies.append(
            {
                "copy_id": copy["copy_id"],
                "branch": copy["branch"],
                "call_number": copy["call_number"],
                "loan_type": copy["loan_type"],
                "status": copy["status"],
                "due_date": loan["due_date"] if loan else None,
            }
        )
    return {
        "isbn": book["isbn"],
        "title": book["title"],
        "authors": book["authors"],
        "publisher": book["publisher"],
        "publish_year": book["publish_year"],
        "subjects": book["subjects"],
        "pages": book["pages"],
        "copies": copies,
        "holds_waiting": ctx.table("holds").count(isbn=book["isbn"], status="waiting"),
    }


@environment.tool(effect="read")
def get_patron(
    ctx: Context,
    patron_id: str | None = None,
    email: Annotated[str, Arg(format="email")] | None = None,
) -> Patron:
    """Get a patron's account by card number or email: limits, fines, block status, loans and holds.

    Args:
        patron_id: The library card number.
        email: The patron's email (used when no patron_id is given).
    """
    if patron_id:
        patron = _patron(ctx, patron_id)
    elif email:
        found = ctx.table("patrons").first(email=email)
        if found is None:
            raise ToolError(f"no patron has the email {email}")
        patron = found
    else:
        raise ToolError("give patron_id or email")
    loans = [row for row in ctx.table("loans").find(patron_id=patron["patron_id"]) if not row["returned_date"]]
    holds = [
        row for row in ctx.table("holds").find(patron_id=patron["patron_id"]) if row["status"] in ("waiting", "ready")
    ]
    reason = _block_reason(ctx, patron)
    return {
        "patron_id": patron["patron_id"],
        "name": patron["name"],
        "email": patron["email"],
        "patron_type": patron["patron_type"],
        "expiry_date": patron["expiry_date"],
        "fines_owed": patron["fines_owed"],
        "currency": CURRENCY,
        "blocked": reason is not None,
        "block_reason": reason,
        "loans_active": len(loans),
        "max_loans": PATRON_RULES[patron["patron_type"]][2],
        "holds_active": len(holds),
        "loans": [_loan_out(ctx, row) for row in loans],
        "holds": [_hold_out(ctx, row) for row in holds],
    }


@environment.tool(effect="read")
def list_loans(
    ctx: Context,
    patron_id: str,
    status: Literal["active", "overdue", "returned", "all"] = "active",
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
) -> LoanList:
    """List a patron's loans, soonest due first ("active" includes overdue loans).

    Args:
        patron_id: The library card number.
        status: Which loans: active (not yet returned), overdue, returned, or all.
        limit: Most loans to return.
    """
    _patron(ctx, patron_id)
    rows = [_loan_out(ctx, row) for row in ctx.table("loans").find(patron_id=patron_id)]
    if status == "active":
        rows = [row for row in rows if row["status"] in ("active", "overdue")]
    elif status != "all":
        rows = [row for row in rows if row["status"] == status]
    rows.sort(key=lambda row: (row["due_date"], row["loan_id"]))
    return {"loans": page(rows, limit), "count": len(rows)}


@environment.tool(effect="write")
def checkout_book(ctx: Context, patron_id: str, copy_id: str) -> Loan:
    """Lend a copy (by barcode) to a patron; the due date follows the patron type's loan period.

    Args:
        patron_id: The library card number.
        copy_id: The barcode of the copy being borrowed (from get_book).
    """
    patron = _patron(ctx, patron_id)
    _require_in_good_standing(ctx, patron, "borrow")
    copy = ctx.table("copies").require(copy_id, what="copy")
    days, _, max_loans = PATRON_RULES[patron["patron_type"]]
    active = [row for row in ctx.table("loans").find(patron_id=patron_id) if not row["returned_date"]]
    if len(active) >= max_loans:
        raise ToolError(f"patron {patron_id} has {len(active)} items on loan, the limit for {patron['patron_type']}s")
    if any(row["isbn"] == copy["isbn"] for row in active):
        raise ToolError(f"patron {patron_id} already has a copy of {copy['isbn']} on loan")
    if copy["loan_type"] == "reference":
        raise ToolError(f"copy {copy_id} is a reference copy for use in the {copy['branch']} only")
    fulfilled = None
    if copy["status"] == "on_hold_shelf":
        hold = ctx.table("holds").first(copy_id=copy_id, status="ready")
        if hold is None or hold["patron_id"] != patron_id:
            raise ToolError(f"copy {copy_id} is on the hold shelf for another patron")
        fulfilled = hold
    elif copy["status"] == "on_loan":
        raise ToolError(f"copy {copy_id} is already on loan; place a hold or choose another copy")
    elif copy["status"] != "available":
        raise ToolError(f"copy {copy_id} is {copy['status'].replace('_', ' ')} and cannot be borrowed")
    if fulfilled is not None:
        ctx.table("holds").update(fulfilled["hold_id"], {"status": "fulfilled"})
    ctx.table("copies").update(copy_id, {"status": "on_loan"})
    row = ctx.table("loans").insert(
        {
            "loan_id": ctx.new_id("loan"),
            "copy_id": copy_id,
            "isbn": copy["isbn"],
            "patron_id": patron_id,
            "checkout_date": ctx.today.isoformat(),
            "due_date": (ctx.today + timedelta(days=days)).isoformat(),
            "returned_date": None,
            "renewals": 0,
            "fine_charged": 0.0,
        }
    )
    return _loan_out(ctx, row)


@environment.tool(effect="write")
def renew_loan(ctx: Context, loan_id: str) -> Loan:
    """Renew a loan: the new due date is the loan period from today.

    Args:
        loan_id: The loan to renew.
    """
    row = ctx.table("loans").require(loan_id, what="loan")
    if row["returned_date"]:
        raise ToolError(f"loan {loan_id} was returned on {row['returned_date']}")
    patron = _patron(ctx, row["patron_id"])
    _require_in_good_standing(ctx, patron, "renew")
    days, allowed, _ = PATRON_RULES[patron["patron_type"]]
    if date.fromisoformat(row["due_date"]) < ctx.today:
        raise ToolError(f"loan {loan_id} was due on {row['due_date']}; overdue items must be returned, not renewed")
    if row["renewals"] >= allowed:
        raise ToolError(
            f"loan {loan_id} has been renewed {row['renewals']} times, the limit for {patron['patron_type']}s"
        )
    waiting = [
        hold
        for hold in ctx.table("holds").find(isbn=row["isbn"], status="waiting")
        if hold["patron_id"] != row["patron_id"]
    ]
    if waiting:
        raise ToolError(f"{len(waiting)} other patron(s) are waiting for {row['isbn']}; the loan cannot be renewed")
    new_due = ctx.today + timedelta(days=days)
    if new_due <= date.fromisoformat(row["due_date"]):
        raise ToolError(f"loan {loan_id} is already due {row['due_date']}; renewing today would not extend it")
    updated = ctx.table("loans").update(loan_id, {"due_date": new_due.isoformat(), "renewals": row["renewals"] + 1})
    return _loan_out(ctx, updated)


@environment.tool(effect="write")
def return_book(ctx: Context, loan_id: str) -> Return:
    """Check a borrowed copy back in, charging any overdue fine; the copy goes to the next waiting hold.

    Args:
        loan_id: The loan being returned.
    """
    row = ctx.table("loans").require(loan_id, what="loan")
    if row["returned_date"]:
        raise ToolError(f"loan {loan_id} was already returned on {row['returned_date']}")
    late_days = max(0, (ctx.today - date.fromisoformat(row["due_date"])).days)
    fine = round(min(MAX_FINE_PER_ITEM, late_days * DAILY_FINE), 2)
    patron = _patron(ctx, row["patron_id"])
    if fine:
        ctx.table("patrons").update(patron["patron_id"], {"fines_owed": round(patron["fines_owed"] + fine, 2)})
    updated = ctx.table("loans").update(loan_id, {"returned_date": ctx.today.isoformat(), "fine_charged": fine})
    copy = ctx.table("copies").get(row["copy_id"])
    hold_id = _trap_for_next_hold(ctx, copy) if copy is not None else None
    return {
        "loan": _loan_out(ctx, updated),
        "amount": fine,
        "currency": CURRENCY,
        "email": patron["email"],
        "hold_ready_id": hold_id,
    }


@environment.tool(effect="write")
def place_hold(
    ctx: Context,
    patron_id: str,
    isbn: Annotated[str, Arg(min_length=10, max_length=17)],
    pickup_branch: Literal[
        "Main Library", "Science & Engineering Library", "Social Sciences Library", "Health Sciences Library"
    ],
) -> Hold:
    """Place a hold on a title; the patron joins the queue and is given the next returned copy.

    Args:
        patron_id: The library card number.
        isbn: The book's ISBN-13.
        pickup_branch: Where the patron will collect the copy.
    """
    patron = _patron(ctx, patron_id)
    _require_in_good_standing(ctx, patron, "place holds")
    book = _book(ctx, isbn)
    copies = ctx.table("copies").find(isbn=book["isbn"])
    if not any(copy["loan_type"] == "standard" for copy in copies):
        raise ToolError(f"{book['title']} has only reference copies, for use in the library; it cannot be held")
    on_shelf = [copy for copy in _available(ctx, book["isbn"]) if copy["branch"] == pickup_branch]
    if on_shelf:
        raise ToolError(
            f"copy {on_shelf[0]['copy_id']} of {book['title']} is on the shelf at {pickup_branch} "
            f"({on_shelf[0]['call_number']}); borrow it instead of placing a hold"
        )
    if any(not row["returned_date"] for row in ctx.table("loans").find(patron_id=patron_id, isbn=book["isbn"])):
        raise ToolError(f"patron {patron_id} already has {book['title']} on loan")
    active = [row for row in ctx.table("holds").find(patron_id=patron_id) if row["status"] in ("waiting", "ready")]
    if any(row["isbn"] == book["isbn"] for row in active):
        raise ToolError(f"patron {patron_id} already has a hold on {book['title']}")
    if len(active) >= MAX_HOLDS:
        raise ToolError(f"patron {patron_id} has {len(active)} active holds, the limit is {MAX_HOLDS}")
    last = ctx.table("holds").find(order_by="queue_order", descending=True, limit=1)
    row = ctx.table("holds").insert(
        {
            "hold_id": ctx.new_id("hold"),
            "isbn": book["isbn"],
            "patron_id": patron_id,
            "pickup_branch": pickup_branch,
            "status": "waiting",
            "queue_order": (last[0]["queue_order"] + 1) if last else 1,
            "created_at": iso(ctx.now),
            "copy_id": None,
            "expires_on": None,
        }
    )
    return _hold_out(ctx, row)


@environment.tool(effect="write")
def cancel_hold(ctx: Context, hold_id: str) -> Hold:
    """Cancel a waiting or ready hold; a copy waiting on the hold shelf passes to the next patron in line.

    Args:
        hold_id: The hold to cancel.
    """
    row = ctx.table("holds").require(hold_id, what="hold")
    if row["status"] not in ("waiting", "ready"):
        raise ToolError(f"hold {hold_id} is already {row['status']}")
    updated = ctx.table("holds").update(hold_id, {"status": "cancelled"})
    if row["status"] == "ready" and row["copy_id"]:
        copy = ctx.table("copies").get(row["copy_id"])
        if copy is not None:
            _trap_for_next_hold(ctx, copy)
    return _hold_out(ctx, updated)


@environment.tool(effect="write")
def pay_fine(ctx: Context, patron_id: str, amount: Annotated[float, Arg(minimum=0.01, maximum=1000)]) -> Payment:
    """Pay some or all of a patron's fines (in USD).

    Args:
        patron_id: The library card number.
        amount: Amount to pay, at most what is owed.
    """
    patron = _patron(ctx, patron_id)
    amount = round(amount, 2)
    if patron["fines_owed"] <= 0:
        raise ToolError(f"patron {patron_id} owes no fines")
    if amount > patron["fines_owed"]:
        raise ToolError(f"patron {patron_id} owes ${patron['fines_owed']:.2f}; a payment of ${amount:.2f} is too much")
    balance = round(patron["fines_owed"] - amount, 2)
    ctx.table("patrons").update(patron_id, {"fines_owed": balance})
    return {
        "patron_id": patron_id,
        "email": patron["email"],
        "amount": amount,
        "currency": CURRENCY,
        "fines_owed": balance,
    }


# --- seed ------------------------------------------------------------------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    today = ctx.now.date()
    catalogue = academic_books(ctx.shared("academic_books"), max(10, ctx.size + 4))
    books: list[dict[str, Any]] = []
    copies: list[dict[str, Any]] = []
    barcodes: set[str] = set()
    for book in catalogue:
        books.append(
            {
                "isbn": book.isbn,
                "title": book.title,
                "authors": list(book.authors),
                "publisher": book.publisher,
                "publish_year": book.publish_year,
                "subjects": list(book.subjects),
                "pages": book.pages,
            }
        )
        cutter = f".{book.author_names[0][1][0]}{rng.randint(12, 98)}"
        for branch in rng.sample(BRANCHES, rng.choice((1, 1, 2, 3))):
            barcode = "39000" + _digits(rng, 9)
            while barcode in barcodes:
                barcode = "39000" + _digits(rng, 9)
            barcodes.add(barcode)
            copies.append(
                {
                    "copy_id": barcode,
                    "isbn": book.isbn,
                    "branch": branch,
                    "call_number": f"{book.lc_class} {cutter} {book.publish_year}",
                    "loan_type": "reference" if rng.random() < 0.1 else "standard",
                    "status": fake.choose_weighted(rng, {"available": 30, "in_repair": 1, "lost": 1}),
                }
            )
    people = fake.people(ctx.shared("people"), ctx.size)
    patrons: list[dict[str, Any]] = []
    for index, person in enumerate(people):
        kind = "faculty" if index < 2 else fake.choose_weighted(rng, {"undergraduate": 5, "graduate": 3, "staff": 1})
        lapsed = index >= 2 and rng.random() < 0.08  # faculty cards never lapse mid-semester
        expiry = today - timedelta(days=rng.randint(5, 60)) if lapsed else today + timedelta(days=rng.randint(60, 900))
        fines = rng.choice((0.0, 0.0, 0.0, 0.0, 1.5, 3.25, 12.75))
        patrons.append(
            {
                "patron_id": "29" + _digits(rng, 12),
                "name": person.full_name,
                "email": person.email,
                "patron_type": kind,
                "expiry_date": expiry.isoformat(),
                "fines_owed": fines,
            }
        )
    loans: list[dict[str, Any]] = []
    holds: list[dict[str, Any]] = []
    lendable = [copy for copy in copies if copy["loan_type"] == "standard" and copy["status"] == "available"]
    rng.shuffle(lendable)
    borrowers = [patron for patron in patrons if patron["expiry_date"] >= today.isoformat()]
    queue = 0
    for copy in lendable[: len(lendable) * 2 // 3]:
        patron = rng.choice(borrowers)
        if any(loan["patron_id"] == patron["patron_id"] and loan["isbn"] == copy["isbn"] for loan in loans):
            continue
        days, allowed, _ = PATRON_RULES[patron["patron_type"]]
        renewals = rng.randint(0, allowed)
        checkout = today - timedelta(days=rng.randint(2, days + 25))
        due = checkout + timedelta(days=days)
        loans.append(
            {
                "loan_id": f"loan_{_digits(rng, 10)}",
                "copy_id": copy["copy_id"],
                "isbn": copy["isbn"],
                "patron_id": patron["patron_id"],
                "checkout_date": checkout.isoformat(),
                "due_date": due.isoformat(),
                "returned_date": None,
                "renewals": renewals,
                "fine_charged": 0.0,
            }
        )
        copy["status"] = "on_loan"
    for loan in rng.sample(loans, len(loans) // 3):  # some history: earlier loans of the same copies, returned
        patron = rng.choice(borrowers)
        checkout = date.fromisoformat(loan["checkout_date"]) - timedelta(days=rng.randint(40, 120))
        returned = checkout + timedelta(days=rng.randint(5, 30))
        loans.append(
            {
                "loan_id": f"loan_{_digits(rng, 10)}",
                "copy_id": loan["copy_id"],
                "isbn": loan["isbn"],
                "patron_id": patron["patron_id"],
                "checkout_date": checkout.isoformat(),
                "due_date": (checkout + timedelta(days=PATRON_RULES[patron["patron_type"]][0])).isoformat(),
                "returned_date": returned.isoformat(),
                "renewals": 0,
                "fine_charged": 0.0,
            }
        )
    # Titles with every lendable copy out have a queue of waiting holds.
    for record in books:
        mine = [copy for copy in copies if copy["isbn"] == record["isbn"] and copy["loan_type"] == "standard"]
        if not mine or any(copy["status"] == "available" for copy in mine):
            continue
        holders = {loan["patron_id"] for loan in loans if loan["isbn"] == record["isbn"] and not loan["returned_date"]}
        for patron in rng.sample(borrowers, min(len(borrowers), rng.randint(0, 2))):
            if patron["patron_id"] in holders:
                continue
            queue += 1
            holds.append(
                {
                    "hold_id": f"hold_{_digits(rng, 10)}",
                    "isbn": record["isbn"],
                    "patron_id": patron["patron_id"],
                    "pickup_branch": rng.choice(BRANCHES),
                    "status": "waiting",
                    "queue_order": queue,
                    "created_at": iso(ctx.now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 9))),
                    "copy_id": None,
                    "expires_on": None,
                }
            )
    # One copy waits on the hold shelf for its patron.
    on_shelf = [copy for copy in copies if copy["loan_type"] == "standard" and copy["status"] == "available"]
    shelf = rng.choice(on_shelf) if on_shelf else None
    if shelf is not None:
        holding = {loan["patron_id"] for loan in loans if loan["isbn"] == shelf["isbn"] and not loan["returned_date"]}
        candidates = [patron for patron in borrowers if patron["patron_id"] not in holding]
    if shelf is not None and candidates:
        patron = rng.choice(candidates)
        queue += 1
        shelf["status"] = "on_hold_shelf"
        holds.append(
            {
                "hold_id": f"hold_{_digits(rng, 10)}",
                "isbn": shelf["isbn"],
                "patron_id": patron["patron_id"],
                "pickup_branch": shelf["branch"],
                "status": "ready",
                "queue_order": queue,
                "created_at": iso(ctx.now - timedelta(days=rng.randint(3, 9))),
                "copy_id": shelf["copy_id"],
                "expires_on": (today + timedelta(days=rng.randint(1, HOLD_SHELF_DAYS))).isoformat(),
            }
        )
    return {"books": books, "copies": copies, "patrons": patrons, "loans": loans, "holds": holds}
