"""A CRUD plan as an :class:`~envfactory_core.models.EnvironmentSpec` (what the code will declare)."""

from __future__ import annotations

from ...models import ColumnSpec, EnvironmentSpec, Provenance, StateSchema, TableSpec, ToolSpec
from .codegen import DEFAULT_NOW, input_schema, output_schema
from .plan import CrudPlan

__all__ = ["plan_spec"]


def plan_spec(
    plan: CrudPlan, *, now: str = DEFAULT_NOW, domain: str = "generated", generator: str = "envfactory core/crud"
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
            masked_arguments=tuple(
                argument.name
                for argument in tool.arguments
                if argument.role in ("limit", "offset", "page", "page_size", "page_token")
            ),
        )
        for tool in plan.tools
    )
    description = (plan.title or plan.environment) + (
        f": {plan.description.split(chr(10) * 2)[0].strip()}" if plan.description else ""
    )
    return EnvironmentSpec(
        name=plan.environment,
        domain=domain,
        description=description[:600],
        tools=tools,
        state_schema=StateSchema(tables=tables),
        now=now,
        provenance=Provenance(
            source=plan.title or plan.source,
            url=plan.url,
            license=plan.license,
            generator=generator,
            notes=f"{len(plan.tools)} tools from {len(plan.tools) + len(plan.skipped)} operations",
        ),
        trusted=False,
        version=plan.version or "1",
    )
