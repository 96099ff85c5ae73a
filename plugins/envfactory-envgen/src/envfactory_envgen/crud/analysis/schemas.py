"""Reading the JSON Schemas of an API's operations: properties, list items, column types, descriptions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from envfactory_core.ids import JsonValue
from envfactory_core.models import ColumnType
from envfactory_core.naming import snake

from ...openapi.model import ApiOperation

__all__ = [
    "ID_NAMES",
    "brief",
    "column_type",
    "describe_schema",
    "list_items",
    "required_names",
    "schema_properties",
    "strip_read_only",
    "unwrap",
    "words",
]

ID_NAMES = ("id", "sid", "uuid", "key", "uid")
_PAGE_WORDS = re.compile(
    r"count|total|next|prev|page|limit|offset|size|more|link|meta|cursor|token|first|last|start|end"
)


def schema_properties(schema: Mapping[str, Any] | None) -> dict[str, dict[str, JsonValue]]:
    if not isinstance(schema, Mapping):
        return {}
    properties = schema.get("properties")
    if isinstance(properties, dict):
        return {str(name): value if isinstance(value, dict) else {} for name, value in properties.items()}
    merged: dict[str, dict[str, JsonValue]] = {}
    for variant in schema.get("anyOf", []) or []:
        if isinstance(variant, dict) and isinstance(variant.get("properties"), dict):
            for name, value in variant["properties"].items():
                merged.setdefault(str(name), value if isinstance(value, dict) else {})
    return merged


def required_names(schema: Mapping[str, Any] | None) -> set[str]:
    if not isinstance(schema, Mapping):
        return set()
    if isinstance(schema.get("required"), list):
        return {str(name) for name in schema["required"]}
    return set()


def list_items(operation: ApiOperation) -> dict[str, JsonValue] | None:
    """The item schema when the success response is a list (an array, or a page with one array)."""
    response = operation.response
    if not isinstance(response, dict):
        return None
    if response.get("type") == "array" and isinstance(response.get("items"), dict):
        return response["items"]  # type: ignore[no-any-return]
    properties = schema_properties(response)
    arrays = {
        name: value["items"]
        for name, value in properties.items()
        if value.get("type") == "array" and isinstance(value.get("items"), dict)
    }
    if operation.response_list_property and operation.response_list_property in arrays:
        items = arrays[operation.response_list_property]
        return items if isinstance(items, dict) else None
    others = [snake(name) for name in properties if name not in arrays]
    if len(arrays) == 1 and all(_PAGE_WORDS.search(name) for name in others):
        items = next(iter(arrays.values()))
        return items if isinstance(items, dict) else None
    return None


def unwrap(schema: dict[str, JsonValue] | None) -> dict[str, JsonValue] | None:
    """``{"transactionRule": {...the entity...}}`` → the entity."""
    properties = schema_properties(schema)
    if len(properties) == 1:
        inner = next(iter(properties.values()))
        if schema_properties(inner) and not any(snake(name) in ID_NAMES for name in properties):
            return inner
    return schema


def column_type(schema: Mapping[str, Any]) -> ColumnType:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [item for item in kind if item != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if "anyOf" in schema or "allOf" in schema or ("enum" in schema and kind is None):
        return "json"
    return {"string": "text", "integer": "integer", "number": "real", "boolean": "boolean"}.get(str(kind), "json")  # type: ignore[return-value]


def describe_schema(schema: Mapping[str, Any], fallback: str) -> dict[str, JsonValue]:
    text = str(schema.get("description", "")).strip()
    return dict(schema) if text else {**schema, "description": fallback}


def strip_read_only(schema: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {key: value for key, value in schema.items() if key not in ("readOnly", "writeOnly", "deprecated")}


def brief(text: str, limit: int = 400) -> str:
    """The first paragraph, cut at a sentence end near ``limit`` characters."""
    first = text.strip().split("\n\n")[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + " …"


def words(name: str) -> str:
    return snake(name).replace("_", " ")
