"""verl drives EnvironmentTool through create/execute/release: one world per trajectory, right rewards.

verl 0.8+ wraps every single tool call in create → execute → release and passes the trajectory's
``agent_data`` (with its ``request_id``) to ``execute``. These tests load the tools exactly as verl
does (``initialize_tools_from_config`` over the exported ``tools.yaml``) and interleave two
trajectories of the same row, call by call, through that cycle.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from typing import Any

import pytest

from envfactory_core.env import hash_world
from envfactory_core.ids import canonical_json
from envfactory_core.llm.hermes import format_tool_call
from envfactory_core.rewards.envfactory import EnvFactoryReward
from envfactory_core.rewards.rollouts import RolloutTask
from envfactory_core.tasks.replay import replay_calls

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(
        importlib.util.find_spec("verl") is None,
        reason="needs verl, in the heavy test group: pip install -r requirements-heavy.txt",
    ),
]


def _agent_data(request_id: str) -> Any:
    from verl.experimental.agent_loop.tool_agent_loop import AgentData

    return AgentData(
        messages=[],
        image_data=None,
        video_data=None,
        audio_data=None,
        mm_processor_kwargs=None,
        metrics={},
        request_id=request_id,
        tools_kwargs={},
    )


@pytest.fixture
def tools(export_dir, example_plugins, monkeypatch) -> dict[str, Any]:
    """The tools verl builds from the export's tools.yaml, on a fresh trajectory store."""
    from envfactory_verl.sessions import TrajectoryStore
    from envfactory_verl.tools import EnvironmentTool
    from verl.tools.tool_registry import initialize_tools_from_config

    monkeypatch.setattr(EnvironmentTool, "store", TrajectoryStore())
    loaded = initialize_tools_from_config(str(export_dir / "tools.yaml"))
    assert loaded
    assert all(isinstance(tool, EnvironmentTool) for tool in loaded)
    return {tool.name: tool for tool in loaded}


def _write_row(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], RolloutTask]:
    """A one-environment row whose first gold call creates a record the next gold call reads."""
    for row in rows:
        task = RolloutTask.from_row(row)
        names = [gold.call.tool for gold in task.gold_calls]
        if task.environments == ("notes",) and not task.prefix_calls and names[:2] == ["create_note", "get_note"]:
            return row, task
    raise AssertionError("the example export has no create-then-read notes row")


async def _call(tool: Any, arguments: dict[str, Any], task: RolloutTask, request_id: str, owner: str) -> str:
    """One call exactly as verl's ToolAgentLoop makes it: create, execute with agent_data, release."""
    from envfactory_verl.tools import OWNER_KWARG, TASK_KWARG

    instance_id, _ = await tool.create(create_kwargs={TASK_KWARG: task, OWNER_KWARG: owner})
    try:
        response, step_reward, metrics = await tool.execute(instance_id, arguments, agent_data=_agent_data(request_id))
    finally:
        await tool.release(instance_id)
    assert step_reward == 0.0
    assert set(metrics) == {"ok"}
    return str(response.text)


async def _reward(tool: Any, task: RolloutTask, request_id: str, owner: str) -> float:
    from envfactory_verl.tools import OWNER_KWARG, TASK_KWARG

    instance_id, _ = await tool.create(create_kwargs={TASK_KWARG: task, OWNER_KWARG: owner})
    try:
        return float(await tool.calc_reward(instance_id, agent_data=_agent_data(request_id)))
    finally:
        await tool.release(instance_id)


