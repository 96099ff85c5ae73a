"""What ``envgen/crud`` understood of an API: tables, keys, and one plan per tool.

A plan is plain data; :mod:`.codegen` turns it into a module on the environment SDK, and
:mod:`.scenarios` derives scenario tests from it. Nothing here runs code.
"""

from __future__ import annotations

from typing import Literal

import attrs

from envfactory_core.ids import JsonValue
from envfactory_core.models import ColumnType

from ..records import SkippedOperation, SkippedParameter

__all__ = ["ArgumentPlan", "ColumnPlan", "CrudPlan", "KeyKind", "Role", "TablePlan", "ToolKind", "ToolPlan"]

KeyKind = Literal["integer", "string", "pattern"]
ToolKind = Literal["list", "get", "create", "update", "delete"]
Role = Literal["key", "field", "filter", "limit", "offset", "page", "page_size", "page_token"]
MatchMode = Literal["equals", "any_of", "contains"]


@attrs.frozen(kw_only=True)
class ColumnPlan:
    """A column of a table and the JSON Schema of its values.

    ``read_only`` columns are set by the service (ids, timestamps, links), never by an argument;
    ``on_create``/``on_update`` say what the service writes there (``now`` or ``default``).
    """

    name: str
    type: ColumnType
    schema: dict[str, JsonValue] = attrs.field(hash=False)
    description: str = ""
    source: str = ""
    read_only: bool = False
    on_create: str = ""
    on_update: str = ""


@attrs.frozen(kw_only=True)
class TablePlan:
    """A resource collection: its rows, key, and the parent collection it lives under."""

    name: str
    label: str
    entity: str
    description: str
    columns: tuple[ColumnPlan, ...]
    key: tuple[str, ...]
    own_key: str
    key_kind: KeyKind
    key_pattern: str = ""
    key_prefix: str = ""
    parent: str = ""
    parent_columns: tuple[str, ...] = ()
    collection_path: str = ""

    def column(self, name: str) -> ColumnPlan:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


@attrs.frozen(kw_only=True)
class ArgumentPlan:
    """One tool argument: what it means for the state (``role``) and which column it maps to."""

    name: str
    role: Role
    schema: dict[str, JsonValue] = attrs.field(hash=False)
    column: str = ""
    required: bool = False
    match: MatchMode = "equals"
    source: str = ""


@attrs.frozen(kw_only=True)
class ToolPlan:
    """A tool: CRUD kind, table, arguments, and the API operation it stands for."""

    name: str
    kind: ToolKind
    table: str
    description: str
    operation: str
    arguments: tuple[ArgumentPlan, ...]
    page_base: int = 0
    default_page_size: int | None = None
    sets: tuple[tuple[str, JsonValue], ...] = ()
    """Columns an action sets to fixed values (``cancel`` sets ``status`` to ``CANCELLED``)."""

    @property
    def effect(self) -> Literal["read", "write"]:
        return "read" if self.kind in ("list", "get") else "write"

    def by_role(self, *roles: str) -> tuple[ArgumentPlan, ...]:
        return tuple(argument for argument in self.arguments if argument.role in roles)


@attrs.frozen(kw_only=True)
class CrudPlan:
    """Everything ``envgen/crud`` will generate for one environment, and what it left out."""

    environment: str
    title: str
    description: str
    source: str
    tables: tuple[TablePlan, ...]
    tools: tuple[ToolPlan, ...]
    skipped: tuple[SkippedOperation, ...] = ()
    skipped_parameters: tuple[SkippedParameter, ...] = ()
    notes: tuple[str, ...] = ()
    license: str = ""
    url: str = ""
    version: str = ""

    def table(self, name: str) -> TablePlan:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def children(self, name: str) -> tuple[TablePlan, ...]:
        return tuple(table for table in self.tables if table.parent == name)
