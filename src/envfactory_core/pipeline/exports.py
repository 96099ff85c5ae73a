"""Reading a run's kept tasks back as export items, in chain order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import attrs

from ..export import ExportItem, Split
from ..models import EnvironmentSpec, ToolSpec, qualified_name
from ..serialize import from_json
from ..store import RunStore
from .store import PipelineStore

__all__ = ["export_items", "run_environment_specs"]


def run_environment_specs(store: RunStore) -> dict[str, EnvironmentSpec]:
    """The specs of the environments a run used, as recorded when it ran."""
    rows = store.connection.execute("SELECT name, spec FROM environments ORDER BY name")
    return {name: from_json(EnvironmentSpec, json.loads(spec)) for name, spec in rows}


def export_items(store: RunStore, *, split: Callable[[str], Split]) -> Iterator[ExportItem]:
    """Every kept task with its trajectory, states and tools, streamed in chain order."""
    specs = run_environment_specs(store)
    for _, task, trajectory in PipelineStore(store).kept():
        environments = tuple(specs[name] for name in task.environments)
        tools: tuple[ToolSpec, ...] = tuple(
            attrs.evolve(tool, name=qualified_name(spec.name, tool.name))
            for spec in environments
            for tool in spec.tools
        )
        yield ExportItem(
            task=task,
            trajectory=trajectory,
            tools=tools,
            environments=environments,
            initial_state=store.get_blob(task.initial_state_id),
            gold_state=store.get_blob(task.gold_state_id),
            split=split(task.id),
        )
