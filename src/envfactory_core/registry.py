"""Named components and where they came from.

Every component is registered under ``namespace/name`` (``core/topology``, ``commerce/storefront``).
The registry calls each plugin's contribution hook with a ``register`` function bound to that
plugin, so it knows which plugin, distribution and version provided each component, and can name
both plugins when two register the same name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from .errors import DuplicateComponentError, PluginError, UnknownComponentError
from .plugins import PluginManager

__all__ = ["KINDS", "RegisteredComponent", "Registry", "component_description"]

KINDS: Final[dict[str, str]] = {
    "resource_loader": "register_resource_loaders",
    "environment_builder": "register_environment_builders",
    "environment": "register_environments",
    "verifier": "register_verifiers",
    "linker": "register_linkers",
    "labeller": "register_labellers",
    "embedder": "register_embedders",
    "sampler": "register_samplers",
    "refiner": "register_refiners",
    "agent": "register_agents",
    "reward": "register_rewards",
    "exporter": "register_exporters",
    "llm_backend": "register_llm_backends",
    "executor": "register_executors",
    "stage": "register_stages",
}
"""Component kinds and the hook that contributes each."""

_SHORT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def component_description(component: object) -> str:
    """A one-line description: the component's ``description`` or the first docstring line."""
    description = getattr(component, "description", None)
    if isinstance(description, str) and description.strip():
        return description.strip().splitlines()[0]
    doc = getattr(component, "__doc__", None) or getattr(type(component), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


@attrs.frozen(kw_only=True)
class RegisteredComponent:
    """A component with its full name and provenance."""

    kind: str
    name: str
    component: Any = attrs.field(eq=False, hash=False, repr=False)
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
    """Components by kind and name, collected lazily from a plugin manager."""

    def __init__(self, manager: PluginManager) -> None:
        self.manager = manager
        self._by_kind: dict[str, dict[str, RegisteredComponent]] = {}

    def _collect(self, kind: str) -> dict[str, RegisteredComponent]:
        if kind in self._by_kind:
            return self._by_kind[kind]
        if kind not in KINDS:
            raise UnknownComponentError("component kind", kind, sorted(KINDS))
        hook_name = KINDS[kind]
        found: dict[str, RegisteredComponent] = {}
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
                        f"registered a {kind} without a valid name ({short!r}); pass name='...' "
                        "(letters, digits, '_', '.', '-')",
                    )
                full = f"{_ns}/{short}"
                if full in found:
                    raise DuplicateComponentError(kind, full, found[full].plugin, _plugin)
                plugin_info = self.manager.infos.get(_plugin)
                found[full] = RegisteredComponent(
                    kind=kind,
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
        self._by_kind[kind] = dict(sorted(found.items()))
        return self._by_kind[kind]

    def components(self, kind: str) -> tuple[RegisteredComponent, ...]:
        """Every component of ``kind``, sorted by name."""
        return tuple(self._collect(kind).values())

    def names(self, kind: str) -> tuple[str, ...]:
        return tuple(self._collect(kind))

    def entry(self, kind: str, name: str) -> RegisteredComponent:
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
                    kind, f"{name} (ambiguous: {', '.join(m.name for m in matches)})", tuple(components)
                )
        raise UnknownComponentError(kind, name, tuple(components))

    def get(self, kind: str, name: str) -> Any:
        """The component object registered as ``name``."""
        return self.entry(kind, name).component

    def __iter__(self) -> Iterator[RegisteredComponent]:
        for kind in KINDS:
            yield from self.components(kind)
