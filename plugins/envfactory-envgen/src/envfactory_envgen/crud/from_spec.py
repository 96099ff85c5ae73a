"""A draft spec (metadata JSON, a sketch, an MCP listing) read as REST operations, for the CRUD analysis.

Tool names carry the semantics there: ``create_event``, ``get_event``, ``list_events``,
``search_events``, ``update_event``, ``delete_event``. Each becomes the operation it names on a
collection path (``/events``, ``/events/{event_id}``), so the same rules as for OpenAPI decide keys,
columns and what is left out; tools whose verb names no CRUD action become actions and are skipped.
"""

from __future__ import annotations

from typing import Any

import attrs

from envfactory_core.ids import JsonValue
from envfactory_core.models import EnvironmentSpec, ToolSpec
from envfactory_core.naming import singular_name, snake

from ..naming import plural
from ..openapi.model import ApiBody, ApiDocument, ApiOperation, ApiParameter

__all__ = ["spec_operations"]

_VERBS = {
    "create": "create",
    "add": "create",
    "new": "create",
    "insert": "create",
    "register": "create",
    "make": "create",
    "get": "get",
    "fetch": "get",
    "retrieve": "get",
    "read": "get",
    "show": "get",
    "describe": "get",
    "view": "get",
    "list": "list",
    "search": "list",
    "find": "list",
    "query": "list",
    "browse": "list",
    "filter": "list",
    "update": "update",
    "edit": "update",
    "modify": "update",
    "set": "update",
    "patch": "update",
    "change": "update",
    "delete": "delete",
    "remove": "delete",
    "destroy": "delete",
    "drop": "delete",
    "cancel": "delete",
}


def _split(tool: ToolSpec) -> tuple[str, str]:
    words = snake(tool.name).split("_")
    verb = _VERBS.get(words[0], "")
    noun = "_".join(words[1:]) or "item"
    return verb, noun


def _key_name(tool: ToolSpec, noun: str) -> str | None:
    properties = tool.parameters
    for candidate in (
        f"{singular_name(noun)}_id",
        "id",
        f"{singular_name(noun)}_key",
        f"{singular_name(noun)}_name",
        "name",
    ):
        if candidate in properties:
            return candidate
    ids = [name for name in properties if name.endswith("_id")]
    return ids[0] if len(ids) == 1 else None


def _object(schema: dict[str, JsonValue] | None) -> dict[str, JsonValue] | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("properties"), dict):
        return schema
    return None


def _list_items(schema: dict[str, JsonValue] | None) -> dict[str, JsonValue]:
    """The item schema of a list output: an array's items, or the one array property's items."""
    candidates: list[Any] = []
    if isinstance(schema, dict):
        candidates.append(schema)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            candidates.extend(value for value in properties.values() if isinstance(value, dict))
    for candidate in candidates:
        if candidate.get("type") == "array" and isinstance(candidate.get("items"), dict):
            return candidate["items"]  # type: ignore[no-any-return]
    return {"type": "object"}


def _operation(tool: ToolSpec) -> ApiOperation:
    verb, noun = _split(tool)
    collection = "/" + plural(singular_name(noun))
    properties: dict[str, Any] = dict(tool.parameters)
    required = set(tool.required)
    key = _key_name(tool, noun) if verb in ("get", "update", "delete") else None
    response = _object(tool.output_schema)
    base = ApiOperation(
        method="POST",
        path=collection,
        operation_id=tool.name,
        description=tool.description,
        response=response,
        response_status="200",
        response_name=singular_name(noun) if response else "",
    )
    if key is not None:
        path_parameter = ApiParameter(
            name=key,
            location="path",
            schema=properties[key],
            required=True,
            description=str(properties[key].get("description", "")),
        )
        rest = {name: value for name, value in properties.items() if name != key}
        body = None
        parameters: list[ApiParameter] = [path_parameter]
        if verb == "update":
            body = ApiBody(
                media_type="application/json",
                schema={"type": "object", "properties": rest, "required": sorted(required & set(rest))},
            )
        else:
            parameters.extend(
                ApiParameter(name=name, location="query", schema=schema, required=name in required)
                for name, schema in rest.items()
            )
        method = {"get": "GET", "update": "PATCH", "delete": "DELETE"}[verb]
        return attrs.evolve(
            base, method=method, path=f"{collection}/{{{key}}}", parameters=tuple(parameters), body=body
        )
    if verb == "list":
        return ApiOperation(
            method="GET",
            path=collection,
            parameters=tuple(
                ApiParameter(name=name, location="query", schema=schema, required=name in required)
                for name, schema in properties.items()
            ),
            operation_id=tool.name,
            description=tool.description,
            response={"type": "array", "items": _list_items(tool.output_schema)},
            response_status="200",
            response_item_name=singular_name(noun),
        )
    if verb == "create":
        body = ApiBody(
            media_type="application/json",
            schema={"type": "object", "properties": properties, "required": sorted(required)},
        )
        return attrs.evolve(base, body=body)
    body = ApiBody(media_type="application/json", schema={"type": "object", "properties": properties})
    return attrs.evolve(
        base,
        path=f"/{snake(tool.name)}",
        body=body,
        unusable="" if verb else f"{tool.name!r} names no create/get/list/update/delete action",
    )


def spec_operations(spec: EnvironmentSpec, *, source: str = "") -> ApiDocument:
    """The tools of ``spec`` as REST operations, keeping each tool's name as its operation id."""
    return ApiDocument(
        path=source or spec.name,
        title=spec.provenance.source or spec.name,
        version=spec.version,
        spec_version="spec",
        description=spec.description,
        license=spec.provenance.license,
        operations=tuple(_operation(tool) for tool in spec.tools),
    )
