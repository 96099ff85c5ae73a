"""Building export items: from records in memory, or streamed from a run store.

The pipeline's export stage and ``envfactory export`` both read a run through
:func:`items_from_store`, so the two give the same items in the same order (chain order), with
the same split and the same filters. :func:`build_export_item` is the one place that decides
what an item holds: the tools of the task's environments named ``env__tool``, the environment
specs, and every world state the task and trajectory refer to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import attrs

from ..errors import ConfigError, Problem
from ..models import EnvironmentSpec, Task, ToolSpec, Trajectory, qualified_name
from ..serialize import from_json
from ..store import RunStore
from . import ExportError, ExportItem, Split, split_of

__all__ = [
    "ExportFilter",
    "SplitRule",
    "build_export_item",
    "items_from_store",
    "qualified_tools",
    "referenced_state_ids",
    "run_environment_specs",
    "run_settings",
]

StateGetter = Callable[[str], Mapping[str, Any]]


@attrs.frozen(kw_only=True)
class SplitRule:
    """Which split a task goes to: a seeded hash of its id (see :func:`~envfactory_core.export.split_of`)."""

    validation_share: float = attrs.field(default=0.05, validator=[attrs.validators.ge(0.0), attrs.validators.lt(1.0)])
    seed: int = 0

    def __call__(self, task_id: str) -> Split:
        return split_of(task_id, validation_share=self.validation_share, seed=self.seed)


@attrs.frozen(kw_only=True)
class ExportFilter:
    """Which kept tasks to export.

    ``min_reward`` keeps tasks whose trajectory earned at least this score from ``reward`` (a task
    without a trajectory, or without that reward, is left out when a threshold is set).
    ``environments`` and ``domains`` keep tasks whose environments are all among those named, or
    all of those domains, so a task never leaks an environment the user excluded.
    """

    min_reward: float | None = None
    reward: str = "core/envfactory"
    environments: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def keeps(self, task: Task, trajectory: Trajectory | None, specs: Mapping[str, EnvironmentSpec]) -> str:
        """``""`` when the task is kept, else the reason it is not (a short code)."""
        if self.environments and not set(task.environments) <= set(self.environments):
            return "environment"
        if self.domains:
            domains = {specs[name].domain for name in task.environments if name in specs}
            if len(domains) < len(set(task.environments)) or not domains <= set(self.domains):
                return "domain"
        if self.min_reward is not None:
            if trajectory is None:
                return "no_trajectory"
            result = trajectory.reward(self.reward)
            if result is None:
                return "no_reward"
            if result.score < self.min_reward:
                return "reward_below_threshold"
        return ""


def qualified_tools(specs: Iterable[EnvironmentSpec]) -> tuple[ToolSpec, ...]:
    """Every tool of ``specs`` as the agent sees it when they are served together: ``env__tool``."""
    tools: list[ToolSpec] = []
    for spec in specs:
        for tool in spec.tools:
            name = qualified_name(spec.name, tool.name)
            try:
                tools.append(attrs.evolve(tool, name=name))
            except ValueError as error:
                raise ExportError(
                    "a tool name is not usable by trainers",
                    [
                        Problem(
                            location=f"{spec.name}.{tool.name}",
                            message=str(error),
                            fix="shorten the environment or tool name so `env__tool` has at most 64 characters",
                        )
                    ],
                ) from error
    return tuple(tools)


def referenced_state_ids(task: Task, trajectory: Trajectory | None) -> list[str]:
    """Every world state id the task and trajectory refer to, each once, in a fixed order."""
    ids: list[str] = [task.initial_state_id, task.gold_state_id]
    for turn in task.turns:
        ids.extend((turn.initial_state_id, turn.gold_state_id))
    if trajectory is not None:
        ids.append(trajectory.final_state_id)
    return list(dict.fromkeys(state_id for state_id in ids if state_id))


def build_export_item(
    task: Task,
    trajectory: Trajectory | None,
    *,
    specs: Mapping[str, EnvironmentSpec],
    states: StateGetter,
    split: Split,
    tools: tuple[ToolSpec, ...] | None = None,
) -> ExportItem:
    """The export item of a task: its environments' specs and tools, and every state it refers to.

    ``states`` returns a world state by id (``MemoryStates.get``, ``RunStore.get_blob``);
    ``tools`` overrides the default (every tool of the task's environments).
    """
    missing = [name for name in task.environments if name not in specs]
    if missing:
        raise ExportError(
            f"task {task.id} uses environments without a spec",
            [
                Problem(
                    location=f"task {task.id}",
                    message=f"no spec for environment {name!r}",
                    fix="install the domain package that provides it, or export from the run that recorded it",
                )
                for name in missing
            ],
        )
    environments = tuple(specs[name] for name in task.environments)
    found = {state_id: states(state_id) for state_id in referenced_state_ids(task, trajectory)}
    return ExportItem(
        task=task,
        trajectory=trajectory,
        tools=qualified_tools(environments) if tools is None else tools,
        environments=environments,
        initial_state=found[task.initial_state_id],
        gold_state=found[task.gold_state_id],
        split=split,
        states=found,
    )


def run_environment_specs(store: RunStore) -> dict[str, EnvironmentSpec]:
    """The specs of the environments a run used, as recorded when it ran."""
    rows = store.connection.execute("SELECT name, spec FROM environments ORDER BY name")
    return {name: from_json(EnvironmentSpec, json.loads(spec)) for name, spec in rows}


def run_settings(store: RunStore) -> dict[str, Any]:
    """The run's recorded settings (``seed``, ``validation_share``), or ``{}`` for a store without them."""
    recorded = store.get_meta("pipeline")
    if not recorded:
        return {}
    try:
        settings = json.loads(recorded).get("settings", {})
    except (json.JSONDecodeError, AttributeError):
        return {}
    return settings if isinstance(settings, dict) else {}


def items_from_store(
    store: RunStore,
    *,
    split: Callable[[str], Split],
    filter: ExportFilter | None = None,
    specs: Mapping[str, EnvironmentSpec] | None = None,
    skipped: dict[str, int] | None = None,
) -> Iterator[ExportItem]:
    """Every kept task of a run as an export item, streamed in chain order (constant memory).

    ``specs`` adds environment specs for environments the run's ``environments`` table does not
    record (the table wins). ``skipped`` (when given) counts the tasks ``filter`` left out, by reason.
    """
    from ..store.pipeline import PipelineStore

    known = dict(specs or {})
    known.update(run_environment_specs(store))
    if filter is not None:
        _check_filter(filter, known)
    get_state = lru_cache(maxsize=16)(store.get_blob)
    tools_of = lru_cache(maxsize=256)(lambda names: qualified_tools(known[name] for name in names))
    for _, task, trajectory in PipelineStore(store).kept():
        if filter is not None:
            reason = filter.keeps(task, trajectory, known)
            if reason:
                if skipped is not None:
                    skipped[reason] = skipped.get(reason, 0) + 1
                continue
        shared = tools_of(task.environments) if all(name in known for name in task.environments) else None
        yield build_export_item(task, trajectory, specs=known, states=get_state, split=split(task.id), tools=shared)


def _check_filter(filter: ExportFilter, specs: Mapping[str, EnvironmentSpec]) -> None:
    problems: list[Problem] = []
    for name in filter.environments:
        if name not in specs:
            problems.append(
                Problem(
                    location="--env",
                    message=f"the run has no environment {name!r}",
                    fix=f"one of: {', '.join(sorted(specs)) or 'none recorded'}",
                )
            )
    domains = sorted({spec.domain for spec in specs.values()})
    for domain in filter.domains:
        if domain not in domains:
            problems.append(
                Problem(
                    location="--domain",
                    message=f"the run has no domain {domain!r}",
                    fix=f"one of: {', '.join(domains)}",
                )
            )
    if filter.min_reward is not None and not 0.0 <= filter.min_reward <= 1.0:
        problems.append(Problem(location="--min-reward", message="must be between 0 and 1"))
    if problems:
        raise ConfigError("the export filter does not fit this run", problems)
