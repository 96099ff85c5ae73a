"""``envfactory serve``: bad input is refused with the fix, and the process stops cleanly."""

from __future__ import annotations

import signal
import socket

import pytest
from click.testing import CliRunner
from envfactory_mcp import plugin as mcp_plugin
from envfactory_testing import fresh_plugin_manager

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App


@pytest.fixture
def cli(fixture_envs):
    manager = fresh_plugin_manager(plugins=[("mcp", mcp_plugin), ("fixtures", fixture_envs)])
    return build_cli(App(manager))


def test_an_unknown_environment_exits_2_naming_the_registered_ones(cli):
    result = CliRunner().invoke(cli, ["serve", "fixtures/nope"])
    assert result.exit_code == 2
    assert "unknown environment 'fixtures/nope'" in result.stderr
    assert "fixtures/ledger" in result.stderr


def test_a_busy_port_exits_2_and_suggests_another(cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "ledger", "--transport", "http", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr


def test_help_explains_isolation_and_management(cli):
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "envfactory/episode_id" in result.output
    assert "--management" in result.output
    listing_help = CliRunner().invoke(cli, ["mcp", "save-listing", "--help"])
    assert "stdio:" in listing_help.output


def test_sigterm_stops_an_http_server_with_a_summary(start_server):
    server = start_server("local/notes")
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    assert any("stopped; 0 episodes opened, 0 released" in line for line in server.output())


def test_the_listening_socket_turns_nagle_off_for_every_connection():
    from envfactory_mcp.transports import bind, url_of

    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY only on sockets that say so
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        assert url_of(sock) == f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"
        with socket.create_connection(sock.getsockname()[:2]) as _client:
            accepted, _ = _accept(sock)
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        sock.close()


def _accept(sock):
    sock.setblocking(True)
    sock.settimeout(10)
    return sock.accept()
