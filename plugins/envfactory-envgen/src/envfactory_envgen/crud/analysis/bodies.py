"""Request bodies: their fields, and the entity inside an envelope (``{"item": {...}, "options": ...}``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from envfactory_core.ids import JsonValue

from ...naming import identifier
from ...openapi.model import ApiOperation
from .schemas import required_names, schema_properties

__all__ = ["body_fields", "body_properties"]


def body_properties(
    entity_names: Mapping[str, set[str]], operations: Iterable[ApiOperation]
) -> dict[str, dict[str, JsonValue]]:
    """The fields of the bodies of ``operations``, first description of each name winning."""
    merged: dict[str, dict[str, JsonValue]] = {}
    for operation in operations:
        if operation.body is not None:
            for name, schema in body_fields(operation, entity_names)[0].items():
                merged.setdefault(name, schema)
    return merged


def body_fields(
    operation: ApiOperation, entity_names: Mapping[str, set[str]]
) -> tuple[dict[str, dict[str, JsonValue]], set[str], list[str]]:
    """The body's fields and required names; an envelope (``{"item": {...}, ...}``) is opened.

    The third value names envelope members left out (for the report).
    """
    if operation.body is None:
        return {}, set(), []
    schema = operation.body.schema
    properties = schema_properties(schema)
    required = required_names(schema)
    names = entity_names.get(operation.path, set())
    if names and not any(identifier(name, fallback="field") in names for name in properties):
        for name, sub in properties.items():
            inner = schema_properties(sub)
            overlap = sum(identifier(key, fallback="field") in names for key in inner)
            if inner and overlap * 2 >= len(inner):
                others = [other for other in properties if other != name]
                return inner, required_names(sub), others
    return properties, required, []
