"""Reading the benchmark's trajectory records.

A record holds a real agent's conversation (OpenAI-style messages: assistant ``tool_calls`` with
JSON ``arguments``, ``tool`` messages with the tool's output as text), the task it worked on
(``info.task``) and the benchmark's verdict (``info.reward_info.info``: ``r_actions`` and
``gt_data_hash`` for state-judged tasks, ``r_outputs`` for the others; sometimes null).

The calls the environment executed are the ones a ``tool`` message answers; they are replayed in
the order of those answers, which is the order the benchmark ran them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from envfactory_core.errors import Problem

from .data import DataError, read_json_file
from .tasks import TauTask, task_from_json

__all__ = ["RecordedCall", "TrajectoryRecord", "read_trajectories", "records_from_json"]


@attrs.frozen(kw_only=True)
class RecordedCall:
    """A tool call the agent made and the output the benchmark's environment gave it (as text)."""

    call_id: str
    name: str
    arguments: Any = attrs.field(eq=False, repr=False)
    """The arguments as recorded: JSON text (usually) or an object."""
    output: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class TrajectoryRecord:
    """One trajectory record with the benchmark's verdict."""

    index: int
    task_id: int
    trial: int | None
    reward: float | None
    task: TauTask
    calls: tuple[RecordedCall, ...]
    unanswered_calls: int = 0
    r_actions: float | None = None
    gt_data_hash: str | None = None
    r_outputs: float | None = None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _calls(messages: list[Any], where: str) -> tuple[list[RecordedCall], int, list[Problem]]:
    requested: dict[str, tuple[str, Any]] = {}
    answered: list[RecordedCall] = []
    problems: list[Problem] = []
    for position, message in enumerate(messages):
        spot = f"{where}.traj[{position}]"
        if not isinstance(message, Mapping):
            problems.append(Problem(location=spot, message="a message must be an object"))
            continue
        role = message.get("role")
        if role == "assistant":
            for number, call in enumerate(message.get("tool_calls") or []):
                function = call.get("function") if isinstance(call, Mapping) else None
                if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
                    problems.append(Problem(location=f"{spot}.tool_calls[{number}]", message="needs function.name"))
                    continue
                requested[str(call.get("id", f"{position}:{number}"))] = (
                    function["name"],
                    function.get("arguments", "{}"),
                )
        elif role == "tool":
            call_id = str(message.get("tool_call_id", ""))
            if call_id not in requested:
                problems.append(
                    Problem(
                        location=spot, message=f"answers tool call {call_id!r}, which no earlier assistant message made"
                    )
                )
                continue
            name, arguments = requested.pop(call_id)
            content = message.get("content")
            answered.append(
                RecordedCall(
                    call_id=call_id,
                    name=name,
                    arguments=arguments,
                    output=content if isinstance(content, str) else json.dumps(content),
                )
            )
    return answered, len(requested), problems


def _record(item: Any, index: int, source: str) -> tuple[TrajectoryRecord | None, list[Problem]]:
    where = f"{source}[{index}]"
    if not isinstance(item, Mapping):
        return None, [Problem(location=where, message=f"a record must be an object, got {type(item).__name__}")]
    problems: list[Problem] = []
    task_id = item.get("task_id")
    if isinstance(task_id, bool) or not isinstance(task_id, int):
        problems.append(Problem(location=f"{where}.task_id", message=f"must be an integer, got {task_id!r}"))
    info = item.get("info")
    if not isinstance(info, Mapping) or "task" not in info:
        problems.append(Problem(location=f"{where}.info.task", message="missing: the record must carry its task"))
        info = {}
    messages = item.get("traj")
    if not isinstance(messages, list):
        problems.append(Problem(location=f"{where}.traj", message="must be a list of messages"))
        messages = []
    reward_info = info.get("reward_info")
    details = reward_info.get("info") if isinstance(reward_info, Mapping) else None
    details = details if isinstance(details, Mapping) else {}
    gt_data_hash = details.get("gt_data_hash")
    if gt_data_hash is not None and not isinstance(gt_data_hash, str):
        problems.append(Problem(location=f"{where}.info.reward_info.info.gt_data_hash", message="must be a hex string"))
    task, task_problems = task_from_json(
        info.get("task", {}), where=f"{where}.info.task", task_id=task_id, gold_state_hash=gt_data_hash
    )
    problems.extend(task_problems)
    calls, unanswered, call_problems = _calls(messages, where)
    problems.extend(call_problems)
    if problems or task is None:
        return None, problems
    trial = item.get("trial")
    return (
        TrajectoryRecord(
            index=index,
            task_id=task.task_id,
            trial=trial if isinstance(trial, int) and not isinstance(trial, bool) else None,
            reward=_number(item.get("reward")),
            task=task,
            calls=tuple(calls),
            unanswered_calls=unanswered,
            r_actions=_number(details.get("r_actions")),
            gt_data_hash=gt_data_hash,
            r_outputs=_number(details.get("r_outputs")),
        ),
        [],
    )


def records_from_json(data: Any, *, source: str) -> tuple[TrajectoryRecord, ...]:
    """Every record of a trajectories file's JSON; a :class:`DataError` listing every malformed one."""
    if not isinstance(data, list):
        raise DataError(
            f"cannot read trajectories from {source}",
            [Problem(location=source, message="must be a JSON list of records")],
        )
    records: list[TrajectoryRecord] = []
    problems: list[Problem] = []
    for index, item in enumerate(data):
        record, found = _record(item, index, source)
        problems.extend(found)
        if record is not None:
            records.append(record)
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(Problem(location=source, message=f"... and {len(problems) - 20} more problems"))
        raise DataError(f"cannot read trajectories from {source}", shown)
    return tuple(records)


def read_trajectories(path: str | Path) -> tuple[TrajectoryRecord, ...]:
    """Read a trajectories file (the format of the benchmark's ``historical_trajectories``)."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no trajectories file at {str(file)!r}", [Problem(location=str(file), message="not a file")])
    return records_from_json(read_json_file(file, what=file.name), source=file.name)
