"""One MCP server for one or more environments, with one isolated episode per client.

The server is the SDK's low-level ``Server``: it publishes each tool's JSON Schema exactly as the
environment declares it and leaves argument checking to ``Episode.call``, which answers every bad
call with a structured failure. Those failures go back as MCP tool errors (``isError``), so a
model sees them and can correct itself; nothing a tool call does becomes a protocol error.

Which episode serves a request (see ``docs/how-to/serve-mcp.md``):

1. the request's ``_meta`` names one (``envfactory/episode_id``): that **named** episode;
2. else the request belongs to an MCP session (streamable HTTP with ``Mcp-Session-Id``): the
   session's own episode, released when the session ends;
3. else, on a stream transport (stdio, in-memory): the connection's own episode, released when the
   stream closes; a stdio server process has exactly one client;
4. else (sessionless HTTP): a fresh episode for this request only.

Tool names are the environment's own when one environment is served, and ``env__tool`` when
several are (or with ``prefix=True``), so one process can serve a whole world.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.shared.exceptions import MCPError

from envfactory_core.env import Environment, World
from envfactory_core.errors import ConfigError, Problem
from envfactory_core.models import ToolResult, ToolSpec, qualified_name

from . import __version__
from .episodes import EpisodeLimitError, EpisodeOwnerError, EpisodePool, Owner
from .keys import (
    EPISODE_ID_KEY,
    EPISODE_SCOPE_KEY,
    EPISODE_SHARED_KEY,
    MANAGEMENT_KEY,
    MANAGEMENT_PREFIX,
    MAX_EPISODE_ID_CHARS,
)
from .management import MANAGEMENT_RESOURCES, MANAGEMENT_TOOLS, call_management_tool
from .publish import publish_result, publish_tool

__all__ = ["EnvironmentServer", "PublishedTool"]

_SESSION_STATE_KEY = "envfactory.episode"


class PublishedTool:
    """A tool as served: its published name, its environment, its spec."""

    __slots__ = ("environment", "name", "spec")

    def __init__(self, name: str, environment: str, spec: ToolSpec) -> None:
        self.name = name
        self.environment = environment
        self.spec = spec


class _Lease:
    """The episode serving one request, what its result says about it, and how to close it."""

    __slots__ = ("close", "meta", "world")

    def __init__(self, world: World, meta: dict[str, Any], *, close: Callable[[], bool]) -> None:
        self.world = world
        self.meta = meta
        self.close = close


class _BadEpisodeId(ValueError):
    pass


class _RunScope:
    """What one run of the server (one stdio stream, one in-memory client) owns."""

    def __init__(self) -> None:
        self.world: World | None = None


def _episode_id(meta: Any) -> str | None:
    if not meta:
        return None
    value = meta.get(EPISODE_ID_KEY)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_EPISODE_ID_CHARS or not value.isprintable():
        raise _BadEpisodeId(
            f"_meta[{EPISODE_ID_KEY!r}] must be a string of 1-{MAX_EPISODE_ID_CHARS} printable characters, "
            f"got {value!r:.80}"
        )
    return value


CLIENT_SCOPE_KEY = "envfactory.client"
"""ASGI scope key the HTTP front door sets to the client's identity (its address)."""


def client_of(ctx: Any) -> str:
    """Who sent the request: the HTTP client's address, or "" on a stream transport (one client)."""
    request = getattr(ctx, "request", None)
    scope = getattr(request, "scope", None)
    if not isinstance(scope, dict):
        return ""
    known = scope.get(CLIENT_SCOPE_KEY)
    if isinstance(known, str):
        return known
    client = scope.get("client")
    return str(client[0]) if client else ""


def _owner(ctx: Any) -> Owner:
    connection = _session_connection(ctx)
    if connection is not None:
        return ("session", str(connection.session_id))
    client = client_of(ctx)
    return ("client", client) if client else ("connection", "")


def _session_connection(ctx: Any) -> Any:
    """The MCP session's connection, when the request belongs to a session (else None).

    The SDK keeps the connection on the per-request session object; a session has an id only on
    streamable HTTP with sessions. Should a future SDK move it, requests fall back to the
    stream or per-request episode, which is still isolated.
    """
    connection = getattr(ctx.session, "_connection", None)
    if connection is None or getattr(connection, "session_id", None) is None:
        return None
    return connection


