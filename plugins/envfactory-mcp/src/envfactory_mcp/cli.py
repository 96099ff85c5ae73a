"""``envfactory serve`` and ``envfactory mcp save-listing``."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import click

from envfactory_core.cli.app import App, echo_json, fail, handle_errors, pass_app, stderr_console
from envfactory_core.contracts import ENVIRONMENT
from envfactory_core.env import Environment

from .frontdoor import TOKEN_ENV
from .transports import HttpOptions, is_loopback, serve_http, serve_stdio

__all__ = ["mcp_group", "serve_command"]


def _environments(app: App, names: tuple[str, ...]) -> list[Environment]:
    found: list[Environment] = []
    for name in names:
        component: object = app.registry.get(ENVIRONMENT, name)  # the registry does not check types
        if isinstance(component, Environment):
            found.append(component)
        else:
            fail(f"environment {name!r} is registered as a {type(component).__name__}, not an Environment")
    return found


@click.command("serve")
@click.argument("environments", nargs=-1, required=True, metavar="ENV...")
@click.option(
    "--transport",
    type=click.Choice(["stdio", "http"]),
    default="stdio",
    show_default=True,
    help="stdio: one client, the process that started this one. http: streamable HTTP at /mcp, many clients.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (http only).")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (http only; 0: any free port)."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every new episode's initial state.")
@click.option(
    "--management",
    is_flag=True,
    help="Also serve the management tools (reset, state hash, diff, close) and envfactory:// resources. "
    "The tools are listed only to requests whose _meta has envfactory/management: true.",
)
@click.option(
    "--prefix/--no-prefix",
    default=None,
    help="Name tools env__tool (default: only when serving several environments).",
)
@click.option(
    "--max-episodes",
    type=click.IntRange(min=1),
    default=512,
    show_default=True,
    help="Most episodes alive at once (sessions, named and per-request); beyond it new ones are refused.",
)
@click.option(
    "--episode-idle-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=1800.0,
    show_default=True,
    help="Seconds after which an unused named episode (envfactory/episode_id) is released; "
    "also the idle timeout of HTTP sessions.",
)
@click.option(
    "--stateless", is_flag=True, help="http: no MCP sessions; requests without an episode id get a fresh episode each."
)
@click.option("--sse", is_flag=True, help="http: answer with SSE streams instead of plain JSON responses.")
@click.option(
    "--client-limit",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="http: most MCP sessions, and most named episodes, one client (one address) may hold at once.",
)
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    default=None,
    help=f"http: require Authorization: Bearer TOKEN on every request (or set {TOKEN_ENV}). "
    "Required when --host is not a loopback address.",
)
@pass_app
@handle_errors
def serve_command(
    app: App,
    environments: tuple[str, ...],
    transport: str,
    host: str,
    port: int,
    seed: int,
    management: bool,
    prefix: bool | None,
    max_episodes: int,
    episode_idle_timeout: float,
    stateless: bool,
    sse: bool,
    client_limit: int,
    token: str | None,
) -> None:
    """Serve ENV... (registered environments) as one MCP server.

    Each client gets its own episode: an MCP session (HTTP) or a stdio connection has one, and a
    request whose _meta carries envfactory/episode_id uses that named episode (ids are
    server-wide, so sessionless clients keep their state). A sessionless request without an id
    gets a fresh episode. Nothing is shared between clients.

    \b
    Examples:
      envfactory serve utilities/weather               # stdio, for an MCP client config
      envfactory serve utilities/weather lifestyle/restaurants --transport http --port 8000
    """
    from .server import EnvironmentServer

    if transport == "http" and not is_loopback(host) and not token:
        fail(
            f"--host {host} is reachable from other machines, so the server needs a token: pass --token TOKEN "
            f"or set {TOKEN_ENV} (clients send Authorization: Bearer TOKEN), or serve on 127.0.0.1"
        )
    server = EnvironmentServer(
        _environments(app, environments),
        seed=seed,
        management=management,
        prefix=prefix,
        max_episodes=max_episodes,
        idle_timeout=episode_idle_timeout,
        client_limit=client_limit,
    )
    console = stderr_console()
    served = ", ".join(environment.name for environment in server.environments)
    summary = f"{len(server.tools)} tools of {served} (seed {seed}{', management on' if management else ''})"
    try:
        if transport == "stdio":
            console.print(f"envfactory-mcp: serving {summary} over stdio", highlight=False, soft_wrap=True)
            anyio.run(serve_stdio, server)
        else:
            options = HttpOptions(
                stateless=stateless, session_idle_timeout=episode_idle_timeout, json_response=not sse, token=token
            )

            def ready(url: str) -> None:
                console.print(f"envfactory-mcp: serving {summary} at {url}", highlight=False, soft_wrap=True)
                sys.stderr.flush()

            try:
                anyio.run(lambda: serve_http(server, host=host, port=port, options=options, ready=ready))
            except OSError as error:
                fail(
                    f"cannot listen on {host}:{port}: {error.strerror or error}; "
                    "choose another --port (0: any free port)"
                )
    except KeyboardInterrupt:
        pass
    stats = server.pool.stats()
    console.print(
        f"envfactory-mcp: stopped; {stats['opened']} episodes opened, {stats['released']} released",
        highlight=False,
        soft_wrap=True,
    )


@click.group("mcp")
def mcp_group() -> None:
    """Work with MCP servers: save a server's tool listing as a resource."""


@mcp_group.command("save-listing")
@click.argument("source")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write (JSON)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the server.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of a sentence.")
@handle_errors
def save_listing_command(source: str, out: Path, timeout: float, as_json: bool) -> None:
    """Connect to the MCP server SOURCE and save its tools/list as an mcp_listing resource.

    SOURCE is a streamable-HTTP URL (http://host:port/mcp, or mcp+http://...) or a command that
    speaks MCP over stdio, prefixed with stdio: (quote it). The file is what the mcp/listing
    loader reads back offline.

    \b
    Examples:
      envfactory mcp save-listing http://127.0.0.1:8000/mcp --out calendar.mcp.json
      envfactory mcp save-listing "stdio:envfactory serve utilities/weather" --out weather.mcp.json
    """
    from .listing import fetch_listing_sync, listing_text

    console = stderr_console()
    console.print(f"Connecting to {source} ...", highlight=False, soft_wrap=True)
    listing = fetch_listing_sync(source, timeout=timeout)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(listing_text(listing), encoding="utf-8")
    tools = listing["tools"]
    server = (listing.get("server") or {}).get("name") or source
    if as_json:
        echo_json(
            {"out": str(out), "server": server, "tools": len(tools), "protocol_version": listing["protocolVersion"]}
        )
    else:
        click.echo(f"Saved {len(tools)} tools of {server} to {out}")
