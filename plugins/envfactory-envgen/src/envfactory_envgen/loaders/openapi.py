"""``envgen/openapi``: an OpenAPI 3.x or Swagger 2.0 document → a resource and a draft spec.

The draft spec holds the tools the CRUD analysis can give meaning to (with input and output
schemas) and the tables it inferred; every other operation is in ``skipped`` with the reason.
"""

from __future__ import annotations

from pathlib import Path

from envfactory_core.errors import Problem
from envfactory_core.loaders import LoadResult
from envfactory_core.models import Provenance, Resource

from ..crud.analysis import analyse_api
from ..crud.spec import plan_spec
from ..documents import Document, parse_document
from ..naming import environment_name
from ..openapi.model import ApiDocument
from ..openapi.parse import parse_openapi
from .sniff import is_openapi

__all__ = ["OpenApiLoader", "load_api"]


def load_api(source: str, text: str | None = None) -> tuple[Document, ApiDocument]:
    """The parsed document and API of ``source`` (``text`` instead of reading the file)."""
    document = parse_document(source, text, what="OpenAPI document")
    return document, parse_openapi(document)


class OpenApiLoader:
    """Read an OpenAPI 3.x / Swagger 2.0 document (JSON or YAML) into a draft spec of its stateful resources."""

    name = "openapi"
    description = (
        "Read an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML) into a draft spec of its stateful resources."
    )

    def can_load(self, source: str) -> bool:
        path = Path(source)
        if not path.is_file() or path.suffix.lower() not in (".json", ".yaml", ".yml"):
            return False
        return is_openapi(path)

    def load(self, source: str) -> LoadResult:
        document, api = load_api(source)
        name = environment_name(source)
        plan = analyse_api(api, name)
        media = "application/json" if document.syntax == "json" else "application/yaml"
        resource = Resource(
            kind="openapi",
            name=api.title or name,
            uri=str(source),
            media_type=media,
            text=document.text,
            provenance=Provenance(
                source=api.title,
                url=api.servers[0] if api.servers else "",
                license=api.license,
                generator="envgen/openapi",
            ),
        )
        skipped = tuple(Problem(location=item.operation, message=item.reason) for item in plan.skipped)
        details = {
            "environment": name,
            "spec_version": api.spec_version,
            "operations": len(api.operations),
            "tools": len(plan.tools),
            "tables": len(plan.tables),
            "skipped": len(plan.skipped),
            "skipped_parameters": [
                {"operation": item.operation, "parameter": item.parameter, "reason": item.reason}
                for item in plan.skipped_parameters
            ],
            "notes": list(plan.notes),
        }
        specs = (plan_spec(plan),) if plan.tools else ()
        return LoadResult(resources=(resource,), specs=specs, skipped=skipped, details=details)
