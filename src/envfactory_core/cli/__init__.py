"""The ``envfactory`` command line.

Plugins add commands through the ``register_commands`` hook. Every command that prints a table
or report also takes ``--json`` and then prints only JSON on stdout; progress and logs go to
stderr. Exit codes: 0 success, 1 a check failed, 2 bad usage or input.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..distributions import PLUGIN_COMMANDS, install_command
from ..errors import EnvFactoryError
from ..plugins import make_plugin_manager
from .app import App, pass_app

__all__ = ["App", "build_cli", "main", "pass_app"]


def _plugins_dirs(argv: Sequence[str]) -> list[str]:
    found: list[str] = []
    for index, word in enumerate(argv):
        if word == "--plugins-dir" and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif word.startswith("--plugins-dir="):
            found.append(word.split("=", 1)[1])
    return found


def _without_plugins_dirs(argv: Sequence[str]) -> list[str]:
    """``argv`` with every ``--plugins-dir`` moved to the front, so it works after the command too."""
    rest: list[str] = []
    skip = False
    for index, word in enumerate(argv):
        if skip:
            skip = False
            continue
        if word == "--plugins-dir" and index + 1 < len(argv):
            skip = True
            continue
        if word.startswith("--plugins-dir="):
            continue
        rest.append(word)
    return rest


class _Commands(click.Group):
    """The top-level group: an unknown command a plugin would bring says which one, and how to install it."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and self.get_command(ctx, name) is None and name in PLUGIN_COMMANDS:
            distribution = PLUGIN_COMMANDS[name]
            raise click.UsageError(
                f"No such command {name!r}: it comes with the {distribution} package, which is not installed. "
                f"Install it with: {install_command(distribution)}",
                ctx,
            )
        return super().resolve_command(ctx, args)


def build_cli(app: App) -> click.Group:
    """The command group with every built-in and plugin command."""

    @click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    @click.version_option(__version__, "--version", prog_name="envfactory", message="%(prog)s %(version)s")
    @click.option(
        "--plugins-dir",
        "plugins_dir",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Load every *.py file in this folder as a local plugin (repeatable).",
    )
    @click.pass_context
    def cli(ctx: click.Context, plugins_dir: tuple[str, ...]) -> None:
        """envfactory: manufacture verified training worlds for tool-using LLM agents.

        Build stateful tool environments, sample tool chains over their tool graph, ground them
        into verifiable tasks, collect and verify trajectories, and export SFT and RL data.
        Start with `envfactory run` (offline, on the installed domains) or `envfactory --help`
        on any command.
        """
        ctx.obj = app

    app.manager.hook.register_commands(cli=cli)
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``envfactory`` command."""
    args = list(sys.argv[1:] if argv is None else argv)
    directories = tuple(_plugins_dirs(args))
    args = [word for directory in directories for word in ("--plugins-dir", directory)] + _without_plugins_dirs(args)
    try:
        manager = make_plugin_manager(plugins_dirs=directories)
    except EnvFactoryError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    app = App(manager, plugins_dirs=directories)
    cli = build_cli(app)
    try:
        cli.main(args=args, prog_name="envfactory", standalone_mode=True)
    except EnvFactoryError as error:  # pragma: no cover - commands convert their own errors
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