class EnvironmentServer:
    """Serves ``environments`` over MCP; build the SDK server with :meth:`mcp_server`."""

    def __init__(
        self,
        environments: Sequence[Environment],
        *,
        seed: int = 0,
        size: int | None = None,
        management: bool = False,
        prefix: bool | None = None,
        max_episodes: int = 512,
        idle_timeout: float | None = 1800.0,
        client_limit: int | None = 64,
        name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        problems = []
        if not environments:
            problems.append(
                Problem(location="environments", message="no environment to serve", fix="name at least one")
            )
        names = [environment.name for environment in environments]
        for duplicate in sorted({n for n in names if names.count(n) > 1}):
            problems.append(Problem(location=f"environments.{duplicate}", message="given twice"))
        if "envfactory" in names:
            problems.append(
                Problem(
                    location="environments.envfactory",
                    message="the name 'envfactory' is reserved for management tools",
                    fix="rename the environment",
                )
            )
        if problems:
            raise ConfigError("cannot serve these environments", problems)
        self.environments = tuple(environments)
        self.seed = seed
        self.size = size
        self.management = management
        self.prefix = len(self.environments) > 1 if prefix is None else prefix
        self.name = name or "envfactory:" + "+".join(names)
        self.tools: dict[str, PublishedTool] = {}
        for environment in self.environments:
            for spec in environment.spec.tools:
                published = qualified_name(environment.name, spec.name) if self.prefix else spec.name
                if published in self.tools:
                    problems.append(
                        Problem(
                            location=f"tools.{published}",
                            message=f"both {self.tools[published].environment} and {environment.name} have this tool",
                            fix="serve them with prefixed names (drop --no-prefix)",
                        )
                    )
                self.tools[published] = PublishedTool(published, environment.name, spec)
        if problems:
            raise ConfigError("cannot serve these environments", problems)
        self.client_limit = client_limit
        self.pool = EpisodePool(
            self._open_world,
            max_episodes=max_episodes,
            idle_timeout=idle_timeout,
            clock=clock,
            max_named_per_client=client_limit,
        )

    async def _reap_idle_forever(self) -> None:
        """Release idle named episodes on a timer, not only when the next one is opened."""
        timeout = self.pool.idle_timeout
        if timeout is None:
            return
        interval = min(max(timeout / 4, 0.05), 30.0)
        while True:
            await anyio.sleep(interval)
            self.pool.reap_idle()

    def _open_world(self) -> World:
        return World.open(self.environments, seed=self.seed, size=self.size)

    # --- which episode serves a request --------------------------------------------------------

    @contextmanager
    def _lease(self, ctx: Any, *, stream_scoped: bool) -> Iterator[_Lease]:
        episode_id = _episode_id(ctx.meta)
        if episode_id is not None:
            shared = bool(ctx.meta and ctx.meta.get(EPISODE_SHARED_KEY) is True)
            world = self.pool.named(episode_id, owner=_owner(ctx), client=client_of(ctx), shared=shared)
            yield _Lease(
                world,
                {EPISODE_SCOPE_KEY: "named", EPISODE_ID_KEY: episode_id},
                close=lambda: self.pool.close_named(episode_id),
            )
            return
        connection = _session_connection(ctx)
        if connection is not None:
            world = connection.state.get(_SESSION_STATE_KEY)
            if world is None:
                world = self.pool.open()
                connection.state[_SESSION_STATE_KEY] = world
                connection.exit_stack.callback(self.pool.release, world)

            def close_session_episode() -> bool:
                self.pool.release(connection.state.pop(_SESSION_STATE_KEY))
                return True

            yield _Lease(world, {EPISODE_SCOPE_KEY: "session"}, close=close_session_episode)
            return
        scope = ctx.lifespan_context
        if stream_scoped and isinstance(scope, _RunScope):
            if scope.world is None:
                scope.world = self.pool.open()

            def close_connection_episode() -> bool:
                if scope.world is not None:
                    self.pool.release(scope.world)
                    scope.world = None
                return True

            yield _Lease(scope.world, {EPISODE_SCOPE_KEY: "connection"}, close=close_connection_episode)
            return
        world = self.pool.open()
        try:
            yield _Lease(world, {EPISODE_SCOPE_KEY: "request"}, close=lambda: True)
        finally:
            self.pool.release(world)

    # --- calling -------------------------------------------------------------------------------

    def call(self, world: World, name: str, arguments: object) -> ToolResult:
        """Run published tool ``name`` in ``world`` (the in-process path every transport shares)."""
        tool = self.tools.get(name)
        if tool is None:
            known = ", ".join(list(self.tools)[:40])
            more = f" and {len(self.tools) - 40} more" if len(self.tools) > 40 else ""
            return ToolResult.failure("unknown_tool", f"no tool {name!r} on this server; tools: {known}{more}")
        return world.episodes[tool.environment].call(tool.spec.name, arguments)

    def _list_tools(self, protocol_version: str | None, *, with_management: bool) -> list[types.Tool]:
        tools = [
            publish_tool(tool.name, tool.spec, environment=tool.environment, protocol_version=protocol_version)
            for tool in self.tools.values()
        ]
        if with_management:
            tools.extend(
                publish_tool(name, spec, environment="envfactory", protocol_version=protocol_version)
                for name, spec in MANAGEMENT_TOOLS.items()
            )
        return tools

    # --- the SDK server ------------------------------------------------------------------------

    def mcp_server(self, *, stream_scoped: bool = True) -> Server[Any]:
        """A low-level SDK server for one transport.

        ``stream_scoped``: a request that names no episode and has no MCP session uses one episode
        per server run (right for stdio and in-memory clients, where a run is one client); with
        False (streamable HTTP, where a run is the whole server) it gets a fresh episode.
        """

        @asynccontextmanager
        async def lifespan(_server: Server[Any]) -> AsyncIterator[_RunScope]:
            scope = _RunScope()
            try:
                async with anyio.create_task_group() as group:
                    group.start_soon(self._reap_idle_forever)
                    try:
                        yield scope
                    finally:
                        group.cancel_scope.cancel()
            finally:
                if scope.world is not None:
                    self.pool.release(scope.world)
                if not stream_scoped:
                    self.pool.close_all()

        async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
            wants = bool(params is not None and params.meta and params.meta.get(MANAGEMENT_KEY) is True)
            return types.ListToolsResult(
                tools=self._list_tools(ctx.protocol_version, with_management=self.management and wants)
            )

        async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
            version = ctx.protocol_version
            try:
                with self._lease(ctx, stream_scoped=stream_scoped) as lease:
                    if self.management and params.name.startswith(MANAGEMENT_PREFIX):
                        result = call_management_tool(params.name, params.arguments, lease.world, close=lease.close)
                    else:
                        result = self.call(lease.world, params.name, params.arguments)
                    return publish_result(result, protocol_version=version, meta=lease.meta)
            except (_BadEpisodeId, EpisodeOwnerError) as error:
                failure = ToolResult.failure("invalid_arguments", str(error), argument=f"_meta.{EPISODE_ID_KEY}")
                return publish_result(failure, protocol_version=version)
            except EpisodeLimitError as error:
                return publish_result(ToolResult.failure("limit", str(error)), protocol_version=version)

        handlers: dict[str, Any] = {"on_list_tools": list_tools, "on_call_tool": call_tool}
        if self.management:

            async def list_resources(
                ctx: Any, params: types.PaginatedRequestParams | None
            ) -> types.ListResourcesResult:
                return types.ListResourcesResult(
                    resources=[
                        types.Resource(uri=r.uri, name=r.name, description=r.description, mime_type="application/json")
                        for r in MANAGEMENT_RESOURCES.values()
                    ]
                )

            async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
                resource = MANAGEMENT_RESOURCES.get(str(params.uri))
                if resource is None:
                    raise MCPError(
                        code=types.INVALID_PARAMS,
                        message=f"no resource {params.uri!s}; resources: {', '.join(MANAGEMENT_RESOURCES)}",
                    )
                try:
                    if resource.needs_episode:
                        with self._lease(ctx, stream_scoped=stream_scoped) as lease:
                            text = resource.read(lease.world, self.pool.stats())
                    else:
                        text = resource.read(None, self.pool.stats())
                except (_BadEpisodeId, EpisodeLimitError, EpisodeOwnerError) as error:
                    raise MCPError(code=types.INVALID_PARAMS, message=str(error)) from error
                return types.ReadResourceResult(
                    contents=[types.TextResourceContents(uri=resource.uri, mime_type="application/json", text=text)]
                )

            handlers["on_list_resources"] = list_resources
            handlers["on_read_resource"] = read_resource

        return Server(
            self.name,
            version=__version__,
            description="EnvFactory environments: " + ", ".join(e.name for e in self.environments),
            instructions=self._instructions(),
            lifespan=lifespan,
            get_tool_input_schema=self._input_schema,
            **handlers,
        )

    def _input_schema(self, name: str) -> dict[str, Any] | None:
        tool = self.tools.get(name)
        return tool.spec.input_schema if tool is not None else None

    def _instructions(self) -> str:
        lines = []
        for environment in self.environments:
            lines.append(f"{environment.name}: {environment.description}".strip())
            if environment.policy:
                lines.append(f"Policy of {environment.name}: {environment.policy}")
        return "\n".join(lines)
