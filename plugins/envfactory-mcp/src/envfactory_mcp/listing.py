"""Reading any MCP server's tool listing, and the ``mcp/listing`` resource loader.

A listing is what a server answers to ``tools/list`` (every page), kept in the wire format (camelCase
keys, schemas untouched) together with the server's name and the protocol version spoken. The
environment synthesis loaders read it as a :class:`~envfactory_core.models.Resource` of kind
``mcp_listing``; ``envfactory mcp save-listing`` writes it to a file that this loader reads back
offline.

Sources:

* ``http://host:port/mcp`` / ``https://…`` (also spelled ``mcp+http://…``): streamable HTTP;
* ``stdio:COMMAND ARGS…`` (also ``mcp+stdio:…``): a command speaking MCP on stdin/stdout,
  split like a shell would;
* a saved listing file (``*.json`` written by ``save-listing``).
"""

from __future__ import annotations

import asyncio
import json
import shlex
import threading
from pathlib import Path
from typing import Any

import anyio
import attrs

from envfactory_core.errors import ConfigError, EnvFactoryError, Problem
from envfactory_core.loaders import LoadResult
from envfactory_core.models import Provenance, Resource

__all__ = [
    "LISTING_FORMAT",
    "ListingError",
    "McpListingLoader",
    "McpSource",
    "fetch_listing",
    "fetch_listing_sync",
    "listing_resource",
    "listing_text",
    "parse_source",
]

LISTING_FORMAT = "envfactory/mcp_listing@1"
"""The ``format`` field of a saved listing."""

_MAX_PAGES = 1000


class ListingError(EnvFactoryError, RuntimeError):
    """The MCP server could not be reached or did not answer ``tools/list``."""


@attrs.frozen(kw_only=True)
class McpSource:
    """Where an MCP server is: a streamable-HTTP URL or a stdio command."""

    text: str
    url: str = ""
    command: tuple[str, ...] = ()

    @property
    def transport(self) -> str:
        return "http" if self.url else "stdio"


def parse_source(source: str) -> McpSource:
    """Parse a listing source; a :class:`ConfigError` says which forms are accepted."""
    text = source.strip()
    lowered = text.lower()
    if lowered.startswith("mcp+"):
        text = text[4:]
        lowered = lowered[4:]
    if lowered.startswith(("http://", "https://")):
        return McpSource(text=source, url=text)
    if lowered.startswith("stdio:"):
        try:
            command = tuple(shlex.split(text[6:]))
        except ValueError as error:
            raise ConfigError(
                "cannot read the MCP source",
                [Problem(location="source", message=f"bad quoting in the command: {error}")],
            ) from error
        if command:
            return McpSource(text=source, command=command)
    raise ConfigError(
        "cannot read the MCP source",
        [
            Problem(
                location="source",
                message=f"{source!r} is neither an http(s) URL nor a stdio: command",
                fix="give http://host:port/mcp or 'stdio:COMMAND ARGS...'",
            )
        ],
    )


async def fetch_listing(source: str | McpSource, *, timeout: float = 60.0) -> dict[str, Any]:
    """Connect to ``source`` and return its listing (every ``tools/list`` page)."""
    from mcp import Client, StdioServerParameters

    parsed = source if isinstance(source, McpSource) else parse_source(source)
    target: Any
    if parsed.url:
        target = parsed.url
    else:
        target = StdioServerParameters(command=parsed.command[0], args=list(parsed.command[1:]))
    tools: list[dict[str, Any]] = []
    try:
        with anyio.fail_after(timeout):
            async with Client(target) as client:
                cursor: str | None = None
                for _ in range(_MAX_PAGES):
                    page = await client.list_tools(cursor=cursor)
                    tools.extend(tool.model_dump(by_alias=True, mode="json", exclude_none=True) for tool in page.tools)
                    cursor = page.next_cursor
                    if not cursor:
                        break
                info = client.server_info
                version = client.protocol_version
    except TimeoutError as error:
        raise ListingError(f"{parsed.text}: no tool listing within {timeout:g} s; is the server running?") from error
    except EnvFactoryError:
        raise
    except Exception as error:
        reason = _reason(error)
        raise ListingError(f"{parsed.text}: cannot read the tool listing: {reason}") from error
    server = info.model_dump(by_alias=True, mode="json", exclude_none=True) if info is not None else None
    return {
        "format": LISTING_FORMAT,
        "source": parsed.text,
        "transport": parsed.transport,
        "protocolVersion": version,
        "server": server,
        "tools": tools,
    }


