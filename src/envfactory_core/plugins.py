"""Finding and loading plugins.

:func:`make_plugin_manager` builds a fresh manager each time it is called; nothing is loaded at
import. It registers the built-in plugins, then the installed ones (entry-point group
``envfactory``), then local plugin files, and finally checks that every hook implementation
matches a hook, so a misspelled hook fails loudly with the plugin's name.

Operators control loading with environment variables:

``ENVFACTORY_LOAD_PLUGINS``
    Comma-separated entry-point or distribution names to load, and no others. Set but empty, no
    installed plugin is loaded (the escape hatch for a plugin that breaks at import). Built-ins
    always load.
``ENVFACTORY_DISABLE_PLUGINS``
    Comma-separated entry-point or distribution names never to load.
``ENVFACTORY_PLUGINS_DIR``
    A folder of ``*.py`` files, each registered as a local plugin (namespace ``local``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy

from . import __version__, hookspecs
from .errors import PluginError

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "LazyEnvironments",
    "PluginInfo",
    "PluginManager",
    "hookimpl",
    "lazy_environments",
    "lazy_exports",
    "make_plugin_manager",
]

ENTRY_POINT_GROUP = "envfactory"

hookimpl = pluggy.HookimplMarker("envfactory")
"""Mark a function as an implementation of an envfactory hook."""

DEFAULT_PLUGINS: tuple[str, ...] = (
    "envfactory_core.default_plugins.environments",
    "envfactory_core.default_plugins.checks",
    "envfactory_core.default_plugins.graph",
    "envfactory_core.default_plugins.tasks",
    "envfactory_core.default_plugins.exporters",
    "envfactory_core.default_plugins.pipeline",
    "envfactory_core.default_plugins.llm",
    "envfactory_core.default_plugins.commands",
)
"""Modules registered as the ``core`` plugin set, in this order."""


@attrs.frozen(kw_only=True)
class PluginInfo:
    """What the core knows about one registered plugin."""

    name: str
    namespace: str
    distribution: str
    version: str
    builtin: bool = False
    path: str = ""


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers each plugin's namespace and distribution."""

    def __init__(self) -> None:
        super().__init__("envfactory")
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}

    def add_plugin(self, plugin: object, info: PluginInfo) -> None:
        """Register ``plugin`` with its provenance; errors name the plugin."""
        if info.name in self.infos:
            raise PluginError(info.name, "a plugin of this name is already registered")
        try:
            self.register(plugin, name=info.name)
        except pluggy.PluginValidationError as error:
            raise PluginError(info.name, str(error)) from error
        self.infos[info.name] = info

    def remove_plugin(self, name: str) -> None:
        self.unregister(name=name)
        self.infos.pop(name, None)

    def check(self) -> None:
        """Fail, naming the plugin, if any hook implementation matches no hook."""
        try:
            self.check_pending()
        except pluggy.PluginValidationError as error:
            plugin_name = self.get_name(error.plugin) or repr(error.plugin)
            raise PluginError(
                plugin_name,
                f"{error}; check the spelling against `envfactory plugins` and docs/plugins/hooks.md",
            ) from error

    def namespace_of(self, plugin_name: str) -> str:
        info = self.infos.get(plugin_name)
        return info.namespace if info else plugin_name


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: ``exports`` maps a public name to the submodule defining it.

    Every command imports every installed plugin's package, so a package that imported its SDK
    (or the pipeline) to re-export a class would make ``envfactory --help`` pay for it. With
    ``__getattr__ = lazy_exports(__name__, {...})`` the submodule is imported when the name is
    first used, and the name is then bound on the package like an ordinary import.
    """

    def __getattr__(name: str) -> object:
        submodule = exports.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


class LazyEnvironments:
    """A domain package's plugin whose environments are built the first time they are asked for.

    Building an environment (its tools' schemas, the SDK it imports) takes tens of milliseconds,
    and every command imports every installed plugin's package: a package that built its
    environments at import made ``envfactory --help`` pay for all of them. This plugin imports the
    package's environment modules (each defines ``environment``) only when the
    ``register_environments`` hook runs or the package's ``ENVIRONMENTS`` or an environment's name
    is first read, and registers them in the order given.
    """

    def __init__(self, package: str, modules: Sequence[str]) -> None:
        self.package = package
        self.modules = tuple(modules)
        self._environments: tuple[Any, ...] | None = None

    def environments(self) -> tuple[Any, ...]:
        """The environments, importing their modules on first use; bound on the package by module name."""
        if self._environments is None:
            loaded = tuple(importlib.import_module(f"{self.package}.{name}").environment for name in self.modules)
            package = sys.modules[self.package]
            for name, environment in zip(self.modules, loaded, strict=True):
                setattr(package, name, environment)  # the environment, not the submodule, as before
            package.ENVIRONMENTS = loaded  # type: ignore[attr-defined]
            self._environments = loaded
        return self._environments

    @hookimpl
    def register_environments(self, register: Callable[[Any], None]) -> None:
        for environment in self.environments():
            register(environment)

    def module_getattr(self) -> Callable[[str], object]:
        """A module ``__getattr__`` serving ``ENVIRONMENTS`` and each environment by its module's name."""

        def __getattr__(name: str) -> object:
            if name == "ENVIRONMENTS" or name in self.modules:
                self.environments()
                return getattr(sys.modules[self.package], name)
            raise AttributeError(f"module {self.package!r} has no attribute {name!r}")

        return __getattr__

    def __repr__(self) -> str:
        return f"<LazyEnvironments {self.package}: {', '.join(self.modules)}>"


def lazy_environments(package: str, modules: Sequence[str]) -> tuple[LazyEnvironments, Callable[[str], object]]:
    """The plugin and the module ``__getattr__`` of a domain package, from its environment modules::

    plugin, __getattr__ = lazy_environments(__name__, ("storefront", "marketplace"))
    """
    plugin = LazyEnvironments(package, modules)
    return plugin, plugin.module_getattr()


def _names(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-")


def _selected(entry_name: str, dist_name: str, names: set[str]) -> bool:
    wanted = {_canonical(name) for name in names}
    return _canonical(entry_name) in wanted or _canonical(dist_name) in wanted


def _builtin_namespace(module: ModuleType) -> str:
    namespace = getattr(module, "ENVFACTORY_NAMESPACE", "core")
    return str(namespace)


def load_module_from_path(path: Path) -> ModuleType:
    """Import a single ``.py`` file as a module (for local plugins)."""
    module_name = f"envfactory_local_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(str(path), "cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        sys.modules.pop(module_name, None)
        raise PluginError(str(path), f"failed to import: {type(error).__name__}: {error}") from error
    return module


def _entry_points() -> Iterable[importlib.metadata.EntryPoint]:
    seen: set[str] = set()
    for entry_point in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        if entry_point.name in seen:
            continue
        seen.add(entry_point.name)
        yield entry_point


def make_plugin_manager(
    *,
    load_entrypoints: bool = True,
    plugins_dirs: Sequence[str | Path] = (),
    plugins: Sequence[tuple[str, object]] = (),
) -> PluginManager:
    """Build a plugin manager with the built-ins, the installed plugins and local plugin files.

    ``load_entrypoints=False`` skips installed plugins (tests use it for a clean slate).
    ``plugins`` adds ``(name, module_or_object)`` pairs as extra plugins in namespace ``name``.
    """
    manager = PluginManager()
    for module_path in DEFAULT_PLUGINS:
        module = importlib.import_module(module_path)
        short = module_path.rsplit(".", 1)[-1]
        manager.add_plugin(
            module,
            PluginInfo(
                name=f"core.{short}",
                namespace=_builtin_namespace(module),
                distribution="envfactory-core",
                version=__version__,
                builtin=True,
            ),
        )
    if load_entrypoints:
        _load_installed(manager)
    directories = [Path(d) for d in plugins_dirs]
    env_dir = os.environ.get("ENVFACTORY_PLUGINS_DIR")
    if env_dir:
        directories.append(Path(env_dir))
    for directory in directories:
        _load_directory(manager, directory)
    for name, plugin in plugins:
        manager.add_plugin(plugin, PluginInfo(name=name, namespace=name, distribution="", version=""))
    manager.check()
    return manager


def _load_installed(manager: PluginManager) -> None:
    allow = _names("ENVFACTORY_LOAD_PLUGINS")
    block = _names("ENVFACTORY_DISABLE_PLUGINS") or set()
    for entry_point in _entry_points():
        dist = entry_point.dist
        dist_name = dist.metadata["Name"] if dist is not None else ""
        version = dist.version if dist is not None else ""
        if allow is not None and not _selected(entry_point.name, dist_name, allow):
            continue
        if _selected(entry_point.name, dist_name, block):
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:
            raise PluginError(
                entry_point.name,
                f"failed to import {entry_point.value!r} ({type(error).__name__}: {error}); "
                f"disable it with ENVFACTORY_DISABLE_PLUGINS={entry_point.name}",
            ) from error
        namespace = getattr(plugin, "ENVFACTORY_NAMESPACE", entry_point.name)
        manager.add_plugin(
            plugin,
            PluginInfo(name=entry_point.name, namespace=str(namespace), distribution=dist_name, version=version),
        )


def _load_directory(manager: PluginManager, directory: Path) -> None:
    if not directory.is_dir():
        raise PluginError(str(directory), "the plugins directory does not exist")
    for path in sorted(directory.glob("*.py")):
        module = load_module_from_path(path)
        manager.add_plugin(
            module,
            PluginInfo(
                name=f"local.{path.stem}",
                namespace=str(getattr(module, "ENVFACTORY_NAMESPACE", "local")),
                distribution="",
                version="",
                path=str(path),
            ),
        )
