"""Which loader reads a source, decided from the file name and its first bytes (never by running it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["head", "is_openapi", "resolve_loader_name"]

_OPENAPI = re.compile(r"""^\s*["']?(openapi|swagger)["']?\s*:""", re.MULTILINE)
_DATA_SUFFIXES = (".json", ".yaml", ".yml")


def head(path: Path, size: int = 65536) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(size).decode("utf-8", "replace")
    except OSError:
        return ""


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def is_openapi(path: Path) -> bool:
    """Whether the parsed top level of ``path`` has ``openapi`` or ``swagger`` (any formatting, JSON or YAML)."""
    if _OPENAPI.search(head(path)):
        return True
    if path.suffix.lower() == ".json" or head(path, 64).lstrip().startswith("{"):
        data = _json(path)
        return isinstance(data, dict) and ("openapi" in data or "swagger" in data)
    return False


def resolve_loader_name(source: str) -> str | None:
    """``envgen/openapi``, ``envgen/metadata``, ``envgen/sketch``, ``envgen/mcp_listing``, or None."""
    path = Path(source)
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix == ".py":
        return "envgen/sketch"
    if suffix not in _DATA_SUFFIXES:
        return None
    text = head(path)
    if _OPENAPI.search(text):
        return "envgen/openapi"
    if suffix == ".json":
        data = _json(path)
        if isinstance(data, dict):
            if "openapi" in data or "swagger" in data:
                return "envgen/openapi"
            if "class_name" in data and "tools" in data:
                return "envgen/metadata"
            tools = data.get("tools")
            if tools is None and isinstance(data.get("result"), dict):
                tools = data["result"].get("tools")
            if isinstance(tools, list):
                return "envgen/mcp_listing"
    if not text.strip() or suffix in (".yaml", ".yml"):
        return "envgen/openapi"  # an empty or unreadable YAML file gets the OpenAPI reader's clear error
    return None
