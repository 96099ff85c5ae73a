"""Arguments for tool calls, generated from the tool's schema and the current state.

Used by the conformance kit to exercise tools with valid calls (that mostly hit existing rows:
an ``order_id`` argument draws a real order id) and invalid ones (a missing required argument, a
wrong type, an unknown argument), always from a seeded RNG.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from ..ids import JsonValue
from ..models import ToolSpec
from .environment import Environment
from .schema_values import SchemaValues

__all__ = ["ArgumentGenerator"]


class ArgumentGenerator:
    """Draws arguments for one environment's tools from a seeded RNG and the current state.

    Values come from the core's schema-to-value engine (:class:`~envfactory_core.env.schema_values.SchemaValues`),
    told the environment's clock and which columns hold which values; this class adds whole calls,
    valid and deliberately broken.
    """

    def __init__(self, environment: Environment, *, future_only: bool = False) -> None:
        columns: dict[str, list[tuple[str, str]]] = {}
        for table in environment.state_schema.tables:
            for column in table.columns:
                columns.setdefault(column.name, []).append((table.name, column.name))
        self.values = SchemaValues(environment.clock, columns=columns, future_only=future_only)

    def value(
        self, schema: Any, rng: random.Random, *, name: str = "", state: Mapping[str, Any] | None = None, depth: int = 0
    ) -> JsonValue:
        """A value valid for ``schema`` (an existing entity's value when ``name`` matches a column)."""
        return self.values.value(schema, rng, name=name, state=state, depth=depth)

    def object(
        self, schema: Mapping[str, Any], rng: random.Random, *, state: Mapping[str, Any] | None = None, depth: int = 0
    ) -> dict[str, JsonValue]:
        """An object for ``schema``: its required properties and about half of the others."""
        return self.values.object(schema, rng, state=state, depth=depth)

    def valid(self, tool: ToolSpec, rng: random.Random, state: Mapping[str, Any] | None = None) -> dict[str, JsonValue]:
        """Arguments that satisfy the tool's schema."""
        return self.object(tool.input_schema, rng, state=state)

    def invalid(self, tool: ToolSpec, rng: random.Random, state: Mapping[str, Any] | None = None) -> Any:
        """Arguments that break the schema in one way (or are not an object at all)."""
        arguments: dict[str, Any] = self.valid(tool, rng, state)
        choices = ["extra", "not_object"]
        if tool.required:
            choices.append("missing")
        typed = [
            name
            for name in arguments
            if isinstance(tool.parameters.get(name), dict) and "type" in tool.parameters[name]
        ]
        if typed:
            choices.append("wrong_type")
        kind = rng.choice(choices)
        if kind == "missing":
            arguments.pop(rng.choice(list(tool.required)), None)
        elif kind == "wrong_type":
            name = rng.choice(typed)
            declared = tool.parameters[name]["type"]
            arguments[name] = {"unexpected": True} if declared != "object" else 12345
        elif kind == "extra":
            arguments["no_such_argument_" + str(rng.randint(1, 999))] = "x"
        else:
            return rng.choice([["a", "list"], "not json {", 42])
        return arguments
