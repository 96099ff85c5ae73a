"""Source text of a small untrusted environment, for tests and benchmarks of the envgen sandbox.

``counters_source()`` is a generated-style module (``trusted=False``) with one table and two tools,
``bump`` (write) and ``read``; tests append attempts or tools to it, benchmarks time its calls.
"""

from __future__ import annotations

_COUNTERS = '''
from envfactory_core.env import Context, Environment, ToolError, table

environment = Environment(
    name="counters",
    domain="tests",
    description="Named counters.",
    tables=[table("counters", primary_key="name", name=str, value=int)],
    trusted=False,
)


@environment.tool(effect="write")
def bump(ctx: Context, name: str) -> dict:
    """Add one to a counter (it starts at zero).

    Args:
        name: The counter.
    """
    row = ctx.table("counters").get(name)
    if row is None:
        return ctx.table("counters").insert({"name": name, "value": 1})
    return ctx.table("counters").update(name, {"value": row["value"] + 1})


@environment.tool(effect="read")
def read(ctx: Context, name: str) -> dict:
    """Read a counter.

    Args:
        name: The counter.
    """
    return ctx.table("counters").require(name)
'''


def counters_source(seed_rows: str = "") -> str:
    """The counters environment's source; ``seed_rows``, a Python expression for the seeded rows of
    ``counters``, adds a seed function (without it the environment starts empty)."""
    if not seed_rows:
        return _COUNTERS
    return (
        _COUNTERS
        + f"""

@environment.seed
def seed(ctx):
    return {{"counters": {seed_rows}}}
"""
    )
