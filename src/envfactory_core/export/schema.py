"""JSON Schema of records, derived from their ``attrs`` definitions.

The canonical export promises a documented, validated schema. Writing that schema by hand would
drift from the records the moment a field is added; deriving it from the same ``attrs`` classes
the converter uses keeps the two identical. Every record field is required (the converter always
writes every field) and no other key is allowed, so a record that does not match its schema is
caught when it is written, not when a trainer reads it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, get_args, get_origin

import attrs

from ..ids import JsonValue

__all__ = ["compile_validator", "record_schema", "type_schema"]


def type_schema(declared: Any, definitions: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """The JSON Schema of one declared Python type; records go into ``definitions`` by class name."""
    if declared is Any or declared is object:
        return {}
    if declared is type(None):
        return {"type": "null"}
    if declared is bool:
        return {"type": "boolean"}
    if declared is int:
        return {"type": "integer"}
    if declared is float:
        return {"type": "number"}
    if declared is str:
        return {"type": "string"}
    origin = get_origin(declared)
    arguments = get_args(declared)
    if origin is typing.Literal:
        return {"enum": list(arguments)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [type_schema(member, definitions) for member in arguments]}
    if origin in (tuple, list):
        if origin is tuple and arguments and arguments[-1] is not Ellipsis:
            return {
                "type": "array",
                "prefixItems": [type_schema(member, definitions) for member in arguments],
                "minItems": len(arguments),
                "maxItems": len(arguments),
            }
        item = arguments[0] if arguments else Any
        return {"type": "array", "items": type_schema(item, definitions)}
    if origin in (dict, Mapping) or declared in (dict, Mapping):
        value = arguments[1] if len(arguments) == 2 else Any
        values = type_schema(value, definitions)
        return {"type": "object", "additionalProperties": values} if values else {"type": "object"}
    if isinstance(declared, type) and attrs.has(declared):
        name = declared.__name__
        if name not in definitions:
            definitions[name] = {}  # placeholder: records may refer to themselves
            definitions[name] = _record_definition(declared, definitions)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for the type {declared!r}")


def _record_definition(cls: type, definitions: dict[str, JsonValue]) -> dict[str, JsonValue]:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    properties: dict[str, JsonValue] = {field.name: type_schema(hints[field.name], definitions) for field in fields}
    schema: dict[str, JsonValue] = {
        "type": "object",
        "properties": properties,
        "required": [field.name for field in fields],
        "additionalProperties": False,
    }
    doc = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ").strip()
    if doc:
        schema = {"description": doc, **schema}
    return schema


def record_schema(cls: type) -> tuple[dict[str, JsonValue], dict[str, JsonValue]]:
    """``(schema, definitions)`` of a record class: a ``$ref`` and the definitions it needs."""
    definitions: dict[str, JsonValue] = {}
    reference = type_schema(cls, definitions)
    return reference, definitions


# --- a compiled validator for the schemas above ---------------------------------------------------------

Check = Callable[[Any, str, list[str]], None]
"""``check(value, path, problems)`` appends a message for each way ``value`` breaks the schema."""

_IGNORED = frozenset({"$schema", "$id", "title", "description", "$defs", "default"})
_SUPPORTED = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems"}
    | {"enum", "const", "anyOf", "$ref"}
)


def _is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    raise ValueError(f"unknown JSON Schema type {kind!r}")


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b) and (type(a) is type(b) or (isinstance(a, (int, float)) and isinstance(b, (int, float))))


def compile_validator(schema: Mapping[str, Any]) -> Callable[[Any], list[str]]:
    """A fast validator for the JSON Schema subset :func:`type_schema` writes.

    A general validator walks the schema for every value; the canonical exporter checks every
    line it writes, so the schema is turned into nested closures once. Keywords outside the
    subset are refused here, so a schema change that the closures would ignore cannot slip by.
    Messages name the JSON path (``$.task.gold_calls[0].call``) and what is wrong.
    """
    definitions: Mapping[str, Any] = schema.get("$defs", {})
    compiled: dict[str, Check] = {}

    def reference(name: str) -> Check:
        def check(value: Any, path: str, problems: list[str]) -> None:
            compiled[name](value, path, problems)

        return check

    def build(node: Mapping[str, Any]) -> Check:
        unknown = set(node) - _IGNORED - _SUPPORTED
        if unknown:
            raise ValueError(f"compile_validator does not support {sorted(unknown)}")
        checks: list[Check] = []
        if "$ref" in node:
            name = str(node["$ref"]).rsplit("/", 1)[-1]
            if name not in definitions:
                raise ValueError(f"unknown $ref {node['$ref']!r}")
            checks.append(reference(name))
        if "type" in node:
            kinds = [node["type"]] if isinstance(node["type"], str) else list(node["type"])

            def check_type(value: Any, path: str, problems: list[str], kinds: list[str] = kinds) -> None:
                if not any(_is_type(value, kind) for kind in kinds):
                    problems.append(f"{path}: {value!r:.60} is not of type {' or '.join(kinds)}")

            checks.append(check_type)
        if "enum" in node or "const" in node:
            allowed = list(node["enum"]) if "enum" in node else [node["const"]]

            def check_enum(value: Any, path: str, problems: list[str], allowed: list[Any] = allowed) -> None:
                if not any(_json_equal(value, option) for option in allowed):
                    problems.append(f"{path}: {value!r:.60} is not one of {allowed!r:.80}")

            checks.append(check_enum)
        if "anyOf" in node:
            branches = [build(branch) for branch in node["anyOf"]]

            def check_any(value: Any, path: str, problems: list[str], branches: list[Check] = branches) -> None:
                for branch in branches:
                    found: list[str] = []
                    branch(value, path, found)
                    if not found:
                        return
                problems.append(f"{path}: {value!r:.60} matches none of the allowed shapes")

            checks.append(check_any)
        if {"properties", "required", "additionalProperties"} & set(node):
            checks.append(_object_check(node, build))
        if {"items", "prefixItems", "minItems", "maxItems"} & set(node):
            checks.append(_array_check(node, build))

        def check_all(value: Any, path: str, problems: list[str], checks: list[Check] = checks) -> None:
            for check in checks:
                check(value, path, problems)

        return check_all

    for name, definition in definitions.items():
        compiled[name] = build(definition)
    root = build(schema)

    valid = _compile_fast(schema)

    def validate(value: Any) -> list[str]:
        if valid(value):  # the common case, without building paths
            return []
        problems: list[str] = []
        root(value, "$", problems)
        return problems

    return validate


Fast = Callable[[Any], bool]

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _compile_fast(schema: Mapping[str, Any]) -> Fast:
    """A yes/no validator for the same subset: no messages, no paths, so it is cheap to run on
    every record. :func:`compile_validator` explains a record only when this says no."""
    definitions: Mapping[str, Any] = schema.get("$defs", {})
    compiled: dict[str, Fast] = {}

    def type_test(kinds: list[str]) -> Fast:
        if all(kind in _PYTHON_TYPES for kind in kinds):
            types = tuple(t for kind in kinds for t in _PYTHON_TYPES[kind])
            if "boolean" in kinds or "null" in kinds:
                return lambda value: type(value) in types
            return lambda value: isinstance(value, types)
        return lambda value: any(_is_type(value, kind) for kind in kinds)

    def build(node: Mapping[str, Any]) -> Fast:
        tests: list[Fast] = []
        if "$ref" in node:
            name = str(node["$ref"]).rsplit("/", 1)[-1]
            tests.append(lambda value: compiled[name](value))  # noqa: PLW0108 - filled in after this call
        if "type" in node:
            tests.append(type_test([node["type"]] if isinstance(node["type"], str) else list(node["type"])))
        if "enum" in node or "const" in node:
            allowed = list(node["enum"]) if "enum" in node else [node["const"]]
            tests.append(lambda value: any(_json_equal(value, option) for option in allowed))
        if "anyOf" in node:
            branches = [build(branch) for branch in node["anyOf"]]

            def some(value: Any) -> bool:
                return any(branch(value) for branch in branches)

            tests.append(some)
        if {"properties", "required", "additionalProperties"} & set(node):
            properties = {name: build(sub) for name, sub in node.get("properties", {}).items()}
            required = tuple(node.get("required", ()))
            extra = node.get("additionalProperties", True)
            extra_test = build(extra) if isinstance(extra, dict) else None

            def object_test(value: Any) -> bool:
                if not isinstance(value, dict):
                    return True
                for name in required:
                    if name not in value:
                        return False
                for name, item in value.items():
                    test = properties.get(name)
                    if test is not None:
                        if not test(item):
                            return False
                    elif extra is False or (extra_test is not None and not extra_test(item)):
                        return False
                return True

            tests.append(object_test)
        if {"items", "prefixItems", "minItems", "maxItems"} & set(node):
            items = build(node["items"]) if isinstance(node.get("items"), dict) else None
            prefix = [build(sub) for sub in node.get("prefixItems", [])]
            low, high = node.get("minItems"), node.get("maxItems")

            def array_test(value: Any) -> bool:
                if not isinstance(value, list):
                    return True
                if (low is not None and len(value) < low) or (high is not None and len(value) > high):
                    return False
                for index, item in enumerate(value):
                    test = prefix[index] if index < len(prefix) else items
                    if test is not None and not test(item):
                        return False
                return True

            tests.append(array_test)
        if not tests:
            return lambda value: True
        if len(tests) == 1:
            return tests[0]

        def every(value: Any) -> bool:
            return all(test(value) for test in tests)

        return every

    for name, definition in definitions.items():
        compiled[name] = build(definition)
    return build(schema)


def _object_check(node: Mapping[str, Any], build: Callable[[Mapping[str, Any]], Check]) -> Check:
    properties = {name: build(sub) for name, sub in node.get("properties", {}).items()}
    required = list(node.get("required", []))
    extra = node.get("additionalProperties", True)
    extra_check = build(extra) if isinstance(extra, dict) else None

    def check(value: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, dict):
            return
        for name in required:
            if name not in value:
                problems.append(f"{path}: {name!r} is a required property")
        for name, item in value.items():
            sub = properties.get(name)
            if sub is not None:
                sub(item, f"{path}.{name}", problems)
            elif extra is False:
                problems.append(f"{path}: additional property {name!r} is not allowed")
            elif extra_check is not None:
                extra_check(item, f"{path}.{name}", problems)

    return check


def _array_check(node: Mapping[str, Any], build: Callable[[Mapping[str, Any]], Check]) -> Check:
    items = build(node["items"]) if isinstance(node.get("items"), dict) else None
    prefix = [build(sub) for sub in node.get("prefixItems", [])]
    low, high = node.get("minItems"), node.get("maxItems")

    def check(value: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, list):
            return
        if low is not None and len(value) < low:
            problems.append(f"{path}: has {len(value)} items, fewer than {low}")
        if high is not None and len(value) > high:
            problems.append(f"{path}: has {len(value)} items, more than {high}")
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if index < len(prefix):
                prefix[index](item, where, problems)
            elif items is not None:
                items(item, where, problems)

    return check
