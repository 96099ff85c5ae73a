"""An authentic source an environment is built from."""

from __future__ import annotations

import attrs

from .specs import Provenance

__all__ = ["Resource"]


@attrs.frozen(kw_only=True)
class Resource:
    """A source document: an OpenAPI file, metadata JSON, a sketch, an MCP listing, a doc page.

    ``kind`` names the loader format (``openapi``, ``metadata``, ``sketch``, ``mcp_listing``,
    ``text``); ``text`` holds the document as read, so a resource is self-contained.
    """

    kind: str
    name: str
    uri: str
    media_type: str
    text: str
    provenance: Provenance = attrs.field(factory=Provenance)
