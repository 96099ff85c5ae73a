"""Arguments for tool calls, generated from the tool's schema and the current state.

Used by the conformance kit to exercise tools with valid calls (that mostly hit existing rows:
an ``order_id`` argument draws a real order id) and invalid ones (a missing required argument, a
wrong type, an unknown argument), always from a seeded RNG.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ..ids import JsonValue
from ..models import ToolSpec
from .environment import Environment

__all__ = ["ArgumentGenerator"]

_WORDS = ("alpha", "harbor", "maple", "quarterly", "review", "lisbon", "blue", "summit", "ticket", "garden")


class ArgumentGenerator:
    """Draws arguments for one environment's tools from a seeded RNG and the current state."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self._columns: dict[str, list[tuple[str, str]]] = {}
        for table in environment.state_schema.tables:
            for column in table.columns:
                self._columns.setdefault(column.name, []).append((table.name, column.name))

    def _known_values(self, name: str, state: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[Any]:
        values: list[Any] = []
        for table, column in self._columns.get(name, []):
            for row in state.get(table, {}).values():
                value = row.get(column)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    values.append(value)
        return values

    def value(
        self, schema: Any, rng: random.Random, *, name: str = "", state: Mapping[str, Any] | None = None, depth: int = 0
    ) -> JsonValue:
        """A value valid for ``schema`` (an existing entity's value when ``name`` matches a column)."""
        if not isinstance(schema, dict):
            return None
        if schema.get("enum"):
            return rng.choice(schema["enum"])
        if "const" in schema:
            return schema["const"]
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                return self.value(rng.choice(schema[key]), rng, name=name, state=state, depth=depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"] or ["null"]
            kind = rng.choice(kinds)
        if state is not None and kind in ("string", "integer", "number") and rng.random() < 0.85:
            known = [
                value
                for value in self._known_values(name, state)
                if (kind == "string" and isinstance(value, str))
                or (kind == "integer" and isinstance(value, int))
                or (kind == "number" and isinstance(value, (int, float)))
            ]
            if known:
                return rng.choice(known)
        if kind == "string":
            return self._string(schema, rng, name)
        if kind == "integer":
            first = int(schema.get("minimum", 0 if "maximum" not in schema else int(schema["maximum"]) - 20))
            last = int(schema.get("maximum", first + 20))
            return rng.randint(first, max(first, last))
        if kind == "number":
            bottom = float(schema.get("minimum", 0.0))
            top = float(schema.get("maximum", bottom + 500.0))
            return round(rng.uniform(bottom, top), 2)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        if kind == "array":
            if depth > 3:
                return []
            low = int(schema.get("minItems", 0))
            high = max(low, int(schema.get("maxItems", low + 3)))
            count = rng.randint(low, min(high, low + 3))
            items = [
                self.value(schema.get("items", {"type": "string"}), rng, name=name, state=state, depth=depth + 1)
                for _ in range(count)
            ]
            if schema.get("uniqueItems"):
                unique: list[JsonValue] = []
                for item in items:
                    if item not in unique:
                        unique.append(item)
                items = unique
            return items
        if kind == "object" or "properties" in schema:
            if depth > 3:
                return {}
            return self.object(schema, rng, state=state, depth=depth + 1)
        return rng.choice(_WORDS)

    def _string(self, schema: dict[str, Any], rng: random.Random, name: str) -> str:
        fmt = schema.get("format")
        clock = self.environment.clock
        if fmt == "date" or name.endswith("_date") or name == "date":
            return (clock.date() + timedelta(days=rng.randint(-30, 60))).isoformat()
        if fmt == "date-time" or name.endswith(("_at", "_time")):
            return (clock + timedelta(hours=rng.randint(-240, 720))).isoformat()
        if fmt == "email" or "email" in name:
            return f"{rng.choice(_WORDS)}.{rng.randint(1, 99)}@example.com"
        low = int(schema.get("minLength", 1))
        high = int(schema.get("maxLength", max(low, 24)))
        if schema.get("pattern"):
            # Patterns are hard to satisfy in general; a word often fits simple ones.
            return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(max(low, min(high, 6))))
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3)))
        text = text[:high] if len(text) > high else text
        return text if len(text) >= low else text + "x" * (low - len(text))

    def object(
        self, schema: Mapping[str, Any], rng: random.Random, *, state: Mapping[str, Any] | None = None, depth: int = 0
    ) -> dict[str, JsonValue]:
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        result: dict[str, JsonValue] = {}
        for name, sub in properties.items():
            if name in required or rng.random() < 0.5:
                result[name] = self.value(sub, rng, name=name, state=state, depth=depth)
        return result

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
