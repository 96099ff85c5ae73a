"""Operations to tools: list, create, get, update, delete, updates by body, item actions and related lists."""

from __future__ import annotations

from collections.abc import Iterable

from envfactory_core.naming import singular_name, snake

from ...naming import identifier, unique
from ...openapi.model import ApiOperation
from ..plan import ArgumentPlan, TablePlan, ToolKind
from .arguments import ArgumentMapper
from .bodies import body_fields
from .keys import key_schema
from .ledger import ApiResource, Ledger
from .paths import ApiPath
from .resources import ResourceFinder
from .schemas import describe_schema, required_names, schema_properties, words
from .transitions import transition

__all__ = ["ToolWriter"]


class ToolWriter:
    """Writes the tool of each operation it can give stored meaning to, and skips the others with a reason."""

    def __init__(self, ledger: Ledger, finder: ResourceFinder, arguments: ArgumentMapper) -> None:
        self.ledger = ledger
        self.finder = finder
        self.arguments = arguments

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
        query = self.arguments.query_arguments(table, operation, taken)
        if isinstance(query, str):
            self.ledger.skip(operation, query)
            return
        arguments, page_base, default_size = query
        self.ledger.add_tool(
            operation,
            kind="list",
            table=table,
            preferred=preferred,
            fallback=fallback,
            arguments=(*keys, *arguments),
            page_base=page_base,
            default_page_size=default_size,
        )

    def _path_keys(self, table: TablePlan, operation: ApiOperation) -> list[ArgumentPlan] | None:
        """The key arguments the path of ``operation`` names, or ``None`` after recording why it is skipped."""
        keys = self.arguments.key_arguments(table, operation, whole=False) if ApiPath.of(operation.path).params else []
        if isinstance(keys, str):
            self.ledger.skip(operation, keys)
            return None
        return keys

    def list_tool(self, resource: ApiResource, operation: ApiOperation, *, kind_name: str | None = None) -> None:
        table = resource.table
        assert table is not None
        keys = self._path_keys(table, operation)
        if keys is None:
            return
        self.add_list_tool(
            operation,
            table,
            keys,
            {argument.name for argument in keys},
            preferred=kind_name or f"list_{table.name}",
            fallback=f"List {words(table.name)}.",
        )

    def item_tool(self, resource: ApiResource, operation: ApiOperation, kind: ToolKind) -> None:
        table = resource.table
        assert table is not None
        keys = self.arguments.key_arguments(table, operation, whole=True)
        if isinstance(keys, str):
            self.ledger.skip(operation, keys)
            return
        taken = {argument.name for argument in keys}
        arguments: list[ArgumentPlan] = list(keys)
        if kind == "update":
            fields, unmapped = self.arguments.update_fields(table, operation, taken)
            if unmapped:
                self.ledger.skip(operation, f"its fields {', '.join(unmapped)} are not columns of {table.name}")
                return
            if not fields:
                self.ledger.skip(operation, "it changes nothing that is stored (no body or query fields)")
                return
            arguments.extend(fields)
        else:
            self.ledger.leave_off_query(operation, f"has no meaning for a {kind} by key; left off the tool")
        self.ledger.add_tool(
            operation,
            kind=kind,
            table=table,
            preferred=f"{kind}_{table.label}",
            fallback=f"{kind.capitalize()} a {words(table.label)}.",
            arguments=arguments,
        )

    def create_tool(self, resource: ApiResource, operation: ApiOperation) -> None:
        table = resource.table
        assert table is not None
        keys = self._path_keys(table, operation)
        if keys is None:
            return
        taken = {argument.name for argument in keys}
        properties, required, dropped = body_fields(operation, self.ledger.entity_names)
        self.arguments.note_dropped(operation, dropped)
        fields, unmapped = self.arguments.field_arguments(
            table, properties, required, taken, source="body", exclude=set(table.parent_columns)
        )
        if unmapped:
            self.ledger.skip(operation, f"its fields {', '.join(unmapped)} are not columns of {table.name}")
            return
        fields = [
            field for field in fields if not table.column(field.column).read_only or field.column == table.own_key
        ]
        self.ledger.leave_off_query(operation, "query options of a create are not stored; left off the tool")
        self.ledger.add_tool(
            operation,
            kind="create",
            table=table,
            preferred=f"create_{table.label}",
            fallback=f"Create a {words(table.label)}.",
            arguments=(*keys, *fields),
        )

    def update_by_body(self, resource: ApiResource, operation: ApiOperation) -> None:
        """``PUT /pet`` with the key inside the body."""
        table = resource.table
        assert table is not None
        properties = schema_properties(operation.body.schema) if operation.body else {}
        key_source = next((name for name in properties if identifier(name, fallback="field") == table.own_key), None)
        if key_source is None or len(table.key) != 1:
            self.ledger.skip(
                operation, f"it changes {table.name} without naming which one (no key in the path or body)"
            )
            return
        taken: set[str] = set()
        key_name = unique(identifier(key_source), taken)
        key = ArgumentPlan(
            name=key_name,
            role="key",
            column=table.own_key,
            schema=describe_schema(
                key_schema(properties[key_source], table.column(table.own_key)),
                f"The {table.label}'s {words(table.own_key)}.",
            ),
            required=True,
            source=f"body:{key_source}",
        )
        fields, unmapped = self.arguments.field_arguments(
            table,
            {k: v for k, v in properties.items() if k != key_source},
            set(),
            taken,
            source="body",
            exclude=set(table.key),
        )
        if unmapped:
            self.ledger.skip(operation, f"its fields {', '.join(unmapped)} are not columns of {table.name}")
            return
        fields = [field for field in fields if not table.column(field.column).read_only]
        self.ledger.add_tool(
            operation,
            kind="update",
            table=table,
            preferred=f"update_{table.label}",
            fallback=f"Update a {words(table.label)}.",
            arguments=(key, *fields),
        )

    def item_action(self, operation: ApiOperation) -> bool:
        """``PUT /users/{id}/sysadmin`` with fields that are all columns of the item: an update."""
        path = ApiPath.of(operation.path)
        if operation.method not in ("POST", "PUT", "PATCH") or len(path.segments) < 3:
            return False
        if not ApiPath.is_param(path.segments[-2]):
            return False
        resource = self.ledger.resources.get(path.parent().parent().norm)
        if resource is None or resource.table is None:
            return False
        table = resource.table
        taken: set[str] = set()
        keys = self.arguments.key_arguments(table, operation, whole=True)
        if isinstance(keys, str):
            return False
        taken.update(argument.name for argument in keys)
        fields, unmapped = self.arguments.update_fields(table, operation, taken, read_only=True)
        change = transition(table, path.last) if not fields else None
        if change is not None and not self._required_unmapped(operation, unmapped):
            for name in unmapped:
                self.ledger.skip_parameter(operation, name, f"not a column of {table.name}; left off the tool")
            by_id = identifier(operation.operation_id, fallback="call")
            self.ledger.add_tool(
                operation,
                kind="update",
                table=table,
                preferred=by_id if len(by_id) <= 40 else identifier(f"{snake(path.last)}_{table.label}"),
                fallback=f"{words(path.last).capitalize()} a {table.label}: its {change[0]} becomes {change[1]}.",
                arguments=tuple(keys),
                sets=(change,),
            )
            return True
        if unmapped or not fields:
            reason = (
                f"action {path.last!r} on {table.name} takes {', '.join(unmapped)}, which are not columns"
                if unmapped
                else f"action {path.last!r} on {table.name} changes nothing stored; its effect needs business logic"
            )
            self.ledger.skip(operation, reason + " (an LLM builder can write it: --builder envgen/llm_builder)")
            return True
        by_id = identifier(operation.operation_id, fallback="call")
        self.ledger.add_tool(
            operation,
            kind="update",
            table=table,
            preferred=by_id if len(by_id) <= 40 else identifier(f"{snake(path.last)}_{table.label}"),
            fallback=f"{words(path.last).capitalize()} a {table.label}.",
            arguments=(*keys, *fields),
        )
        return True

    @staticmethod
    def _required_unmapped(operation: ApiOperation, unmapped: list[str]) -> bool:
        """Whether a field the action needs (a required one) has no column to hold it."""
        needed = {parameter.name for parameter in operation.parameters if parameter.required}
        if operation.body is not None:
            needed |= required_names(operation.body.schema)
        return any(name in needed for name in unmapped)

    def related_list(self, operation: ApiOperation) -> bool:
        path = ApiPath.of(operation.path)
        target = self.finder.related_target(operation)
        owner = self.ledger.resources.get(path.parent().parent().norm)
        if target is None or target.table is None or owner is None or owner.table is None:
            return False
        link = identifier(f"{owner.table.label}_id")
        candidates = [link, identifier(f"{snake(singular_name(owner.literal))}_id")]
        column = next((name for name in candidates if name in target.table.column_names), None)
        if column is None:
            self.ledger.skip(
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
            schema=describe_schema(
                {"type": "string"} if parameter is None else key_schema(parameter.schema, table.column(column)),
                f"The {owner.table.label} whose {words(table.name)} to list.",
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
            fallback=f"List the {words(table.name)} of a {owner.table.label}.",
        )
        return True
