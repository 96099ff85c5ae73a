"""Tables: one per collection, with columns from the entity and bodies, keys, parents and time stamps."""

from __future__ import annotations

import re
from collections.abc import Iterable

from envfactory_core.ids import JsonValue
from envfactory_core.naming import singular_name, snake

from ...naming import identifier, plural, unique
from ..plan import ColumnPlan, TablePlan
from .bodies import body_properties
from .keys import GENERIC_PARAMS, find_own_key, key_kind, key_type, param_schema, scope_word
from .ledger import ApiResource, Ledger
from .paths import ApiPath
from .schemas import column_type, describe_schema, list_items, schema_properties, strip_read_only, unwrap, words

__all__ = ["build_table", "entity_schema", "table_names"]

CREATED = re.compile(
    r"^(created|date_created|creation_(time|date)|created_(at|on|time|date)|time_created|inserted_at)$"
)
UPDATED = re.compile(
    r"^(updated|date_updated|modified|last_modified|updated_(at|on|time|date)|modified_(at|on|time)|time_updated)$"
)


def entity_schema(resource: ApiResource) -> tuple[str, dict[str, JsonValue] | None]:
    """The entity schema of a collection: item read, create response, list items, create body."""
    for operation in resource.get_ops:
        if operation.method == "GET" and schema_properties(operation.response):
            return operation.response_name, unwrap(operation.response)
    for operation in resource.create_ops:
        if schema_properties(operation.response):
            return operation.response_name, unwrap(operation.response)
    for operation in resource.list_ops:
        items = list_items(operation)
        if items is not None and schema_properties(items):
            return operation.response_item_name, items
    for operation in resource.create_ops:
        if operation.body is not None and schema_properties(operation.body.schema):
            return operation.body.schema_name, operation.body.schema
    return "", None


def table_names(resources: Iterable[ApiResource]) -> dict[str, str]:
    """A unique table name per resource: the collection's last word, qualified when two share it."""
    by_word: dict[str, list[ApiResource]] = {}
    for resource in resources:
        by_word.setdefault(identifier(plural(snake(resource.literal)), fallback="items"), []).append(resource)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for word, group in sorted(by_word.items()):
        for resource in group:
            name = word
            if len(group) > 1:
                literals = [s for s in resource.path.segments[:-1] if not ApiPath.is_param(s)]
                qualifier = snake(singular_name(literals[-1])) if literals else ""
                name = identifier(f"{qualifier}_{word}" if qualifier else word)
            names[resource.collection] = unique(name, taken)
    return names


def build_table(ledger: Ledger, resource: ApiResource, name: str) -> TablePlan | None:
    """The table of a collection: parent key columns first, then its own key, then the entity's properties."""
    entity_name, entity = entity_schema(resource)
    names = {identifier(key, fallback="field") for key in schema_properties(entity)}
    for operation in resource.ops + resource.other_ops:
        ledger.entity_names[operation.path] = names
    label = singular_name(name)
    properties: dict[str, tuple[str, dict[str, JsonValue], bool]] = {}
    create_body = body_properties(ledger.entity_names, resource.create_ops)
    update_body = body_properties(
        ledger.entity_names, [op for op in resource.update_ops if op.method in ("PUT", "PATCH") or op.body is not None]
    )
    inputs = {identifier(name, fallback="field") for name in (*create_body, *update_body)}
    for source in (schema_properties(entity), create_body, update_body):
        for original, schema in source.items():
            column = identifier(original, fallback="field")
            if column in properties:
                continue
            read_only = bool(schema.get("readOnly")) or (column not in inputs and bool(inputs))
            properties[column] = (original, schema, read_only)
    if not properties:
        return None
    own_key, key_schema = find_own_key(resource, properties, label)
    if own_key not in properties:
        properties = {own_key: ("", key_schema, True), **properties}
    parent_columns: list[tuple[str, str, dict[str, JsonValue]]] = []
    params = resource.path.params
    parent_table = resource.parent.table if resource.parent is not None else None
    if parent_table is not None and len(params) != len(parent_table.key):
        resource.parent = parent_table = None
    for index, param in enumerate(params):
        column = identifier(param, fallback="parent")
        owner = parent_table.label if parent_table is not None else scope_word(resource, index)
        if column == own_key or column in GENERIC_PARAMS:
            column = identifier(f"{owner}_{snake(param)}")
        if parent_table is not None:
            parent_key = parent_table.key[index]
            parent_columns.append((column, parent_key, parent_table.column(parent_key).schema))
        else:
            parent_columns.append((column, "", param_schema(resource, param)))
    columns: list[ColumnPlan] = []
    for column, parent_key, schema in parent_columns:
        description = f"The {parent_table.label if parent_table else words(column)} this {label} belongs to."
        columns.append(
            ColumnPlan(
                name=column,
                type=column_type(schema),
                schema=describe_schema(strip_read_only(schema), description),
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
        description = str(schema.get("description", "")).strip() or f"The {label}'s {words(column)}."
        on_create = on_update = ""
        if read_only and column != own_key:
            fmt = schema.get("format")
            if fmt in ("date-time", "date") and CREATED.match(column):
                on_create = "now"
            elif fmt in ("date-time", "date") and UPDATED.match(column):
                on_create = on_update = "now"
            elif "default" in schema:
                on_create = "default"
        elif "default" in schema:
            on_create = "default"
        columns.append(
            ColumnPlan(
                name=column,
                type=column_type(schema) if column != own_key else key_type(key_schema),
                schema=describe_schema(strip_read_only(schema), description),
                description=description.split("\n")[0][:200],
                source=original,
                read_only=read_only or column == own_key,
                on_create=on_create,
                on_update=on_update,
            )
        )
    kind, pattern = key_kind(key_schema)
    entity_text = f"{entity_name} records" if entity_name else f"{words(name)}"
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
