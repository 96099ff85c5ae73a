"""Live rollouts of verl/verl rows: parsing every row, starting where the row starts, scoring like compute_score."""

from __future__ import annotations

import json
from typing import Any

import pytest
from envfactory_testing.export_items import ExampleExport, example_export
from envfactory_verl.exporter import VerlExporter

from envfactory_core.env import hash_world
from envfactory_core.export.responses import score_response
from envfactory_core.ids import canonical_json
from envfactory_core.llm.hermes import format_tool_call
from envfactory_core.rewards.envfactory import EnvFactoryReward
from envfactory_core.rewards.rollouts import Rollout, RolloutError, RolloutTask
from envfactory_core.tasks.replay import replay_calls


@pytest.fixture(scope="module")
def example() -> ExampleExport:
    return example_export(tasks=6)


@pytest.fixture(scope="module")
def rows(example: ExampleExport) -> list[dict[str, Any]]:
    """The rows verl/verl writes for the example items (without its parquet files: no pyarrow needed)."""
    found: list[dict[str, Any]] = []
    for item in example.items:
        item_rows = VerlExporter().item_rows(item)
        assert not isinstance(item_rows, str), item_rows
        found.extend(json.loads(json.dumps(row)) for row in item_rows)
    return found


def test_every_row_parses_and_its_gold_calls_reach_its_gold_state(example, rows) -> None:
    for row in rows:
        task = RolloutTask.from_row(row)
        assert task.environments == tuple(row["extra_info"]["environments"])
        assert [gold.call.qualified_name for gold in task.gold_calls] == [
            entry["name"] for entry in json.loads(row["reward_model"]["ground_truth"])
        ]
        with Rollout(task, example.environments) as rollout:
            for gold in task.gold_calls:
                assert rollout.call(gold.call.qualified_name, gold.call.arguments).ok
            assert hash_world(rollout.final_state()) == hash_world(task.gold_state)
            assert rollout.score(EnvFactoryReward()).score == 1.0


def test_a_rollout_starts_after_the_earlier_turns(example, rows) -> None:
    later = [RolloutTask.from_row(row) for row in rows if json.loads(row["extra_info"]["prefix_calls"])]
    assert later
    for task in later:
        expected = replay_calls(example.environments, task.initial_state, task.prefix_calls).final_state
        with Rollout(task, example.environments) as rollout:
            assert hash_world(rollout.final_state()) == hash_world(expected)
            assert rollout.calls == []


def test_the_live_score_is_the_score_of_the_response_text(example, rows) -> None:
    """What a trainer computes live equals what verl's compute_score computes from the text."""
    reward = EnvFactoryReward()
    for row in rows:
        task = RolloutTask.from_row(row)
        for calls in (task.gold_calls[:1], task.gold_calls[1:], task.gold_calls):
            with Rollout(task, example.environments) as rollout:
                for gold in calls:
                    rollout.call(gold.call.qualified_name, gold.call.arguments)
                live = rollout.score(reward)
                final = rollout.final_state()
            text = "".join(format_tool_call(g.call.qualified_name, dict(g.call.arguments)) for g in calls)
            ground_truth = row["reward_model"]["ground_truth"]
            installed = lambda: example.environments  # noqa: E731 - what a reward worker passes
            replayed = score_response(text, ground_truth, row["extra_info"], reward=reward, environments=installed)
            recorded = score_response(
                text,
                ground_truth,
                {**row["extra_info"], "final_state": canonical_json(final)},
                reward=reward,
                environments=installed,
            )
            assert live.score == replayed["score"] == recorded["score"]


def test_a_closed_rollout_keeps_its_final_state(example, rows) -> None:
    task = RolloutTask.from_row(rows[0])
    rollout = Rollout(task, example.environments)
    gold = task.gold_calls[0].call
    rollout.call(gold.qualified_name, gold.arguments)
    before = rollout.final_state()
    rollout.close()
    assert rollout.final_state() == before
    assert rollout.state_hash() == hash_world(before)


def test_a_malformed_row_lists_every_problem() -> None:
    row = {
        "reward_model": {"ground_truth": "not json"},
        "extra_info": {"environments": [], "initial_state": "{", "prefix_calls": '[{"arguments": {}}]'},
    }
    with pytest.raises(RolloutError) as error:
        RolloutTask.from_row(row)
    locations = {problem.location for problem in error.value.problems}
    assert {
        "extra_info.environments",
        "extra_info.initial_state",
        "extra_info.gold_state",
        "extra_info.prefix_calls[0]",
        "reward_model.ground_truth",
    } <= locations


def test_missing_environments_and_failing_earlier_turns_are_reported(example, rows) -> None:
    task = RolloutTask.from_row(rows[0])
    with pytest.raises(RolloutError, match="not installed"):
        Rollout(task, {})
    later = next(RolloutTask.from_row(row) for row in rows if json.loads(row["extra_info"]["prefix_calls"]))
    broken = type(later)(
        task_id=later.task_id,
        environments=later.environments,
        initial_state=later.initial_state,
        gold_state=later.gold_state,
        prefix_calls=[type(c)(environment=c.environment, tool=c.tool, arguments={}) for c in later.prefix_calls],
        gold_calls=later.gold_calls,
    )
    with pytest.raises(RolloutError, match="earlier turn"):
        Rollout(broken, example.environments)


def test_calls_with_arguments_that_are_not_an_object_are_recorded_and_refused(example, rows) -> None:
    task = RolloutTask.from_row(rows[0])
    with Rollout(task, example.environments) as rollout:
        result = rollout.call(task.gold_calls[0].call.qualified_name, "[1, 2]")
        assert not result.ok
        assert rollout.calls[0].arguments == {}
