"""What one analysis has found and decided so far: the collections, the tools, what was skipped and why.

Every unit of the analysis reads and records here, so the report (skipped operations and
parameters, notes) is complete whichever unit made the decision.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from envfactory_core.ids import JsonValue

from ...naming import MAX_LENGTH, identifier, unique
from ...openapi.model import ApiDocument, ApiOperation
from ...records import SkippedOperation, SkippedParameter
from ..plan import ArgumentPlan, TablePlan, ToolKind, ToolPlan
from .paths import ApiPath
from .schemas import brief

__all__ = ["ApiResource", "Ledger"]


@attrs.define
class ApiResource:
    """A collection of the API and the operations found on it (its table once one is built)."""

    collection: str
    path: ApiPath
    literal: str
    parent: ApiResource | None = None
    item_param: str = ""
    list_ops: list[ApiOperation] = attrs.Factory(list)
    create_ops: list[ApiOperation] = attrs.Factory(list)
    get_ops: list[ApiOperation] = attrs.Factory(list)
    update_ops: list[ApiOperation] = attrs.Factory(list)
    delete_ops: list[ApiOperation] = attrs.Factory(list)
    other_ops: list[ApiOperation] = attrs.Factory(list)
    table: TablePlan | None = None

    @property
    def ops(self) -> list[ApiOperation]:
        return [*self.list_ops, *self.create_ops, *self.get_ops, *self.update_ops, *self.delete_ops]


class Ledger:
    """The state of one analysis: found collections, written tools, skips and notes."""

    def __init__(self, api: ApiDocument, name: str, *, keep_operation_names: bool = False) -> None:
        self.api = api
        self.name = name
        self.keep_operation_names = keep_operation_names
        self.skipped: list[SkippedOperation] = []
        self.skipped_parameters: list[SkippedParameter] = []
        self.notes: list[str] = list(api.notes)
        self.resources: dict[str, ApiResource] = {}
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

    def tool_name(self, preferred: str, operation: ApiOperation) -> str:
        if self.keep_operation_names:
            preferred = identifier(operation.operation_id, fallback="call")
        if preferred not in self.tool_names and len(preferred) <= MAX_LENGTH:
            self.tool_names.add(preferred)
            return preferred
        fallback = identifier(operation.operation_id, fallback="call")
        return unique(fallback if len(fallback) <= MAX_LENGTH else preferred, self.tool_names)

    def describe(self, operation: ApiOperation, fallback: str) -> str:
        text = brief(operation.text) or fallback
        written = operation.written_as or f"{operation.method} {operation.path}"
        return f"{text}\n\n(API: {written}, operationId {operation.operation_id}.)"

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
        sets: tuple[tuple[str, JsonValue], ...] = (),
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
                sets=sets,
            )
        )
