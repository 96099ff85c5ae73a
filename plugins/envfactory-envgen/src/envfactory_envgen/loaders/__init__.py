"""Resource loaders: OpenAPI documents, metadata JSON, Python sketches, saved MCP tool listings."""

from .mcp_listing import McpListingSpecLoader, listing_spec
from .metadata import MetadataLoader
from .openapi import OpenApiLoader
from .sketch import SketchLoader
from .sniff import resolve_loader_name

__all__ = [
    "McpListingSpecLoader",
    "MetadataLoader",
    "OpenApiLoader",
    "SketchLoader",
    "listing_spec",
    "resolve_loader_name",
]
