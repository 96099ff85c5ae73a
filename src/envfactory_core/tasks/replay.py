"""Replaying calls on a fresh world opened at a stored state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..env import Environment, World
from ..models import ToolCall, ToolResult
from ..rewards import RewardInput

__all__ = ["Replay", "open_world", "replay_calls"]


@attrs.frozen(kw_only=True)
class Replay:
    """The results of replayed calls and the state they left."""

    results: tuple[ToolResult, ...]
    final_state: dict[str, Any] = attrs.field(eq=False)
    final_hash: str


def open_world(environments: Mapping[str, Environment], state: Mapping[str, Any]) -> World:
    """A world of the environments in ``state`` (a world state), each at its part of it."""
    names = sorted(state)
    missing = [name for name in names if name not in environments]
    if missing:
        raise KeyError(f"environment not installed: {', '.join(missing)}")
    return World.open([environments[name] for name in names], states=state)


def replay_calls(
    environments: Mapping[str, Environment], state: Mapping[str, Any], calls: Sequence[ToolCall]
) -> Replay:
    """Run ``calls`` in order on a fresh world at ``state``."""
    with open_world(environments, state) as world:
        results = tuple(world.call_tool(call) for call in calls)
        return Replay(results=results, final_state=world.state(), final_hash=world.state_hash())


def reward_input(
    task: Any,
    calls: Sequence[ToolCall],
    *,
    initial: Mapping[str, Any],
    gold: Mapping[str, Any],
    final: Mapping[str, Any],
    **extra: Any,
) -> RewardInput:
    """The reward input for a candidate's calls on a task."""
    return RewardInput(
        gold_calls=task.gold_calls,
        calls=tuple(calls),
        environments=task.environments,
        initial_state=initial,
        gold_state=gold,
        final_state=final,
        answer_facts=task.answer_facts,
        **extra,
    )
