"""The benchmark's tasks: the simulated user's instruction, the gold actions, the expected outcome.

Tasks come from ``tasks.json`` (a list of tasks) or from any trajectories file (each record's
``info.task``, numbered by the record's ``task_id``), so ``replay-gold --tasks`` accepts both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.errors import Problem

from .data import DataError, read_json_file

__all__ = ["GoldAction", "TauTask", "read_tasks", "task_from_json", "tasks_from_json"]


@attrs.frozen(kw_only=True)
class GoldAction:
    """One gold tool call: the tool's name and its keyword arguments."""

    name: str
    kwargs: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class TauTask:
    """One benchmark task.

    ``gold_state_hash`` is the benchmark's hash of the state its gold actions leave (not every
    task carries one: a few are judged by ``outputs``, strings the agent must say).
    """

    task_id: int
    user_id: str
    instruction: str
    actions: tuple[GoldAction, ...]
    outputs: tuple[str, ...] = ()
    gold_state_hash: str | None = None


def _problem(where: str, message: str) -> Problem:
    return Problem(location=where, message=message)


def task_from_json(
    data: Any, *, where: str, task_id: Any = None, gold_state_hash: Any = None
) -> tuple[TauTask | None, list[Problem]]:
    """A task from its JSON form; ``task_id``/``gold_state_hash`` override what ``data`` holds."""
    if not isinstance(data, Mapping):
        return None, [_problem(where, f"a task must be an object, got {type(data).__name__}")]
    problems: list[Problem] = []
    number = data.get("task_id") if task_id is None else task_id
    if isinstance(number, bool) or not isinstance(number, int):
        problems.append(_problem(f"{where}.task_id", f"must be an integer, got {number!r}"))
    actions: list[GoldAction] = []
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list):
        problems.append(_problem(f"{where}.actions", "must be a list of {name, kwargs} objects"))
        raw_actions = []
    for index, action in enumerate(raw_actions):
        spot = f"{where}.actions[{index}]"
        if not isinstance(action, Mapping) or not isinstance(action.get("name"), str):
            problems.append(_problem(spot, "must be an object with a string 'name'"))
            continue
        kwargs = action.get("kwargs", action.get("arguments", {}))
        if not isinstance(kwargs, Mapping):
            problems.append(_problem(f"{spot}.kwargs", f"must be an object, got {type(kwargs).__name__}"))
            continue
        actions.append(GoldAction(name=action["name"], kwargs=dict(kwargs)))
    outputs = data.get("outputs") or []
    if not isinstance(outputs, list) or not all(isinstance(item, str) for item in outputs):
        problems.append(_problem(f"{where}.outputs", "must be a list of strings"))
        outputs = []
    expected = data.get("gold_state_hash") if gold_state_hash is None else gold_state_hash
    if expected is not None and not isinstance(expected, str):
        problems.append(_problem(f"{where}.gold_state_hash", f"must be a hex string, got {expected!r}"))
        expected = None
    if problems or not isinstance(number, int):
        return None, problems
    return (
        TauTask(
            task_id=number,
            user_id=str(data.get("user_id", "")),
            instruction=str(data.get("instruction", "")),
            actions=tuple(actions),
            outputs=tuple(outputs),
            gold_state_hash=expected,
        ),
        [],
    )


def tasks_from_json(data: Any, *, source: str) -> tuple[TauTask, ...]:
    """Tasks from a list of tasks, or from a list of trajectory records (one task per ``task_id``)."""
    if not isinstance(data, Sequence) or isinstance(data, (str, bytes)):
        raise DataError(
            f"cannot read tasks from {source}", [_problem(source, "must be a JSON list of tasks or trajectory records")]
        )
    tasks: dict[int, TauTask] = {}
    problems: list[Problem] = []
    for index, item in enumerate(data):
        where = f"{source}[{index}]"
        if isinstance(item, Mapping) and isinstance(item.get("info"), Mapping) and "task" in item["info"]:
            reward_info = item["info"].get("reward_info")
            details = reward_info.get("info") if isinstance(reward_info, Mapping) else None
            expected = details.get("gt_data_hash") if isinstance(details, Mapping) else None
            task, found = task_from_json(
                item["info"]["task"], where=f"{where}.info.task", task_id=item.get("task_id"), gold_state_hash=expected
            )
        else:
            task, found = task_from_json(item, where=where)
        problems.extend(found)
        if task is not None and task.task_id not in tasks:
            tasks[task.task_id] = task
    if problems:
        raise DataError(f"cannot read tasks from {source}", problems[:20])
    return tuple(tasks[number] for number in sorted(tasks))


def read_tasks(path: str | Path) -> tuple[TauTask, ...]:
    """Read a tasks file (``tasks.json``, or a trajectories file)."""
    file = Path(path)
    if not file.is_file():
        raise DataError(
            f"no tasks file at {str(file)!r}",
            [
                _problem(
                    str(file),
                    "not a file",
                )
            ],
        )
    return tasks_from_json(read_json_file(file, what=file.name), source=file.name)
