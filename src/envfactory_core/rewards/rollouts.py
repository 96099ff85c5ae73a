"""Live rollouts of exported RL rows: the episode a trainer runs, and the reward it earns.

RL trainers (TRL, verl) read the rows the verl adapter's exporter (``verl/verl``) writes and let a
policy call tools during generation. Each rollout needs its own world at the row's starting point, every call recorded,
and a reward computed against the row's gold. :class:`RolloutTask` is what a row says (parsed once,
with every problem reported at once); :class:`Rollout` is one live episode of it.

A row's starting point is its task's initial state with ``prefix_calls`` (the earlier turns' gold
calls) replayed, so ids the environments create come out as they did when the task was grounded,
exactly as :func:`envfactory_core.export.responses.score_response` replays them; the two agree
on every score.

Adapters share this module so that the live reward (TRL's reward function, verl's
``calc_reward``) and the offline one (verl's ``compute_score`` over the response text) are the same
function of the same inputs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..contracts import Reward
from ..env import Environment, World, hash_world
from ..errors import ConfigError, Problem
from ..models import GoldCall, RewardResult, ToolCall, ToolResult, split_qualified_name
from ..models._validators import to_tuple
from . import RewardInput

__all__ = ["FIX_EXPORT", "Rollout", "RolloutError", "RolloutTask", "WorldState", "tool_result_text"]

WorldState = dict[str, Any]

FIX_EXPORT = "export the rows with `envfactory export RUN --format verl` (verl/verl)"
"""The fix a problem with a verl row names: where rows that roll out and score come from."""


class RolloutError(ConfigError):
    """A row cannot be rolled out: a field is missing or malformed, or an environment is not installed."""


def tool_result_text(result: ToolResult) -> str:
    """The text a model sees for a tool result: the same JSON the exported conversations hold."""
    return json.dumps(result.as_payload(), ensure_ascii=False, sort_keys=True)


def _json_field(
    info: Mapping[str, Any], key: str, problems: list[Problem], default: Any, *, required: bool = True
) -> Any:
    value = info.get(key)
    if value is None:
        if required:
            problems.append(Problem(location=f"extra_info.{key}", message="missing", fix=FIX_EXPORT))
        return default
    if isinstance(value, (bytes, str)):
        try:
            return json.loads(value) if value else default
        except json.JSONDecodeError as error:
            problems.append(Problem(location=f"extra_info.{key}", message=f"not JSON: {error.msg}", fix=FIX_EXPORT))
            return default
    return value


def _strings(value: Any) -> tuple[str, ...]:
    """A list column as strings (parquet readers give lists, numpy arrays or tuples)."""
    if value is None or isinstance(value, (str, bytes)):
        return ()
    return tuple(str(item) for item in value)


def _qualify(name: str, environments: Sequence[str]) -> ToolCall | None:
    environment, tool = split_qualified_name(name)
    if not environment and len(environments) == 1:
        environment = environments[0]
    if not environment:
        return None
    return ToolCall(environment=environment, tool=tool)


@attrs.frozen(kw_only=True)
class RolloutTask:
    """What one exported row asks of a rollout: where to start, the tools, and the gold to meet.

    ``initial_state`` and ``gold_state`` are world states (``{environment: {table: {key: row}}}``);
    ``prefix_calls`` are replayed on a fresh world before the policy acts.
    """

    task_id: str
    turn: int = 0
    environments: tuple[str, ...] = attrs.field(converter=to_tuple)
    tool_selection: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    initial_state: Mapping[str, Any] = attrs.field(eq=False, repr=False)
    gold_state: Mapping[str, Any] = attrs.field(eq=False, repr=False)
    prefix_calls: tuple[ToolCall, ...] = attrs.field(default=(), converter=to_tuple)
    gold_calls: tuple[GoldCall, ...] = attrs.field(converter=to_tuple)
    answer_facts: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)

    @property
    def environment_key(self) -> str:
        """The row's environments joined by ``+`` (``bookshop+notes``), as in its ``data_source``."""
        return "+".join(self.environments)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RolloutTask:
        """The task of a ``verl/verl`` row (a dict with ``extra_info`` and ``reward_model``)."""
        reward_model = row.get("reward_model") or {}
        ground_truth = reward_model.get("ground_truth") if isinstance(reward_model, Mapping) else None
        return cls.from_extra_info(row.get("extra_info") or {}, ground_truth)

    @classmethod
    def from_extra_info(cls, extra_info: Mapping[str, Any], ground_truth: Any) -> RolloutTask:
        """The task of a row given its ``extra_info`` and ``reward_model.ground_truth``.

        Raises :class:`RolloutError` listing every missing or malformed field.
        """
        problems: list[Problem] = []
        if not isinstance(extra_info, Mapping):
            raise RolloutError(
                "this row cannot be rolled out",
                [Problem(location="extra_info", message="must be an object", fix=FIX_EXPORT)],
            )
        environments = _strings(extra_info.get("environments"))
        if not environments:
            problems.append(Problem(location="extra_info.environments", message="missing or empty", fix=FIX_EXPORT))
        initial = _json_field(extra_info, "initial_state", problems, {})
        gold_state = _json_field(extra_info, "gold_state", problems, {})
        prefix_entries = _json_field(extra_info, "prefix_calls", problems, [], required=False)
        gold_entries: Any = ground_truth
        if isinstance(ground_truth, (str, bytes)):
            try:
                gold_entries = json.loads(ground_truth) if ground_truth else []
            except json.JSONDecodeError as error:
                problems.append(
                    Problem(location="reward_model.ground_truth", message=f"not JSON: {error.msg}", fix=FIX_EXPORT)
                )
                gold_entries = []
        elif ground_truth is None:
            problems.append(Problem(location="reward_model.ground_truth", message="missing", fix=FIX_EXPORT))
            gold_entries = []
        for key, value in (("initial_state", initial), ("gold_state", gold_state)):
            if not isinstance(value, Mapping):
                problems.append(Problem(location=f"extra_info.{key}", message="must be a world state object"))
            elif environments and sorted(value) != sorted(environments):
                problems.append(
                    Problem(
                        location=f"extra_info.{key}",
                        message=f"has environments {sorted(value)}, the row names {sorted(environments)}",
                    )
                )
        prefix = [call for call, _ in cls._calls(prefix_entries, environments, "extra_info.prefix_calls", problems)]
        gold = [
            GoldCall(call=call, masked_arguments=_strings(entry.get("masked_arguments")))
            for call, entry in cls._calls(gold_entries, environments, "reward_model.ground_truth", problems)
        ]
        if problems:
            raise RolloutError("this row cannot be rolled out", problems)
        return cls(
            task_id=str(extra_info.get("task_id") or ""),
            turn=int(extra_info.get("turn") or 0),
            environments=environments,
            tool_selection=_strings(extra_info.get("tool_selection")),
            initial_state=initial,
            gold_state=gold_state,
            prefix_calls=prefix,
            gold_calls=gold,
            answer_facts=_strings(extra_info.get("answer_facts")),
        )

    @staticmethod
    def _calls(
        entries: Any, environments: Sequence[str], location: str, problems: list[Problem]
    ) -> list[tuple[ToolCall, Mapping[str, Any]]]:
        """Each well-formed ``{name, arguments}`` entry as a qualified call, with the entry it came from."""
        if not isinstance(entries, Sequence) or isinstance(entries, (str, bytes)):
            problems.append(Problem(location=location, message="must be a list of {name, arguments}"))
            return []
        calls: list[tuple[ToolCall, Mapping[str, Any]]] = []
        for index, entry in enumerate(entries):
            where = f"{location}[{index}]"
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                problems.append(Problem(location=where, message='must be an object with a string "name"'))
                continue
            call = _qualify(entry["name"], environments)
            arguments = entry.get("arguments") or {}
            if call is None:
                problems.append(Problem(location=where, message=f"{entry['name']!r} names no environment"))
                continue
            if not isinstance(arguments, Mapping):
                problems.append(Problem(location=f"{where}.arguments", message="must be an object"))
                continue
            try:
                calls.append((attrs.evolve(call, arguments=dict(arguments)), entry))
            except (TypeError, ValueError) as error:
                problems.append(Problem(location=f"{where}.arguments", message=str(error)))
        return calls


