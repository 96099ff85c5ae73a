"""The one schema-to-value engine: a JSON value valid for a JSON Schema, from a seeded RNG.

Tool arguments (the conformance kit and task grounding, through
:class:`~envfactory_core.env.generate.ArgumentGenerator`) and the seed rows of generated
environments draw their values here, so both honour the same keywords: ``enum``, ``const``,
``examples``, ``anyOf``/``oneOf``/``allOf``, ``type`` (and type lists), string ``format``
(``date``, ``date-time``, ``time``, ``email``, ``hostname``, ``uri``, ``uuid``, ``ipv4``, ``ipv6``,
``byte``, ``duration``), ``pattern`` (:mod:`.patterns`), ``minLength``/``maxLength``,
``minimum``/``maximum``/``exclusiveMinimum``/``exclusiveMaximum``/``multipleOf``,
``minItems``/``maxItems``/``uniqueItems``, ``required`` and ``readOnly``.

A value is realistic where the field's name says what it holds (an ``email``, a ``city``, a
``due_date`` in the coming weeks), and an existing entity's value where the name matches a column
of the state (an ``order_id`` draws a real order id). The order of random draws is part of the
recorded outputs (the same seed gives the same tasks and runs), so a keyword the schemas of the
shipped domains use is drawn exactly as it always was; a name-derived value that breaks the
schema's pattern or length bounds is replaced by one drawn from those constraints.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..ids import JsonValue
from ..naming import snake, strip_plural
from . import fake
from .patterns import matches_pattern, pattern_string
from .plausible import plausible_range

__all__ = ["SchemaValues"]

_COUNTRIES = ("US", "GB", "DE", "FR", "PT", "ES", "IT", "NL", "CA", "JP", "AU", "IE")
_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "JPY", "AUD", "CHF")
_WORDS = ("alpha", "harbor", "maple", "quarterly", "review", "lisbon", "blue", "summit", "ticket", "garden")
_HEX = "0123456789abcdef"
_MAX_DEPTH = 3  # past this depth only what the schema requires is drawn
_HARD_DEPTH = 12  # a guard against self-referencing schemas
_TRIES = 10
_FORMATS = frozenset(
    {
        "date",
        "date-time",
        "time",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "uri",
        "url",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "ipv4",
        "ipv6",
        "byte",
        "duration",
    }
)
_COUNT_WORDS = ("quantity", "qty", "count", "guests", "nights", "party_size", "seats", "tickets", "copies")

Columns = Mapping[str, Sequence[tuple[str, str]]]
"""Column name → the ``(table, column)`` pairs of the state that hold such values."""


def _is_count(name: str) -> bool:
    return any(word in name for word in _COUNT_WORDS)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class SchemaValues:
    """Draws values for JSON Schemas from a seeded RNG, anchored at a clock.

    ``columns`` lets a value be an existing entity's (pass ``state`` to :meth:`value`);
    ``future_only`` keeps dates after the clock (bookings made by a write request).
    """

    def __init__(self, now: datetime, *, columns: Columns | None = None, future_only: bool = False) -> None:
        self.now = now
        self.columns: Columns = columns or {}
        self.future_only = future_only

    # --- dispatch ---------------------------------------------------------------------------------

    def value(
        self, schema: Any, rng: random.Random, *, name: str = "", state: Mapping[str, Any] | None = None, depth: int = 0
    ) -> JsonValue:
        """A value valid for ``schema``; ``name`` is the field's name, ``state`` rows to draw existing values from."""
        if not isinstance(schema, Mapping):
            return None
        if schema.get("enum"):
            return rng.choice(schema["enum"])
        if "const" in schema:
            return schema["const"]
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            examples = [example for example in examples if _example_fits(example, schema)]
        if isinstance(examples, list) and examples and rng.random() < 0.8:
            return rng.choice(examples)
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                return self.value(self._variant(schema, key, rng), rng, name=name, state=state, depth=depth)
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            return self.value(_merge_all_of(schema), rng, name=name, state=state, depth=depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"] or ["null"]
            kind = rng.choice(kinds)
        if kind is None and "items" in schema and "properties" not in schema:
            kind = "array"
        if state is not None and kind in ("string", "integer", "number") and rng.random() < 0.85:
            known = [value for value in self._known_values(name, state) if _is_kind(value, kind)]
            if known:
                return rng.choice(known)
        if kind == "string":
            return self.string(schema, rng, name)
        if kind == "integer":
            return self.integer(schema, rng, name)
        if kind == "number":
            return self.number(schema, rng, name)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        if kind == "array":
            return self.array(schema, rng, name=name, state=state, depth=depth)
        if kind == "object" or "properties" in schema:
            if depth >= _HARD_DEPTH:
                return {}
            return self.object(schema, rng, state=state, depth=depth + 1, required_only=depth > _MAX_DEPTH)
        return rng.choice(_WORDS)

    @staticmethod
    def _variant(schema: Mapping[str, Any], key: str, rng: random.Random) -> Any:
        """One of the ``anyOf``/``oneOf`` variants, with the schema's other keywords applied to it."""
        chosen = rng.choice(schema[key])
        if not isinstance(chosen, Mapping):
            return chosen
        siblings = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "description", "title")}
        return {**siblings, **chosen}

    def _known_values(self, name: str, state: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[Any]:
        values: list[Any] = []
        columns = self.columns.get(name) or self.columns.get(strip_plural(name), [])
        for table, column in columns:
            for row in state.get(table, {}).values():
                value = row.get(column)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    values.append(value)
        return values

    # --- strings ----------------------------------------------------------------------------------

    def string(self, schema: Mapping[str, Any], rng: random.Random, name: str) -> str:
        """A string: by format, else by what the name says, within the pattern and length bounds."""
        hint = snake(name, split_acronyms=False)
        drawn = self._hinted(schema, rng, hint)
        if drawn is not None and _fits(drawn, schema):
            return drawn
        low = int(schema.get("minLength", 1))
        high = int(schema.get("maxLength", max(low, 24)))
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern:
            sampled = pattern_string(
                pattern, rng, min_length=int(schema.get("minLength", 0)), max_length=schema.get("maxLength")
            )
            if sampled is not None:
                return sampled
            return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(max(low, min(high, 6))))
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3)))
        text = text[:high] if len(text) > high else text
        return text if len(text) >= low else text + "x" * (low - len(text))

    def _hinted(self, schema: Mapping[str, Any], rng: random.Random, name: str) -> str | None:
        """A value from the declared format or the field's name, or None when neither says anything."""
        declared = schema.get("format")
        fmt = declared if declared in _FORMATS else _implied_format(name)
        if fmt:
            return self.formatted(str(fmt), rng)
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
        return None

    def _offset_days(self, rng: random.Random) -> int:
        """Mostly the coming weeks (bookings, due dates), sometimes the recent past (reports)."""
        return rng.randint(1, 45) if self.future_only or rng.random() < 0.9 else rng.randint(-30, 0)

    def formatted(self, fmt: str, rng: random.Random) -> str:
        """A string in the JSON Schema format ``fmt`` (one of the formats this engine knows)."""
        clock = self.now
        if fmt == "date":
            return (clock.date() + timedelta(days=self._offset_days(rng))).isoformat()
        if fmt == "date-time":
            moment = clock.replace(minute=0, second=0, microsecond=0) + timedelta(days=self._offset_days(rng))
            return moment.replace(hour=rng.randint(8, 20), minute=rng.choice((0, 15, 30, 45))).isoformat()
        if fmt in ("email", "idn-email"):
            return f"{rng.choice(_WORDS)}.{rng.randint(1, 99)}@example.com"
        if fmt in ("hostname", "idn-hostname"):
            return f"{rng.choice(_WORDS)}{rng.choice(_WORDS)}.example"
        if fmt in ("uri", "url", "uri-reference", "iri", "iri-reference"):
            return f"https://www.{rng.choice(_WORDS)}-{rng.choice(_WORDS)}.example.com/{rng.choice(_WORDS)}"
        if fmt == "time":
            return f"{rng.randint(8, 20):02d}:{rng.choice((0, 15, 30, 45)):02d}:00Z"
        if fmt == "uuid":
            return "-".join("".join(rng.choice(_HEX) for _ in range(size)) for size in (8, 4, 4, 4, 12))
        if fmt == "ipv4":
            return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if fmt == "ipv6":
            return "fd00:" + ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(7))
        if fmt == "byte":
            return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24)) + "=="
        if fmt == "duration":
            return f"P{rng.randint(1, 30)}DT{rng.randint(0, 23)}H"
        raise ValueError(f"unknown string format {fmt!r}")

    # --- numbers ----------------------------------------------------------------------------------

    def integer(self, schema: Mapping[str, Any], rng: random.Random, name: str) -> int:
        """An integer within the bounds; a small count for counting fields without bounds."""
        bounded = any(key in schema for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
        if not bounded and _is_count(name):
            return rng.randint(1, 4)
        sensible = plausible_range(snake(name, split_acronyms=False)) if name else None
        if not bounded and sensible is not None:
            return rng.randint(math.ceil(sensible[0]), math.floor(sensible[1]))
        low, high = _integer_bounds(schema)
        first = low if low is not None else (0 if high is None else high - 20)
        last = high if high is not None else first + 20
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int) and not isinstance(multiple, bool) and multiple > 0:
            bottom, top = -(-first // multiple), max(first, last) // multiple
            return rng.randint(bottom, max(bottom, top)) * multiple
        return rng.randint(first, max(first, last))

    def number(self, schema: Mapping[str, Any], rng: random.Random, name: str = "") -> float:
        """A number within the bounds, rounded to cents (kept inside the bounds); where the name says what
        it measures (a monthly income, a parcel's weight) within what a person would give, if the bounds allow."""
        minimum, maximum = _number(schema.get("minimum")), _number(schema.get("maximum"))
        above, below = _number(schema.get("exclusiveMinimum")), _number(schema.get("exclusiveMaximum"))
        sensible = plausible_range(snake(name, split_acronyms=False)) if name else None
        if sensible is not None:
            low, high, step = sensible
            drawn = round(round(rng.uniform(low, high) / step) * step, 2)
            if _inside(drawn, minimum, maximum, above, below):
                return drawn
        bottom = minimum if minimum is not None else (above if above is not None else 0.0)
        top = maximum if maximum is not None else (below if below is not None else bottom + 500.0)
        if top < bottom:
            bottom = top - 500.0
        drawn = round(rng.uniform(bottom, top), 2)
        if _inside(drawn, minimum, maximum, above, below):
            return drawn
        middle = (bottom + top) / 2
        return middle if _inside(middle, minimum, maximum, above, below) else bottom

    # --- arrays and objects -----------------------------------------------------------------------

    def array(
        self,
        schema: Mapping[str, Any],
        rng: random.Random,
        *,
        name: str = "",
        state: Mapping[str, Any] | None = None,
        depth: int = 0,
    ) -> list[JsonValue]:
        """Between ``minItems`` and ``maxItems`` items (only ``minItems`` deep down), unique if asked."""
        low = int(schema.get("minItems", 0))
        if depth > _MAX_DEPTH:
            count = low if depth < _HARD_DEPTH else 0
        else:
            high = max(low, int(schema.get("maxItems", low + 3)))
            count = rng.randint(low, min(high, low + 3))
        item_schema = schema.get("items", {"type": "string"})
        items = [self.value(item_schema, rng, name=name, state=state, depth=depth + 1) for _ in range(count)]
        if schema.get("uniqueItems"):
            unique: list[JsonValue] = []
            for item in items:
                if item not in unique:
                    unique.append(item)
            for _ in range(_TRIES * max(low, 1)):
                if len(unique) >= low:
                    break
                extra = self.value(item_schema, rng, name=name, state=state, depth=depth + 1)
                if extra not in unique:
                    unique.append(extra)
            items = unique
        return items

    def object(
        self,
        schema: Mapping[str, Any],
        rng: random.Random,
        *,
        state: Mapping[str, Any] | None = None,
        depth: int = 0,
        required_only: bool = False,
    ) -> dict[str, JsonValue]:
        """Every required property and about half of the others (read-only ones only if required)."""
        properties = schema.get("properties", {})
        properties = properties if isinstance(properties, Mapping) else {}
        required = set(schema.get("required", ()) or ())
        result: dict[str, JsonValue] = {}
        for name, sub in properties.items():
            if name not in required and (required_only or (isinstance(sub, Mapping) and sub.get("readOnly"))):
                continue
            if name in required or rng.random() < 0.5:
                result[name] = self.value(sub, rng, name=name, state=state, depth=depth)
        missing = sorted(name for name in required if name not in properties)
        extra = schema.get("additionalProperties")
        for name in missing:
            sub = extra if isinstance(extra, Mapping) else {"type": "string"}
            result[str(name)] = self.value(sub, rng, name=str(name), state=state, depth=depth)
        return result


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int)
    return isinstance(value, (int, float))


