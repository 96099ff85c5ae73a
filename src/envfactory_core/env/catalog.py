"""The installed environments, by name.

Environment names are unique across all plugins (tools are addressed as ``env__tool``), so the
catalog refuses two environments with the same short name even from different namespaces.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..contracts import ENVIRONMENT
from ..errors import DuplicateComponentError, UnknownComponentError
from ..registry import Registry
from .environment import Environment

__all__ = ["environment_catalog", "select_environments"]


def environment_catalog(registry: Registry) -> dict[str, Environment]:
    """Every registered environment by its name, sorted."""
    found: dict[str, Environment] = {}
    owners: dict[str, str] = {}
    for entry in registry.components(ENVIRONMENT):
        environment = entry.component
        if not isinstance(environment, Environment):
            raise UnknownComponentError("environment", f"{entry.name} (registered object is not an Environment)")
        name = environment.name
        if name in found:
            raise DuplicateComponentError("environment", name, owners[name], entry.plugin)
        found[name] = environment
        owners[name] = entry.plugin
    return dict(sorted(found.items()))


def select_environments(
    registry: Registry,
    names: Iterable[str] = (),
    *,
    domains: Iterable[str] = (),
    include_evaluation: bool = False,
) -> list[Environment]:
    """Environments named (by name or ``namespace/name``), or of the given domains, or all.

    Evaluation-only environments (a benchmark's own) are left out unless named explicitly.
    """
    catalog = environment_catalog(registry)
    wanted = list(names)
    if wanted:
        chosen = []
        for name in wanted:
            short = name.split("/", 1)[-1]
            if short not in catalog:
                raise UnknownComponentError("environment", name, tuple(catalog))
            chosen.append(catalog[short])
        return chosen
    domain_set = set(domains)
    return [
        environment
        for environment in catalog.values()
        if (include_evaluation or not environment.evaluation_only)
        and (not domain_set or environment.domain in domain_set)
    ]
