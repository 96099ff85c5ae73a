"""Two small environments the envfactory-mcp tests serve (loaded as a local plugin in subprocesses).

``ledger`` has read and write tools, a tool that refuses (``ToolError``), a list-returning tool (a
non-object output), tools with object output schemas (``deposit``, ``transfer``: what strict
clients check results against) and ids from ``ctx.new_id``; ``notes`` is a second environment for prefixed
names. Both are deterministic for a seed.
"""

from __future__ import annotations

from typing import Annotated

from envfactory_core import hookimpl
from envfactory_core.env import Arg, Environment, ToolError, table

ledger = Environment(
    name="ledger",
    domain="finance",
    description="A tiny bank ledger: accounts with balances, deposits and transfers.",
    tables=[
        table("accounts", primary_key="account_id", account_id=str, owner=str, balance=int),
        table("transfers", primary_key="transfer_id", transfer_id=str, source=str, target=str, amount=int),
    ],
    policy="Transfers never overdraw an account.",
    now="2025-03-14T10:00:00+00:00",
)


@ledger.seed
def _seed_ledger(rng, size):
    return {
        "accounts": [
            {"account_id": f"acc_{index}", "owner": f"owner {index}", "balance": rng.randint(0, 500)}
            for index in range(1, size + 1)
        ],
        "transfers": [],
    }


@ledger.tool(effect="read")
def get_balance(ctx, account_id: str) -> dict:
    """Look up one account's balance.

    Args:
        account_id: The account, e.g. acc_1.
    """
    row = ctx.table("accounts").require(account_id)
    return {"account_id": row["account_id"], "balance": row["balance"]}


@ledger.tool(effect="read")
def list_accounts(ctx, owner: str | None = None) -> list[dict]:
    """List accounts, optionally of one owner.

    Args:
        owner: Only this owner's accounts.
    """
    rows = ctx.table("accounts").all(order_by="account_id")
    return [row for row in rows if owner is None or row["owner"] == owner]


ACCOUNT_SCHEMA = {
    "type": "object",
    "properties": {"account_id": {"type": "string"}, "owner": {"type": "string"}, "balance": {"type": "integer"}},
    "required": ["account_id", "owner", "balance"],
}
TRANSFER_SCHEMA = {
    "type": "object",
    "properties": {
        "transfer_id": {"type": "string"},
        "source": {"type": "string"},
        "target": {"type": "string"},
        "amount": {"type": "integer"},
    },
    "required": ["transfer_id", "source", "target", "amount"],
}


@ledger.tool(effect="write", output_schema=ACCOUNT_SCHEMA)
def deposit(ctx, account_id: str, amount: Annotated[int, Arg(minimum=1, maximum=1_000_000)]) -> dict:
    """Add money to an account.

    Args:
        account_id: The account to credit.
        amount: Whole currency units, at least 1.
    """
    accounts = ctx.table("accounts")
    row = accounts.require(account_id)
    return accounts.update(account_id, {"balance": row["balance"] + amount})


@ledger.tool(effect="write", output_schema=TRANSFER_SCHEMA)
def transfer(ctx, source: str, target: str, amount: Annotated[int, Arg(minimum=1)]) -> dict:
    """Move money between two accounts; refused when it would overdraw the source.

    Args:
        source: The account to debit.
        target: The account to credit.
        amount: Whole currency units, at least 1.
    """
    accounts = ctx.table("accounts")
    debit = accounts.require(source)
    credit = accounts.require(target)
    if debit["balance"] < amount:
        raise ToolError(f"account {source} holds {debit['balance']}, less than {amount}")
    accounts.update(source, {"balance": debit["balance"] - amount})
    accounts.update(target, {"balance": credit["balance"] + amount})
    return ctx.table("transfers").insert(
        {"transfer_id": ctx.new_id("tr"), "source": source, "target": target, "amount": amount}
    )


@ledger.tool(effect="write")
def open_account(ctx, owner: str) -> dict:
    """Open an empty account.

    Args:
        owner: The account holder's name.
    """
    return ctx.table("accounts").insert({"account_id": ctx.new_id("acc"), "owner": owner, "balance": 0})


notes = Environment(
    name="notes",
    domain="office",
    description="A note-taking app.",
    tables=[table("notes", primary_key="note_id", note_id=str, title=str, tags=list)],
    now="2025-03-14T10:00:00+00:00",
)


@notes.tool(effect="write")
def add_note(ctx, title: str, tags: list[str] | None = None) -> dict:
    """Create a note.

    Args:
        title: The note's title.
        tags: Labels for the note.
    """
    return ctx.table("notes").insert({"note_id": ctx.new_id("note"), "title": title, "tags": tags or []})


@notes.tool(effect="read")
def count_notes(ctx) -> dict:
    """How many notes there are."""
    return {"count": ctx.table("notes").count()}


@hookimpl
def register_environments(register):
    register(ledger)
    register(notes)
