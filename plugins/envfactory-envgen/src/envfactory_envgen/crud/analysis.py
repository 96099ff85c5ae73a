"""Inferring resources, keys and CRUD semantics from an API description.

The rules, in the order they apply:

* A **resource** is a collection path (``/pets``, ``/v1/Services/{ServiceSid}/Documents``) that has an
  item path under it (``/pets/{id}``), or lists entities (``GET`` returning an array or a page with
  one array property), or creates them (``POST`` returning an object). Paths whose last word is a verb
  (``/pins/change``, ``/registries/ping``) are actions, not collections.
* A resource nested under another's item path (``/Services/{ServiceSid}/Documents``) is its **child**:
  its key is the parent's key plus its own, creating one requires the parent, deleting the parent
  deletes it.
* Its **columns** are the properties of the entity (the item ``GET`` response, else the create
  response, else the list items, else the create body), of the create body and of the update body,
  snake_cased; properties the service sets (in the response only, or ``readOnly``) are not inputs.
* The **own key** is the item path's parameter, matched to an entity property (``{petId}`` → ``id``,
  ``{Sid}`` → ``sid``, ``{project_name}`` → ``name``); without an item path it is the entity's id.
* ``GET`` collection → **list** (query parameters that name a column filter it, pagination is
  honoured, others are left off and reported); ``POST`` collection → **create**; ``GET`` item →
  **get**; ``PUT``/``PATCH``/``POST`` item → **update**; ``DELETE`` item → **delete**.
  ``GET /pet/findByStatus`` (a list of the parent's entity) is a filtered list;
  ``GET /accountHolders/{id}/balanceAccounts`` is a list of another resource filtered by the column
  that links them. An action on an item (``PUT /users/{id}/sysadmin``) is an update when every field
  it takes is a column of the item.
* Everything else is **skipped** with the reason: no fake semantics.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from envfactory_core.env.patterns import sample_pattern
from envfactory_core.ids import JsonValue
from envfactory_core.models import ColumnType

from ..naming import identifier, plural, singular, snake, unique
from ..openapi.model import ApiDocument, ApiOperation, ApiParameter
from ..records import SkippedOperation, SkippedParameter
from .plan import ArgumentPlan, ColumnPlan, CrudPlan, KeyKind, TablePlan, ToolKind, ToolPlan

__all__ = ["analyse_api"]

ACTION_WORDS = frozenset(
    """activate add approve assign authorize calculate cancel change check clone close complete confirm copy
    create deactivate decline delete disable download enable execute export fetch find generate get import
    list lock login logout merge move notify open pause ping preview publish refresh reject remove rename
    reset restore resume retry reveal revoke rotate run scan search send set start stop submit suspend sync
    test trigger unlock update upload validate verify""".split()  # noqa: SIM905 - a word list reads better
)
PAGINATION = {
    "limit": "limit",
    "max_results": "limit",
    "offset": "offset",
    "skip": "offset",
    "start": "offset",
    "page": "page",
    "page_number": "page",
    "page_size": "page_size",
    "per_page": "page_size",
    "size": "page_size",
    "page_token": "page_token",
    "next_page_token": "page_token",
    "cursor": "page_token",
    "continuation_token": "page_token",
}
ID_NAMES = ("id", "sid", "uuid", "key", "uid")
GENERIC_PARAMS = frozenset({"id", "sid", "name", "key", "uid", "uuid", "index"})
_PAGE_WORDS = re.compile(
    r"count|total|next|prev|page|limit|offset|size|more|link|meta|cursor|token|first|last|start|end"
)
_SEARCH_WORDS = re.compile(r"^(find|search|filter|query|lookup|by)(_|$)|_search$")
_PARAM = re.compile(r"^\{[^{}]+\}$")
_CREATED = re.compile(
    r"^(created|date_created|creation_(time|date)|created_(at|on|time|date)|time_created|inserted_at)$"
)
_UPDATED = re.compile(
    r"^(updated|date_updated|modified|last_modified|updated_(at|on|time|date)|modified_(at|on|time)|time_updated)$"
)


# --- paths ------------------------------------------------------------------------------------


@attrs.frozen
class _Path:
    template: str
    segments: tuple[str, ...]

    @classmethod
    def of(cls, template: str) -> _Path:
        return cls(template, tuple(segment for segment in template.strip("/").split("/") if segment))

    @staticmethod
    def is_param(segment: str) -> bool:
        return bool(_PARAM.match(segment))

    @property
    def norm(self) -> str:
        return "/" + "/".join("{}" if self.is_param(s) else s for s in self.segments)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(s[1:-1] for s in self.segments if self.is_param(s))

    @property
    def odd_segment(self) -> str:
        """A segment mixing a parameter and text (``{name}:merge``), which no rule understands."""
        for segment in self.segments:
            if "{" in segment and not self.is_param(segment):
                return segment
        return ""

    @property
    def ends_with_param(self) -> bool:
        return bool(self.segments) and self.is_param(self.segments[-1])

    def parent(self) -> _Path:
        return _Path(self.template.rsplit("/", 1)[0] or "/", self.segments[:-1])

    @property
    def last(self) -> str:
        return self.segments[-1] if self.segments else ""


def _is_action(word: str) -> bool:
    first = snake(word).split("_")[0] if word else ""
    return first in ACTION_WORDS


# --- schemas ----------------------------------------------------------------------------------


def _properties(schema: Mapping[str, Any] | None) -> dict[str, dict[str, JsonValue]]:
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


def _required(schema: Mapping[str, Any] | None) -> set[str]:
    if not isinstance(schema, Mapping):
        return set()
    if isinstance(schema.get("required"), list):
        return {str(name) for name in schema["required"]}
    return set()


def _list_items(operation: ApiOperation) -> dict[str, JsonValue] | None:
    """The item schema when the success response is a list (an array, or a page with one array)."""
    response = operation.response
    if not isinstance(response, dict):
        return None
    if response.get("type") == "array" and isinstance(response.get("items"), dict):
        return response["items"]  # type: ignore[no-any-return]
    properties = _properties(response)
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


def _unwrap(schema: dict[str, JsonValue] | None) -> dict[str, JsonValue] | None:
    """``{"transactionRule": {...the entity...}}`` → the entity."""
    properties = _properties(schema)
    if len(properties) == 1:
        inner = next(iter(properties.values()))
        if _properties(inner) and not any(snake(name) in ID_NAMES for name in properties):
            return inner
    return schema


def _column_type(schema: Mapping[str, Any]) -> ColumnType:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [item for item in kind if item != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if "anyOf" in schema or "allOf" in schema or ("enum" in schema and kind is None):
        return "json"
    return {"string": "text", "integer": "integer", "number": "real", "boolean": "boolean"}.get(str(kind), "json")  # type: ignore[return-value]


def _describe(schema: Mapping[str, Any], fallback: str) -> dict[str, JsonValue]:
    text = str(schema.get("description", "")).strip()
    return dict(schema) if text else {**schema, "description": fallback}


def _strip_read_only(schema: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {key: value for key, value in schema.items() if key not in ("readOnly", "writeOnly", "deprecated")}


def _brief(text: str, limit: int = 400) -> str:
    """The first paragraph, cut at a sentence end near ``limit`` characters."""
    first = text.strip().split("\n\n")[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + " …"


def _words(name: str) -> str:
    return snake(name).replace("_", " ")


# --- resources --------------------------------------------------------------------------------


@attrs.define
class _Resource:
    collection: str
    path: _Path
    literal: str
    parent: _Resource | None = None
    item_param: str = ""
    item_template: str = ""
    list_ops: list[ApiOperation] = attrs.Factory(list)
    create_ops: list[ApiOperation] = attrs.Factory(list)
    get_ops: list[ApiOperation] = attrs.Factory(list)
    update_ops: list[ApiOperation] = attrs.Factory(list)
    delete_ops: list[ApiOperation] = attrs.Factory(list)
    other_ops: list[ApiOperation] = attrs.Factory(list)
    strong: bool = False
    table: TablePlan | None = None
    entity_name: str = ""

    @property
    def ops(self) -> list[ApiOperation]:
        return [*self.list_ops, *self.create_ops, *self.get_ops, *self.update_ops, *self.delete_ops]


class _Analysis:
    def __init__(self, api: ApiDocument, name: str, *, keep_operation_names: bool = False) -> None:
        self.api = api
        self.name = name
        self.keep_operation_names = keep_operation_names
        self.skipped: list[SkippedOperation] = []
        self.skipped_parameters: list[SkippedParameter] = []
        self.notes: list[str] = list(api.notes)
        self.resources: dict[str, _Resource] = {}
        self.tools: list[ToolPlan] = []
        self.tool_names: set[str] = set()
        self.handled: set[int] = set()
        self.headers_seen = False
        self.entity_names: dict[str, set[str]] = {}
        self.item_params: dict[str, str] = {}

    def skip(self, operation: ApiOperation, reason: str) -> None:
        self.handled.add(id(operation))
        self.skipped.append(SkippedOperation(operation=operation.label, reason=reason, source=self.api.path))

    def skip_parameter(self, operation: ApiOperation, parameter: str, reason: str) -> None:
        self.skipped_parameters.append(
            SkippedParameter(operation=operation.label, parameter=parameter, reason=reason, source=self.api.path)
        )

    def leave_off_query(self, operation: ApiOperation, reason: str) -> None:
        """Header and cookie parameters are transport; query parameters are left off with ``reason``."""
        for parameter in operation.parameters:
            if parameter.location in ("header", "cookie"):
                self.headers_seen = True
            elif parameter.location == "query":
                self.skip_parameter(operation, parameter.name, reason)

    # --- finding resources ----------------------------------------------------------------------

    def find_resources(self) -> list[ApiOperation]:
        """Register collections; return the operations on paths that are not (yet) collections."""
        pending: list[ApiOperation] = []
        for operation in self.api.operations:
            path = _Path.of(operation.path)
            if operation.unusable:
                self.skip(operation, operation.unusable)
            elif operation.method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                self.skip(operation, f"{operation.method} requests do not read or change resources")
            elif path.odd_segment:
                self.skip(operation, f"custom method {path.odd_segment!r}: an action only a person could define")
            elif not path.segments:
                self.skip(operation, "the API root is not a resource")
            elif path.ends_with_param and len(path.segments) >= 2 and not _Path.is_param(path.segments[-2]):
                resource = self.resource(path.parent(), strong=True)
                if not resource.item_param:
                    resource.item_param = path.params[-1]
                    resource.item_template = operation.path
                {
                    "GET": resource.get_ops,
                    "DELETE": resource.delete_ops,
                    "PUT": resource.update_ops,
                    "PATCH": resource.update_ops,
                    "POST": resource.update_ops,
                }[operation.method].append(operation)
            elif path.ends_with_param:
                self.skip(operation, "two path parameters in a row do not name a collection and an item")
            else:
                pending.append(operation)
        later: list[ApiOperation] = []
        for operation in pending:
            path = _Path.of(operation.path)
            known = self.resources.get(path.norm)
            if known is not None:
                self.collection_op(known, operation, later)
            elif operation.method == "GET" and _list_items(operation) is not None and not _is_action(path.last):
                later.append(operation)
            elif operation.method == "POST" and self.creates(operation) and not _is_action(path.last):
                self.collection_op(self.resource(path, strong=False), operation, later)
            else:
                later.append(operation)
        # list-only collections become resources unless another rule explains them better
        remaining: list[ApiOperation] = []
        for operation in later:
            path = _Path.of(operation.path)
            if path.norm in self.resources:
                self.collection_op(self.resources[path.norm], operation, remaining)
            elif operation.method == "GET" and _list_items(operation) is not None and not _is_action(path.last):
                if self.view_target(operation) or self.related_target(operation):
                    remaining.append(operation)
                else:
                    self.collection_op(self.resource(path, strong=False), operation, remaining)
            else:
                remaining.append(operation)
        return remaining

    def creates(self, operation: ApiOperation) -> bool:
        """A POST that returns the entity it stored: an object with an id, or the same schema it was sent."""
        if operation.body is None:
            return False
        response = _properties(operation.response)
        same = bool(operation.response_name) and operation.response_name == operation.body.schema_name
        return bool(response) and (same or any(snake(name) in ID_NAMES for name in response))

    def collection_op(self, resource: _Resource, operation: ApiOperation, later: list[ApiOperation]) -> None:
        if operation.method == "GET":
            if _list_items(operation) is not None:
                resource.list_ops.append(operation)
            else:
                later.append(operation)
        elif operation.method == "POST":
            resource.create_ops.append(operation)
        elif operation.method in ("PUT", "PATCH"):
            resource.other_ops.append(operation)
        else:
            later.append(operation)

    def resource(self, path: _Path, *, strong: bool) -> _Resource:
        found = self.resources.get(path.norm)
        if found is None:
            found = _Resource(collection=path.norm, path=path, literal=path.last, strong=strong)
            self.resources[path.norm] = found
        found.strong = found.strong or strong
        return found

    def merge_split_collections(self) -> None:
        """One collection described at two paths, e.g. ``/shelves/{name}/books`` (create, list) and
        ``/shelves/shelf_name/books/{name}`` (get, delete), where a literal stands where the other has
        a parameter: the item operations join the collection that creates and lists."""
        for item_side in list(self.resources.values()):
            if item_side.list_ops or item_side.create_ops or not item_side.item_param:
                continue
            for collection_side in self.resources.values():
                if collection_side is item_side or collection_side.item_param:
                    continue
                if not (collection_side.list_ops or collection_side.create_ops):
                    continue
                a, b = collection_side.path.segments, item_side.path.segments
                if len(a) != len(b) or a[-1] != b[-1]:
                    continue
                pairs = list(zip(a, b, strict=True))
                literal_for_param = [x for x, y in pairs if _Path.is_param(x) and not _Path.is_param(y)]
                if literal_for_param and all(x == y or _Path.is_param(x) for x, y in pairs):
                    collection_side.item_param = item_side.item_param
                    collection_side.item_template = item_side.item_template
                    collection_side.get_ops.extend(item_side.get_ops)
                    collection_side.update_ops.extend(item_side.update_ops)
                    collection_side.delete_ops.extend(item_side.delete_ops)
                    collection_side.strong = True
                    del self.resources[item_side.collection]
                    self.notes.append(
                        f"{item_side.path.template} and {collection_side.path.template} are read as one collection"
                    )
                    break

    def link_parents(self) -> None:
        for resource in self.resources.values():
            prefix = resource.path.segments[:-1]
            while prefix and not _Path.is_param(prefix[-1]):
                prefix = prefix[:-1]
            if not prefix:
                continue
            parent_path = _Path("/" + "/".join(prefix[:-1]), prefix[:-1])
            resource.parent = self.resources.get(parent_path.norm)

    # --- search and related lists (need tables) ---------------------------------------------------

    def search_target(self, operation: ApiOperation) -> _Resource | None:
        """``GET /pet/findByStatus`` returning the parent collection's entity."""
        if not _SEARCH_WORDS.match(snake(_Path.of(operation.path).last)):
            return None
        return self.view_target(operation)

    def view_target(self, operation: ApiOperation) -> _Resource | None:
        """The collection ``GET {collection}/word`` lists entities of, when the items are its entity."""
        path = _Path.of(operation.path)
        parent = self.resources.get(path.parent().norm)
        if parent is None or path.ends_with_param:
            return None
        items = operation.response_item_name
        names = {op.response_name for op in parent.get_ops + parent.create_ops} | {
            op.response_item_name for op in parent.list_ops
        }
        return parent if items and items in names else None

    def related_target(self, operation: ApiOperation) -> _Resource | None:
        """``GET /accountHolders/{id}/balanceAccounts``: another collection with the same last word."""
        path = _Path.of(operation.path)
        if len(path.segments) < 3 or not _Path.is_param(path.segments[-2]):
            return None
        owner = self.resources.get(path.parent().parent().norm)
        if owner is None:
            return None
        for resource in self.resources.values():
            if resource.literal == path.last and resource.collection != path.norm and resource.parent is None:
                return resource
        return None

    # --- tables -----------------------------------------------------------------------------------

    def entity(self, resource: _Resource) -> tuple[str, dict[str, JsonValue] | None]:
        for operation in resource.get_ops:
            if operation.method == "GET" and _properties(operation.response):
                return operation.response_name, _unwrap(operation.response)
        for operation in resource.create_ops:
            if _properties(operation.response):
                return operation.response_name, _unwrap(operation.response)
        for operation in resource.list_ops:
            items = _list_items(operation)
            if items is not None and _properties(items):
                return operation.response_item_name, items
        for operation in resource.create_ops:
            if operation.body is not None and _properties(operation.body.schema):
                return operation.body.schema_name, operation.body.schema
        return "", None

    def table_names(self) -> dict[str, str]:
        """A unique table name per resource: the collection's last word, qualified when two share it."""
        words: dict[str, list[_Resource]] = {}
        for resource in self.resources.values():
            words.setdefault(identifier(plural(snake(resource.literal)), fallback="items"), []).append(resource)
        names: dict[str, str] = {}
        taken: set[str] = set()
        for word, group in sorted(words.items()):
            for resource in group:
                name = word
                if len(group) > 1:
                    literals = [s for s in resource.path.segments[:-1] if not _Path.is_param(s)]
                    qualifier = snake(singular(literals[-1])) if literals else ""
                    name = identifier(f"{qualifier}_{word}" if qualifier else word)
                names[resource.collection] = unique(name, taken)
        return names

    def build_table(self, resource: _Resource, name: str) -> TablePlan | None:
        entity_name, entity = self.entity(resource)
        resource.entity_name = entity_name
        names = {identifier(key, fallback="field") for key in _properties(entity)}
        for operation in resource.ops + resource.other_ops:
            self.entity_names[operation.path] = names
        label = singular(name)
        properties: dict[str, tuple[str, dict[str, JsonValue], bool]] = {}
        create_body = self.body_properties(resource.create_ops)
        update_body = self.body_properties(
            [op for op in resource.update_ops if op.method in ("PUT", "PATCH") or op.body is not None]
        )
        inputs = {identifier(name, fallback="field") for name in (*create_body, *update_body)}
        for source in (_properties(entity), create_body, update_body):
            for original, schema in source.items():
                column = identifier(original, fallback="field")
                if column in properties:
                    continue
                read_only = bool(schema.get("readOnly")) or (column not in inputs and bool(inputs))
                properties[column] = (original, schema, read_only)
        if not properties:
            return None
        own_key, key_schema = self.own_key(resource, properties, label)
        if own_key not in properties:
            properties = {own_key: ("", key_schema, True), **properties}
        parent_columns: list[tuple[str, str, dict[str, JsonValue]]] = []
        params = resource.path.params
        parent_table = resource.parent.table if resource.parent is not None else None
        if parent_table is not None and len(params) != len(parent_table.key):
            resource.parent = parent_table = None
        for index, param in enumerate(params):
            column = identifier(param, fallback="parent")
            owner = parent_table.label if parent_table is not None else self.scope_word(resource, index)
            if column == own_key or (column in GENERIC_PARAMS and column in properties) or column in GENERIC_PARAMS:
                column = identifier(f"{owner}_{snake(param)}")
            if parent_table is not None:
                parent_key = parent_table.key[index]
                parent_columns.append((column, parent_key, parent_table.column(parent_key).schema))
            else:
                parent_columns.append((column, "", self.param_schema(resource, param)))
        columns: list[ColumnPlan] = []
        for column, parent_key, schema in parent_columns:
            description = f"The {parent_table.label if parent_table else _words(column)} this {label} belongs to."
            columns.append(
                ColumnPlan(
                    name=column,
                    type=_column_type(schema),
                    schema=_describe(_strip_read_only(schema), description),
                    description=description,
                    source=parent_key,
                )
            )
        taken = {column.name for column in columns}
        ordered = sorted(properties.items(), key=lambda item: item[0] != own_key)
        for column, (original, schema, read_only) in ordered:
            if column in taken:
                continue
            taken.add(column)
            description = str(schema.get("description", "")).strip() or f"The {label}'s {_words(column)}."
            on_create = on_update = ""
            if read_only and column != own_key:
                fmt = schema.get("format")
                if fmt in ("date-time", "date") and _CREATED.match(column):
                    on_create = "now"
                elif fmt in ("date-time", "date") and _UPDATED.match(column):
                    on_create = on_update = "now"
                elif "default" in schema:
                    on_create = "default"
            elif "default" in schema:
                on_create = "default"
            columns.append(
                ColumnPlan(
                    name=column,
                    type=_column_type(schema) if column != own_key else self.key_type(key_schema),
                    schema=_describe(_strip_read_only(schema), description),
                    description=description.split("\n")[0][:200],
                    source=original,
                    read_only=read_only or column == own_key,
                    on_create=on_create,
                    on_update=on_update,
                )
            )
        kind, pattern = self.key_kind(key_schema)
        entity_text = f"{entity_name} records" if entity_name else f"{_words(name)}"
        return TablePlan(
            name=name,
            label=label,
            entity=entity_name,
            description=f"{entity_text[0].upper() + entity_text[1:]} at {resource.path.template}.",
            columns=tuple(columns),
            key=(*(column for column, _, _ in parent_columns), own_key),
            own_key=own_key,
            key_kind=kind,
            key_pattern=pattern,
            key_prefix=identifier(label, fallback="item")[:12],
            parent=resource.parent.table.name if resource.parent and resource.parent.table else "",
            parent_columns=tuple(column for column, _, _ in parent_columns),
            collection_path=resource.path.template,
        )

    @staticmethod
    def scope_word(resource: _Resource, index: int) -> str:
        """The literal before the ``index``-th parameter of the collection path (``webhooks`` → ``webhook``)."""
        seen = -1
        previous = "parent"
        for segment in resource.path.segments:
            if _Path.is_param(segment):
                seen += 1
                if seen == index:
                    return snake(singular(previous))
            else:
                previous = segment
        return "parent"

    @staticmethod
    def param_schema(resource: _Resource, name: str) -> dict[str, JsonValue]:
        for operation in resource.ops:
            for parameter in operation.parameters_in("path"):
                if parameter.name == name:
                    return {key: value for key, value in parameter.schema.items() if key != "description"}
        return {"type": "string"}

    @staticmethod
    def key_type(schema: Mapping[str, Any]) -> ColumnType:
        kind = _column_type(schema)
        return kind if kind in ("integer", "text") else "text"

    @staticmethod
    def key_kind(schema: Mapping[str, Any]) -> tuple[KeyKind, str]:
        if _column_type(schema) == "integer":
            return "integer", ""
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and sample_pattern(pattern, random.Random(0)) is not None:
            return "pattern", pattern
        return "string", ""

    def own_key(
        self, resource: _Resource, properties: Mapping[str, tuple[str, dict[str, JsonValue], bool]], label: str
    ) -> tuple[str, dict[str, JsonValue]]:
        param_schema: dict[str, JsonValue] = {"type": "string"}
        if resource.item_param:
            for operation in resource.get_ops + resource.delete_ops + resource.update_ops:
                for parameter in operation.parameters_in("path"):
                    if parameter.name == resource.item_param:
                        param_schema = parameter.schema
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
                    if _column_type(schema) in ("integer", "text"):
                        return candidate, schema
            key = identifier(wanted, fallback="key")
            return key, param_schema
        for candidate in ID_NAMES:
            if candidate in properties and _column_type(properties[candidate][1]) in ("integer", "text"):
                return candidate, properties[candidate][1]
        for column, (_original, schema, _) in properties.items():
            if column.endswith(("_id", "_sid")) and column.startswith(snake(label)):
                return column, schema
        return identifier(f"{label}_id"), {"type": "string", "description": f"The {label}'s id."}

    def body_properties(self, operations: Iterable[ApiOperation]) -> dict[str, dict[str, JsonValue]]:
        merged: dict[str, dict[str, JsonValue]] = {}
        for operation in operations:
            if operation.body is not None:
                for name, schema in self.body_fields(operation)[0].items():
                    merged.setdefault(name, schema)
        return merged

    def body_fields(self, operation: ApiOperation) -> tuple[dict[str, dict[str, JsonValue]], set[str], list[str]]:
        """The body's fields and required names; an envelope (``{"item": {...}, ...}``) is opened.

        The third value names envelope members left out (for the report).
        """
        if operation.body is None:
            return {}, set(), []
        schema = operation.body.schema
        properties = _properties(schema)
        required = _required(schema)
        entity_names = self.entity_names.get(operation.path, set())
        if entity_names and not any(identifier(name, fallback="field") in entity_names for name in properties):
            for name, sub in properties.items():
                inner = _properties(sub)
                overlap = sum(identifier(key, fallback="field") in entity_names for key in inner)
                if inner and overlap * 2 >= len(inner):
                    others = [other for other in properties if other != name]
                    return inner, _required(sub), others
        return properties, required, []

    # --- tools ------------------------------------------------------------------------------------

    def tool_name(self, preferred: str, operation: ApiOperation) -> str:
        if self.keep_operation_names:
            preferred = identifier(operation.operation_id, fallback="call")
        if preferred not in self.tool_names:
            self.tool_names.add(preferred)
            return preferred
        return unique(identifier(operation.operation_id, fallback="call"), self.tool_names)

    def describe(self, operation: ApiOperation, fallback: str) -> str:
        text = _brief(operation.text) or fallback
        return f"{text}\n\n(API: {operation.method} {operation.path}, operationId {operation.operation_id}.)"

    def column_for(self, table: TablePlan, name: str) -> str | None:
        column = identifier(name, fallback="field")
        if column in table.column_names:
            return column
        return None

    def key_arguments(self, table: TablePlan, operation: ApiOperation, *, whole: bool) -> list[ArgumentPlan] | str:
        """Arguments for the path parameters, mapped to the key columns in order."""
        params = list(operation.parameters_in("path"))
        by_name = {parameter.name: parameter for parameter in params}
        names = _Path.of(operation.path).params
        keys = table.key if whole else table.key[: len(names)]
        if whole and 0 < len(names) < len(keys) and names[-1] == self.item_params.get(table.name):
            keys = table.key[-len(names) :]  # the item is named by its own key alone: looked up uniquely
        if len(names) != len(keys):
            return f"its path has {len(names)} parameters but {table.name} is keyed by {', '.join(table.key)}"
        arguments: list[ArgumentPlan] = []
        taken: set[str] = set()
        for name, column in zip(names, keys, strict=True):
            parameter = by_name.get(name)
            schema = parameter.schema if parameter else {"type": "string"}
            argument = identifier(name, fallback="key")
            if argument in GENERIC_PARAMS and column in table.parent_columns and argument != column:
                argument = column  # {name} of the shelf in /shelves/{name}/books is the book's shelf_name
            argument = unique(argument, taken)
            description = (parameter.description if parameter else "") or f"The {_words(column)} of the {table.label}."
            column_plan = table.column(column)
            arguments.append(
                ArgumentPlan(
                    name=argument,
                    role="key",
                    column=column,
                    schema=_describe(self.key_schema(schema, column_plan), description),
                    required=True,
                    source=f"path:{name}",
                )
            )
        return arguments

    @staticmethod
    def key_schema(schema: Mapping[str, Any], column: ColumnPlan) -> dict[str, JsonValue]:
        kind = {"integer": "integer", "text": "string"}.get(column.type, "string")
        cleaned = {key: value for key, value in schema.items() if key in ("description", "format", "pattern", "enum")}
        cleaned["type"] = kind
        if kind == "integer":
            cleaned.pop("pattern", None)
        return cleaned

    def field_arguments(
        self,
        table: TablePlan,
        properties: Mapping[str, dict[str, JsonValue]],
        required: set[str],
        taken: set[str],
        *,
        source: str,
        exclude: frozenset[str] | set[str] = frozenset(),
    ) -> tuple[list[ArgumentPlan], list[str]]:
        arguments: list[ArgumentPlan] = []
        unmapped: list[str] = []
        for original, schema in properties.items():
            if schema.get("readOnly"):
                continue
            column = self.column_for(table, original)
            if column is None:
                unmapped.append(original)
                continue
            if column in exclude:
                continue
            plan = table.column(column)
            name = unique(identifier(original, fallback="field"), taken)
            arguments.append(
                ArgumentPlan(
                    name=name,
                    role="field",
                    column=column,
                    schema=_describe(_strip_read_only(schema), plan.description or f"The {_words(column)}."),
                    required=original in required,
                    source=f"{source}:{original}",
                )
            )
        return arguments, unmapped

    def query_arguments(
        self, table: TablePlan, operation: ApiOperation, taken: set[str]
    ) -> tuple[list[ArgumentPlan], int, int | None] | str:
        arguments: list[ArgumentPlan] = []
        page_base = 0
        default_size: int | None = None
        for parameter in operation.parameters:
            if parameter.location in ("header", "cookie"):
                self.headers_seen = True
                continue
            if parameter.location != "query":
                continue
            word = snake(parameter.name)
            role = PAGINATION.get(word)
            if role is not None:
                schema = _describe(parameter.schema, f"Pagination: {_words(word)}.")
                if role == "page":
                    minimum = parameter.schema.get("minimum")
                    default = parameter.schema.get("default")
                    page_base = 1 if minimum == 1 or default == 1 else 0
                if role in ("limit", "page_size") and isinstance(parameter.schema.get("default"), int):
                    default_size = int(parameter.schema["default"])
                arguments.append(
                    ArgumentPlan(
                        name=unique(identifier(parameter.name), taken),
                        role=role,  # type: ignore[arg-type]
                        schema=schema,
                        source=f"query:{parameter.name}",
                    )
                )
                continue
            mapped = self.filter_for(table, parameter)
            if mapped is None:
                if parameter.required:
                    return f"required query parameter {parameter.name!r} maps to no column of {table.name}"
                self.skip_parameter(operation, parameter.name, f"maps to no column of {table.name}; left off the tool")
                continue
            column, match = mapped
            arguments.append(
                ArgumentPlan(
                    name=unique(identifier(parameter.name), taken),
                    role="filter",
                    column=column,
                    match=match,  # type: ignore[arg-type]
                    schema=_describe(
                        _strip_read_only(parameter.schema), f"Only {table.name} whose {_words(column)} matches."
                    ),
                    required=parameter.required,
                    source=f"query:{parameter.name}",
                )
            )
        return arguments, page_base, default_size

    def filter_for(self, table: TablePlan, parameter: ApiParameter) -> tuple[str, str] | None:
        names = [snake(parameter.name), snake(singular(parameter.name)), snake(plural(parameter.name))]
        is_array = parameter.schema.get("type") == "array"
        for name in names:
            if name not in table.column_names:
                continue
            column = table.column(name)
            if column.type == "json":
                items = column.schema.get("items") if isinstance(column.schema, dict) else None
                if (
                    column.schema.get("type") == "array"
                    and isinstance(items, dict)
                    and items.get("type")
                    in (
                        "string",
                        "integer",
                        "number",
                    )
                ):
                    return name, "contains"
                return None
            if is_array:
                return name, "any_of"
            if parameter.schema.get("type") in ("object",):
                return None
            return name, "equals"
        return None

    def add_tool(
        self,
        operation: ApiOperation,
        *,
        kind: ToolKind,
        table: TablePlan,
        preferred: str,
        fallback: str,
        arguments: Iterable[ArgumentPlan],
        page_base: int = 0,
        default_page_size: int | None = None,
    ) -> None:
        """The tool for ``operation``, named ``preferred`` if free; ``fallback`` describes it if the API does not."""
        self.handled.add(id(operation))
        self.tools.append(
            ToolPlan(
                name=self.tool_name(preferred, operation),
                kind=kind,
                table=table.name,
                description=self.describe(operation, fallback),
                operation=operation.label,
                arguments=tuple(arguments),
                page_base=page_base,
                default_page_size=default_page_size,
            )
        )

    def add_list_tool(
        self,
        operation: ApiOperation,
        table: TablePlan,
        keys: Iterable[ArgumentPlan],
        taken: set[str],
        *,
        preferred: str,
        fallback: str,
    ) -> None:
        """A list tool: ``keys`` first, then the filters and pagination of its query parameters."""
        query = self.query_arguments(table, operation, taken)
        if isinstance(query, str):
            self.skip(operation, query)
            return
        arguments, page_base, default_size = query
        self.add_tool(
            operation,
            kind="list",
            table=table,
            preferred=preferred,
            fallback=fallback,
            arguments=(*keys, *arguments),
            page_base=page_base,
            default_page_size=default_size,
        )

    def list_tool(self, resource: _Resource, operation: ApiOperation, *, kind_name: str | None = None) -> None:
        table = resource.table
        assert table is not None
        keys = self.key_arguments(table, operation, whole=False) if _Path.of(operation.path).params else []
        if isinstance(keys, str):
            self.skip(operation, keys)
            return
        self.add_list_tool(
            operation,
            table,
            keys,
            {argument.name for argument in keys},
            preferred=kind_name or f"list_{table.name}",
            fallback=f"List {_words(table.name)}.",
        )

    def item_tool(self, resource: _Resource, operation: ApiOperation, kind: ToolKind) -> None:
        table = resource.table
        assert table is not None
        keys = self.key_arguments(table, operation, whole=True)
        if isinstance(keys, str):
            self.skip(operation, keys)
            return
        taken = {argument.name for argument in keys}
        arguments: list[ArgumentPlan] = list(keys)
        if kind == "update":
            fields, unmapped = self.update_fields(table, operation, taken)
            if unmapped:
                self.skip(operation, f"its fields {', '.join(unmapped)} are not columns of {table.name}")
                return
            if not fields:
                self.skip(operation, "it changes nothing that is stored (no body or query fields)")
                return
            arguments.extend(fields)
        else:
            self.leave_off_query(operation, f"has no meaning for a {kind} by key; left off the tool")
        self.add_tool(
            operation,
            kind=kind,
            table=table,
            preferred=f"{kind}_{table.label}",
            fallback=f"{kind.capitalize()} a {_words(table.label)}.",
            arguments=arguments,
        )

    def update_fields(
        self, table: TablePlan, operation: ApiOperation, taken: set[str], *, read_only: bool = False
    ) -> tuple[list[ArgumentPlan], list[str]]:
        """Fields an update sets; ``read_only`` columns too for an action that exists to set them."""
        exclude = set(table.key)
        fields: list[ArgumentPlan] = []
        unmapped: list[str] = []
        if operation.body is not None:
            properties, required_fields, dropped = self.body_fields(operation)
            self.note_dropped(operation, dropped)
            body_fields, missing = self.field_arguments(
                table, properties, required_fields, taken, source="body", exclude=exclude
            )
            fields.extend(body_fields)
            unmapped.extend(missing)
        query = {
            parameter.name: parameter.schema for parameter in operation.parameters if parameter.location == "query"
        }
        required = {parameter.name for parameter in operation.parameters if parameter.required}
        query_fields, missing = self.field_arguments(table, query, required, taken, source="query", exclude=exclude)
        fields.extend(query_fields)
        unmapped.extend(missing)
        return [field for field in fields if read_only or not table.column(field.column).read_only], unmapped

    def note_dropped(self, operation: ApiOperation, dropped: list[str]) -> None:
        for name in dropped:
            self.skip_parameter(
                operation, name, "a member of the request envelope beside the entity; left off the tool"
            )

    def create_tool(self, resource: _Resource, operation: ApiOperation) -> None:
        table = resource.table
        assert table is not None
        keys = self.key_arguments(table, operation, whole=False) if _Path.of(operation.path).params else []
        if isinstance(keys, str):
            self.skip(operation, keys)
            return
        taken = {argument.name for argument in keys}
        properties, required, dropped = self.body_fields(operation)
        self.note_dropped(operation, dropped)
        fields, unmapped = self.field_arguments(
            table, properties, required, taken, source="body", exclude=set(table.parent_columns)
        )
        if unmapped:
            self.skip(operation, f"its fields {', '.join(unmapped)} are not columns of {table.name}")
            return
        fields = [
            field for field in fields if not table.column(field.column).read_only or field.column == table.own_key
        ]
        self.leave_off_query(operation, "query options of a create are not stored; left off the tool")
        self.add_tool(
            operation,
            kind="create",
            table=table,
            preferred=f"create_{table.label}",
            fallback=f"Create a {_words(table.label)}.",
            arguments=(*keys, *fields),
        )

    def update_by_body(self, resource: _Resource, operation: ApiOperation) -> None:
        """``PUT /pet`` with the key inside the body."""
        table = resource.table
        assert table is not None
        properties = _properties(operation.body.schema) if operation.body else {}
        key_source = next((name for name in properties if identifier(name, fallback="field") == table.own_key), None)
        if key_source is None or len(table.key) != 1:
            self.skip(operation, f"it changes {table.name} without naming which one (no key in the path or body)")
            return
        taken: set[str] = set()
        key_name = unique(identifier(key_source), taken)
        key = ArgumentPlan(
            name=key_name,
            role="key",
            column=table.own_key,
            schema=_describe(
                self.key_schema(properties[key_source], table.column(table.own_key)),
                f"The {table.label}'s {_words(table.own_key)}.",
            ),
            required=True,
            source=f"body:{key_source}",
        )
        fields, unmapped = self.field_arguments(
            table,
            {k: v for k, v in properties.items() if k != key_source},
            set(),
            taken,
            source="body",
            exclude=set(table.key),
        )
        if unmapped:
            self.skip(operation, f"its fields {', '.join(unmapped)} are not columns of {table.name}")
            return
        fields = [field for field in fields if not table.column(field.column).read_only]
        self.add_tool(
            operation,
            kind="update",
            table=table,
            preferred=f"update_{table.label}",
            fallback=f"Update a {_words(table.label)}.",
            arguments=(key, *fields),
        )

    def item_action(self, operation: ApiOperation) -> bool:
        """``PUT /users/{id}/sysadmin`` with fields that are all columns of the item: an update."""
        path = _Path.of(operation.path)
        if operation.method not in ("POST", "PUT", "PATCH") or len(path.segments) < 3:
            return False
        if not _Path.is_param(path.segments[-2]):
            return False
        resource = self.resources.get(path.parent().parent().norm)
        if resource is None or resource.table is None:
            return False
        table = resource.table
        taken: set[str] = set()
        keys = self.key_arguments(table, operation, whole=True)
        if isinstance(keys, str):
            return False
        taken.update(argument.name for argument in keys)
        fields, unmapped = self.update_fields(table, operation, taken, read_only=True)
        if unmapped or not fields:
            reason = (
                f"action {path.last!r} on {table.name} takes {', '.join(unmapped)}, which are not columns"
                if unmapped
                else f"action {path.last!r} on {table.name} changes nothing stored; its effect needs business logic"
            )
            self.skip(operation, reason + " (an LLM builder can write it: --builder envgen/llm_builder)")
            return True
        by_id = identifier(operation.operation_id, fallback="call")
        self.add_tool(
            operation,
            kind="update",
            table=table,
            preferred=by_id if len(by_id) <= 40 else identifier(f"{snake(path.last)}_{table.label}"),
            fallback=f"{_words(path.last).capitalize()} a {table.label}.",
            arguments=(*keys, *fields),
        )
        return True

    def related_list(self, operation: ApiOperation) -> bool:
        path = _Path.of(operation.path)
        target = self.related_target(operation)
        owner = self.resources.get(path.parent().parent().norm)
        if target is None or target.table is None or owner is None or owner.table is None:
            return False
        link = identifier(f"{owner.table.label}_id")
        candidates = [link, identifier(f"{snake(singular(owner.literal))}_id")]
        column = next((name for name in candidates if name in target.table.column_names), None)
        if column is None:
            self.skip(
                operation,
                f"lists {target.table.name} of a {owner.table.label}, but {target.table.name} has no column linking "
                f"them ({link})",
            )
            return True
        table = target.table
        key_param = path.params[-1]
        parameter = next((p for p in operation.parameters_in("path") if p.name == key_param), None)
        taken: set[str] = set()
        key = ArgumentPlan(
            name=unique(identifier(key_param), taken),
            role="filter",
            column=column,
            schema=_describe(
                {"type": "string"} if parameter is None else self.key_schema(parameter.schema, table.column(column)),
                f"The {owner.table.label} whose {_words(table.name)} to list.",
            ),
            required=True,
            source=f"path:{key_param}",
        )
        self.add_list_tool(
            operation,
            table,
            (key,),
            taken,
            preferred=identifier(f"list_{owner.table.label}_{table.name}"),
            fallback=f"List the {_words(table.name)} of a {owner.table.label}.",
        )
        return True

    # --- the whole analysis -----------------------------------------------------------------------

    def run(self) -> CrudPlan:
        remaining = self.find_resources()
        self.merge_split_collections()
        self.link_parents()
        names = self.table_names()
        ordered = sorted(self.resources.values(), key=lambda r: (len(r.path.segments), r.collection))
        tables: list[TablePlan] = []
        for resource in ordered:
            table = self.build_table(resource, names[resource.collection])
            if table is None:
                for operation in resource.ops + resource.other_ops:
                    self.skip(operation, f"no schema describes the entities at {resource.path.template}")
                continue
            resource.table = table
            self.item_params[table.name] = resource.item_param
            tables.append(table)
        for resource in ordered:
            if resource.table is None:
                continue
            for operation in resource.list_ops:
                self.list_tool(resource, operation)
            for operation in resource.create_ops:
                self.create_tool(resource, operation)
            for operation in resource.get_ops:
                self.item_tool(resource, operation, "get")
            for operation in resource.update_ops:
                self.item_tool(resource, operation, "update")
            for operation in resource.delete_ops:
                self.item_tool(resource, operation, "delete")
            for operation in resource.other_ops:
                if operation.method in ("PUT", "PATCH") and operation.body is not None:
                    self.update_by_body(resource, operation)
                else:
                    self.skip(operation, "an unrecognised operation on a collection")
        for operation in remaining:
            if id(operation) in self.handled:
                continue
            path = _Path.of(operation.path)
            if operation.method == "GET" and _list_items(operation) is not None:
                search = self.search_target(operation)
                if search is not None and search.table is not None:
                    self.list_tool(search, operation, kind_name=identifier(operation.operation_id))
                    continue
                if self.related_list(operation):
                    continue
            if self.item_action(operation):
                continue
            self.skip(operation, self.why_not(operation, path))
        if self.headers_seen:
            self.notes.append("header and cookie parameters (auth, request ids, ETags) are transport details; left out")
        plan_tables = self.prune(tables)
        order = {operation.label: index for index, operation in enumerate(self.api.operations)}
        return CrudPlan(
            environment=self.name,
            title=self.api.title,
            description=self.api.description,
            source=self.api.path,
            tables=tuple(plan_tables),
            tools=tuple(self.tools),
            skipped=tuple(sorted(self.skipped, key=lambda s: order.get(s.operation, 0))),
            skipped_parameters=tuple(self.skipped_parameters),
            notes=tuple(dict.fromkeys(self.notes)),
            license=self.api.license,
            url=self.api.servers[0] if self.api.servers else "",
            version=self.api.version,
        )

    def prune(self, tables: list[TablePlan]) -> list[TablePlan]:
        """Keep tables some tool uses, and their ancestors."""
        used = {tool.table for tool in self.tools}
        by_name = {table.name: table for table in tables}
        keep: set[str] = set()
        for name in used:
            while name and name not in keep:
                keep.add(name)
                name = by_name[name].parent if name in by_name else ""
        return [table for table in tables if table.name in keep]

    def why_not(self, operation: ApiOperation, path: _Path) -> str:
        word = path.last
        if operation.method == "GET":
            if path.ends_with_param:
                return "reads an item of a collection that is not otherwise described"
            if _list_items(operation) is None:
                return "returns one computed object, not a stored collection (a view or status)"
            what = operation.response_item_name or "entities"
            view = self.view_target(operation)
            if view is not None and view.table is not None:
                return f"a view {word!r} of {view.table.name} whose selection rule the document does not state"
            if _is_action(word):
                return f"a {_words(word)} returning {what}, which no collection of this API stores"
            return f"lists {what} of a relation the schemas do not expose"
        if _is_action(word):
            return f"{operation.method} {word!r} is an action with effects beyond stored fields (needs business logic)"
        if operation.method == "DELETE":
            return "deletes by query, not by key"
        if operation.method in ("PUT", "POST", "PATCH") and operation.body is None:
            return "changes something without a body naming what is stored"
        return "a singleton or computed endpoint with no collection or key to store it under"


def analyse_api(api: ApiDocument, name: str, *, keep_operation_names: bool = False) -> CrudPlan:
    """Infer the CRUD plan of ``api`` for an environment called ``name``.

    Tools get CRUD names (``list_pets``, ``get_pet``) unless ``keep_operation_names`` (then each tool is
    named after its operation id, as when the operations are tools of a spec already).
    """
    return _Analysis(api, name, keep_operation_names=keep_operation_names).run()