def _implied_format(name: str) -> str:
    """The format a field's name implies (``due_date``, ``created_at``, ``email``, ``website``), or ''."""
    if name.endswith("_date") or name == "date":
        return "date"
    if name.endswith(("_at", "_time")):
        return "date-time"
    if "email" in name:
        return "email"
    if name in {"domain", "hostname", "domain_name", "zone_name"}:
        return "hostname"
    if name in {"url", "website", "long_url", "target_url"} or name.endswith("_url"):
        return "uri"
    return ""


def _example_fits(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether a documented example is a value of the schema's type and bounds (documents often disagree)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if value is None:
        return "null" in kinds or schema.get("nullable") is True
    if not kinds:
        return True
    checks = {
        "string": lambda: isinstance(value, str) and _fits(value, schema),
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool) and _in_bounds(value, schema),
        "number": lambda: _number(value) is not None and _in_bounds(float(value), schema),
        "boolean": lambda: isinstance(value, bool),
        "array": lambda: isinstance(value, list),
        "object": lambda: isinstance(value, dict) and all(name in value for name in schema.get("required", ()) or ()),
    }
    return any(checks[item]() for item in kinds if item in checks)


def _in_bounds(value: float, schema: Mapping[str, Any]) -> bool:
    return _inside(
        value,
        _number(schema.get("minimum")),
        _number(schema.get("maximum")),
        _number(schema.get("exclusiveMinimum")),
        _number(schema.get("exclusiveMaximum")),
    )


