"""Scoring trajectories: replay the candidate's calls on a fresh world and apply rewards."""

from __future__ import annotations

from collections.abc import Sequence

from ..contracts import Reward
from ..models import RewardResult, Task, Trajectory
from .context import TaskContext
from .replay import replay_calls, reward_input

__all__ = ["score_trajectory"]


def score_trajectory(task: Task, trajectory: Trajectory, rewards: Sequence[Reward], context: TaskContext) -> Trajectory:
    """The trajectory with each reward's result, from a replay of its calls (never trusting its own claims)."""
    environments, states = context.environments, context.states
    initial = states.get(task.initial_state_id)
    gold = states.get(task.gold_state_id)
    calls = trajectory.calls
    replay = replay_calls(environments, initial, calls)
    answer = next(
        (
            message.content
            for message in reversed(trajectory.messages)
            if message.role == "assistant" and message.content
        ),
        "",
    )
    data = reward_input(
        task,
        calls,
        initial=initial,
        gold=gold,
        final=replay.final_state,
        results=replay.results,
        format_errors=trajectory.format_errors,
        answer=answer,
    )
    results: list[RewardResult] = [reward.score(data) for reward in rewards]
    return trajectory.with_changes(rewards=tuple(results), final_state_id=states.put(replay.final_state))
