"""OpenAPI schema objects to self-contained JSON Schema (2020-12).

``$ref`` is inlined (a chain of references that only point at each other is a cycle and an error
naming the line of the reference that closes it; a schema that contains itself through a property
is cut at the repetition and noted). ``nullable``/``x-nullable`` become ``null`` types, Swagger
``file`` a binary string, OpenAPI 3.0's boolean ``exclusiveMinimum`` the 2020-12 number form,
``example`` ``examples``. ``oneOf`` becomes ``anyOf`` (a value matching two variants is still a
valid argument), and ``allOf`` of objects is merged into one object so tools see plain properties.
Patterns Python cannot compile are dropped, because a validator would fail on them at call time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from envfactory_core.ids import JsonValue

from ..documents import Document
from .model import Pointer

__all__ = ["SchemaConverter", "ref_name"]

MAX_DESCRIPTION = 600
_COPIED = (
    "format",
    "const",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "readOnly",
    "writeOnly",
    "deprecated",
    "title",
)


def ref_name(ref: str) -> str:
    """``#/components/schemas/Pet`` → ``Pet``."""
    return unquote(ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~"))


def _shorten(text: Any) -> str:
    value = str(text).strip()
    if len(value) <= MAX_DESCRIPTION:
        return value
    cut = value[:MAX_DESCRIPTION].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


class SchemaConverter:
    """Converts the schemas of one document, caching each referenced component once."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.notes: list[str] = []
        self._cache: dict[Pointer, dict[str, JsonValue]] = {}
        self._cuts = 0

    # --- references ---------------------------------------------------------------------------

    def pointer_of(self, ref: str, at: Pointer) -> Pointer:
        """The document pointer a local ``$ref`` names; external references are an error."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise self.document.error(
                (*at, "$ref"),
                f"external reference {ref!r} cannot be followed offline",
                fix="bundle the document into one file (e.g. `redocly bundle`) so every $ref starts with '#/'",
            )
        parts = [unquote(part).replace("~1", "/").replace("~0", "~") for part in ref[1:].split("/")[1:]]
        pointer: list[str | int] = []
        node: Any = self.document.data
        for part in parts:
            if isinstance(node, dict) and part in node:
                node = node[part]
                pointer.append(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
                pointer.append(int(part))
            else:
                raise self.document.error(
                    (*at, "$ref"), f"$ref {ref!r} points at nothing (no {part!r})", fix="fix the reference's path"
                )
        return tuple(pointer)

    def node_at(self, pointer: Pointer) -> Any:
        node: Any = self.document.data
        for part in pointer:
            node = node[part]
        return node

    def follow(self, node: Any, at: Pointer) -> tuple[Any, Pointer]:
        """Follow ``$ref`` until a node that is not only a reference; a pure cycle is an error."""
        seen: list[Pointer] = []
        while isinstance(node, dict) and "$ref" in node:
            target = self.pointer_of(node["$ref"], at)
            if target in seen or target == at:
                chain = " → ".join(self._show(pointer) for pointer in [*seen, target])
                raise self.document.error(
                    (*at, "$ref"),
                    f"$ref cycle: {chain} refers back to itself and never reaches a schema",
                    fix="make one of these references point at a real schema",
                )
            seen.append(target)
            at = target
            node = self.node_at(target)
        return node, at

    def _show(self, pointer: Pointer) -> str:
        return "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in pointer)

    # --- conversion ---------------------------------------------------------------------------

    def convert(self, node: Any, at: Pointer, *, stack: tuple[Pointer, ...] = ()) -> dict[str, JsonValue]:
        """JSON Schema for the OpenAPI schema ``node`` found at ``at``."""
        if not isinstance(node, dict):
            if node is True or node is None:
                return {}
            if node is False:
                return {"not": {}}
            raise self.document.error(at, f"a schema must be an object, got {type(node).__name__}")
        if "$ref" in node:
            return self._convert_ref(node, at, stack)
        return self._convert_plain(node, at, stack)

    def _convert_ref(self, node: dict[str, Any], at: Pointer, stack: tuple[Pointer, ...]) -> dict[str, JsonValue]:
        target_node, target = self.follow(node, at)
        name = ref_name(str(node["$ref"]))
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if target in stack:
            self.notes.append(
                f"{self.document.where(at)}: schema {name!r} contains itself; the nested value is not expanded"
            )
            self._cuts += 1
            result: dict[str, JsonValue] = {"type": "object", "description": f"A nested {name} (not expanded)."}
        elif target in self._cache:
            result = dict(self._cache[target])
        else:
            cuts = self._cuts
            result = self.convert(target_node, target, stack=(*stack, target))
            if self._cuts == cuts:  # a result that cut a recursion depends on where it was reached from
                self._cache[target] = result
            result = dict(result)
        if siblings:
            extra = self._convert_plain(siblings, at, stack)
            result = (
                _merge_objects([result, extra])
                if _is_objectish(result) and _is_objectish(extra)
                else {
                    **result,
                    **{key: value for key, value in extra.items() if key in ("description", "default", "examples")},
                }
            )
        return result

    def _convert_plain(self, node: dict[str, Any], at: Pointer, stack: tuple[Pointer, ...]) -> dict[str, JsonValue]:
        schema: dict[str, JsonValue] = {}
        kind = node.get("type")
        if kind == "file":
            schema["type"] = "string"
            schema["format"] = "binary"
        elif isinstance(kind, str):
            schema["type"] = kind
        elif isinstance(kind, list):
            schema["type"] = [str(item) for item in kind]
        for key in _COPIED:
            if key in node and key not in schema:
                schema[key] = node[key]
        if "description" in node and str(node["description"]).strip():
            schema["description"] = _shorten(node["description"])
        if "enum" in node and isinstance(node["enum"], list):
            schema["enum"] = list(node["enum"])
        if "default" in node:
            schema["default"] = node["default"]
        if "example" in node:
            schema["examples"] = [node["example"]]
        elif isinstance(node.get("examples"), list):
            schema["examples"] = list(node["examples"])
        self._exclusive(node, schema)
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error:
                self.notes.append(f"{self.document.where((*at, 'pattern'))}: pattern {pattern!r} is not a Python regex")
            else:
                schema["pattern"] = pattern
        if "items" in node:
            schema["items"] = self.convert(node["items"], (*at, "items"), stack=stack)
        if isinstance(node.get("properties"), dict):
            schema["properties"] = {
                str(name): self.convert(sub, (*at, "properties", str(name)), stack=stack)
                for name, sub in node["properties"].items()
            }
            if "type" not in schema:
                schema["type"] = "object"
        if isinstance(node.get("required"), list):
            required = [str(name) for name in node["required"]]
            if required:
                schema["required"] = required
        additional = node.get("additionalProperties")
        if isinstance(additional, bool):
            schema["additionalProperties"] = additional
        elif isinstance(additional, dict):
            schema["additionalProperties"] = self.convert(additional, (*at, "additionalProperties"), stack=stack)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list):
                variants = [self.convert(sub, (*at, key, index), stack=stack) for index, sub in enumerate(node[key])]
                schema["anyOf"] = [*schema.get("anyOf", []), *variants]
        if isinstance(node.get("allOf"), list):
            parts = [self.convert(sub, (*at, "allOf", index), stack=stack) for index, sub in enumerate(node["allOf"])]
            schema = self._all_of(schema, parts)
        if node.get("nullable") is True or node.get("x-nullable") is True:
            schema = _nullable(schema)
        return schema

    @staticmethod
    def _exclusive(node: Mapping[str, Any], schema: dict[str, JsonValue]) -> None:
        for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = node.get(flag)
            if value is True and bound in schema:
                schema[flag] = schema.pop(bound)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                schema[flag] = value

    @staticmethod
    def _all_of(schema: dict[str, JsonValue], parts: list[dict[str, JsonValue]]) -> dict[str, JsonValue]:
        notes = {"description", "title", "examples", "default", "deprecated", "readOnly", "writeOnly"}
        annotations = [part for part in parts if set(part) <= notes]
        if annotations and len(parts) - len(annotations) == 1:  # allOf: [{$ref: X}, {description: ...}]
            substantive = next(part for part in parts if not set(part) <= notes)
            folded: dict[str, JsonValue] = {key: value for part in annotations for key, value in part.items()}
            return SchemaConverter._all_of(schema, [{**substantive, **folded}])
        own = {key: value for key, value in schema.items() if key not in ("description",)}
        if all(_is_objectish(part) for part in parts) and (not own or _is_objectish(schema)):
            return _merge_objects([*parts, schema])
        if len(parts) == 1 and not own:
            merged = dict(parts[0])
            if "description" in schema:
                merged["description"] = schema["description"]
            return merged
        if len(parts) == 1 and set(own) <= {"type", "readOnly", "writeOnly", "default", "examples", "deprecated"}:
            return {**parts[0], **schema}
        return {**schema, "allOf": parts}


def _is_objectish(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return "anyOf" not in schema and "allOf" not in schema
    return not schema or set(schema) <= {"description", "title", "required", "readOnly", "writeOnly"}


def _merge_objects(parts: list[dict[str, JsonValue]]) -> dict[str, JsonValue]:
    merged: dict[str, JsonValue] = {"type": "object"}
    properties: dict[str, JsonValue] = {}
    required: list[str] = []
    for part in parts:
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required.extend(str(name) for name in value if name not in required)
            elif key not in ("type",):
                merged[key] = value
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _nullable(schema: dict[str, JsonValue]) -> dict[str, JsonValue]:
    kind = schema.get("type")
    if isinstance(kind, str):
        updated = {**schema, "type": [kind, "null"]}
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            updated["enum"] = [*schema["enum"], None]
        return updated
    if isinstance(kind, list):
        return schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    if not schema:
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def is_json_schema_object(schema: Mapping[str, Any]) -> bool:
    """Whether a converted schema describes an object with properties."""
    return isinstance(schema.get("properties"), dict)
