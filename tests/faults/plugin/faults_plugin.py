"""The example environments, and slow twins of the verify, graph, sample and export components.

The twins sleep ``FAULTS_DELAY`` seconds (default 0) per environment, per build, per chain batch and
per export, and otherwise do exactly what the built-ins do, so a kill can be aimed at any stage
while the outputs stay those of the built-ins.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs

from envfactory_core import hookimpl
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.export.canonical import CanonicalJsonl
from envfactory_core.graph.samplers import TopologySampler
from envfactory_core.pipeline.stages import GraphStage


def _pause(scale: float = 1.0) -> None:
    delay = float(os.environ.get("FAULTS_DELAY", "0") or 0)
    if delay > 0:
        time.sleep(delay * scale)


class SlowConformance:
    name = "slow_conformance"

    def verify_environment(self, environment: Any, **options: Any) -> Any:
        from envfactory_core.env.conformance import check_environment

        _pause()
        return check_environment(environment, **options)


@attrs.frozen(kw_only=True)
class SlowGraph(GraphStage):
    name: str = "slow_graph"

    def build(self, environments: Any, registry: Any) -> Any:
        _pause()
        return super().build(environments, registry)


@attrs.frozen(kw_only=True)
class SlowTopology(TopologySampler):
    name: ClassVar[str] = "slow_topology"
    component_name: ClassVar[str] = "faults/slow_topology"

    def sample_many(self, graph: Any, n: int, *, seed: int) -> Iterator[Any]:
        _pause()
        return super().sample_many(graph, n, seed=seed)


@attrs.frozen(kw_only=True)
class SlowJsonl(CanonicalJsonl):
    name: str = "slow_jsonl"

    def export(self, items: Any, directory: Any) -> Any:
        _pause()
        return super().export(items, directory)


@hookimpl
def register_environments(register: Any) -> None:
    register(bookshop)
    register(notes)


@hookimpl
def register_environment_checks(register: Any) -> None:
    register(SlowConformance())


@hookimpl
def register_graph_builders(register: Any) -> None:
    register(SlowGraph())


@hookimpl
def register_samplers(register: Any) -> None:
    register(SlowTopology())


@hookimpl
def register_exporters(register: Any) -> None:
    register(SlowJsonl())
