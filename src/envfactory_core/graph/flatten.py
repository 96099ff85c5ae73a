"""From a tool's JSON Schemas to parameter nodes (reference §3.1, with clear handling of bad input).

Each top-level property becomes a parameter. An object with properties becomes one parameter per
sub-property (``address.city``), and an array of objects one per item property (``items.sku``),
one level deep only, as in the reference. A nested input is required when its parent is required
and the nested schema either has no ``required`` list or names it there.

Bad schemas never crash the build: a schema that is not JSON Schema (a property that is not an
object, a ``type`` that is not a string) raises :class:`InvalidSchema`, and the builder skips that
tool with a :class:`~envfactory_core.graph.records.GraphIssue`; an unknown type name (``datetime``)
is kept as type ``any`` with an issue; an output whose root is not an object with properties gives
the tool no output parameters, with an issue (the reference skipped these silently).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..ids import JsonValue
from ..models import ToolSpec, qualified_name
from .records import Direction, GraphIssue, Parameter, ToolNode

__all__ = ["InvalidSchema", "flatten_tool", "schema_type"]

_KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
_SCALAR_OF = {str: "string", bool: "boolean", int: "integer", float: "number"}


class InvalidSchema(Exception):
    """A schema that is not valid JSON Schema at ``location``."""

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


def _enum_type(values: Any, where: str) -> str:
    if not isinstance(values, list):
        raise InvalidSchema(where, "'enum' must be a list")
    kinds = {_SCALAR_OF.get(type(value), "any") for value in values if value is not None}
    if kinds == {"integer", "number"}:
        return "number"
    return kinds.pop() if len(kinds) == 1 else "any"


def schema_type(schema: Any, where: str, issues: list[GraphIssue]) -> str:
    """The normalised type of a property schema; ``null`` is dropped from unions (optional values)."""
    if not isinstance(schema, dict):
        raise InvalidSchema(where, f"must be a JSON Schema object, got {type(schema).__name__}")
    declared = schema.get("type")
    if declared is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        if "enum" in schema:
            return _enum_type(schema["enum"], where)
        if "const" in schema:
            return _SCALAR_OF.get(type(schema["const"]), "any")
        for key in ("anyOf", "oneOf"):
            if key in schema:
                members = schema[key]
                if not isinstance(members, list) or not members:
                    raise InvalidSchema(where, f"'{key}' must be a non-empty list of schemas")
                kinds = {schema_type(member, f"{where}.{key}[{i}]", issues) for i, member in enumerate(members)}
                kinds.discard("null")
                if kinds == {"integer", "number"}:
                    return "number"
                return kinds.pop() if len(kinds) == 1 else "any"
        return "any"
    if isinstance(declared, str):
        names = [declared]
    elif isinstance(declared, list) and declared and all(isinstance(name, str) for name in declared):
        names = list(declared)
    else:
        raise InvalidSchema(where, f"'type' must be a type name or a list of type names, got {declared!r}")
    names = [name for name in names if name != "null"] or ["null"]
    unknown = [name for name in names if name not in _KNOWN_TYPES]
    if unknown:
        issues.append(
            GraphIssue(
                location=where,
                message=f"unknown JSON Schema type {unknown[0]!r}; the parameter links by name only",
                action="typed_as_any",
                fix="use one of: " + ", ".join(sorted(_KNOWN_TYPES)),
            )
        )
        return "any"
    if len(names) > 1:
        return "number" if set(names) == {"integer", "number"} else "any"
    return names[0]


def _properties(schema: Mapping[str, Any], where: str) -> dict[str, Any]:
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise InvalidSchema(f"{where}.properties", f"must be an object of schemas, got {type(properties).__name__}")
    return properties


def _required(schema: Mapping[str, Any], where: str) -> set[str] | None:
    if "required" not in schema:
        return None
    required = schema["required"]
    if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
        raise InvalidSchema(f"{where}.required", "must be a list of property names")
    return set(required)


def _text(schema: Mapping[str, Any], key: str) -> str:
    value = schema.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _parameters(
    tool: str, direction: Direction, schema: Mapping[str, Any], where: str, issues: list[GraphIssue]
) -> list[Parameter]:
    properties = _properties(schema, where)
    required = _required(schema, where) or set()
    found: list[Parameter] = []
    for name in sorted(properties):
        prop = properties[name]
        at = f"{where}.properties.{name}"
        kind = schema_type(prop, at, issues)
        is_required = direction == "input" and name in required
        description = _text(prop, "description")
        nested: dict[str, Any] = {}
        nested_schema: Mapping[str, Any] = {}
        if kind == "object":
            nested_schema, nested = prop, _properties(prop, at)
        elif kind == "array":
            items = prop.get("items")
            if items is not None and not isinstance(items, dict):
                raise InvalidSchema(f"{at}.items", f"must be a schema object, got {type(items).__name__}")
            if isinstance(items, dict) and schema_type(items, f"{at}.items", issues) == "object":
                nested_schema, nested = items, _properties(items, f"{at}.items")
        if nested:
            nested_required = _required(nested_schema, at)
            for sub in sorted(nested):
                sub_prop = nested[sub]
                sub_at = f"{at}.properties.{sub}"
                sub_kind = schema_type(sub_prop, sub_at, issues)
                found.append(
                    Parameter(
                        tool=tool,
                        direction=direction,
                        path=f"{name}.{sub}",
                        type=sub_kind,
                        item_type=_item_type(sub_kind, sub_prop, sub_at, issues),
                        description=_text(sub_prop, "description") or description,
                        required=is_required and (nested_required is None or sub in nested_required),
                        format=_text(sub_prop, "format"),
                        enum="enum" in sub_prop,
                    )
                )
            continue
        found.append(
            Parameter(
                tool=tool,
                direction=direction,
                path=name,
                type=kind,
                item_type=_item_type(kind, prop, at, issues),
                description=description,
                required=is_required,
                format=_text(prop, "format"),
                enum="enum" in prop,
            )
        )
    return found


def _item_type(kind: str, schema: Mapping[str, Any], where: str, issues: list[GraphIssue]) -> str:
    if kind != "array":
        return ""
    items = schema.get("items")
    if items is None:
        return "any"
    if not isinstance(items, dict):
        raise InvalidSchema(f"{where}.items", f"must be a schema object, got {type(items).__name__}")
    return schema_type(items, f"{where}.items", issues)


def flatten_tool(environment: str, spec: ToolSpec) -> tuple[ToolNode, list[GraphIssue]]:
    """The tool node for ``spec`` in ``environment``, and the issues met on the way.

    Raises :class:`InvalidSchema` when a schema is not JSON Schema; the builder turns that into a
    skipped tool.
    """
    name = qualified_name(environment, spec.name)
    issues: list[GraphIssue] = []
    inputs = _parameters(name, "input", spec.input_schema, f"{name}.input_schema", issues)
    outputs: list[Parameter] = []
    output_schema: dict[str, JsonValue] | None = spec.output_schema
    if output_schema is not None:
        where = f"{name}.output_schema"
        root = schema_type(output_schema, where, issues)
        if root == "object" and _properties(output_schema, where):
            outputs = _parameters(name, "output", output_schema, where, issues)
        else:
            issues.append(
                GraphIssue(
                    location=where,
                    message=f"the output's root is {root!r}, not an object with properties, so no output can feed "
                    "another tool",
                    action="no_outputs",
                    fix="wrap the output in an object with named properties",
                )
            )
    node = ToolNode(
        name=name,
        environment=environment,
        tool=spec.name,
        description=spec.description,
        effect=spec.effect,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
    )
    return node, issues
