"""Rewards on grounded tasks: the oracle earns full marks, a missing write does not, an extra read costs a little."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.models import Step, Task, ToolCall, Trajectory
from envfactory_core.rewards.envfactory import EnvFactoryReward
from envfactory_core.rewards.state_diff import StateDiffReward
from envfactory_core.tasks import MemoryStates
from envfactory_core.tasks.context import TaskContext
from envfactory_core.tasks.oracle import OracleAgent
from envfactory_core.tasks.scoring import score_trajectory

from .example_world import ENVIRONMENTS, first_task

REWARDS = (EnvFactoryReward(), StateDiffReward())


def scores(task: Task, trajectory: Trajectory, states: MemoryStates) -> dict[str, Any]:
    scored = score_trajectory(task, trajectory, REWARDS, TaskContext(environments=ENVIRONMENTS, states=states))
    return {result.reward: result for result in scored.rewards}


def with_calls(trajectory: Trajectory, calls: list[ToolCall]) -> Trajectory:
    from envfactory_core.models import ToolResult

    return attrs.evolve(
        trajectory, steps=tuple(Step(call=call, result=ToolResult.success(None)) for call in calls), id=""
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_the_oracle_scores_one_under_both_rewards(seed: int) -> None:
    states = MemoryStates()
    task = first_task(seed, states)
    trajectory = OracleAgent().solve(task, TaskContext(environments=ENVIRONMENTS, states=states))
    results = scores(task, trajectory, states)
    assert results["core/envfactory"].score == 1.0, results["core/envfactory"].explanation
    assert results["core/state_diff"].score == 1.0, results["core/state_diff"].explanation


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), which=st.integers(0, 10))
def test_removing_a_gold_write_scores_below_one_under_both(seed: int, which: int) -> None:
    states = MemoryStates()
    task = first_task(seed, states, kind="write")
    writes = [index for index, gold in enumerate(task.gold_calls) if gold.effect == "write"]
    removed = writes[which % len(writes)]
    trajectory = OracleAgent().solve(task, TaskContext(environments=ENVIRONMENTS, states=states))
    calls = [gold.call for index, gold in enumerate(task.gold_calls) if index != removed]
    results = scores(task, with_calls(trajectory, calls), states)
    assert results["core/envfactory"].score < 1.0
    assert results["core/state_diff"].score < 1.0
    assert (
        "missed" in results["core/state_diff"].explanation
        or "changed without reason" in results["core/state_diff"].explanation
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_an_extra_harmless_read_keeps_the_state_score_and_costs_only_the_length_penalty(seed: int) -> None:
    states = MemoryStates()
    task = first_task(seed, states)
    extra = ToolCall(environment="bookshop", tool="search_books", arguments={"query": "the"})
    calls = [gold.call for gold in task.gold_calls]
    position = seed % (len(calls) + 1)
    calls.insert(position, extra)
    trajectory = OracleAgent().solve(task, TaskContext(environments=ENVIRONMENTS, states=states))
    results = scores(task, with_calls(trajectory, calls), states)
    paper = results["core/envfactory"]
    assert paper.components["state"] == 1.0
    assert paper.components["trace"] == 1.0
    assert paper.components["length_penalty"] == 0.05
    assert paper.score == 0.95
    assert results["core/state_diff"].score == 1.0


def test_format_errors_and_a_wrong_argument_are_penalised() -> None:
    states = MemoryStates()
    task = first_task(0, states, kind="write")
    trajectory = OracleAgent().solve(task, TaskContext(environments=ENVIRONMENTS, states=states))
    broken = attrs.evolve(trajectory, format_errors=3, id="")
    results = scores(task, broken, states)
    assert results["core/envfactory"].components["format_penalty"] == 0.15
    assert results["core/envfactory"].score == 0.85
    gold = task.gold_calls[0]
    name = next(name for name in gold.call.arguments if name not in gold.masked_arguments)
    changed = {**gold.call.arguments, name: "a different value"}
    wrong = [ToolCall(environment=gold.call.environment, tool=gold.call.tool, arguments=changed)]
    results = scores(task, with_calls(trajectory, wrong + [g.call for g in task.gold_calls[1:]]), states)
    assert results["core/envfactory"].components["trace"] == 0.0
    assert "missing" in results["core/envfactory"].explanation
