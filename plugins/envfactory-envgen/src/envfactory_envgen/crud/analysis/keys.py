"""Keys: which property is a collection's own key, what kind of values it holds, and key argument schemas."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from envfactory_core.env.patterns import sample_pattern
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


def key_kind(schema: Mapping[str, Any]) -> tuple[KeyKind, str]:
    if column_type(schema) == "integer":
        return "integer", ""
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and sample_pattern(pattern, random.Random(0)) is not None:
        return "pattern", pattern
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
