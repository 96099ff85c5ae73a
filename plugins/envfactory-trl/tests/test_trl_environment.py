"""Environment classes under TRL's contract: reset(**row), tools as methods, one episode per instance."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from envfactory_trl import (
    EnvFactoryEnvironment,
    EnvFactoryRewardFunction,
    RolloutLog,
    environment_class,
    environment_factories,
    with_environment,
)

from envfactory_core.env import hash_world
from envfactory_core.errors import ConfigError
from envfactory_core.rewards.envfactory import EnvFactoryReward
from envfactory_core.rewards.rollouts import RolloutTask
from envfactory_core.tasks.replay import replay_calls


def _row(rows: list[dict[str, Any]], environment: str, *, later_turn: bool = False) -> dict[str, Any]:
    """A one-environment row; where several fit, one whose first gold call writes (create-then-read)."""
    fitting = [
        row
        for row in rows
        if RolloutTask.from_row(row).environments == (environment,)
        and bool(RolloutTask.from_row(row).prefix_calls) == later_turn
    ]
    writes_first = [row for row in fitting if RolloutTask.from_row(row).gold_calls[0].call.tool.startswith("create_")]
    for row in writes_first or fitting:
        return row
    raise AssertionError(f"no {environment} row")


def _tools(cls: type) -> list[str]:
    """The tools TRL finds: public functions on the class other than reset and get_reward."""
    return [
        name
        for name, _ in inspect.getmembers(cls, predicate=inspect.isfunction)
        if name not in ("reset", "get_reward") and not name.startswith("_")
    ]


def test_trl_finds_exactly_the_environments_tools(example) -> None:
    cls = environment_class(["bookshop", "notes"], example.environments)
    expected = sorted(
        f"{name}__{tool.name}" for name in ("bookshop", "notes") for tool in example.environments[name].spec.tools
    )
    assert sorted(_tools(cls)) == expected
    assert "get_reward" not in dict(inspect.getmembers(cls))
    owning = environment_class(["notes"], example.environments, reward=EnvFactoryReward(), owns_reward=True)
    assert inspect.isfunction(owning.get_reward)


def test_each_instance_runs_its_own_episode_from_the_rows_start(example, rows) -> None:
    row = _row(rows, "notes")
    task = RolloutTask.from_row(row)
    cls = environment_factories([row], environments=example.environments)["notes"]
    first, second = cls(), cls()
    first.reset(**with_environment(row) | {"prompt": row["prompt"]})
    second.reset(**row)
    gold = task.gold_calls[0].call
    created = json.loads(getattr(first, gold.qualified_name)(**gold.arguments))
    assert created["title"] == gold.arguments["title"]
    other = json.loads(getattr(second, gold.qualified_name)(title="Another"))
    assert other["note_id"] == created["note_id"]  # same deterministic id, each in its own world
    assert hash_world(first._live.final_state()) != hash_world(second._live.final_state())
    assert hash_world(second._live.final_state()) == hash_world(
        replay_calls(example.environments, task.initial_state, second._live.calls).final_state
    )
    # a pooled instance is reset for the next rollout: a fresh world, no calls
    first.reset(**row)
    assert first._live.calls == []
    assert hash_world(first._live.final_state()) == hash_world(task.initial_state)


def test_a_later_turn_starts_after_the_earlier_turns(example, rows) -> None:
    row = _row(rows, "notes", later_turn=True)
    task = RolloutTask.from_row(row)
    env = environment_class(["notes"], example.environments)()
    env.reset(**row)
    expected = replay_calls(example.environments, task.initial_state, task.prefix_calls).final_state
    assert hash_world(env._live.final_state()) == hash_world(expected)
    assert env._live.calls == []  # the earlier turns are the start, not the policy's calls


def test_tool_results_are_the_exported_json_and_bad_calls_do_not_raise(example, rows) -> None:
    env = environment_class(["notes"], example.environments)()
    env.reset(**_row(rows, "notes"))
    failure = json.loads(env.notes__get_note(note_id="no-such-note"))
    assert failure["error"]["kind"] == "tool_error"
    invalid = json.loads(env.notes__create_note(title=12))
    assert invalid["error"]["kind"] == "invalid_arguments"
    assert [result.ok for result in env._live.results] == [False, False]


def test_a_row_of_other_environments_is_refused(example, rows) -> None:
    env = environment_class(["bookshop"], example.environments)()
    with pytest.raises(ConfigError, match="environment"):
        env.reset(**_row(rows, "notes"))


def test_a_tool_before_reset_says_so(example) -> None:
    env = environment_class(["notes"], example.environments)()
    with pytest.raises(RuntimeError, match="reset"):
        env.notes__search_notes(query="x")


def test_missing_environments_are_named(example) -> None:
    with pytest.raises(ConfigError, match="nowhere"):
        environment_class(["nowhere"], example.environments)


def test_the_reward_function_scores_each_rollout_and_records_it(example, rows, tmp_path) -> None:
    row = _row(rows, "notes")
    task = RolloutTask.from_row(row)
    cls = environment_class(["notes"], example.environments, reward=EnvFactoryReward())
    solver, idler, sloppy = cls(), cls(), cls()
    for env in (solver, idler, sloppy):
        env.reset(**row)
    for gold in task.gold_calls:
        getattr(solver, gold.call.qualified_name)(**gold.call.arguments)
    log = RolloutLog(tmp_path / "rollouts.jsonl")
    reward = EnvFactoryRewardFunction(log)
    metrics: dict[str, float] = {}
    extra: dict[str, list[Any]] = {}
    completions = [
        [{"role": "assistant", "content": "Done."}],
        [{"role": "assistant", "content": "I will not."}],
        [{"role": "assistant", "content": '<tool_call>\n{"name": "notes__create_note", "arguments": \n</tool_call>'}],
    ]
    scores = reward(
        prompts=[row["prompt"]] * 3,
        completions=completions,
        environments=[solver, idler, sloppy],
        trainer_state=type("State", (), {"global_step": 7})(),
        log_metric=metrics.__setitem__,
        log_extra=extra.__setitem__,
    )
    assert scores[0] == 1.0
    assert scores[1] == 0.0  # no calls: trace 0, and the notes state is not the gold one
    assert scores[2] == 0.0
    records = log.records
    assert [record.score for record in records] == scores
    assert records[0].calls == tuple(gold.call for gold in task.gold_calls)
    assert records[0].step == 7
    assert records[2].format_errors == 1
    assert metrics["envfactory/trace"] == pytest.approx(1 / 3)
    assert len(extra["envfactory_explanation"]) == 3
    written = [json.loads(line) for line in (tmp_path / "rollouts.jsonl").read_text().splitlines()]
    assert [entry["score"] for entry in written] == scores
    assert written[0]["calls"][0]["name"] == task.gold_calls[0].call.qualified_name


def test_the_reward_function_leaves_other_environments_alone(example, rows) -> None:
    class Other:
        pass

    env = environment_class(["notes"], example.environments, reward=EnvFactoryReward())()
    env.reset(**_row(rows, "notes"))
    scores = EnvFactoryRewardFunction()(prompts=[[], []], completions=[[], []], environments=[env, Other()])
    assert scores[1] is None
    assert isinstance(env, EnvFactoryEnvironment)
