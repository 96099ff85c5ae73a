"""What the spec-level loaders share: effect from a tool's name, schema checks with locations."""

from __future__ import annotations

from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.ids import JsonValue
from envfactory_core.models import Effect
from envfactory_core.naming import snake

from ..documents import Document

__all__ = ["READ_VERBS", "check_object_schema", "effect_of", "wrap_output"]

READ_VERBS = frozenset(
    """get list search find fetch read retrieve show view describe query lookup check count browse filter
    calculate compute validate estimate preview export download""".split()  # noqa: SIM905
)


def effect_of(name: str, *, read_only_hint: bool | None = None) -> Effect:
    """``read`` for tools whose name starts with a reading verb (or an MCP readOnlyHint), else ``write``."""
    if read_only_hint is not None:
        return "read" if read_only_hint else "write"
    first = snake(name).split("_")[0]
    return "read" if first in READ_VERBS else "write"


def check_object_schema(
    document: Document, value: Any, pointer: tuple[str | int, ...], problems: list[Problem]
) -> dict[str, JsonValue] | None:
    """An input schema that is an object schema, or a located problem."""
    if value is None:
        return {"type": "object", "properties": {}}
    if not isinstance(value, dict):
        problems.append(
            Problem(
                location=document.where(pointer), message=f"must be a JSON Schema object, got {type(value).__name__}"
            )
        )
        return None
    schema = dict(value)
    schema.setdefault("type", "object")
    if schema.get("type") != "object":
        problems.append(
            Problem(location=document.where((*pointer, "type")), message="an input schema must have type 'object'")
        )
        return None
    properties = schema.setdefault("properties", {})
    if not isinstance(properties, dict):
        problems.append(Problem(location=document.where((*pointer, "properties")), message="must be an object"))
        return None
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(item, str) for item in required):
        problems.append(Problem(location=document.where((*pointer, "required")), message="must be a list of names"))
        return None
    missing = [name for name in required if name not in properties]
    if missing:
        problems.append(
            Problem(location=document.where((*pointer, "required")), message=f"names {missing} that are not properties")
        )
        return None
    for name, sub in properties.items():
        if isinstance(sub, dict) and not str(sub.get("description", "")).strip():
            properties[name] = {**sub, "description": f"The {snake(name).replace('_', ' ')}."}
    return schema


def wrap_output(schema: Any) -> dict[str, JsonValue] | None:
    """Outputs are objects (the paper's rule): a bare array or value is wrapped in ``{"result": ...}``."""
    if not isinstance(schema, dict) or not schema:
        return None
    if schema.get("type") == "object" or "properties" in schema:
        return schema
    return {"type": "object", "properties": {"result": schema}}
