"""Scenario tests derived from a CRUD plan: the behaviour a stored collection must have.

Per table, when the tools exist: create then get returns what was stored; a created row is counted
by the list; update then get shows the change; delete then get fails; a key that does not exist
fails without changing anything; an enum value outside the enum is refused; creating under a parent
that does not exist fails; a page of size one holds one row. Values come from a seeded RNG and are
checked against the tool's input schema before they are used, so a scenario fails only when the
environment misbehaves.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator

from envfactory_core.env.patterns import pattern_string
from envfactory_core.env.schema_values import SchemaValues
from envfactory_core.ids import JsonValue

from .codegen import DEFAULT_NOW, input_schema
from .plan import ArgumentPlan, CrudPlan, TablePlan, ToolPlan

__all__ = ["derive_scenarios"]

_TRIES = 12


def _row(table: str, column: str, index: int = 0) -> dict[str, JsonValue]:
    return {"$row": {"table": table, "index": index, "column": column}}


class _Deriver:
    def __init__(self, plan: CrudPlan, now: str) -> None:
        self.plan = plan
        self.maker = SchemaValues(datetime.fromisoformat(now))
        self.scenarios: list[dict[str, Any]] = []
        self.notes: list[str] = []

    def tools(self, table: TablePlan, kind: str) -> list[ToolPlan]:
        return [tool for tool in self.plan.tools if tool.table == table.name and tool.kind == kind]

    def full_key(self, tool: ToolPlan, table: TablePlan) -> bool:
        return [argument.column for argument in tool.by_role("key")] == list(table.key)

    def parent_value(self, table: TablePlan, column: str) -> JsonValue:
        """A value for a parent column: the matching key of the parent's first row."""
        parent = self.plan.table(table.parent) if table.parent else None
        if parent is not None and column in table.parent_columns:
            key = parent.key[table.parent_columns.index(column)]
            return _row(parent.name, key)
        return _row(table.name, column)

    def field_values(self, tool: ToolPlan, fixed: Mapping[str, Any], rng: random.Random) -> dict[str, Any] | None:
        """Valid values for the tool's field arguments (required ones and some optional ones)."""
        validator = Draft202012Validator(input_schema(tool), format_checker=Draft202012Validator.FORMAT_CHECKER)
        table = self.plan.table(tool.table)
        fields = tool.by_role("field")
        placeholders = {name: _placeholder(tool, name) for name in fixed}
        for attempt in range(_TRIES):
            values: dict[str, Any] = {}
            for argument in fields:
                if argument.column == table.own_key and not argument.required:
                    continue
                simple = (
                    argument.schema.get("type") in ("string", "integer", "number", "boolean")
                    or "enum" in argument.schema
                )
                if argument.required or (simple and attempt < _TRIES // 2 and rng.random() < 0.6):
                    values[argument.name] = self.maker.value(argument.schema, rng, name=argument.column)
            errors = list(validator.iter_errors({**placeholders, **values}))
            if not errors:
                return values
            bad = {str(error.absolute_path[0]) for error in errors if error.absolute_path}
            for name in bad:
                found = next((a for a in fields if a.name == name), None)
                if found is not None and not found.required:
                    values.pop(name, None)
            if not list(validator.iter_errors({**placeholders, **values})):
                return values
        self.notes.append(f"{tool.name}: no valid arguments could be drawn from its schema; its scenarios are left out")
        return None

    def expected_fields(self, tool: ToolPlan, values: Mapping[str, Any]) -> dict[str, Any]:
        by_name = {argument.name: argument for argument in tool.arguments}
        return {by_name[name].column: value for name, value in values.items() if name in by_name}

    # --- the scenarios -----------------------------------------------------------------------------

    def table(self, table: TablePlan) -> None:
        rng = random.Random(f"crud-scenarios:{self.plan.environment}:{table.name}")
        creates = self.tools(table, "create")
        gets = [tool for tool in self.tools(table, "get") if tool.by_role("key")]
        updates = [tool for tool in self.tools(table, "update") if self.full_key(tool, table)]
        deletes = [tool for tool in self.tools(table, "delete") if self.full_key(tool, table)]
        lists = [
            tool
            for tool in self.tools(table, "list")
            if all(argument.column in table.parent_columns for argument in tool.by_role("key"))
            and not any(argument.required for argument in tool.by_role("filter"))
        ]
        get = gets[0] if gets else None
        if creates:
            self.create_scenarios(table, creates[0], get, lists[0] if lists else None, rng)
        if updates:
            self.update_scenario(table, updates[0], get, rng)
        if deletes:
            self.delete_scenario(table, deletes[0], get)
        if get is not None:
            self.missing_scenario(table, get, rng)
        if lists:
            self.page_scenario(table, lists[0])

    def key_arguments(self, tool: ToolPlan, table: TablePlan, own: Any) -> dict[str, Any]:
        arguments: dict[str, Any] = {}
        for argument in tool.by_role("key"):
            if argument.column == table.own_key:
                arguments[argument.name] = own
            else:
                arguments[argument.name] = self.parent_value(table, argument.column)
        return arguments

    def create_scenarios(
        self, table: TablePlan, create: ToolPlan, get: ToolPlan | None, listing: ToolPlan | None, rng: random.Random
    ) -> None:
        scope = {argument.name: self.parent_value(table, argument.column) for argument in create.by_role("key")}
        values = self.field_values(create, scope, rng)
        if values is None:
            return
        fields = self.expected_fields(create, values)
        steps: list[dict[str, Any]] = []
        if listing is not None:
            where = {
                argument.column: scope.get(_scope_name(create, argument.column)) for argument in listing.by_role("key")
            }
            list_arguments = {
                a.name: where[a.column] for a in listing.by_role("key") if where.get(a.column) is not None
            }
            steps.append({"call": listing.name, "arguments": list_arguments, "save": {"before": "total"}, "diff": {}})
        steps.append(
            {
                "call": create.name,
                "arguments": {**scope, **values},
                "expect": "ok",
                "output": fields,
                "save": {"created": table.own_key},
                "diff": {table.name: {"added": 1, "removed": 0, "changed": 0}},
            }
        )
        if get is not None:
            steps.append(
                {
                    "call": get.name,
                    "arguments": self.key_arguments(get, table, {"$var": "created"}),
                    "expect": "ok",
                    "output": {**fields, table.own_key: {"$var": "created"}},
                    "diff": {},
                }
            )
        if listing is not None:
            steps.append(
                {
                    "call": listing.name,
                    "arguments": steps[0]["arguments"],
                    "output": {"total": {"$count": {"table": table.name, "where": _where(scope, create)}}},
                    "diff": {},
                }
            )
        self.add(
            f"{table.name}.create_then_read",
            f"Creating a {table.label} stores it: reading it back gives what was sent.",
            steps,
        )
        enum_argument = next((a for a in create.by_role("field") if isinstance(a.schema.get("enum"), list)), None)
        if enum_argument is not None:
            wrong = "not-a-valid-" + enum_argument.name.replace("_", "-")
            self.add(
                f"{table.name}.enum_refused",
                f"{create.name} refuses a {enum_argument.name} outside its enum and changes nothing.",
                [
                    {
                        "call": create.name,
                        "arguments": {**scope, **values, enum_argument.name: wrong},
                        "expect": "error",
                        "error_kind": "invalid_arguments",
                        "diff": {},
                    }
                ],
            )
        if scope and table.parent:
            missing = {name: _missing_value(create, name) for name in scope}
            self.add(
                f"{table.name}.missing_parent",
                f"Creating a {table.label} under a {self.plan.table(table.parent).label} that does not exist fails.",
                [{"call": create.name, "arguments": {**missing, **values}, "expect": "error", "diff": {}}],
            )

    def update_scenario(self, table: TablePlan, update: ToolPlan, get: ToolPlan | None, rng: random.Random) -> None:
        keys = {argument.name: _row(table.name, argument.column) for argument in update.by_role("key")}
        candidates = [
            argument
            for argument in update.by_role("field")
            if argument.schema.get("type") == "string"
            and not {"enum", "pattern", "format", "maxLength"} & set(argument.schema)
        ]
        if not candidates:
            return
        argument = candidates[0]
        value = f"Updated {self.maker.value({'type': 'string'}, rng, name='title')}"
        required = [a for a in update.by_role("field") if a.required and a.name != argument.name]
        others: dict[str, Any] = {}
        if required:
            drawn = self.field_values(update, keys, rng)
            if drawn is None:
                return
            others = {a.name: drawn[a.name] for a in required if a.name in drawn}
        expected = {argument.column: value, **self.expected_fields(update, others)}
        steps: list[dict[str, Any]] = [
            {
                "call": update.name,
                "arguments": {**keys, **others, argument.name: value},
                "expect": "ok",
                "output": expected,
                "diff": {table.name: {"added": 0, "removed": 0, "changed": 1}},
            }
        ]
        if get is not None:
            steps.append(
                {
                    "call": get.name,
                    "arguments": {a.name: _row(table.name, a.column) for a in get.by_role("key")},
                    "output": expected,
                    "diff": {},
                }
            )
        self.add(
            f"{table.name}.update_then_read",
            f"Updating a {table.label} changes only that row; reading shows it.",
            steps,
        )

    def delete_scenario(self, table: TablePlan, delete: ToolPlan, get: ToolPlan | None) -> None:
        keys = {argument.name: _row(table.name, argument.column) for argument in delete.by_role("key")}
        has_children = bool(self.plan.children(table.name))
        steps: list[dict[str, Any]] = [
            {
                "call": delete.name,
                "arguments": keys,
                "expect": "ok",
                "output": {"deleted": True},
                "diff": {table.name: {"added": 0, "removed": 1, "changed": 0}},
                "diff_exact": not has_children,
                "rows": [
                    {"table": table.name, "key": [_row(table.name, column) for column in table.key], "present": False}
                ],
            }
        ]
        if get is not None:
            steps.append(
                {
                    "call": get.name,
                    "arguments": {a.name: _row(table.name, a.column) for a in get.by_role("key")},
                    "expect": "error",
                    "error_kind": "tool_error",
                }
            )
        self.add(f"{table.name}.delete_then_read", f"A deleted {table.label} is gone.", steps)

    def missing_scenario(self, table: TablePlan, get: ToolPlan, rng: random.Random) -> None:
        arguments: dict[str, Any] = {}
        for argument in get.by_role("key"):
            if argument.column == table.own_key:
                arguments[argument.name] = _missing_value(get, argument.name, rng)
            else:
                arguments[argument.name] = self.parent_value(table, argument.column)
        self.add(
            f"{table.name}.missing_key",
            f"Reading a {table.label} that does not exist fails and changes nothing.",
            [{"call": get.name, "arguments": arguments, "expect": "error", "diff": {}}],
        )

    def page_scenario(self, table: TablePlan, listing: ToolPlan) -> None:
        size = next((a for a in listing.arguments if a.role in ("limit", "page_size")), None)
        scope = {a.name: _row(table.name, a.column) for a in listing.by_role("key")}
        where = {a.column: _row(table.name, a.column) for a in listing.by_role("key")}
        steps: list[dict[str, Any]] = [
            {
                "call": listing.name,
                "arguments": scope,
                "output": {"total": {"$count": {"table": table.name, "where": where}}},
                "diff": {},
            }
        ]
        minimum = size.schema.get("minimum", 0) if size is not None else 0
        if size is not None and isinstance(minimum, (int, float)) and minimum <= 1:
            steps.append(
                {
                    "call": listing.name,
                    "arguments": {**scope, size.name: 1},
                    "output": {table.name: {"$len": 1}},
                    "diff": {},
                }
            )
        self.add(
            f"{table.name}.list_counts",
            f"Listing {table.name.replace('_', ' ')} counts every row in scope; a page of one holds one.",
            steps,
        )

    def add(self, identifier: str, description: str, steps: list[dict[str, Any]]) -> None:
        self.scenarios.append(
            {"id": identifier, "description": description, "origin": "envgen/crud", "seed": 0, "steps": steps}
        )


def _scope_name(tool: ToolPlan, column: str) -> str:
    for argument in tool.by_role("key"):
        if argument.column == column:
            return argument.name
    return column


def _where(scope: Mapping[str, Any], tool: ToolPlan) -> dict[str, Any]:
    by_name = {argument.name: argument.column for argument in tool.by_role("key")}
    return {by_name[name]: value for name, value in scope.items() if name in by_name}


def _placeholder(tool: ToolPlan, name: str) -> Any:
    argument = next((a for a in tool.arguments if a.name == name), None)
    kind = argument.schema.get("type") if argument is not None else "string"
    return (
        1 if kind == "integer" else "x" if argument is None or "pattern" not in argument.schema else _sample(argument)
    )


def _sample(argument: ArgumentPlan) -> Any:
    return pattern_string(str(argument.schema["pattern"]), random.Random(0)) or "x"


def _missing_value(tool: ToolPlan, name: str, rng: random.Random | None = None) -> Any:
    argument = next((a for a in tool.arguments if a.name == name), None)
    schema = argument.schema if argument is not None else {}
    if schema.get("type") == "integer":
        return 987654321
    if "pattern" in schema:
        return pattern_string(str(schema["pattern"]), rng or random.Random(7)) or "no-such-key"
    return "no-such-key-zz9"


def derive_scenarios(plan: CrudPlan, *, now: str = DEFAULT_NOW) -> tuple[list[dict[str, Any]], list[str]]:
    """The scenarios of ``plan`` and notes on tools whose scenarios had to be left out."""
    deriver = _Deriver(plan, now)
    for table in plan.tables:
        deriver.table(table)
    return deriver.scenarios, deriver.notes
