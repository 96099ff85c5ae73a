"""The CRUD behaviour generated environments are built from.

A generated module declares one :class:`Resource` per table and writes each tool as one call here
(``list_rows``, ``get_row``, ``create_row``, ``update_row``, ``delete_row``), passing which argument
means which column. The rules are the same for every API, so they are written and tested once:

* a key names one row; a missing row is a ``ToolError`` the agent can read ("pet 7 not found");
* creating under a parent needs the parent; deleting a row deletes its children;
* new keys come from the episode (``max + 1`` for integers, a string matching the key's pattern,
  or ``ctx.new_id``), never from the wall clock or global randomness;
* columns the service sets are filled on create (``NOW``, a default) and update (``NOW``);
* lists are filtered by the given columns and paged by limit/offset, page/page size or a token.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from envfactory_core.env import Context, ToolError
from envfactory_core.env.patterns import pattern_string
from envfactory_core.env.schema_values import SchemaValues
from envfactory_core.env.state import StateWriteError
from envfactory_core.env.values import seed_id, seed_token
from envfactory_core.ids import JsonValue

__all__ = [
    "NOW",
    "Resource",
    "create_row",
    "delete_row",
    "get_row",
    "list_rows",
    "pick",
    "update_row",
]

NOW = "$now"
"""Marks a column the service sets to the environment's clock."""

Row = dict[str, JsonValue]


@attrs.frozen(kw_only=True)
class Resource:
    """One table of a generated environment and how its rows are keyed and related."""

    table: str
    label: str
    key: tuple[str, ...]
    own_key: str
    key_kind: str = "string"
    key_pattern: str = ""
    key_prefix: str = ""
    parent: str = ""
    parent_columns: tuple[str, ...] = ()
    children: tuple[Resource, ...] = ()
    on_create: Mapping[str, JsonValue] = attrs.field(factory=dict)
    on_update: Mapping[str, JsonValue] = attrs.field(factory=dict)
    date_columns: frozenset[str] = frozenset()


