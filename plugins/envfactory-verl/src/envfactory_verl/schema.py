"""Tool schemas normalised for verl's tool-schema model.

verl reads each tool's schema into pydantic models (``OpenAIFunctionToolSchema``): the parameters
must be an object schema with ``properties`` and a list ``required``, and each property must
carry a ``type`` (a string or a list of strings), with ``description`` and ``enum`` as the only
other fields it knows. Two things break there in practice:

- a property written only as ``anyOf`` (what ``Optional[X]`` becomes in pydantic and MCP
  servers) has no ``type``, so validation fails and the tool is not loaded;
- nested ``items`` and ``properties`` are kept by newer verl releases (extra fields allowed) but
  silently dropped by older ones, so the model is shown a flat type.

:func:`normalize_parameters` rewrites a schema so it passes: ``anyOf``/``oneOf`` of types become
a type list (``["string", "null"]``) with the single non-null branch's details merged in,
``const`` becomes a one-value ``enum``, a missing type is inferred from ``enum`` (or becomes
every JSON type), local ``$ref`` is inlined, and ``title`` is dropped. Nested schemas are kept
(normalised the same way) and reported as notes, so nothing is lost silently.
:func:`verl_schema_problems` checks a tool against the same rules verl applies.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from envfactory_core.ids import JsonValue

__all__ = ["JSON_TYPES", "normalize_parameters", "normalize_tool", "verl_schema_problems"]

JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
_DROPPED = ("title", "$schema", "$id", "$comment", "examples")
_NESTED = ("items", "properties", "prefixItems", "additionalProperties")


def normalize_tool(tool: Mapping[str, Any]) -> tuple[dict[str, JsonValue], list[str]]:
    """An OpenAI-shaped tool (``{"type": "function", "function": {...}}``) normalised, with notes."""
    function = dict(tool["function"])
    parameters, notes = normalize_parameters(function.get("parameters") or {"type": "object", "properties": {}})
    function["parameters"] = parameters
    if not isinstance(function.get("description"), str):
        function["description"] = ""
    name = function.get("name", "?")
    return {"type": "function", "function": function}, [f"{name}: {note}" for note in notes]


def normalize_parameters(schema: Mapping[str, Any]) -> tuple[dict[str, JsonValue], list[str]]:
    """The parameters schema rewritten for verl, and a note for each change that loses detail."""
    notes: list[str] = []
    definitions = {**schema.get("$defs", {}), **schema.get("definitions", {})}
    root = _inline(copy.deepcopy(dict(schema)), definitions, notes, ())
    root.pop("$defs", None)
    root.pop("definitions", None)
    for key in _DROPPED:
        root.pop(key, None)
    root["type"] = "object"
    properties = root.get("properties")
    if not isinstance(properties, dict):
        properties = {}
    root["properties"] = {
        name: _property(value if isinstance(value, dict) else {}, f"{name}", notes)
        for name, value in properties.items()
    }
    required = root.get("required")
    root["required"] = [name for name in required if name in root["properties"]] if isinstance(required, list) else []
    return root, notes


def _inline(value: Any, definitions: Mapping[str, Any], notes: list[str], path: tuple[str, ...]) -> Any:
    """Replace local ``$ref`` (``#/$defs/X``, ``#/definitions/X``) by a copy of the definition.

    ``path`` holds the definitions being expanded; a reference back into it is recursive and
    cannot be inlined, so it becomes a plain object.
    """
    if isinstance(value, list):
        return [_inline(item, definitions, notes, path) for item in value]
    if not isinstance(value, dict):
        return value
    reference = value.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        target = definitions.get(name) if reference.startswith(("#/$defs/", "#/definitions/")) else None
        rest = {key: item for key, item in value.items() if key != "$ref"}
        if target is None or name in path:
            notes.append(f"{reference}: cannot inline (unknown or recursive); typed as an object")
            return {"type": "object", **_inline(rest, definitions, notes, path)}
        merged = {**copy.deepcopy(target), **rest}
        return _inline(merged, definitions, notes, (*path, name))
    return {key: _inline(item, definitions, notes, path) for key, item in value.items()}


def _types_of(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [item for item in kind if isinstance(item, str)]
    return []


def _enum_types(values: list[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        if value is None:
            kind = "null"
        elif isinstance(value, bool):
            kind = "boolean"
        elif isinstance(value, int):
            kind = "integer"
        elif isinstance(value, float):
            kind = "number"
        elif isinstance(value, str):
            kind = "string"
        elif isinstance(value, list):
            kind = "array"
        else:
            kind = "object"
        if kind not in found:
            found.append(kind)
    return found


def _property(schema: dict[str, Any], where: str, notes: list[str]) -> dict[str, JsonValue]:
    """One property (or nested schema) made to carry a ``type``, with its nested schemas normalised."""
    result: dict[str, Any] = {key: value for key, value in schema.items() if key not in _DROPPED}
    for _ in range(32):  # combinators may bring in more combinators; each pass removes one
        if "allOf" in result:
            branches = result.pop("allOf")
            for branch in branches if isinstance(branches, list) else []:
                if isinstance(branch, dict):
                    for key, value in branch.items():
                        if key not in _DROPPED:
                            result.setdefault(key, value)
            continue
        keyword = next((word for word in ("anyOf", "oneOf") if word in result), None)
        if keyword is None:
            break
        branches = result.pop(keyword)
        normalised = [
            _property(b, where, notes) for b in (branches if isinstance(branches, list) else []) if isinstance(b, dict)
        ]
        _merge_branches(result, normalised, where, keyword, notes)
    if "const" in result:
        result.setdefault("enum", [result.pop("const")])
    types = _types_of(result)
    if not types and isinstance(result.get("enum"), list):
        types = _enum_types(result["enum"])
    if not types:
        if "properties" in result:
            types = ["object"]
        elif "items" in result:
            types = ["array"]
        else:
            types = list(JSON_TYPES)
            notes.append(f"{where}: no type given; any JSON type allowed")
    result["type"] = types[0] if len(types) == 1 else types
    if "description" in result and not isinstance(result["description"], str):
        result.pop("description")
    if "enum" in result and not isinstance(result["enum"], list):
        result.pop("enum")
    if isinstance(result.get("enum"), list) and "null" in types and None not in result["enum"]:
        result["enum"] = [*result["enum"], None]
    if isinstance(result.get("items"), dict):
        result["items"] = _property(result["items"], f"{where}[]", notes)
        notes.append(f"{where}: nested 'items' kept (verl before 0.10 drops it)")
    if isinstance(result.get("properties"), dict):
        result["properties"] = {
            name: _property(value if isinstance(value, dict) else {}, f"{where}.{name}", notes)
            for name, value in result["properties"].items()
        }
        notes.append(f"{where}: nested 'properties' kept (verl before 0.10 drops it)")
    return result


def _merge_branches(
    result: dict[str, Any], branches: list[dict[str, Any]], where: str, keyword: str, notes: list[str]
) -> None:
    """Merge normalised branches (each has a ``type``) into ``result``: their types, and the details
    of the single branch that is not just ``null``."""
    types: list[str] = _types_of(result)
    detailed = []
    for branch in branches:
        branch_types = _types_of(branch)
        for kind in branch_types:
            if kind not in types:
                types.append(kind)
        if branch_types != ["null"]:
            detailed.append(branch)
    if len(detailed) == 1:
        for key, value in detailed[0].items():
            if key != "type":
                result.setdefault(key, value)
    elif len(detailed) > 1:
        notes.append(f"{where}: {keyword} of {len(detailed)} shapes flattened to the type list {types}")
    if types:
        result["type"] = types


def verl_schema_problems(tool: Mapping[str, Any]) -> list[str]:
    """Every way ``tool`` would fail verl's tool-schema validation (its rules, not its code)."""
    problems: list[str] = []
    if not isinstance(tool.get("type"), str):
        problems.append("type must be a string")
    function = tool.get("function")
    if not isinstance(function, dict):
        return [*problems, "function must be an object"]
    name = function.get("name", "?")
    if not isinstance(function.get("name"), str):
        problems.append("function.name must be a string")
    if not isinstance(function.get("description"), str):
        problems.append(f"{name}: description must be a string")
    parameters = function.get("parameters")
    if not isinstance(parameters, dict):
        return [*problems, f"{name}: parameters must be an object"]
    if not isinstance(parameters.get("type"), str):
        problems.append(f"{name}: parameters.type must be a string")
    properties = parameters.get("properties")
    if not isinstance(properties, dict):
        return [*problems, f"{name}: parameters.properties must be an object"]
    required = parameters.get("required", [])
    if not isinstance(required, list) or not all(isinstance(item, str) for item in required):
        problems.append(f"{name}: parameters.required must be a list of strings")
    if "strict" in function and not isinstance(function["strict"], bool):
        problems.append(f"{name}: strict must be true or false")
    for argument, schema in properties.items():
        where = f"{name}.{argument}"
        if not isinstance(schema, dict):
            problems.append(f"{where}: must be an object")
            continue
        kind = schema.get("type")
        if not (isinstance(kind, str) or (isinstance(kind, list) and kind and all(isinstance(k, str) for k in kind))):
            problems.append(f"{where}: type must be a string or a list of strings, got {kind!r}")
        if schema.get("description") is not None and not isinstance(schema["description"], str):
            problems.append(f"{where}: description must be a string")
        if schema.get("enum") is not None and not isinstance(schema["enum"], list):
            problems.append(f"{where}: enum must be a list")
    return problems
