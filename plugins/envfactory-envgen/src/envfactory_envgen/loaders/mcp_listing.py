"""``envgen/mcp_listing``: a saved MCP ``tools/list`` result → a resource and a draft spec.

Three shapes are read: the file ``envfactory mcp save-listing`` writes (``format:
envfactory/mcp_listing@1``, with the server's name), a bare ``{"tools": [...]}`` result, and a whole
JSON-RPC response ``{"jsonrpc": "2.0", "result": {"tools": [...]}}``. ``annotations.readOnlyHint``
decides a tool's effect when present, else its name does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.loaders import LoadResult
from envfactory_core.models import EnvironmentSpec, Provenance, Resource, StateSchema, ToolSpec

from ..documents import Document, parse_document
from ..errors import SourceError
from ..naming import environment_name, identifier, unique
from .common import check_object_schema, effect_of, wrap_output

__all__ = ["McpListingSpecLoader", "listing_spec"]


def _tools_of(document: Document) -> tuple[list[Any], tuple[str | int, ...], dict[str, Any]]:
    data = document.data
    if not isinstance(data, dict):
        raise SourceError(
            f"{document.path} is not an MCP listing",
            [Problem(location=document.where(()), message="the top level must be an object with `tools`")],
        )
    if isinstance(data.get("result"), dict) and "tools" in data["result"]:
        return data["result"]["tools"], ("result", "tools"), {}
    if "tools" in data:
        return data["tools"], ("tools",), data.get("server") or {}
    raise SourceError(
        f"{document.path} is not an MCP listing",
        [
            Problem(
                location=document.where(()),
                message="no `tools` list (nor `result.tools`)",
                fix="save the tools/list result, e.g. with `envfactory mcp save-listing`",
            )
        ],
    )


def listing_spec(document: Document, *, name: str | None = None) -> EnvironmentSpec:
    """The draft spec of a parsed listing; a :class:`SourceError` lists every malformed tool."""
    tools_data, at, server = _tools_of(document)
    problems: list[Problem] = []
    if not isinstance(tools_data, list) or not tools_data:
        raise SourceError(
            f"{document.path} has no tools",
            [Problem(location=document.where(at), message="needs a non-empty list of tools")],
        )
    tools: list[ToolSpec] = []
    names: set[str] = set()
    for index, tool in enumerate(tools_data):
        where = (*at, index)
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str) or not tool["name"]:
            problems.append(Problem(location=document.where(where), message="a tool needs a string name"))
            continue
        schema = check_object_schema(
            document, tool.get("inputSchema", tool.get("input_schema")), (*where, "inputSchema"), problems
        )
        if schema is None:
            continue
        raw_annotations = tool.get("annotations")
        annotations: dict[str, Any] = raw_annotations if isinstance(raw_annotations, dict) else {}
        hint = annotations.get("readOnlyHint") if isinstance(annotations.get("readOnlyHint"), bool) else None
        tool_name = unique(identifier(tool["name"], fallback="tool"), names)
        description = str(tool.get("description") or annotations.get("title") or "").strip() or f"{tool['name']}."
        if tool_name != tool["name"]:
            description += f" (MCP name: {tool['name']})"
        try:
            tools.append(
                ToolSpec(
                    name=tool_name,
                    description=description,
                    input_schema=schema,
                    output_schema=wrap_output(tool.get("outputSchema")),
                    effect=effect_of(tool_name, read_only_hint=hint),
                )
            )
        except (TypeError, ValueError) as error:
            problems.append(Problem(location=document.where(where), message=str(error)))
    if problems:
        raise SourceError(f"{document.path} is not a usable MCP listing", problems)
    server_name = str(server.get("name") or "") if isinstance(server, dict) else ""
    env_name = name or (identifier(server_name, fallback="mcp") if server_name else environment_name(document.path))
    return EnvironmentSpec(
        name=env_name,
        domain="generated",
        description=str((server or {}).get("instructions") or "").strip()
        or f"The tools of the MCP server {server_name or env_name}.",
        tools=tuple(tools),
        state_schema=StateSchema(tables=()),
        provenance=Provenance(source=server_name or Path(document.path).name, generator="envgen/mcp_listing"),
        trusted=False,
    )


class McpListingSpecLoader:
    """Read a saved MCP tools/list result (JSON) into a draft spec of its tools."""

    name = "mcp_listing"
    description = "Read a saved MCP tools/list result (JSON) into a draft spec of its tools."

    def can_load(self, source: str) -> bool:
        from .sniff import resolve_loader_name

        return resolve_loader_name(source) == "envgen/mcp_listing"

    def load(self, source: str) -> LoadResult:
        document = parse_document(source, what="MCP listing")
        spec = listing_spec(document)
        resource = Resource(
            kind="mcp_listing",
            name=spec.provenance.source,
            uri=str(source),
            media_type="application/json",
            text=json.dumps(document.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            provenance=Provenance(source=spec.provenance.source, generator="envgen/mcp_listing"),
        )
        return LoadResult(
            resources=(resource,), specs=(spec,), details={"environment": spec.name, "tools": len(spec.tools)}
        )
