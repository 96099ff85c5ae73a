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
from . import fake
from .environment import Environment

__all__ = ["ArgumentGenerator"]

_COUNTRIES = ("US", "GB", "DE", "FR", "PT", "ES", "IT", "NL", "CA", "JP", "AU", "IE")
_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "JPY", "AUD", "CHF")
_CLASSES = {"d": string.digits, "w": string.ascii_letters + string.digits + "_", "s": " "}

_WORDS = ("alpha", "harbor", "maple", "quarterly", "review", "lisbon", "blue", "summit", "ticket", "garden")


def sample_pattern(pattern: str, rng: random.Random, *, tries: int = 20) -> str | None:
    """A string matching a simple regular expression (character classes, literals, quantifiers).

    Covers the patterns schemas use for codes (``^[A-Z]{2}$``, ``^[0-9]{5}(-[0-9]{4})?$``,
    ``^[a-z0-9-]+$``); gives None for anything it cannot read, such as alternations in groups.
    """
    import re

    body = pattern.removeprefix("^").removesuffix("$")
    for _ in range(tries):
        text = _draw(body, rng)
        if text is not None and re.fullmatch(pattern.removeprefix("^").removesuffix("$"), text):
            return text
    return None


def _draw(body: str, rng: random.Random) -> str | None:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "[":
            end = body.find("]", index)
            if end < 0:
                return None
            alphabet = _class(body[index + 1 : end])
            index = end + 1
        elif char == "\\" and index + 1 < len(body):
            alphabet = _CLASSES.get(body[index + 1], body[index + 1])
            index += 2
        elif char == "(":
            end = body.find(")", index)
            if end < 0 or "|" in body[index:end]:
                return None
            inner = _draw(body[index + 1 : end], rng)
            if inner is None:
                return None
            alphabet = ""
            index = end + 1
            low, high, index = _quantifier(body, index)
            if low == 0 and high == 1 and rng.random() < 0.5:
                continue
            out.append(inner * max(low, 1))
            continue
        elif char in ".*+?{|)":
            return None
        else:
            alphabet = char
            index += 1
        low, high, index = _quantifier(body, index)
        count = rng.randint(low, high)
        out.extend(rng.choice(alphabet) for _ in range(count))
    return "".join(out)


def _class(spec: str) -> str:
    chars: list[str] = []
    index = 0
    while index < len(spec):
        if spec[index] == "\\" and index + 1 < len(spec):
            chars.extend(_CLASSES.get(spec[index + 1], spec[index + 1]))
            index += 2
        elif index + 2 < len(spec) and spec[index + 1] == "-":
            chars.extend(chr(code) for code in range(ord(spec[index]), ord(spec[index + 2]) + 1))
            index += 3
        else:
            chars.append(spec[index])
            index += 1
    return "".join(chars) or "x"


def _quantifier(body: str, index: int) -> tuple[int, int, int]:
    if index < len(body):
        mark = body[index]
        if mark == "{":
            end = body.find("}", index)
            low_text, _, high_text = body[index + 1 : end].partition(",")
            low = int(low_text or 0)
            high = int(high_text) if high_text else (low if "," not in body[index:end] else low + 4)
            return low, high, end + 1
        if mark == "+":
            return 1, 6, index + 1
        if mark == "*":
            return 0, 5, index + 1
        if mark == "?":
            return 0, 1, index + 1
    return 1, 1, index


def _singular(name: str) -> str:
    """``expense_ids`` → ``expense_id``, ``tags`` → ``tag``."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def _is_count(name: str) -> bool:
    return any(
        word in name
        for word in ("quantity", "qty", "count", "guests", "nights", "party_size", "seats", "tickets", "copies")
    )


class ArgumentGenerator:
    """Draws arguments for one environment's tools from a seeded RNG and the current state."""

    def __init__(self, environment: Environment, *, future_only: bool = False) -> None:
        self.environment = environment
        self.future_only = future_only
        self._columns: dict[str, list[tuple[str, str]]] = {}
        for table in environment.state_schema.tables:
            for column in table.columns:
                self._columns.setdefault(column.name, []).append((table.name, column.name))

    def _known_values(self, name: str, state: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[Any]:
        values: list[Any] = []
        columns = self._columns.get(name) or self._columns.get(_singular(name), [])
        for table, column in columns:
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
        examples = schema.get("examples")
        if isinstance(examples, list) and examples and rng.random() < 0.8:
            return rng.choice(examples)
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
        if kind == "integer" and "minimum" not in schema and "maximum" not in schema and _is_count(name):
            return rng.randint(1, 4)
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

    def _offset_days(self, rng: random.Random) -> int:
        """Mostly the coming weeks (bookings, due dates), sometimes the recent past (reports)."""
        return rng.randint(1, 45) if self.future_only or rng.random() < 0.9 else rng.randint(-30, 0)

    def _string(self, schema: dict[str, Any], rng: random.Random, name: str) -> str:
        fmt = schema.get("format")
        clock = self.environment.clock
        if fmt == "date" or name.endswith("_date") or name == "date":
            return (clock.date() + timedelta(days=self._offset_days(rng))).isoformat()
        if fmt == "date-time" or name.endswith(("_at", "_time")):
            moment = clock.replace(minute=0, second=0, microsecond=0) + timedelta(days=self._offset_days(rng))
            return moment.replace(hour=rng.randint(8, 20), minute=rng.choice((0, 15, 30, 45))).isoformat()
        if fmt == "email" or "email" in name:
            return f"{rng.choice(_WORDS)}.{rng.randint(1, 99)}@example.com"
        if fmt == "hostname" or name in {"domain", "hostname", "domain_name", "zone_name"}:
            return f"{rng.choice(_WORDS)}{rng.choice(_WORDS)}.example"
        if fmt in {"uri", "url"} or name in {"url", "website", "long_url", "target_url"} or name.endswith("_url"):
            return f"https://www.{rng.choice(_WORDS)}-{rng.choice(_WORDS)}.example.com/{rng.choice(_WORDS)}"
        if fmt == "time":
            return f"{rng.randint(8, 20):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        low = int(schema.get("minLength", 1))
        high = int(schema.get("maxLength", max(low, 24)))
        person = fake.person(rng)
        human = {
            "city": person.city.name,
            "name": person.full_name,
            "full_name": person.full_name,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "address": fake.street_address(rng),
            "street": fake.street_address(rng),
            "phone": person.phone,
            "postal_code": f"{rng.randint(10000, 99999)}",
            "zip": f"{rng.randint(10000, 99999)}",
            "title": fake.title_words(rng, 2),
            "subject": fake.title_words(rng, 2),
            "description": fake.sentence(rng),
            "body": fake.sentence(rng),
            "note": fake.sentence(rng),
            "message": fake.sentence(rng),
            "reason": fake.sentence(rng),
            "company": fake.company(rng),
        }
        if name in human and not schema.get("pattern") and "enum" not in schema:
            return human[name]
        if name in {"country", "country_code"}:
            return rng.choice(_COUNTRIES)
        if name in {"currency", "currency_code"}:
            return rng.choice(_CURRENCIES)
        if schema.get("pattern"):
            drawn = sample_pattern(str(schema["pattern"]), rng)
            if drawn is not None:
                return drawn
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
