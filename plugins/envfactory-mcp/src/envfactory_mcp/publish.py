"""Our records as MCP wire types: a ``ToolSpec`` as a ``Tool``, a ``ToolResult`` as a ``CallToolResult``.

The input schema is published exactly as declared (the low-level server adds nothing). Output
schemas and structured content follow the negotiated protocol: 2026-07-28 accepts any JSON Schema
and any JSON value, so both go out unchanged; the handshake versions (2025-11-25 and earlier)
require an object at the root, so a non-object output schema is left out there and a non-object
output is carried as ``{"result": value}``. The text content is always the JSON an agent sees
in-process (``ToolResult.as_payload``), so transcripts read the same either way.

A failed call carries its failure (``{"error": {...}}``) in the text content only. The tool's output
schema describes what a successful call returns, and clients check structured content against it
whenever it is present (the TypeScript SDK, under the MCP Inspector and most agent hosts, turns a
mismatch into a protocol error that hides the failure), so an error result has no structured content.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from envfactory_core.models import ToolResult, ToolSpec

from .keys import TOOL_EFFECT_KEY, TOOL_ENVIRONMENT_KEY, TOOL_MASKED_KEY

__all__ = ["is_modern", "payload_text", "publish_result", "publish_tool"]


def is_modern(protocol_version: str | None) -> bool:
    """Whether ``protocol_version`` is of the 2026-07-28 era (any output schema and value allowed)."""
    return protocol_version in MODERN_PROTOCOL_VERSIONS


def payload_text(payload: Any) -> str:
    """The text content of a result: the payload as JSON, unescaped."""
    return json.dumps(payload, ensure_ascii=False)


def publish_tool(name: str, spec: ToolSpec, *, environment: str, protocol_version: str | None) -> types.Tool:
    """``spec`` as an MCP tool called ``name`` (bare or ``env__tool``)."""
    output_schema = spec.output_schema
    if output_schema is not None and not is_modern(protocol_version) and output_schema.get("type") != "object":
        output_schema = None
    meta: dict[str, Any] = {TOOL_ENVIRONMENT_KEY: environment, TOOL_EFFECT_KEY: spec.effect}
    if spec.masked_arguments:
        meta[TOOL_MASKED_KEY] = list(spec.masked_arguments)
    return types.Tool(
        name=name,
        description=spec.description,
        input_schema=spec.input_schema,
        output_schema=output_schema,
        annotations=types.ToolAnnotations(read_only_hint=spec.effect == "read", open_world_hint=False),
        _meta=meta,
    )


def publish_result(
    result: ToolResult, *, protocol_version: str | None, meta: dict[str, Any] | None = None
) -> types.CallToolResult:
    """``result`` as an MCP result; a failed call is a tool error (``isError``), never a protocol error."""
    payload = result.as_payload()
    structured: Any = payload
    if not result.ok:
        structured = None
    elif not is_modern(protocol_version) and not isinstance(payload, dict):
        structured = {"result": payload}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=payload_text(payload))],
        structured_content=structured,
        is_error=not result.ok,
        _meta=meta or None,
    )