def _reason(error: BaseException) -> str:
    """The innermost meaningful message of an (exception-group) error."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def fetch_listing_sync(source: str | McpSource, *, timeout: float = 60.0) -> dict[str, Any]:
    """:func:`fetch_listing` for synchronous callers (runs in a worker thread inside an event loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return anyio.run(lambda: fetch_listing(source, timeout=timeout))
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = anyio.run(lambda: fetch_listing(source, timeout=timeout))
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=run, name="envfactory-mcp-listing")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def listing_text(listing: dict[str, Any]) -> str:
    """A listing as stable JSON text (sorted keys, tools in the server's order)."""
    return json.dumps(listing, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def listing_resource(listing: dict[str, Any]) -> Resource:
    """A listing as a ``mcp_listing`` resource."""
    source = str(listing.get("source", ""))
    server = listing.get("server") or {}
    name = str(server.get("name") or source)
    return Resource(
        kind="mcp_listing",
        name=name,
        uri=source,
        media_type="application/json",
        text=listing_text(listing),
        provenance=Provenance(
            source=name,
            url=source if source.lower().removeprefix("mcp+").startswith(("http://", "https://")) else "",
            generator="envfactory-mcp listing",
            notes=f"tools/list over {listing.get('transport', '?')}, protocol {listing.get('protocolVersion', '?')}",
        ),
    )


def _saved_listing(path: Path) -> dict[str, Any] | None:
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, dict) and data.get("format") == LISTING_FORMAT:
        return data
    return None


def _check_saved(path: Path, data: dict[str, Any]) -> None:
    problems = []
    tools = data.get("tools")
    if not isinstance(tools, list):
        problems.append(Problem(location=f"{path}: tools", message="must be a list of tools"))
    else:
        for index, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
                problems.append(Problem(location=f"{path}: tools[{index}]", message="a tool needs a string name"))
            elif not isinstance(tool.get("inputSchema"), dict):
                problems.append(Problem(location=f"{path}: tools[{index}].inputSchema", message="must be an object"))
    if problems:
        raise ConfigError(f"{path} is not a valid MCP listing", problems)


class McpListingLoader:
    """Read an MCP server's tools/list (a live server or a saved listing) as an mcp_listing resource."""

    name = "listing"
    description = (
        "Read an MCP server's tools/list (HTTP URL, stdio: command, or saved listing) as an mcp_listing resource."
    )

    def __init__(self, *, timeout: float = 60.0) -> None:
        self.timeout = timeout

    def can_load(self, source: str) -> bool:
        lowered = source.strip().lower()
        if lowered.startswith(("mcp+http://", "mcp+https://", "mcp+stdio:", "stdio:")):
            return True
        if lowered.startswith(("http://", "https://")):
            return lowered.split("?", 1)[0].rstrip("/").endswith("/mcp")
        return _saved_listing(Path(source)) is not None

    def load(self, source: str) -> LoadResult:
        saved = (
            _saved_listing(Path(source)) if not source.strip().lower().startswith(("http", "mcp+", "stdio:")) else None
        )
        if saved is not None:
            _check_saved(Path(source), saved)
            listing = saved
        else:
            listing = fetch_listing_sync(source, timeout=self.timeout)
        resource = listing_resource(listing)
        return LoadResult(
            resources=(resource,),
            details={
                "tools": len(listing["tools"]),
                "server": resource.name,
                "protocol_version": listing.get("protocolVersion"),
            },
        )
