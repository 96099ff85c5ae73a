"""Commands whose code is imported only when they are used.

``envfactory --help`` lists every command with its one-line help. If listing a command meant
importing its module, the listing would import the pipeline, the LLM stack and every plugin's SDK
(the mcp SDK alone takes a third of a second). A plugin therefore registers a :class:`LazyCommand`:
a name, the ``module:attribute`` of the real command and the first sentence of the real command's
help, which is what the listing shows. The module is imported the first time the command runs,
shows its own help or completes its arguments.

Options added to a lazy command before it is loaded (``envfactory-ray`` adds ``--ray-address`` to
``run``) are given to the real command when it loads.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import click
from click.shell_completion import CompletionItem

from ..errors import PluginError

__all__ = ["LazyCommand"]


class LazyCommand(click.Command):
    """A stand-in that imports ``target`` (``module:attribute``) when the command is used."""

    def __init__(self, name: str, target: str, *, summary: str, plugin: str, hidden: bool = False) -> None:
        # The listing shortens ``help`` as it would the real command's help, so both read the same.
        super().__init__(name, help=summary, hidden=hidden, add_help_option=False)
        module, _, attribute = target.partition(":")
        if not module or not attribute:
            raise PluginError(plugin, f"lazy command {name!r}: target {target!r} is not 'module:attribute'")
        self.target = target
        self._module, self._attribute = module, attribute
        self.plugin = plugin
        self._command: click.Command | None = None

    @property
    def loaded(self) -> bool:
        """Whether the real command has been imported."""
        return self._command is not None

    def load(self) -> click.Command:
        """The real command, imported on first use; errors name the plugin that registered it."""
        if self._command is not None:
            return self._command
        module_name, attribute = self._module, self._attribute
        try:
            module = importlib.import_module(module_name)
        except Exception as error:
            raise PluginError(
                self.plugin,
                f"command {self.name!r}: failed to import {module_name!r} ({type(error).__name__}: {error})",
            ) from error
        command = getattr(module, attribute, None)
        if not isinstance(command, click.Command):
            raise PluginError(self.plugin, f"command {self.name!r}: {self.target!r} is not a click command")
        known = {param.name for param in command.params}
        command.params.extend(param for param in self.params if param.name not in known)
        self._command = command
        return command

    # Everything but the one-line help goes to the real command.

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        return self.load().invoke(ctx)

    def get_help(self, ctx: click.Context) -> str:
        return self.load().get_help(ctx)

    def get_usage(self, ctx: click.Context) -> str:
        return self.load().get_usage(ctx)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return self.load().get_params(ctx)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        return self.load().shell_complete(ctx, incomplete)

    def to_info_dict(self, ctx: click.Context) -> dict[str, Any]:
        return self.load().to_info_dict(ctx)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        return self.load().main(args, prog_name, complete_var, standalone_mode, **extra)
