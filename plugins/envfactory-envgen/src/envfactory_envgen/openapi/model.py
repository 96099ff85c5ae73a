"""An API description read from an OpenAPI 3.x or Swagger 2.0 document, version-independent.

Schemas here are self-contained JSON Schema (2020-12): ``$ref`` inlined, ``nullable`` turned into
``null`` types, ``allOf`` merged where it only combines objects. ``pointer`` fields say where in the
document each part came from, so a problem found later can still name the line.
"""

from __future__ import annotations

from typing import Any

import attrs

from envfactory_core.ids import JsonValue

__all__ = ["ApiBody", "ApiDocument", "ApiOperation", "ApiParameter", "Pointer"]

Pointer = tuple[str | int, ...]


@attrs.frozen(kw_only=True)
class ApiParameter:
    """A path, query, header or cookie parameter (``location``), with its JSON Schema."""

    name: str
    location: str
    schema: dict[str, JsonValue] = attrs.field(hash=False)
    required: bool = False
    description: str = ""
    pointer: Pointer = ()


@attrs.frozen(kw_only=True)
class ApiBody:
    """A request body: its media type and JSON Schema (an object for JSON and form bodies)."""

    media_type: str
    schema: dict[str, JsonValue] = attrs.field(hash=False)
    required: bool = False
    description: str = ""
    schema_name: str = ""
    pointer: Pointer = ()


@attrs.frozen(kw_only=True)
class ApiOperation:
    """One operation: method, path template, parameters, body and the success response.

    ``response_name`` / ``response_item_name`` are the component names (``Pet``) of the response
    schema and of the items of a list response, which tell which operations return the same entity.
    ``unusable`` says why the operation cannot be given meaning (a binary-only body, a recursive
    schema...); loaders keep such operations so builders can list them as skipped.
    """

    method: str
    path: str
    operation_id: str
    summary: str = ""
    description: str = ""
    parameters: tuple[ApiParameter, ...] = ()
    body: ApiBody | None = None
    response: dict[str, JsonValue] | None = attrs.field(default=None, hash=False)
    response_status: str = ""
    response_name: str = ""
    response_item_name: str = ""
    response_list_property: str = ""
    tags: tuple[str, ...] = ()
    deprecated: bool = False
    unusable: str = ""
    pointer: Pointer = ()
    written_as: str = ""
    """``METHOD path`` as the document writes it, when the operation was read in another form
    (an action-style operation as a collection or item operation); reports name it so."""

    @property
    def label(self) -> str:
        return f"{self.written_as or f'{self.method} {self.path}'} ({self.operation_id})"

    @property
    def text(self) -> str:
        """Summary and description, for tool descriptions."""
        parts = [part.strip() for part in (self.summary, self.description) if part and part.strip()]
        if len(parts) == 2 and parts[1].startswith(parts[0].rstrip(".")):
            parts = parts[1:]
        return "\n\n".join(parts)

    def parameters_in(self, location: str) -> tuple[ApiParameter, ...]:
        return tuple(parameter for parameter in self.parameters if parameter.location == location)


@attrs.frozen(kw_only=True)
class ApiDocument:
    """A whole API description."""

    path: str
    title: str
    version: str
    spec_version: str
    description: str = ""
    license: str = ""
    servers: tuple[str, ...] = ()
    operations: tuple[ApiOperation, ...] = ()
    schemas: dict[str, Any] = attrs.field(factory=dict, hash=False, eq=False)
    notes: tuple[str, ...] = ()

    def operation(self, operation_id: str) -> ApiOperation:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise KeyError(operation_id)
