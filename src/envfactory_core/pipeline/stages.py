"""Built-in stage components that are not another kind's component: picking environments, the graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..env import Environment
from ..env.catalog import environment_catalog, select_environments
from ..graph import ToolGraph, build_tool_graph
from ..registry import Registry

__all__ = ["GraphStage", "InstalledEnvironments", "run_catalog"]


def run_catalog(pipeline: Any, registry: Registry) -> dict[str, Environment]:
    """The environments a run can name: the installed ones, and those its environments stage brings.

    A source that brings environments of its own (a build's run directory, not installed packages)
    says so with a ``catalog(registry)`` method; resuming and worker processes resolve the recorded
    names through it.
    """
    catalog = environment_catalog(registry)
    stage = pipeline.stage("environments")
    for component in stage.components if stage is not None else ():
        extra = getattr(component, "catalog", None)
        if callable(extra):
            catalog.update(extra(registry))
    return catalog


@attrs.frozen(kw_only=True)
class InstalledEnvironments:
    """Pick the installed environments: all non-evaluation ones, or those named, or those of some domains."""

    name: str = "installed"
    description: str = "Pick installed environments by name or domain (evaluation-only ones only when named)."
    names: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    include_evaluation: bool = False

    def select(self, registry: Registry) -> list[Environment]:
        return select_environments(
            registry, self.names, domains=self.domains, include_evaluation=self.include_evaluation
        )


@attrs.frozen(kw_only=True)
class GraphStage:
    """Build the tool graph over the verified environments with a named linker and labeller.

    ``linker_options`` and ``labeller_options`` configure them (for example the model of
    ``llm/labeller``).
    """

    name: str = "graph"
    description: str = "Build the tool graph with a registered linker and labeller."
    linker: str = "core/lexical"
    labeller: str = "core/rules"
    linker_options: dict[str, Any] = attrs.field(factory=dict, hash=False)
    labeller_options: dict[str, Any] = attrs.field(factory=dict, hash=False)

    def build(self, environments: Sequence[Environment], registry: Registry) -> ToolGraph:
        specs: list[Any] = [environment.spec for environment in environments]
        return build_tool_graph(
            specs,
            linker=self.linker,
            labeller=self.labeller,
            linker_options=self.linker_options or None,
            labeller_options=self.labeller_options or None,
            registry=registry,
        )
