"""Keys: which property is a collection's own key, what kind of values it holds, and key argument schemas."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from envfactory_core.env.patterns import pattern_string
from envfactory_core.ids import JsonValue
from envfactory_core.models import ColumnType
from envfactory_core.naming import singular_name, snake

from ...naming import identifier
from ..plan import ColumnPlan, KeyKind
from .ledger import ApiResource
from .paths import ApiPath
from .schemas import ID_NAMES, column_type

__all__ = ["GENERIC_PARAMS", "key_kind", "key_schema", "key_type", "find_own_key", "param_schema", "scope_word"]

GENERIC_PARAMS = frozenset({"id", "sid", "name", "key", "uid", "uuid", "index"})
"""Path parameter names that say nothing of what they name (``{id}``, ``{name}``)."""


def scope_word(resource: ApiResource, index: int) -> str:
    """The literal before the ``index``-th parameter of the collection path (``webhooks`` → ``webhook``)."""
    seen = -1
    previous = "parent"
    for segment in resource.path.segments:
        if ApiPath.is_param(segment):
            seen += 1
            if seen == index:
                return snake(singular_name(previous))
        else:
            previous = segment
    return "parent"


def param_schema(resource: ApiResource, name: str) -> dict[str, JsonValue]:
    for operation in resource.ops:
        for parameter in operation.parameters_in("path"):
            if parameter.name == name:
                return {key: value for key, value in parameter.schema.items() if key != "description"}
    return {"type": "string"}


def key_type(schema: Mapping[str, Any]) -> ColumnType:
    kind = column_type(schema)
    return kind if kind in ("integer", "text") else "text"


_FORMAT_PATTERNS = {
    "uuid": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
    "email": "^[a-z]{4,8}[0-9]{4}@example[.]com$",
    "idn-email": "^[a-z]{4,8}[0-9]{4}@example[.]com$",
    "uri": "^https://example[.]com/[a-z0-9]{12}$",
    "url": "^https://example[.]com/[a-z0-9]{12}$",
    "uri-reference": "^https://example[.]com/[a-z0-9]{12}$",
    "hostname": "^[a-z]{4,8}[0-9]{4}[.]example$",
    "date": "^20[2-3][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
    "date-time": "^20[2-3][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$",
    "ipv4": "^10[.][0-9]{1,2}[.][0-9]{1,2}[.][1-9][0-9]?$",
    "byte": "^[A-Za-z0-9]{16}$",
}
"""Patterns whose strings are valid for a string format, so keys an environment mints keep the format."""


def key_kind(schema: Mapping[str, Any]) -> tuple[KeyKind, str]:
    """How an environment mints a new key for a column with ``schema``: counting, or from a pattern.

    Keys follow the field's schema: a declared pattern, a format (``uuid``...), length bounds.
    """
    if column_type(schema) == "integer":
        return "integer", ""
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and pattern_string(pattern, random.Random(0)) is not None:
        return "pattern", pattern
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(value, str) and value for value in enum):
        return "pattern", "^(" + "|".join(re.escape(str(value)) for value in enum) + ")$"
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMAT_PATTERNS:
        return "pattern", _FORMAT_PATTERNS[fmt]
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) or isinstance(high, int):
        top = high if isinstance(high, int) and high > 0 else 16
        bottom = min(max(low if isinstance(low, int) else 1, min(8, top)), top)
        return "pattern", f"^[a-z0-9]{{{bottom},{max(bottom, min(top, 16))}}}$"
    return "string", ""


def find_own_key(
    resource: ApiResource, properties: Mapping[str, tuple[str, dict[str, JsonValue], bool]], label: str
) -> tuple[str, dict[str, JsonValue]]:
    """The own key column and its schema: the item path's parameter matched to a property, else the id."""
    item_schema: dict[str, JsonValue] = {"type": "string"}
    if resource.item_param:
        for operation in resource.get_ops + resource.delete_ops + resource.update_ops:
            for parameter in operation.parameters_in("path"):
                if parameter.name == resource.item_param:
                    item_schema = parameter.schema
        wanted = snake(resource.item_param)
        candidates = [wanted]
        stem = snake(label)
        for suffix in ("_name_or_id", "_id_or_name", "_id", "_sid", "_name", "_key", "_uid", "_uuid"):
            if wanted.endswith(suffix):
                core = suffix.removeprefix("_").split("_or_")[0]
                candidates.append(core)
        if wanted in ("name_or_id", "id_or_name"):
            candidates.append("name")
        if wanted.startswith(stem + "_"):
            candidates.append(wanted.removeprefix(stem + "_"))
        for candidate in candidates:
            if candidate in properties:
                schema = properties[candidate][1]
                if column_type(schema) in ("integer", "text"):
                    shape = ("format", "pattern", "minLength", "maxLength", "enum")
                    # tools check keys against the path's schema: its shape wins where it states one
                    schema = {**schema, **{word: item_schema[word] for word in shape if word in item_schema}}
                    return candidate, schema
        key = identifier(wanted, fallback="key")
        return key, item_schema
    for candidate in ID_NAMES:
        if candidate in properties and column_type(properties[candidate][1]) in ("integer", "text"):
            return candidate, properties[candidate][1]
    for column, (_original, schema, _) in properties.items():
        if column.endswith(("_id", "_sid")) and column.startswith(snake(label)):
            return column, schema
    return identifier(f"{label}_id"), {"type": "string", "description": f"The {label}'s id."}


def key_schema(schema: Mapping[str, Any], column: ColumnPlan) -> dict[str, JsonValue]:
    kind = {"integer": "integer", "text": "string"}.get(column.type, "string")
    cleaned = {key: value for key, value in schema.items() if key in ("description", "format", "pattern", "enum")}
    cleaned["type"] = kind
    if kind == "integer":
        cleaned.pop("pattern", None)
    return cleaned
