"""Scoring a model's response against an exported RL row: what verl's ``compute_score`` does.

The RL rows (written by the verl adapter's exporter, ``verl/verl``, and read by the verl and TRL
adapters) carry a task: the gold calls as ``reward_model.ground_truth``, the starting and gold
states in ``extra_info``. A trainer hands a reward function the decoded response
(``solution_str``), which holds the model's tool calls as Hermes ``<tool_call>{json}</tool_call>``
blocks (tool-response text between them is ignored). :func:`score_response` reads the calls, finds
the final world state, and applies the reward it is given:

- the final state is ``extra_info["final_state"]`` when the rollout put it there (an agent loop
  that ran the environments, as the verl adapter does); otherwise the calls are replayed
  in-process from the row's ``initial_state`` after its ``prefix_calls`` (the gold calls of the
  earlier turns), on the environments the caller provides;
- an unparseable ``<tool_call>`` block counts as a format error; a call named without an
  environment is qualified when the row has only one environment.

The caller (a reward worker's entry point) builds the registry, so it chooses the reward and the
installed environments once and passes them in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..contracts import Reward
from ..env import Environment
from ..errors import ConfigError, Problem
from ..llm.hermes import parse_text_tool_calls
from ..models import GoldCall, ToolCall, split_qualified_name
from ..rewards import RewardInput
from ..rewards.rollouts import FIX_EXPORT

__all__ = ["parse_ground_truth", "score_response"]


def _json(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, (bytes, str)):
        return json.loads(value) if value else default
    return value


def _strings(value: Any) -> tuple[str, ...]:
    """A list column as strings (parquet readers give lists, numpy arrays or tuples)."""
    if value is None:
        return ()
    return tuple(str(item) for item in value)


def parse_ground_truth(ground_truth: Any) -> tuple[GoldCall, ...]:
    """The gold calls of a row: ``[{name, arguments, masked_arguments}]`` (a JSON string or a list)."""
    calls = _json(ground_truth, [])
    gold = []
    for entry in calls:
        environment, tool = split_qualified_name(entry["name"])
        gold.append(
            GoldCall(
                call=ToolCall(environment=environment, tool=tool, arguments=dict(entry.get("arguments") or {})),
                masked_arguments=tuple(entry.get("masked_arguments") or ()),
            )
        )
    return tuple(gold)


def _calls(entries: Sequence[Mapping[str, Any]], environments: Sequence[str]) -> list[ToolCall]:
    calls = []
    for entry in entries:
        environment, tool = split_qualified_name(str(entry["name"]))
        if not environment and len(environments) == 1:
            environment = environments[0]
        calls.append(ToolCall(environment=environment, tool=tool, arguments=dict(entry.get("arguments") or {})))
    return calls


def score_response(
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None,
    *,
    reward: Reward,
    environments: Callable[[], Mapping[str, Environment]],
) -> dict[str, float]:
    """The reward of a response to an RL row: ``{"score": ..., <components>}``.

    ``environments`` gives the installed environments by name; it is called only when the
    response must be replayed (a row without ``final_state``), so a worker whose agent loop records
    final states never builds them. Raises :class:`~envfactory_core.errors.ConfigError` when the
    row lacks what scoring needs or an environment it names is not installed (a setup problem,
    not a bad response).
    """
    info = dict(extra_info or {})
    row_environments = _strings(info.get("environments"))
    gold = parse_ground_truth(ground_truth)
    answer, parsed = parse_text_tool_calls(solution_str or "")
    good = [{"name": call.name, "arguments": call.arguments} for call in parsed if not call.error]
    calls = _calls(good, row_environments)
    format_errors = sum(bool(call.error) for call in parsed)
    missing = [key for key in ("initial_state", "gold_state") if key not in info]
    if missing:
        raise ConfigError(
            "this row cannot be scored",
            [Problem(location=f"extra_info.{key}", message="missing", fix=FIX_EXPORT) for key in missing],
        )
    initial = _json(info["initial_state"], {})
    gold_state = _json(info["gold_state"], {})
    final = _json(info.get("final_state"), None)
    if final is None:
        final = _replay(initial, _calls(_json(info.get("prefix_calls"), []), row_environments), calls, environments)
    result = reward.score(
        RewardInput(
            gold_calls=gold,
            calls=tuple(calls),
            environments=row_environments,
            initial_state=initial,
            gold_state=gold_state,
            final_state=final,
            format_errors=format_errors,
            answer=answer,
            answer_facts=_strings(info.get("answer_facts")),
        )
    )
    return {"score": float(result.score), **{key: float(value) for key, value in sorted(result.components.items())}}


def _replay(
    initial: Mapping[str, Any],
    prefix: Sequence[ToolCall],
    calls: Sequence[ToolCall],
    environments: Callable[[], Mapping[str, Environment]],
) -> dict[str, Any]:
    from ..tasks.replay import replay_calls

    catalog = environments()
    absent = sorted(name for name in initial if name not in catalog)
    if absent:
        raise ConfigError(
            "cannot replay the response: environments are not installed",
            [
                Problem(
                    location=name,
                    message="not installed in the reward worker",
                    fix="pip install the domain package that provides it (or set ENVFACTORY_PLUGINS_DIR)",
                )
                for name in absent
            ],
        )
    replay = replay_calls(catalog, initial, [*prefix, *calls])
    return replay.final_state
