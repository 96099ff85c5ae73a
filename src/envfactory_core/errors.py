"""Errors raised by envfactory.

Every error derives from :class:`EnvFactoryError`, and also from the builtin exception it is
closest to, so callers may catch either: an unknown component is both an
``UnknownComponentError`` and a ``KeyError``; a bad pipeline file is both a ``ConfigError`` and a
``ValueError``.

Errors that gather several problems (configuration, validation) carry every problem at once as
:class:`Problem` values, each with a location and, where one is known, a fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "ComponentError",
    "ConfigError",
    "DuplicateComponentError",
    "EnvFactoryError",
    "EnvironmentDefinitionError",
    "MissingDependencyError",
    "PluginError",
    "Problem",
    "ProblemsError",
    "RecordError",
    "StoreError",
    "UnknownComponentError",
]


class EnvFactoryError(Exception):
    """The root of every error envfactory raises on purpose."""


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and how to fix it."""

    location: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} (fix: {self.fix})" if self.fix else text


class ProblemsError(EnvFactoryError):
    """An error that lists every problem found, not just the first."""

    def __init__(self, summary: str, problems: Iterable[Problem]) -> None:
        self.summary = summary
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.problems:
            return self.summary
        lines = [f"{self.summary} ({len(self.problems)} problem{'s' * (len(self.problems) != 1)}):"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()


class ConfigError(ProblemsError, ValueError):
    """A configuration (pipeline file, options, settings) is invalid."""


class RecordError(ProblemsError, ValueError):
    """Data could not be turned into a record (wrong shape, missing or extra fields)."""


class EnvironmentDefinitionError(ProblemsError, ValueError):
    """An environment declaration is inconsistent (bad schema, unknown table, bad tool)."""


class PluginError(EnvFactoryError, RuntimeError):
    """A plugin could not be loaded or misbehaves; the message names the plugin."""

    def __init__(self, plugin: str, message: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}")


class ComponentError(EnvFactoryError):
    """Base for errors about registered components."""


class UnknownComponentError(ComponentError, KeyError):
    """No component of this kind is registered under this name."""

    def __init__(self, kind: str, name: str, available: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.available = tuple(available)
        super().__init__(kind, name)

    def __str__(self) -> str:
        hint = ""
        if self.available:
            shown = ", ".join(self.available[:12])
            more = f" and {len(self.available) - 12} more" if len(self.available) > 12 else ""
            hint = f"; registered {self.kind} components: {shown}{more}"
        else:
            hint = f"; no {self.kind} component is registered (is the plugin installed?)"
        return f"unknown {self.kind} {self.name!r}{hint}"


class DuplicateComponentError(ComponentError, ValueError):
    """Two plugins registered a component of the same kind under the same name."""

    def __init__(self, kind: str, name: str, first_plugin: str, second_plugin: str) -> None:
        self.kind = kind
        self.name = name
        self.first_plugin = first_plugin
        self.second_plugin = second_plugin
        super().__init__(
            f"{kind} {name!r} is registered twice: by plugin {first_plugin!r} and by plugin "
            f"{second_plugin!r}; rename one of them or disable a plugin with "
            f"ENVFACTORY_DISABLE_PLUGINS"
        )


class MissingDependencyError(EnvFactoryError, ImportError):
    """An optional package is needed; the message gives the exact install command."""

    def __init__(self, package: str, install: str, purpose: str = "") -> None:
        self.package = package
        self.install = install
        what = f" for {purpose}" if purpose else ""
        super().__init__(f"the optional package {package!r} is needed{what}; install it with: {install}")


class StoreError(EnvFactoryError, RuntimeError):
    """The run store is missing, locked, or from an incompatible version."""
