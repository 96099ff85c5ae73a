"""``envgen/metadata``: the reference implementation's metadata JSON → a resource and a draft spec.

The shape (``class_name``, ``description``, ``tools[{name, description, input_schema,
output_schema}]``) is checked field by field; every problem is reported with its line.
"""

from __future__ import annotations

from pathlib import Path

from envfactory_core.errors import Problem
from envfactory_core.loaders import LoadResult
from envfactory_core.models import EnvironmentSpec, Provenance, Resource, StateSchema, ToolSpec

from ..documents import parse_document
from ..errors import SourceError
from ..naming import identifier, unique
from .common import check_object_schema, effect_of, wrap_output

__all__ = ["MetadataLoader"]


class MetadataLoader:
    """Read a metadata JSON file (class_name, description, tools with input/output schemas) into a draft spec."""

    name = "metadata"
    description = (
        "Read a metadata JSON file (class_name, description, tools with input/output schemas) into a draft spec."
    )

    def can_load(self, source: str) -> bool:
        from .sniff import resolve_loader_name

        return resolve_loader_name(source) == "envgen/metadata"

    def load(self, source: str) -> LoadResult:
        document = parse_document(source, what="metadata document")
        data = document.data
        problems: list[Problem] = []
        if not isinstance(data, dict):
            raise SourceError(
                f"{source} is not a metadata document",
                [
                    Problem(
                        location=document.where(()), message="the top level must be an object with class_name and tools"
                    )
                ],
            )
        class_name = data.get("class_name")
        if not isinstance(class_name, str) or not class_name.strip():
            problems.append(Problem(location=document.where(("class_name",)), message="needs a non-empty class_name"))
        tools_data = data.get("tools")
        if not isinstance(tools_data, list) or not tools_data:
            problems.append(Problem(location=document.where(("tools",)), message="needs a non-empty list of tools"))
            tools_data = []
        tools: list[ToolSpec] = []
        names: set[str] = set()
        for index, tool in enumerate(tools_data):
            at: tuple[str | int, ...] = ("tools", index)
            if not isinstance(tool, dict):
                problems.append(Problem(location=document.where(at), message="a tool must be an object"))
                continue
            raw_name = tool.get("name")
            if not isinstance(raw_name, str) or not raw_name.strip():
                problems.append(Problem(location=document.where((*at, "name")), message="a tool needs a name"))
                continue
            schema = check_object_schema(document, tool.get("input_schema"), (*at, "input_schema"), problems)
            if schema is None:
                continue
            name = unique(identifier(raw_name, fallback="tool"), names)
            description = str(tool.get("description", "")).strip() or f"{raw_name} (no description given)."
            try:
                tools.append(
                    ToolSpec(
                        name=name,
                        description=description,
                        input_schema=schema,
                        output_schema=wrap_output(tool.get("output_schema")),
                        effect=effect_of(name),
                    )
                )
            except (TypeError, ValueError) as error:
                problems.append(Problem(location=document.where(at), message=str(error)))
        if problems:
            raise SourceError(f"{source} is not a usable metadata document", problems)
        assert isinstance(class_name, str)
        env_name = identifier(class_name, fallback="env")
        description = str(data.get("description", "")).strip() or f"The {class_name} environment."
        spec = EnvironmentSpec(
            name=env_name,
            domain=str(data.get("domain", "generated")),
            description=description,
            tools=tuple(tools),
            state_schema=StateSchema(tables=()),
            provenance=Provenance(source=class_name, generator="envgen/metadata"),
            trusted=False,
        )
        resource = Resource(
            kind="metadata",
            name=class_name,
            uri=str(source),
            media_type="application/json",
            text=document.text,
            provenance=Provenance(source=Path(source).name, generator="envgen/metadata"),
        )
        return LoadResult(resources=(resource,), specs=(spec,), details={"environment": env_name, "tools": len(tools)})
