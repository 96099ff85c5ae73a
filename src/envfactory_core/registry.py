"""Named components and where they came from.

Every component is registered under ``namespace/name`` (``core/topology``, ``commerce/storefront``).
The registry calls each plugin's contribution hook with a ``register`` function bound to that
plugin, so it knows which plugin, distribution and version provided each component, and can name
both plugins when two register the same name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import attrs

from .contracts import KINDS, Kind
from .errors import DuplicateComponentError, PluginError, UnknownComponentError
from .plugins import PluginManager

__all__ = ["RegisteredComponent", "Registry", "component_description"]

C = TypeVar("C")

_SHORT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def component_description(component: object) -> str:
    """A one-line description: the component's ``description`` or the first docstring line."""
    description = getattr(component, "description", None)
    if isinstance(description, str) and description.strip():
        return description.strip().splitlines()[0]
    doc = getattr(component, "__doc__", None) or getattr(type(component), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


@attrs.frozen(kw_only=True)
class RegisteredComponent(Generic[C]):
    """A component with its full name and provenance; ``kind`` is the kind's name."""

    kind: str
    name: str
    component: C = attrs.field(eq=False, hash=False, repr=False)
    plugin: str
    distribution: str
    version: str
    description: str = ""

    @property
    def short_name(self) -> str:
        return self.name.split("/", 1)[1]

    @property
    def namespace(self) -> str:
        return self.name.split("/", 1)[0]


class Registry:
    """Components by kind and name, collected lazily from a plugin manager.

    Ask for components with a :class:`~envfactory_core.contracts.Kind` (``registry.get(SAMPLER,
    "core/topology")``): the answer has the kind's contract as its type. A kind named by a user
    (``envfactory components KIND``) is looked up with :func:`~envfactory_core.contracts.kind_named`.
    """

    def __init__(self, manager: PluginManager) -> None:
        self.manager = manager
        self._by_kind: dict[str, dict[str, RegisteredComponent[Any]]] = {}

    def _collect(self, kind: Kind[Any]) -> dict[str, RegisteredComponent[Any]]:
        if not isinstance(kind, Kind):
            raise TypeError(
                f"a component kind is a Kind from envfactory_core.contracts (e.g. contracts.SAMPLER), "
                f"not {kind!r}; look a kind's name up with contracts.kind_named()"
            )
        if kind.name in self._by_kind:
            return self._by_kind[kind.name]
        if KINDS.get(kind.name) != kind:
            raise UnknownComponentError("component kind", kind.name, tuple(KINDS))
        hook_name = kind.hook
        found: dict[str, RegisteredComponent[Any]] = {}
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            plugin_name = impl.plugin_name
            info = self.manager.infos.get(plugin_name)
            namespace = info.namespace if info else plugin_name

            def register(
                component: Any, *, name: str | None = None, _plugin: str = plugin_name, _ns: str = namespace
            ) -> None:
                short = name if name is not None else getattr(component, "name", None)
                if not isinstance(short, str) or not _SHORT_NAME.match(short):
                    raise PluginError(
                        _plugin,
                        f"registered a {kind.name} without a valid name ({short!r}); pass name='...' "
                        "(letters, digits, '_', '.', '-')",
                    )
                full = f"{_ns}/{short}"
                if full in found:
                    raise DuplicateComponentError(kind.name, full, found[full].plugin, _plugin)
                plugin_info = self.manager.infos.get(_plugin)
                found[full] = RegisteredComponent(
                    kind=kind.name,
                    name=full,
                    component=component,
                    plugin=_plugin,
                    distribution=plugin_info.distribution if plugin_info else "",
                    version=plugin_info.version if plugin_info else "",
                    description=component_description(component),
                )

            arguments = {"register": register}
            try:
                impl.function(**{arg: arguments[arg] for arg in impl.argnames})
            except (DuplicateComponentError, PluginError):
                raise
            except Exception as error:
                raise PluginError(plugin_name, f"{hook_name} failed: {type(error).__name__}: {error}") from error
        self._by_kind[kind.name] = dict(sorted(found.items()))
        return self._by_kind[kind.name]

    def components(self, kind: Kind[C]) -> tuple[RegisteredComponent[C], ...]:
        """Every component of ``kind``, sorted by name."""
        return tuple(self._collect(kind).values())

    def names(self, kind: Kind[Any]) -> tuple[str, ...]:
        """The full names (``namespace/name``) of every component of ``kind``, sorted."""
        return tuple(self._collect(kind))

    def entry(self, kind: Kind[C], name: str) -> RegisteredComponent[C]:
        """The registered component ``name`` (``namespace/name``, or a unique short name)."""
        components = self._collect(kind)
        if name in components:
            return components[name]
        if "/" not in name:
            matches = [entry for entry in components.values() if entry.short_name == name]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise UnknownComponentError(
                    kind.name, f"{name} (ambiguous: {', '.join(m.name for m in matches)})", tuple(components)
                )
        raise UnknownComponentError(kind.name, name, tuple(components))

    def get(self, kind: Kind[C], name: str) -> C:
        """The component object registered as ``name``."""
        return self.entry(kind, name).component

    def __iter__(self) -> Iterator[RegisteredComponent[Any]]:
        for kind in KINDS.values():
            yield from self.components(kind)