def pick(arguments: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """``{column: value}`` for the arguments given, renamed by ``mapping`` (argument → column)."""
    return {column: arguments[name] for name, column in mapping.items() if name in arguments}


def _shown(values: Mapping[str, Any]) -> str:
    if len(values) == 1:
        return repr(next(iter(values.values())))
    return ", ".join(f"{column}={value!r}" for column, value in values.items())


def _find_one(ctx: Context, resource: Resource, keys: Mapping[str, Any]) -> Row:
    table = ctx.table(resource.table)
    if set(resource.key) <= set(keys):
        row = table.get(*(keys[column] for column in resource.key))
        if row is None:
            raise ToolError(f"{resource.label} {_shown(keys)} not found", code="not_found")
        return row
    rows = table.find(**dict(keys))
    if not rows:
        raise ToolError(f"{resource.label} {_shown(keys)} not found", code="not_found")
    if len(rows) > 1:
        raise ToolError(
            f"{len(rows)} {resource.table} match {_shown(keys)}; give {', '.join(resource.key)}", code="ambiguous"
        )
    return rows[0]


def _require_parent(
    ctx: Context, resource: Resource, scope: Mapping[str, Any], parents: Mapping[str, Resource]
) -> None:
    if not resource.parent or not resource.parent_columns:
        return
    parent = parents.get(resource.parent)
    if parent is None:
        return
    values = {
        key: scope[column] for column, key in zip(resource.parent_columns, parent.key, strict=True) if column in scope
    }
    if len(values) == len(parent.key):
        _find_one(ctx, parent, values)


def get_row(ctx: Context, resource: Resource, keys: Mapping[str, Any]) -> Row:
    """The row the keys name (all key columns, or the item's own key when it is unique)."""
    return _find_one(ctx, resource, keys)


def _matches(value: Any, mode: str, wanted: Any) -> bool:
    if mode == "any_of":
        return value in (wanted if isinstance(wanted, list) else [wanted])
    if mode == "contains":
        items = value if isinstance(value, list) else []
        return any(item in items for item in wanted) if isinstance(wanted, list) else wanted in items
    return bool(value == wanted)


def list_rows(
    ctx: Context,
    resource: Resource,
    arguments: Mapping[str, Any],
    *,
    scope: Mapping[str, str] = {},
    filters: Mapping[str, tuple[str, str]] = {},
    paging: Mapping[str, str] = {},
    page_base: int = 0,
    default_size: int | None = None,
    parents: Mapping[str, Resource] = {},
) -> dict[str, JsonValue]:
    """Rows in the scope (a parent's key), filtered, one page; ``total`` counts every match."""
    where = pick(arguments, scope)
    _require_parent(ctx, resource, where, parents)
    table = ctx.table(resource.table)
    rows = table.find(**where)
    for name, (column, mode) in filters.items():
        if name in arguments and arguments[name] is not None:
            rows = [row for row in rows if _matches(row.get(column), mode, arguments[name])]
    total = len(rows)
    given = {paging[name]: arguments[name] for name in paging if name in arguments}
    size = given.get("limit", given.get("page_size", default_size))
    if size is not None and (not isinstance(size, int) or size < 0):
        raise ToolError(f"page size must be a non-negative integer, got {size!r}", code="invalid")
    start = 0
    if "offset" in given:
        start = int(given["offset"])
    elif "page" in given and size is not None:
        start = (int(given["page"]) - page_base) * size
    elif given.get("page_token"):
        token = str(given["page_token"])
        if not token.startswith("offset:") or not token[7:].isdigit():
            raise ToolError(f"page token {token!r} was not issued by this list", code="invalid")
        start = int(token[7:])
    if start < 0:
        raise ToolError(f"the page starts before the first row ({start})", code="invalid")
    page = rows[start : start + size] if size is not None else rows[start:]
    more = start + len(page) < total
    result: dict[str, JsonValue] = {resource.table: page, "total": total, "has_more": more}
    if any(role == "page_token" for role in paging.values()):
        result["next_page_token"] = f"offset:{start + len(page)}" if more else None
    return result


def _new_key(ctx: Context, resource: Resource, scope: Mapping[str, Any]) -> JsonValue:
    table = ctx.table(resource.table)
    if resource.key_kind == "integer":
        highest = max(
            (row[resource.own_key] for row in table.all() if isinstance(row[resource.own_key], int)), default=0
        )
        return int(highest) + 1
    for _ in range(50):
        if resource.key_kind == "pattern":
            candidate: Any = pattern_string(resource.key_pattern, ctx.rng)
        else:
            candidate = ctx.new_id(resource.key_prefix or resource.label)
        values = {**scope, resource.own_key: candidate}
        if candidate is not None and table.get(*(values[column] for column in resource.key)) is None:
            return candidate
    raise ToolError(f"could not find a free {resource.label} key", code="conflict")


def _service_value(ctx: Context, column: str, value: JsonValue, resource: Resource) -> JsonValue:
    if value == NOW:
        return ctx.today.isoformat() if column in resource.date_columns else ctx.now.isoformat()
    return value


def _write(action: Any, *args: Any) -> Row:
    try:
        return action(*args)  # type: ignore[no-any-return]
    except StateWriteError as error:
        raise ToolError(f"the values do not fit: {error}", code="invalid") from error


def create_row(
    ctx: Context,
    resource: Resource,
    arguments: Mapping[str, Any],
    *,
    scope: Mapping[str, str] = {},
    fields: Mapping[str, str] = {},
    parents: Mapping[str, Resource] = {},
) -> Row:
    """Add a row: scope columns from the path, fields from the body, service columns filled in."""
    where = pick(arguments, scope)
    _require_parent(ctx, resource, where, parents)
    values = pick(arguments, fields)
    row: dict[str, Any] = dict.fromkeys(ctx.table(resource.table).columns)
    for column, value in resource.on_create.items():
        row[column] = _service_value(ctx, column, value, resource)
    row.update(values)
    row.update(where)
    if row.get(resource.own_key) is None:
        row[resource.own_key] = _new_key(ctx, resource, where)
    return _write(ctx.table(resource.table).insert, row)


def update_row(
    ctx: Context,
    resource: Resource,
    arguments: Mapping[str, Any],
    *,
    keys: Mapping[str, str],
    fields: Mapping[str, str],
    sets: Mapping[str, JsonValue] | None = None,
) -> Row:
    """Change the given fields of the row the keys name; at least one field must be given.

    ``sets`` are the columns an action sets to fixed values (a state transition such as ``cancel``).
    """
    current = _find_one(ctx, resource, pick(arguments, keys))
    changes = {**pick(arguments, fields), **(sets or {})}
    if not changes:
        names = ", ".join(fields) or "no fields"
        raise ToolError(f"nothing to change: give at least one of {names}", code="invalid")
    for column, value in resource.on_update.items():
        changes.setdefault(column, _service_value(ctx, column, value, resource))
    key = tuple(current[column] for column in resource.key)
    return _write(ctx.table(resource.table).update, key, changes)


def _delete_children(ctx: Context, resource: Resource, row: Mapping[str, Any]) -> int:
    removed = 0
    for child in resource.children:
        where = {column: row[key] for column, key in zip(child.parent_columns, resource.key, strict=True)}
        table = ctx.table(child.table)
        for child_row in table.find(**where):
            removed += 1 + _delete_children(ctx, child, child_row)
            table.delete(*(child_row[column] for column in child.key))
    return removed


def delete_row(
    ctx: Context, resource: Resource, arguments: Mapping[str, Any], *, keys: Mapping[str, str]
) -> dict[str, JsonValue]:
    """Remove the row the keys name and everything under it; returns what was removed."""
    row = _find_one(ctx, resource, pick(arguments, keys))
    removed = _delete_children(ctx, resource, row)
    ctx.table(resource.table).delete(*(row[column] for column in resource.key))
    return {"deleted": True, resource.label: row, "children_deleted": removed}


# --- seed states --------------------------------------------------------------------------------


def new_token(rng: random.Random, prefix: str, length: int = 10) -> str:
    """A seeded key shaped like the ids tools issue (``prefix_4k2m…``), or the bare token without a prefix."""
    return seed_id(rng, prefix, length) if prefix else seed_token(rng, length)


def seed_key(
    rng: random.Random, resource: Resource, schema: Mapping[str, Any], taken: set[Any], number: int, maker: SchemaValues
) -> JsonValue:
    """A fresh key for seed row ``number``: sequential integers, pattern samples, names or tokens.

    None when the key's pattern has no fresh value left (an enum of one value names one row).
    """
    if resource.key_kind == "integer":
        return number
    plain = {key: value for key, value in schema.items() if key != "examples"}  # examples stay free for scenarios
    for _ in range(100):
        if resource.key_kind == "pattern":
            candidate: Any = pattern_string(resource.key_pattern, rng)
        elif resource.own_key in ("name", "username", "identity", "key", "reference", "meta_name", "digest", "slug"):
            candidate = str(maker.value(plain, rng, name=resource.own_key)).strip()
            candidate = "-".join(candidate.lower().split()) or new_token(rng, resource.key_prefix)
        else:
            candidate = new_token(rng, resource.key_prefix or resource.label[:8])
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    if resource.key_kind == "pattern":
        return None
    candidate = new_token(rng, resource.key_prefix or "key", 16)
    taken.add(candidate)
    return candidate


def seed_rows(
    ctx: Any,
    resources: Sequence[Resource],
    columns: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    links: Mapping[str, Mapping[str, str]] = {},
    per_table: int | None = None,
) -> dict[str, list[Row]]:
    """A seed state: rows for every table, parents before children, children under real parents.

    ``columns`` gives each table's column schemas; ``links`` maps a column to the table whose key it
    holds (``balance_account_id`` → ``balance_accounts``) so references point at real rows.
    """
    maker = SchemaValues(ctx.now)
    rng: random.Random = ctx.rng
    size = max(1, per_table if per_table is not None else min(int(ctx.size), 8))
    state: dict[str, list[Row]] = {}
    by_name = {resource.table: resource for resource in resources}
    for resource in resources:
        rows: list[Row] = []
        taken: set[Any] = set()
        parent_rows = state.get(resource.parent, []) if resource.parent else []
        if resource.parent and resource.parent in by_name and not parent_rows:
            state[resource.table] = rows
            continue
        count = size if not resource.parent else max(1, min(size, len(parent_rows) + size // 2))
        schema = columns[resource.table]
        for number in range(1, count + 1):
            row: dict[str, Any] = {}
            for column, column_schema in schema.items():
                row[column] = maker.value(column_schema, rng, name=column)
            for column, table in links.get(resource.table, {}).items():
                targets = state.get(table, [])
                target = by_name.get(table)
                if targets and target is not None and len(target.key) == 1:
                    row[column] = rng.choice(targets)[target.key[0]]
            if parent_rows and resource.parent in by_name:
                parent = rng.choice(parent_rows)
                for column, key in zip(resource.parent_columns, by_name[resource.parent].key, strict=True):
                    row[column] = parent[key]
            elif resource.parent_columns:
                for column in resource.parent_columns:
                    row[column] = maker.value(schema.get(column, {"type": "string"}), rng, name=column)
            key = seed_key(rng, resource, schema.get(resource.own_key, {}), taken, number, maker)
            if key is None:
                break  # the key's schema allows no more distinct values (an enum of one: a singleton)
            row[resource.own_key] = key
            rows.append(row)
        state[resource.table] = rows
    return state
