"""Records that describe environments: tools, state schema, provenance."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ..ids import JsonValue
from ._validators import identifier, json_object, non_empty, optional_json_object, to_tuple, unique_names

__all__ = [
    "ColumnSpec",
    "ColumnType",
    "Effect",
    "EnvironmentSpec",
    "Provenance",
    "StateSchema",
    "TableSpec",
    "ToolSpec",
]

Effect = Literal["read", "write"]
ColumnType = Literal["text", "integer", "real", "boolean", "json"]


@attrs.frozen(kw_only=True)
class Provenance:
    """Where something came from: the real API or document it is modelled on, and how it was made."""

    source: str = ""
    url: str = ""
    license: str = ""
    generator: str = ""
    notes: str = ""


@attrs.frozen(kw_only=True)
class ToolSpec:
    """A tool as an agent sees it, plus what the framework needs to know about it.

    ``effect`` says whether the tool may change state (``write``) or never does (``read``).
    ``masked_arguments`` names arguments whose value does not change the outcome (pagination,
    limits, formatting); trace rewards ignore them.
    """

    name: str = attrs.field(validator=identifier)
    description: str
    input_schema: dict[str, JsonValue] = attrs.field(validator=json_object, hash=False)
    output_schema: dict[str, JsonValue] | None = attrs.field(default=None, validator=optional_json_object, hash=False)
    effect: Effect = attrs.field(validator=attrs.validators.in_(("read", "write")))
    masked_arguments: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)

    @input_schema.validator
    def _check_input_schema(self, attribute: attrs.Attribute[Any], value: dict[str, JsonValue]) -> None:
        if value.get("type") != "object":
            raise ValueError(f"ToolSpec {self.name!r}: input_schema must have type 'object'")
        properties = value.get("properties", {})
        if not isinstance(properties, dict):
            raise ValueError(f"ToolSpec {self.name!r}: input_schema.properties must be an object")
        for required in value.get("required", []):
            if required not in properties:
                raise ValueError(f"ToolSpec {self.name!r}: required argument {required!r} is not in properties")

    @property
    def parameters(self) -> dict[str, JsonValue]:
        """The input schema's properties, by argument name."""
        properties: dict[str, JsonValue] = self.input_schema.get("properties", {})
        return properties

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.input_schema.get("required", ()))


@attrs.frozen(kw_only=True)
class ColumnSpec:
    """A typed column. ``json`` columns hold any JSON value and return exactly its JSON types."""

    name: str = attrs.field(validator=identifier)
    type: ColumnType = attrs.field(validator=attrs.validators.in_(("text", "integer", "real", "boolean", "json")))
    nullable: bool = True
    description: str = ""


@attrs.frozen(kw_only=True)
class TableSpec:
    name: str = attrs.field(validator=identifier)
    primary_key: tuple[str, ...] = attrs.field(converter=to_tuple, validator=non_empty)
    columns: tuple[ColumnSpec, ...] = attrs.field(converter=to_tuple, validator=[non_empty, unique_names])
    description: str = ""

    def __attrs_post_init__(self) -> None:
        names = {column.name for column in self.columns}
        for key in self.primary_key:
            if key not in names:
                raise ValueError(f"table {self.name!r}: primary key column {key!r} is not a column")

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}")


@attrs.frozen(kw_only=True)
class StateSchema:
    tables: tuple[TableSpec, ...] = attrs.field(converter=to_tuple, validator=unique_names)

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"no table {name!r}; tables: {', '.join(t.name for t in self.tables)}")


@attrs.frozen(kw_only=True)
class EnvironmentSpec:
    """What an environment is, as data: everything except the tool code.

    ``now`` is the environment's clock (ISO 8601); tools never see the wall clock.
    ``overlaps`` names evaluation benchmarks whose backends this environment resembles;
    ``evaluation_only`` marks a benchmark's own environment, which no pipeline samples for
    training data unless a pipeline names it explicitly.
    """

    name: str = attrs.field(validator=identifier)
    domain: str
    description: str
    tools: tuple[ToolSpec, ...] = attrs.field(converter=to_tuple, validator=unique_names)
    state_schema: StateSchema
    policy: str = ""
    now: str = "2025-01-15T09:00:00+00:00"
    provenance: Provenance = attrs.field(factory=Provenance)
    overlaps: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    evaluation_only: bool = False
    trusted: bool = True
    version: str = "1"

    def tool(self, name: str) -> ToolSpec:
        for tool in self.tools:
            if tool.name == name:
                return tool
        raise KeyError(f"environment {self.name!r} has no tool {name!r}")

    @property
    def read_tools(self) -> tuple[ToolSpec, ...]:
        return tuple(tool for tool in self.tools if tool.effect == "read")

    @property
    def write_tools(self) -> tuple[ToolSpec, ...]:
        return tuple(tool for tool in self.tools if tool.effect == "write")
