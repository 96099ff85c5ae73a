"""Lazy commands: listed from their summary, imported when used, errors naming the plugin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner

from envfactory_core.cli import App, build_cli, main
from envfactory_core.cli.lazy import LazyCommand
from envfactory_core.errors import PluginError
from envfactory_core.plugins import make_plugin_manager

MODULE = "envfactory_test_lazy_target"


@click.group("greet")
def greet_group() -> None:
    """Say hello to someone. Then say nothing more."""


@greet_group.command("hello")
@click.argument("name")
def hello_command(name: str) -> None:
    click.echo(f"hello {name}")


@pytest.fixture
def target_module() -> Iterator[ModuleType]:
    module = ModuleType(MODULE)
    module.greet_group = greet_group  # type: ignore[attr-defined]
    module.not_a_command = object()  # type: ignore[attr-defined]
    sys.modules[MODULE] = module
    yield module
    del sys.modules[MODULE]


def _root(*commands: click.Command) -> click.Group:
    @click.group()
    def root() -> None:
        """A root group."""

    for command in commands:
        root.add_command(command)
    return root


def _loaded(command: LazyCommand) -> bool:
    # A call, not the attribute: the checker would narrow the attribute to False after the first assert.
    return command.loaded


def _lazy_commands(group: click.Group) -> Iterator[LazyCommand]:
    for command in group.commands.values():
        if isinstance(command, LazyCommand):
            yield command
        elif isinstance(command, click.Group):
            yield from _lazy_commands(command)


def test_every_lazy_command_is_listed_as_the_command_it_loads() -> None:
    cli = build_cli(App(make_plugin_manager()))
    lazy = list(_lazy_commands(cli))
    assert {"run", "envs", "plugins"} <= {command.name for command in lazy}
    for command in lazy:
        real = command.load()
        assert real.name == command.name, command.target
        for limit in (45, 60, 100):
            assert command.get_short_help_str(limit) == real.get_short_help_str(limit), command.target


def test_a_lazy_group_runs_its_subcommands(target_module: ModuleType) -> None:
    lazy = LazyCommand("greet", f"{MODULE}:greet_group", summary="Say hello to someone.", plugin="greeter")
    root = _root(lazy)
    assert not _loaded(lazy)
    listing = CliRunner().invoke(root, ["--help"])
    assert "Say hello to someone." in listing.output
    assert not _loaded(lazy)
    result = CliRunner().invoke(root, ["greet", "hello", "ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello ada\n"
    assert _loaded(lazy)
    assert "hello" in CliRunner().invoke(root, ["greet", "--help"]).output


def test_options_added_before_loading_reach_the_real_command(target_module: ModuleType) -> None:
    @click.command("plain")
    def plain() -> None:
        click.echo("plain")

    target_module.plain = plain  # type: ignore[attr-defined]
    lazy = LazyCommand("plain", f"{MODULE}:plain", summary="Plain.", plugin="greeter")
    lazy.params.append(click.Option(["--extra"], expose_value=False))
    assert "--extra" in CliRunner().invoke(_root(lazy), ["plain", "--help"]).output
    assert [param.name for param in plain.params] == ["extra"]
    lazy_again = LazyCommand("plain", f"{MODULE}:plain", summary="Plain.", plugin="greeter")
    lazy_again.params.append(click.Option(["--extra"], expose_value=False))
    lazy_again.load()
    assert [param.name for param in plain.params] == ["extra"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("envfactory_no_such_module:command", "failed to import 'envfactory_no_such_module'"),
        (f"{MODULE}:not_a_command", "is not a click command"),
        (f"{MODULE}:missing", "is not a click command"),
    ],
)
def test_a_broken_lazy_command_names_its_plugin(target_module: ModuleType, target: str, message: str) -> None:
    lazy = LazyCommand("broken", target, summary="Broken.", plugin="broken-plugin")
    with pytest.raises(PluginError, match=message) as caught:
        lazy.load()
    assert "broken-plugin" in str(caught.value)


def test_a_target_without_an_attribute_is_refused() -> None:
    with pytest.raises(PluginError, match="sloppy"):
        LazyCommand("bad", "just_a_module", summary="Bad.", plugin="sloppy")


BROKEN_PLUGIN = """
from envfactory_core import hookimpl
from envfactory_core.cli.lazy import LazyCommand


@hookimpl
def register_commands(cli):
    command = LazyCommand("broken", "envfactory_no_such_module:command", summary="Broken.", plugin="local.broken")
    cli.add_command(command)
"""


def test_the_command_line_reports_a_broken_lazy_command_naming_the_plugin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["--plugins-dir", str(tmp_path), "--help"])
    assert "Broken." in capsys.readouterr().out
    with pytest.raises(SystemExit) as stopped:
        main(["--plugins-dir", str(tmp_path), "broken"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "plugin 'local.broken'" in error
    assert "envfactory_no_such_module" in error
