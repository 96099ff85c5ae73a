"""Tool arguments: path parameters to key columns, body and query fields to columns, filters and pagination."""

from __future__ import annotations

from collections.abc import Mapping

from envfactory_core.ids import JsonValue
from envfactory_core.naming import singular_name, snake

from ...naming import identifier, plural, unique
from ...openapi.model import ApiOperation, ApiParameter
from ..plan import ArgumentPlan, TablePlan
from .bodies import body_fields
from .keys import GENERIC_PARAMS, key_schema
from .ledger import Ledger
from .paths import ApiPath
from .schemas import describe_schema, strip_read_only, words

__all__ = ["PAGINATION", "ArgumentMapper"]

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
"""Query parameter names (snake_cased) that page a list, and the role each plays."""


class ArgumentMapper:
    """Maps an operation's parameters and body to arguments of a tool on a table."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def column_for(self, table: TablePlan, name: str) -> str | None:
        column = identifier(name, fallback="field")
        if column in table.column_names:
            return column
        return None

    def key_arguments(self, table: TablePlan, operation: ApiOperation, *, whole: bool) -> list[ArgumentPlan] | str:
        """Arguments for the path parameters, mapped to the key columns in order."""
        params = list(operation.parameters_in("path"))
        by_name = {parameter.name: parameter for parameter in params}
        names = ApiPath.of(operation.path).params
        keys = table.key if whole else table.key[: len(names)]
        if whole and 0 < len(names) < len(keys) and names[-1] == self.ledger.item_params.get(table.name):
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
            description = (parameter.description if parameter else "") or f"The {words(column)} of the {table.label}."
            column_plan = table.column(column)
            arguments.append(
                ArgumentPlan(
                    name=argument,
                    role="key",
                    column=column,
                    schema=describe_schema(key_schema(schema, column_plan), description),
                    required=True,
                    source=f"path:{name}",
                )
            )
        return arguments

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
                    schema=describe_schema(strip_read_only(schema), plan.description or f"The {words(column)}."),
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
                self.ledger.headers_seen = True
                continue
            if parameter.location != "query":
                continue
            word = snake(parameter.name)
            role = PAGINATION.get(word)
            if role is not None:
                schema = describe_schema(parameter.schema, f"Pagination: {words(word)}.")
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
                self.ledger.skip_parameter(
                    operation, parameter.name, f"maps to no column of {table.name}; left off the tool"
                )
                continue
            column, match = mapped
            arguments.append(
                ArgumentPlan(
                    name=unique(identifier(parameter.name), taken),
                    role="filter",
                    column=column,
                    match=match,  # type: ignore[arg-type]
                    schema=describe_schema(
                        strip_read_only(parameter.schema), f"Only {table.name} whose {words(column)} matches."
                    ),
                    required=parameter.required,
                    source=f"query:{parameter.name}",
                )
            )
        return arguments, page_base, default_size

    def filter_for(self, table: TablePlan, parameter: ApiParameter) -> tuple[str, str] | None:
        names = [snake(parameter.name), snake(singular_name(parameter.name)), snake(plural(parameter.name))]
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

    def update_fields(
        self, table: TablePlan, operation: ApiOperation, taken: set[str], *, read_only: bool = False
    ) -> tuple[list[ArgumentPlan], list[str]]:
        """Fields an update sets; ``read_only`` columns too for an action that exists to set them."""
        exclude = set(table.key)
        fields: list[ArgumentPlan] = []
        unmapped: list[str] = []
        if operation.body is not None:
            properties, required_fields, dropped = body_fields(operation, self.ledger.entity_names)
            self.note_dropped(operation, dropped)
            from_body, missing = self.field_arguments(
                table, properties, required_fields, taken, source="body", exclude=exclude
            )
            fields.extend(from_body)
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
            self.ledger.skip_parameter(
                operation, name, "a member of the request envelope beside the entity; left off the tool"
            )
