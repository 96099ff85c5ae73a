"""Realistic values for a JSON Schema, chosen by the field's name and format.

Seed factories of generated environments draw their rows here: an ``email`` gets an address, a
``created_at`` a time before the environment's clock, a ``status`` one of its enum values, a
``name`` of a ``user`` a person's name, a code with a ``pattern`` a string that matches it. Every
value comes from the ``random.Random`` passed in, so a seed gives the same state on every machine.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from envfactory_core.env import fake
from envfactory_core.env.generate import sample_pattern
from envfactory_core.ids import JsonValue

__all__ = ["ValueMaker"]

_PEOPLE = ("user", "person", "customer", "member", "owner", "author", "contact", "employee", "account_holder")
_MAX_DEPTH = 3  # past this depth only what the schema requires is drawn
_HARD_DEPTH = 12  # a guard against self-referencing schemas


def _kinds(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(item) for item in kind if item != "null"] or ["null"]
    if isinstance(kind, str):
        return [kind]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


class ValueMaker:
    """Draws values for schemas, anchored at the environment's clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def value(self, schema: Any, rng: random.Random, *, name: str = "", label: str = "", depth: int = 0) -> JsonValue:
        """A value valid for ``schema``; ``name`` is the field's name, ``label`` what the row is (``user``)."""
        if not isinstance(schema, Mapping):
            return None
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            options = [item for item in enum if item is not None] or enum
            return rng.choice(options)
        if "const" in schema:
            return schema["const"]
        for key in ("anyOf", "oneOf"):
            variants = [v for v in schema.get(key, []) or [] if isinstance(v, Mapping) and v.get("type") != "null"]
            if variants:
                merged = {**{k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}, **rng.choice(variants)}
                return self.value(merged, rng, name=name, label=label, depth=depth)
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            merged = dict(schema)
            for part in merged.pop("allOf"):
                if isinstance(part, Mapping):
                    merged = {**part, **merged}
            return self.value(merged, rng, name=name, label=label, depth=depth)
        kinds = _kinds(schema)
        kind = rng.choice(kinds) if kinds else self._guess(name)
        if kind == "string":
            return self.text(schema, rng, name, label)
        if kind == "integer":
            return self.integer(schema, rng, name)
        if kind == "number":
            return self.number(schema, rng, name)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "array":
            return self.array(schema, rng, name, label, depth)
        if kind == "object":
            return self.object(schema, rng, label=label, depth=depth)
        if kind == "null":
            return None
        return self.text({}, rng, name, label)

    @staticmethod
    def _guess(name: str) -> str:
        if name.endswith(("_count", "_number", "quantity")):
            return "integer"
        if name.startswith(("is_", "has_")) or name.endswith("_enabled"):
            return "boolean"
        return "string"

    # --- strings ----------------------------------------------------------------------------------

    def text(self, schema: Mapping[str, Any], rng: random.Random, name: str, label: str) -> str:
        fmt = str(schema.get("format", ""))
        drawn = self._formatted(fmt, rng, name, label)
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            if drawn is not None and re.search(pattern, drawn):
                return self._fit(drawn, schema, rng)
            sampled = sample_pattern(pattern, rng)
            if sampled is not None:
                return sampled
            for candidate in self._pattern_guesses(rng):
                if re.search(pattern, candidate):
                    return candidate
        if drawn is None:
            drawn = self._named(rng, name, label)
        return self._fit(drawn, schema, rng)

    def _formatted(self, fmt: str, rng: random.Random, name: str, label: str) -> str | None:
        """A value for a declared ``format``; without one, for names that imply one (``created_at``)."""
        kind = fmt or self._implied_format(name)
        past = any(word in name for word in ("created", "updated", "modified", "last_", "since", "start", "begin"))
        if kind == "date-time":
            offset = -rng.randint(1, 90) if past or rng.random() < 0.6 else rng.randint(1, 60)
            moment = self.now.replace(second=0, microsecond=0) + timedelta(days=offset)
            return moment.replace(hour=rng.randint(8, 19), minute=rng.choice((0, 15, 30, 45))).isoformat()
        if kind == "date":
            offset = -rng.randint(1, 365) if past or "birth" in name else rng.randint(-60, 60)
            return (self.now.date() + timedelta(days=offset)).isoformat()
        if kind == "time":
            return f"{rng.randint(8, 19):02d}:{rng.choice((0, 15, 30, 45)):02d}:00"
        if kind == "email":
            return fake.person(rng).email
        if kind in ("uri", "url", "uri-reference", "iri"):
            return f"https://{fake.slug(fake.company(rng))}.example.com/{fake.slug(fake.title_words(rng, 2))}"
        if kind == "uuid":
            return "-".join("".join(rng.choice("0123456789abcdef") for _ in range(size)) for size in (8, 4, 4, 4, 12))
        if kind == "ipv4":
            return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if kind == "hostname":
            return f"{fake.slug(fake.company(rng))}.example.com"
        if kind in ("byte", "binary"):
            return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24)) + "=="
        return None

    @staticmethod
    def _implied_format(name: str) -> str:
        if name.endswith(("_at", "_time")) or name.startswith("date_"):
            return "date-time"
        if name.endswith("_date") or name in ("date", "birthday", "birth_date"):
            return "date"
        if "email" in name:
            return "email"
        if name in ("url", "uri", "website", "link", "href") or name.endswith(("_url", "_uri")):
            return "uri"
        if name in ("uuid", "guid"):
            return "uuid"
        if name in ("ip", "ip_address"):
            return "ipv4"
        if name in ("host", "hostname", "domain"):
            return "hostname"
        return ""

    def _named(self, rng: random.Random, name: str, label: str) -> str:
        words = name.split("_")
        last = words[-1] if words else ""
        if name in ("first_name", "given_name", "firstname"):
            return fake.person(rng).first_name
        if name in ("last_name", "family_name", "surname", "lastname"):
            return fake.person(rng).last_name
        if name in ("username", "user_name", "login", "handle", "identity"):
            person = fake.person(rng)
            return f"{person.first_name.lower()}.{person.last_name.lower()}{rng.randint(1, 99)}"
        if name in ("realname", "full_name", "display_name", "owner_name", "creator", "created_by") or (
            last == "name" and any(word in name for word in _PEOPLE)
        ):
            return fake.person(rng).full_name
        if name == "name" and any(word in label for word in _PEOPLE):
            return fake.person(rng).full_name
        if "phone" in name or name in ("mobile", "fax"):
            return fake.phone(rng)
        if name in ("city", "town"):
            return fake.city(rng).name
        if name in ("country", "country_code", "issuing_country_code") or name.endswith("country_code"):
            return fake.city(rng).country_code
        if "currency" in name:
            return fake.city(rng).currency
        if "address" in name or name in ("street", "line1", "address_line1"):
            return fake.street_address(rng)
        if name in ("company", "organization", "organisation", "company_name", "vendor", "provider", "manufacturer"):
            return fake.company(rng)
        if "color" in name or "colour" in name:
            return "#" + "".join(rng.choice("0123456789abcdef") for _ in range(6))
        if last in ("description", "comment", "summary", "text", "note", "notes", "message", "body", "details"):
            return fake.sentence(rng)
        if last in ("title", "subject", "headline"):
            return fake.title_words(rng, 3).title()
        if last in ("name", "label", "tag", "alias", "nickname"):
            return fake.title_words(rng, 2).title()
        if last in ("id", "sid", "key", "ref", "reference", "code", "token", "digest", "hash", "secret"):
            prefix = "".join(word[0] for word in words[:-1] if word)[:3] or last[:3]
            return f"{prefix}_{''.join(rng.choice('0123456789abcdefghjkmnpqrstvwxyz') for _ in range(10))}"
        if last in ("status", "state", "type", "kind", "category", "role", "level", "mode", "scope"):
            return rng.choice(("standard", "primary", "active", "default", "basic"))
        if last in ("version",):
            return f"{rng.randint(1, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"
        if last in ("password", "passwd"):
            return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(14))
        if last in ("language", "locale", "lang"):
            return rng.choice(("en", "de", "fr", "pt", "es", "ja"))
        if last in ("timezone", "tz"):
            return fake.city(rng).timezone
        return fake.title_words(rng, 2).lower()

    @staticmethod
    def _pattern_guesses(rng: random.Random) -> list[str]:
        hex6 = "".join(rng.choice("0123456789abcdef") for _ in range(6))
        return [f"#{hex6}", hex6, "ABC123", "abc", "A1", "1", "a-b", "2025-01-15"]

    @staticmethod
    def _fit(text: str, schema: Mapping[str, Any], rng: random.Random) -> str:
        low = schema.get("minLength")
        high = schema.get("maxLength")
        if isinstance(high, int) and len(text) > high:
            text = text[: max(high, 0)]
        if isinstance(low, int) and len(text) < low:
            text += "".join(rng.choice(string.ascii_lowercase) for _ in range(low - len(text)))
        return text

    # --- numbers, arrays, objects -----------------------------------------------------------------

    @staticmethod
    def _bounds(schema: Mapping[str, Any], low: float, high: float) -> tuple[float, float]:
        minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
        maximum = schema.get("maximum", schema.get("exclusiveMaximum"))
        if isinstance(minimum, (int, float)) and not isinstance(minimum, bool):
            low = float(minimum) + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
            high = max(high, low)
        if isinstance(maximum, (int, float)) and not isinstance(maximum, bool):
            high = float(maximum) - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
            low = min(low, high)
        return low, high

    def integer(self, schema: Mapping[str, Any], rng: random.Random, name: str) -> int:
        low, high = 1.0, 500.0
        if any(word in name for word in ("count", "quantity", "qty", "number_of", "size", "priority", "retries")):
            low, high = 1.0, 12.0
        elif name.endswith(("_id", "id")):
            low, high = 1.0, 9999.0
        elif "year" in name:
            low, high = 2015.0, float(self.now.year)
        elif any(word in name for word in ("ttl", "seconds", "duration", "timeout", "window")):
            low, high = 60.0, 86400.0
        low, high = self._bounds(schema, low, high)
        value = rng.randint(int(low), int(max(low, high)))
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int) and multiple > 0:
            value = max(int(low), value - value % multiple)
        return value

    def number(self, schema: Mapping[str, Any], rng: random.Random, name: str) -> float:
        low, high = (0.0, 1.0) if any(word in name for word in ("rate", "ratio", "score", "percent")) else (1.0, 1000.0)
        low, high = self._bounds(schema, low, high)
        return round(rng.uniform(low, high), 2)

    def array(self, schema: Mapping[str, Any], rng: random.Random, name: str, label: str, depth: int) -> list[Any]:
        low = int(schema.get("minItems", 0) or 0)
        if depth >= _HARD_DEPTH:
            return []
        high = int(schema.get("maxItems", low + 2) or low + 2)
        count = low if depth >= _MAX_DEPTH else rng.randint(low, max(low, min(high, low + 2)))
        items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {"type": "string"}
        singular = name[:-1] if name.endswith("s") else name
        values = [self.value(items, rng, name=singular, label=label, depth=depth + 1) for _ in range(count)]
        if schema.get("uniqueItems"):
            unique: list[Any] = []
            for value in values:
                if value not in unique:
                    unique.append(value)
            values = unique
        return values

    def object(
        self, schema: Mapping[str, Any], rng: random.Random, *, label: str = "", depth: int = 0
    ) -> dict[str, JsonValue]:
        if depth >= _HARD_DEPTH:
            return {}
        properties = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
        required = set(schema.get("required", []) or [])
        result: dict[str, JsonValue] = {}
        for key, sub in (properties or {}).items():
            if not isinstance(sub, Mapping) or (sub.get("readOnly") and key not in required):
                continue
            if key in required or (depth < _MAX_DEPTH and rng.random() < 0.5):
                result[str(key)] = self.value(sub, rng, name=_snake(str(key)), label=label, depth=depth + 1)
        return result


def _snake(name: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
