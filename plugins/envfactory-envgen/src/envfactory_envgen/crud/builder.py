"""``envgen/crud``: the deterministic, offline environment builder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.models import EnvironmentSpec, Resource

from ..errors import BuildError
from ..loaders.openapi import load_api
from ..records import GeneratedEnvironment
from .analysis import analyse_api
from .codegen import generate_module
from .from_spec import spec_operations
from .plan import CrudPlan
from .scenarios import derive_scenarios
from .spec import plan_spec

__all__ = ["CrudBuilder", "crud_plan"]


def crud_plan(spec: EnvironmentSpec, resources: Sequence[Resource] = ()) -> CrudPlan:
    """The CRUD plan for ``spec``: from its OpenAPI resource when there is one, else from its tools."""
    document = next((resource for resource in resources if resource.kind == "openapi"), None)
    if document is not None:
        _, api = load_api(document.uri, document.text)
        return analyse_api(api, spec.name)
    return analyse_api(
        spec_operations(spec, source=resources[0].uri if resources else spec.name), spec.name, keep_operation_names=True
    )


class CrudBuilder:
    """Infer resources, keys and CRUD semantics and generate the environment's code and scenarios, offline."""

    name = "crud"
    description = "Deterministic and offline: infer resources, keys and CRUD semantics; generate code and scenarios."
    needs_model = False

    def build(self, spec: EnvironmentSpec, resources: Sequence[Resource] = (), **options: Any) -> GeneratedEnvironment:
        plan = crud_plan(spec, resources)
        if not plan.tools:
            reasons = "; ".join(f"{item.operation}: {item.reason}" for item in plan.skipped[:5])
            raise BuildError(
                f"envgen/crud found nothing stateful in {spec.name}",
                [
                    Problem(
                        location=spec.name,
                        message=f"no operation could be given CRUD semantics ({reasons})",
                        fix="use --builder envgen/llm_builder to have an LLM write the behaviour",
                    )
                ],
            )
        code = generate_module(plan, now=spec.now, domain=spec.domain)
        scenarios, notes = derive_scenarios(plan, now=spec.now)
        return GeneratedEnvironment(
            name=plan.environment,
            code=code,
            spec=plan_spec(plan, now=spec.now, domain=spec.domain),
            builder="envgen/crud",
            scenarios=tuple(scenarios),
            skipped=plan.skipped,
            skipped_parameters=plan.skipped_parameters,
            resources=tuple(resources),
            notes=(*plan.notes, *notes),
        )
