"""The mcp/listing loader and ``envfactory mcp save-listing``: any MCP server's tools/list as a resource."""

from __future__ import annotations

import json
import socket
import sys

import pytest
from click.testing import CliRunner
from envfactory_mcp import plugin as mcp_plugin
from envfactory_mcp.listing import LISTING_FORMAT, ListingError, McpListingLoader, parse_source
from envfactory_testing import fresh_plugin_manager

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.contracts import RESOURCE_LOADER, ResourceLoader
from envfactory_core.errors import ConfigError
from envfactory_core.registry import Registry


@pytest.fixture
def manager():
    return fresh_plugin_manager(plugins=[("mcp", mcp_plugin)])


def test_the_loader_is_registered_under_its_name(manager):
    loader = Registry(manager).get(RESOURCE_LOADER, "mcp/listing")
    assert isinstance(loader, McpListingLoader)
    assert isinstance(loader, ResourceLoader)


@pytest.mark.parametrize(
    ("source", "url", "command"),
    [
        ("http://127.0.0.1:8000/mcp", "http://127.0.0.1:8000/mcp", ()),
        ("mcp+https://example.org/tools/mcp", "https://example.org/tools/mcp", ()),
        ("stdio:envfactory serve 'local/notes'", "", ("envfactory", "serve", "local/notes")),
        ("mcp+stdio:python -m server", "", ("python", "-m", "server")),
    ],
)
def test_sources_are_urls_or_stdio_commands(source, url, command):
    parsed = parse_source(source)
    assert (parsed.url, parsed.command) == (url, command)
    assert parsed.transport == ("http" if url else "stdio")


@pytest.mark.parametrize("source", ["", "stdio:", "ftp://host/mcp", "listing.json", "stdio:'unclosed"])
def test_other_sources_are_refused_with_the_accepted_forms(source):
    with pytest.raises(ConfigError, match="source"):
        parse_source(source)


def test_can_load_claims_only_mcp_looking_sources(tmp_path):
    loader = McpListingLoader()
    assert loader.can_load("http://127.0.0.1:8000/mcp")
    assert loader.can_load("stdio:envfactory serve x")
    assert loader.can_load("mcp+https://example.org/api")
    assert not loader.can_load("https://example.org/openapi.json")
    other = tmp_path / "openapi.json"
    other.write_text(json.dumps({"openapi": "3.1.0"}))
    assert not loader.can_load(str(other))


def test_a_live_http_server_listing_round_trips_through_a_file(fixture_envs, http_server, manager, tmp_path):
    loader = McpListingLoader(timeout=60)
    result = loader.load(http_server.url)
    (resource,) = result.resources
    assert resource.kind == "mcp_listing"
    assert resource.media_type == "application/json"
    assert resource.uri == http_server.url
    listing = json.loads(resource.text)
    assert listing["format"] == LISTING_FORMAT
    assert listing["server"]["name"] == resource.name == "envfactory:ledger+notes"
    tools = {tool["name"]: tool for tool in listing["tools"]}
    assert tools["ledger__deposit"]["inputSchema"] == fixture_envs.ledger.spec.tool("deposit").input_schema
    assert tools["notes__add_note"]["annotations"]["readOnlyHint"] is False
    assert not any(name.startswith("envfactory__") for name in tools)
    assert result.details["tools"] == len(tools) == 7

    out = tmp_path / "listing.mcp.json"
    arguments = ["mcp", "save-listing", http_server.url, "--out", str(out), "--json"]
    saved = CliRunner().invoke(build_cli(App(manager)), arguments)
    assert saved.exit_code == 0, saved.output
    assert json.loads(saved.stdout)["tools"] == 7
    assert json.loads(out.read_text()) == listing

    assert loader.can_load(str(out))
    assert manager.hook.resolve_resource_loader(source=str(out)) == "mcp/listing"
    reloaded = loader.load(str(out))
    assert reloaded.resources == result.resources


def test_a_stdio_command_listing(fixture_envs, fixture_plugins_dir):
    command = (
        f"stdio:env ENVFACTORY_LOAD_PLUGINS=envfactory-mcp {sys.executable} -m envfactory_mcp "
        f"--plugins-dir {fixture_plugins_dir} local/notes"
    )
    (resource,) = McpListingLoader(timeout=60).load(command).resources
    listing = json.loads(resource.text)
    assert listing["transport"] == "stdio"
    assert [tool["name"] for tool in listing["tools"]] == [spec.name for spec in fixture_envs.notes.spec.tools]


def test_an_unreachable_server_is_a_clear_error(manager, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/mcp"
    with pytest.raises(ListingError, match="cannot read the tool listing"):
        McpListingLoader(timeout=20).load(url)
    arguments = ["mcp", "save-listing", url, "--out", str(tmp_path / "x.json")]
    result = CliRunner().invoke(build_cli(App(manager)), arguments)
    assert result.exit_code == 2
    assert "cannot read the tool listing" in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_a_damaged_saved_listing_names_the_problem(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"format": LISTING_FORMAT, "tools": [{"name": "x"}]}))
    with pytest.raises(ConfigError, match=r"tools\[0\]\.inputSchema"):
        McpListingLoader().load(str(path))