class Rollout:
    """One live episode of a :class:`RolloutTask`: a fresh world, every call recorded, a reward at the end.

    Opening replays the task's ``prefix_calls``; a prefix call that fails means the installed
    environments are not the ones the row was exported from, which is reported, never hidden.
    """

    def __init__(self, task: RolloutTask, environments: Mapping[str, Environment]) -> None:
        missing = [name for name in task.environments if name not in environments]
        if missing:
            raise RolloutError(
                f"cannot roll out task {task.task_id or '(no id)'}: environments are not installed",
                [
                    Problem(
                        location=name,
                        message="not installed in this process",
                        fix="pip install the domain package that provides it (or set ENVFACTORY_PLUGINS_DIR)",
                    )
                    for name in missing
                ],
            )
        self.task = task
        self.world = World.open([environments[name] for name in task.environments], states=task.initial_state)
        self.calls: list[ToolCall] = []
        self.results: list[ToolResult] = []
        self._closed_state: WorldState | None = None
        for index, call in enumerate(task.prefix_calls):
            result = self.world.call_tool(call)
            if not result.ok:
                self.close()
                raise RolloutError(
                    f"cannot roll out task {task.task_id or '(no id)'}: an earlier turn's gold call fails",
                    [
                        Problem(
                            location=f"extra_info.prefix_calls[{index}] ({call.qualified_name})",
                            message=result.error.message if result.error else "failed",
                            fix="install the environment versions the rows were exported with",
                        )
                    ],
                )

    @property
    def tool_names(self) -> tuple[str, ...]:
        """The qualified names of the world's tools."""
        return tuple(name for name, _ in self.world.tools())

    def call(self, name: str, arguments: object = None) -> ToolResult:
        """Run ``env__tool`` (a bare name works for a one-environment world) and record it; never raises."""
        result = self.world.call(name, arguments)
        environment, tool = split_qualified_name(name)
        if not environment and len(self.task.environments) == 1:
            environment = self.task.environments[0]
        self.calls.append(_recorded_call(environment, tool, arguments))
        self.results.append(result)
        return result

    def final_state(self) -> WorldState:
        """The world state now (after :meth:`close`: the state it was closed in)."""
        if self._closed_state is not None:
            return self._closed_state
        return self.world.state()

    def state_hash(self) -> str:
        if self._closed_state is not None:
            return hash_world(self._closed_state)
        return self.world.state_hash()

    def reward_input(self, *, answer: str = "", format_errors: int = 0) -> RewardInput:
        """The reward input of the calls so far, against the task's gold."""
        return RewardInput(
            gold_calls=self.task.gold_calls,
            calls=tuple(self.calls),
            results=tuple(self.results),
            environments=self.task.environments,
            initial_state=self.task.initial_state,
            gold_state=self.task.gold_state,
            final_state=self.final_state(),
            format_errors=format_errors,
            answer=answer,
            answer_facts=self.task.answer_facts,
        )

    def score(self, reward: Reward, *, answer: str = "", format_errors: int = 0) -> RewardResult:
        return reward.score(self.reward_input(answer=answer, format_errors=format_errors))

    def close(self) -> None:
        """Free the world, keeping its final state for scoring afterwards."""
        if self._closed_state is None:
            self._closed_state = self.world.state()
            self.world.close()

    def __enter__(self) -> Rollout:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _recorded_call(environment: str, tool: str, arguments: object) -> ToolCall:
    """The call as the policy made it (arguments that are not a JSON object are recorded as ``{}``)."""
    if isinstance(arguments, (str, bytes)):
        try:
            arguments = json.loads(arguments) if arguments else {}
        except json.JSONDecodeError:
            arguments = {}
    if isinstance(arguments, Mapping):
        try:
            return ToolCall(environment=environment, tool=tool, arguments=dict(arguments))
        except (TypeError, ValueError):
            pass
    return ToolCall(environment=environment, tool=tool)
