"""Built-in stage components that are not another kind's component: picking environments, the graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..env import Environment
from ..env.catalog import select_environments
from ..graph import ToolGraph, build_tool_graph
from ..registry import Registry

__all__ = ["GraphStage", "InstalledEnvironments"]


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
