"""The tasks an evaluation runs: from a run directory, a canonical export, or a resource loader.

A *task set* is the tasks, the environments they use and every world state they name. Three
sources give one:

* a run directory (``envfactory run --out DIR``): its kept tasks, states from its run store;
* a ``core/jsonl`` export directory (``exports/core-jsonl``, or any copy of it): states inlined;
* ``LOADER`` or ``LOADER:PATH``, a registered resource loader that yields tasks (the tau-bench
  airline tasks: ``taubench/airline``, the data folder defaulting to ``$ENVFACTORY_TAUBENCH_DATA``).
  Loaders give state ids, not states: the initial state is the environment's own start state and
  the gold state is rebuilt by replaying the gold calls; both must hash to the ids the task names.

The environments are the installed ones (by name), or the loader's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from ..contracts import RESOURCE_LOADER, REWARD
from ..env import Environment, World
from ..env.catalog import environment_catalog
from ..errors import ConfigError, Problem, StoreError
from ..models import Task
from ..registry import Registry
from ..store import STORE_FILENAME, RunStore
from ..tasks.replay import replay_calls
from ..tasks.states import MemoryStates, StoreStates, WorldStates

__all__ = ["TaskSet", "load_task_set"]


@attrs.frozen(kw_only=True)
class TaskSet:
    """Tasks with their environments and states; ``source`` says where they came from."""

    source: str
    tasks: tuple[Task, ...]
    environments: Mapping[str, Environment] = attrs.field(eq=False)
    states: WorldStates = attrs.field(eq=False)
    conversational: bool = False
    """Whether the tasks are meant to be played with a simulated user (a benchmark's tasks are)."""
    reward: str = "core/envfactory"
    """The reward that scores a trial: ours, or the one a loader's package registers (a benchmark's own)."""


def _installed(registry: Registry, tasks: Sequence[Task], where: str) -> dict[str, Environment]:
    catalog = environment_catalog(registry)
    needed = sorted({name for task in tasks for name in task.environments})
    missing = [name for name in needed if name not in catalog]
    if missing:
        raise ConfigError(
            f"cannot evaluate the tasks of {where}",
            [
                Problem(
                    location=where,
                    message=f"the tasks use environments that are not installed: {', '.join(missing)}",
                    fix="install the domain packages the tasks were made with",
                )
            ],
        )
    return {name: catalog[name] for name in needed}


def _from_run(directory: Path, registry: Registry) -> TaskSet:
    from ..store.pipeline import PipelineStore

    store = RunStore(directory, create=False)
    tasks = tuple(task for _, task, _ in PipelineStore(store).kept())
    return TaskSet(
        source=str(directory),
        tasks=tasks,
        environments=_installed(registry, tasks, str(directory)),
        states=StoreStates(store),
    )


def _from_export(directory: Path, registry: Registry) -> TaskSet:
    from ..export.canonical import read_canonical

    states = MemoryStates()
    tasks: list[Task] = []
    for item in read_canonical(directory):
        for state in item.states.values():
            states.put(state)
        tasks.append(item.task)
    return TaskSet(
        source=str(directory),
        tasks=tuple(tasks),
        environments=_installed(registry, tasks, str(directory)),
        states=states,
    )


def _from_loader(name: str, path: str, registry: Registry) -> TaskSet:
    loader = registry.get(RESOURCE_LOADER, name)
    result = loader.load(path)
    tasks = tuple(task for task in result.tasks if isinstance(task, Task))
    if not tasks:
        raise ConfigError(
            f"{name} gave no tasks",
            [
                Problem(location=f"{name}:{path}", message="the loader yields no tasks from this source"),
                *result.skipped,
            ],
        )
    catalog = environment_catalog(registry)
    environments = {env: catalog[env] for task in tasks for env in task.environments if env in catalog}
    environments.update({environment.name: environment for environment in result.environments})
    states = MemoryStates()
    for task in tasks:
        names = [environments[environment] for environment in task.environments]
        with World.open(names) as world:
            initial = world.state()
        final = replay_calls(environments, initial, [gold.call for gold in task.gold_calls]).final_state
        for label, state, expected in (
            ("initial", initial, task.initial_state_id),
            ("gold", final, task.gold_state_id),
        ):
            found = states.put(state)
            if found != expected:
                raise StoreError(
                    f"task {task.id} of {name}: its {label} state rebuilt from the environment hashes to "
                    f"{found}, not {expected}; the loader's tasks and environment disagree"
                )
    return TaskSet(source=f"{name}:{path}" if path else name, tasks=tasks, environments=environments, states=states)


def load_task_set(source: str, registry: Registry) -> TaskSet:
    """The task set ``source`` names (a run directory, a ``core/jsonl`` export, ``LOADER[:PATH]``)."""
    path = Path(source)
    if path.is_dir() and (path / STORE_FILENAME).is_file():
        return _from_run(path, registry)
    if path.is_dir() and any(path.glob("*.jsonl")):
        return _from_export(path, registry)
    name, _, rest = source.partition(":")
    try:
        registry.entry(RESOURCE_LOADER, name)
    except KeyError:
        loaders = ", ".join(entry.name for entry in registry.components(RESOURCE_LOADER)) or "(none installed)"
        raise ConfigError(
            f"cannot read tasks from {source!r}",
            [
                Problem(
                    location="TASKS",
                    message="not a run directory (no run.sqlite), not a core/jsonl export, not a resource loader",
                    fix=f"name a run directory, an exports/core-jsonl folder, or one of: {loaders}",
                )
            ],
        ) from None
    task_set = _from_loader(name, rest, registry)
    plugin = registry.entry(RESOURCE_LOADER, name).plugin
    own = [entry.name for entry in registry.components(REWARD) if entry.plugin == plugin]
    return attrs.evolve(
        task_set,
        conversational=any(task.evaluation for task in task_set.tasks),
        reward=own[0] if len(own) == 1 else task_set.reward,
    )


def task_environment(task: Task) -> str:
    """The label a task's results are grouped under: its environments, joined by ``+``."""
    return "+".join(task.environments)


def dump_ids(tasks: Sequence[Task]) -> str:
    """The task ids, as the JSON an evaluation's fingerprint includes."""
    return json.dumps([task.id for task in tasks])
