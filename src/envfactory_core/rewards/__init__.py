"""What rewards score: a pure function of the gold and the candidate.

The reward contract itself is :class:`~envfactory_core.contracts.Reward`.

A reward sees only data — the task's gold calls and gold final state, the candidate's calls and
final state — so the same component scores trajectories in the pipeline, rows inside a verl
reward function, and rollouts inside TRL, without a live environment.

States are world states: ``{environment: {table: {key: row}}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..models import GoldCall, ToolCall, ToolResult
from ..models._validators import to_tuple

__all__ = ["RewardInput", "WorldState", "build_reward_input"]

WorldState = Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]]


@attrs.frozen(kw_only=True)
class RewardInput:
    """Everything a reward may look at.

    ``calls`` are the candidate's tool calls in order (qualified by environment), ``results``
    their outcomes when known. ``format_errors`` counts tool calls the candidate wrote that could
    not be parsed. ``answer`` is the candidate's final message, checked against ``answer_facts``
    for tasks whose success is not a state change.
    """

    gold_calls: tuple[GoldCall, ...] = attrs.field(converter=to_tuple)
    calls: tuple[ToolCall, ...] = attrs.field(converter=to_tuple)
    results: tuple[ToolResult, ...] = attrs.field(default=(), converter=to_tuple)
    environments: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    initial_state: WorldState | None = attrs.field(default=None, eq=False)
    gold_state: WorldState | None = attrs.field(default=None, eq=False)
    final_state: WorldState | None = attrs.field(default=None, eq=False)
    format_errors: int = 0
    answer: str = ""
    answer_facts: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)


def build_reward_input(
    *,
    gold_calls: Any,
    calls: Any,
    initial_state: WorldState | None,
    gold_state: WorldState | None,
    final_state: WorldState | None,
    environments: Any = (),
    results: Any = (),
    format_errors: int = 0,
    answer: str = "",
    answer_facts: Any = (),
) -> RewardInput:
    """Keyword-only constructor kept stable for adapters (verl, TRL) that build inputs from rows."""
    return RewardInput(
        gold_calls=gold_calls,
        calls=calls,
        results=results,
        environments=environments,
        initial_state=initial_state,
        gold_state=gold_state,
        final_state=final_state,
        format_errors=format_errors,
        answer=answer,
        answer_facts=answer_facts,
    )
