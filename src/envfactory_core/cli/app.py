"""What every command shares: the plugin manager, the registry, and output helpers."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click
from rich.console import Console

from ..errors import EnvFactoryError
from ..ids import JsonValue
from ..plugins import PluginManager
from ..registry import Registry

__all__ = ["App", "echo_json", "fail", "handle_errors", "pass_app", "stderr_console"]

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """The state of one ``envfactory`` invocation."""

    def __init__(self, manager: PluginManager, *, plugins_dirs: tuple[str, ...] = ()) -> None:
        self.manager = manager
        self.registry = Registry(manager)
        self.plugins_dirs = plugins_dirs


pass_app = click.make_pass_decorator(App)


def stderr_console() -> Console:
    """A console for progress and logs: stderr, so stdout stays clean for ``--json``."""
    return Console(stderr=True)


def stdout_console() -> Console:
    """A console for tables and reports; wide when stdout is not a terminal (pipes, files, CI logs)."""
    return Console() if sys.stdout.isatty() else Console(width=140)


def echo_json(data: JsonValue) -> None:
    """Print ``data`` as JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def fail(message: str, code: int = 2) -> None:
    """Print an error on stderr and exit with ``code`` (2: bad usage or input)."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def handle_errors(function: F) -> F:
    """Turn envfactory errors into a clean message and exit code 2."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except EnvFactoryError as error:
            fail(str(error))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise SystemExit(130) from None

    return cast(F, wrapper)
