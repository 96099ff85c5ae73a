"""A CRUD plan as an :class:`~envfactory_core.models.EnvironmentSpec` (what the code will declare)."""

from __future__ import annotations

from envfactory_core.models import ColumnSpec, EnvironmentSpec, Provenance, StateSchema, TableSpec, ToolSpec

from .codegen import (
    DEFAULT_NOW,
    environment_description,
    input_schema,
    masked_arguments,
    output_schema,
    provenance_notes,
)
from .plan import CrudPlan

__all__ = ["plan_spec"]


def plan_spec(
    plan: CrudPlan, *, now: str = DEFAULT_NOW, domain: str = "generated", generator: str = "envfactory envgen/crud"
) -> EnvironmentSpec:
    """The spec of the environment ``plan`` generates: same tools, schemas and tables as the code."""
    tables = tuple(
        TableSpec(
            name=table.name,
            primary_key=table.key,
            description=table.description,
            columns=tuple(
                ColumnSpec(
                    name=column.name,
                    type=column.type,
                    nullable=column.name not in table.key,
                    description=(column.description or column.name)[:200],
                )
                for column in table.columns
            ),
        )
        for table in plan.tables
    )
    tools = tuple(
        ToolSpec(
            name=tool.name,
            description=tool.description,
            input_schema=input_schema(tool),
            output_schema=output_schema(tool, plan.table(tool.table)),
            effect=tool.effect,
            masked_arguments=masked_arguments(tool),
        )
        for tool in plan.tools
    )
    return EnvironmentSpec(
        name=plan.environment,
        domain=domain,
        description=environment_description(plan),
        tools=tools,
        state_schema=StateSchema(tables=tables),
        now=now,
        provenance=Provenance(
            source=plan.title or plan.source,
            url=plan.url,
            license=plan.license,
            generator=generator,
            notes=provenance_notes(plan),
        ),
        trusted=False,
        version=plan.version or "1",
    )