def test_two_interleaved_trajectories_keep_their_own_world_and_earn_their_own_reward(tools, rows, example) -> None:
    row, task = _write_row(rows)
    create, read = task.gold_calls[0].call, task.gold_calls[1].call
    other = {**create.arguments, "title": "Someone else's note"}
    store = tools[create.qualified_name].sessions

    async def scenario() -> dict[str, Any]:
        out: dict[str, Any] = {}
        # A follows the gold; B creates a different note. Calls alternate A, B, A, B.
        out["a_create"] = await _call(tools[create.qualified_name], create.arguments, task, "request-A", "owner-A")
        out["b_create"] = await _call(tools[create.qualified_name], other, task, "request-B", "owner-B")
        out["a_read"] = await _call(tools[read.qualified_name], read.arguments, task, "request-A", "owner-A")
        out["b_read"] = await _call(tools[read.qualified_name], read.arguments, task, "request-B", "owner-B")
        out["sessions_during"] = len(store)
        out["handles_during"] = store.open_handles
        out["a_reward"] = await _reward(tools[read.qualified_name], task, "request-A", "owner-A")
        out["b_reward"] = await _reward(tools[create.qualified_name], task, "request-B", "owner-B")
        out["a"] = store.release_owner("owner-A")
        out["b"] = store.release_owner("owner-B")
        return out

    out = asyncio.run(scenario())

    # each trajectory reads back its own note under the same (deterministic) id
    assert json.loads(out["a_read"])["title"] == create.arguments["title"]
    assert json.loads(out["b_read"])["title"] == "Someone else's note"
    assert json.loads(out["a_create"])["note_id"] == json.loads(out["b_create"])["note_id"] == read.arguments["note_id"]
    # one world per trajectory for their whole length; every per-call handle released by verl's cycle
    assert out["sessions_during"] == 2
    assert out["handles_during"] == 0
    assert len(store) == 0
    assert store.open_handles == 0
    (a,), (b,) = out["a"], out["b"]
    assert hash_world(a.final_state) == hash_world(task.gold_state)
    assert hash_world(b.final_state) != hash_world(task.gold_state)

    # the rewards are the paper's reward of each trajectory, computed independently by replay
    reward = EnvFactoryReward()
    for session, expected_reward in ((a, out["a_reward"]), (b, out["b_reward"])):
        replay = replay_calls(example.environments, task.initial_state, session.rollout.calls)
        assert hash_world(replay.final_state) == hash_world(session.final_state)
        assert expected_reward == reward.score(session.rollout.reward_input()).score
    assert out["a_reward"] == 1.0
    assert out["b_reward"] < 1.0

    # and the reward entry agrees when handed the recorded final states
    from envfactory_verl.reward import compute_score

    for session, expected in ((a, out["a_reward"]), (b, out["b_reward"])):
        text = "".join(format_tool_call(call.qualified_name, dict(call.arguments)) for call in session.rollout.calls)
        info = {**row["extra_info"], "final_state": canonical_json(session.final_state)}
        assert compute_score(row["data_source"], text, row["reward_model"]["ground_truth"], info)["score"] == expected


def test_calls_of_one_trajectory_never_touch_another_rows_world(tools, rows) -> None:
    """Two different rows, interleaved: a tool of one environment fails cleanly in the other's world."""
    _, notes_task = _write_row(rows)
    bookshop_task = next(
        task for task in map(RolloutTask.from_row, rows) if task.environments == ("bookshop",) and task.gold_calls
    )
    bookshop_call = bookshop_task.gold_calls[0].call
    note_call = notes_task.gold_calls[0].call

    async def scenario() -> tuple[str, str, str]:
        shop = await _call(tools[bookshop_call.qualified_name], bookshop_call.arguments, bookshop_task, "r1", "o1")
        note = await _call(tools[note_call.qualified_name], note_call.arguments, notes_task, "r2", "o2")
        wrong = await _call(tools[note_call.qualified_name], note_call.arguments, bookshop_task, "r1", "o1")
        return shop, note, wrong

    shop, note, wrong = asyncio.run(scenario())
    assert "error" not in json.loads(shop)
    assert "note_id" in json.loads(note)
    assert json.loads(wrong)["error"]["kind"] == "unknown_tool"


def test_without_agent_data_the_instance_is_the_trajectory(tools, rows) -> None:
    """verl before 0.8 created one instance per trajectory and released it at the end."""
    from envfactory_verl.tools import TASK_KWARG

    _, task = _write_row(rows)
    create = task.gold_calls[0].call
    tool = tools[create.qualified_name]

    async def scenario() -> tuple[float, int, int]:
        instance_id, _ = await tool.create(create_kwargs={TASK_KWARG: task})
        for gold in task.gold_calls:
            await tools[gold.call.qualified_name].execute(instance_id, gold.call.arguments)
        reward = await tool.calc_reward(instance_id)
        during = len(tool.sessions)
        await tool.release(instance_id)
        return reward, during, len(tool.sessions)

    reward, during, after = asyncio.run(scenario())
    assert reward == 1.0
    assert (during, after) == (1, 0)


def test_a_tool_without_a_task_answers_with_an_error_not_a_crash(tools) -> None:
    tool = next(iter(tools.values()))

    async def scenario() -> str:
        instance_id, _ = await tool.create()
        try:
            response, _, metrics = await tool.execute(instance_id, {}, agent_data=_agent_data("lost"))
        finally:
            await tool.release(instance_id)
        assert metrics == {"ok": False}
        return str(response.text)

    assert "create_kwargs" in asyncio.run(scenario())