def _fits(text: str, schema: Mapping[str, Any]) -> bool:
    """Whether ``text`` keeps the schema's pattern and length bounds."""
    low, high, pattern = schema.get("minLength"), schema.get("maxLength"), schema.get("pattern")
    if isinstance(low, int) and len(text) < low:
        return False
    if isinstance(high, int) and len(text) > high:
        return False
    return not (isinstance(pattern, str) and pattern and not matches_pattern(pattern, text))


def _integer_bounds(schema: Mapping[str, Any]) -> tuple[int | None, int | None]:
    minimum, maximum = _number(schema.get("minimum")), _number(schema.get("maximum"))
    above, below = _number(schema.get("exclusiveMinimum")), _number(schema.get("exclusiveMaximum"))
    low = math.ceil(minimum) if minimum is not None else (math.floor(above) + 1 if above is not None else None)
    high = math.floor(maximum) if maximum is not None else (math.ceil(below) - 1 if below is not None else None)
    return low, high


def _inside(
    value: float, minimum: float | None, maximum: float | None, above: float | None, below: float | None
) -> bool:
    return (
        (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
        and (above is None or value > above)
        and (below is None or value < below)
    )


def _merge_all_of(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``allOf`` folded into one schema: properties and ``required`` unite, other keywords stack."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, Mapping):
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, Mapping):
                known = dict(merged.get("properties", {}))
                for name, sub in value.items():  # a property in two parts must satisfy both
                    known[name] = {"allOf": [known[name], sub]} if name in known else sub
                merged["properties"] = known
            elif key == "required":
                merged["required"] = sorted({*merged.get("required", ()), *value})
            else:
                merged.setdefault(key, value)
    return merged
