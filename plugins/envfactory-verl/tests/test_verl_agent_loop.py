"""The envfactory agent loop: verl's own tool-calling path, a world per trajectory, the final state recorded.

Generation needs an inference server, so verl's ``ToolAgentLoop.run`` is replaced by a scripted
stand-in that makes the tool calls a model would have made, through verl's real ``_call_tool``
(create → execute with ``agent_data`` → release). Everything the envfactory loop adds around it
is the real code: reading the row's task, handing it to the tools, releasing the trajectory and
recording its final state for the reward function.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import uuid
from typing import Any

import pytest

from envfactory_core.env import hash_world
from envfactory_core.ids import canonical_json
from envfactory_core.llm.hermes import format_tool_call
from envfactory_core.rewards.rollouts import RolloutTask

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(
        importlib.util.find_spec("verl") is None,
        reason="needs verl, in the heavy test group: pip install -r requirements-heavy.txt",
    ),
]


@pytest.fixture
def loop(export_dir, example_plugins, monkeypatch) -> Any:
    from envfactory_verl.agent_loop import EnvironmentAgentLoop
    from envfactory_verl.sessions import TrajectoryStore
    from envfactory_verl.tools import EnvironmentTool
    from verl.experimental.agent_loop.agent_loop import AgentLoopMetrics, AgentLoopOutput
    from verl.experimental.agent_loop.tool_agent_loop import AgentData, ToolAgentLoop
    from verl.experimental.agent_loop.tool_parser import FunctionCall
    from verl.tools.tool_registry import initialize_tools_from_config

    store = TrajectoryStore()
    monkeypatch.setattr(EnvironmentTool, "store", store)
    monkeypatch.setattr(EnvironmentAgentLoop, "store", store)

    async def scripted_run(self: Any, sampling_params: dict[str, Any], **kwargs: Any) -> Any:
        agent_data = AgentData(
            messages=list(kwargs["raw_prompt"]),
            image_data=None,
            video_data=None,
            audio_data=None,
            mm_processor_kwargs=None,
            metrics={},
            request_id=uuid.uuid4().hex,  # as verl makes it
            tools_kwargs=kwargs.get("tools_kwargs", {}),
        )
        for name, arguments in kwargs["script"]:
            call = FunctionCall(name=name, arguments=json.dumps(arguments))
            await self._call_tool(call, agent_data.tools_kwargs, agent_data)
            await asyncio.sleep(0)  # let the other trajectory run between calls
        return AgentLoopOutput(
            prompt_ids=[1],
            response_ids=[2],
            response_mask=[1],
            num_turns=3,
            metrics=AgentLoopMetrics(),
            extra_fields=agent_data.extra_fields,
        )

    monkeypatch.setattr(ToolAgentLoop, "run", scripted_run)
    instance = EnvironmentAgentLoop.__new__(EnvironmentAgentLoop)  # no inference server behind it
    instance.tools = {tool.name: tool for tool in initialize_tools_from_config(str(export_dir / "tools.yaml"))}
    instance.max_tool_response_length = 100_000
    instance.tool_response_truncate_side = "middle"
    instance.store = store
    return instance


def _row_with_history(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], RolloutTask]:
    """A later turn: its rollout starts after the earlier turns' gold calls."""
    for row in rows:
        task = RolloutTask.from_row(row)
        if task.prefix_calls and len(task.gold_calls) >= 1:
            return row, task
    raise AssertionError("the example export has no multi-turn row")


def test_concurrent_trajectories_get_their_own_world_and_their_final_state_reaches_the_reward(loop, rows) -> None:
    from envfactory_verl.reward import compute_score

    row, task = _row_with_history(rows)
    gold = [(g.call.qualified_name, dict(g.call.arguments)) for g in task.gold_calls]
    partial = gold[:-1] or [(gold[0][0], {})]

    async def both() -> list[Any]:
        kwargs = {"raw_prompt": row["prompt"], "extra_info": row["extra_info"], "reward_model": row["reward_model"]}
        return await asyncio.gather(loop.run({}, script=gold, **kwargs), loop.run({}, script=partial, **kwargs))

    good, bad = asyncio.run(both())
    assert len(loop.store) == 0
    assert loop.store.open_handles == 0
    assert hash_world(json.loads(good.extra_fields["final_state"])) == hash_world(task.gold_state)
    assert good.extra_fields["final_state"] != bad.extra_fields["final_state"]
    assert good.extra_fields["envfactory_trajectory"] != bad.extra_fields["envfactory_trajectory"]
    assert good.extra_fields["envfactory_calls"] == len(gold)

    for output, script, expected in ((good, gold, 1.0), (bad, partial, None)):
        # what verl's reward manager does: merge the loop's extra_fields into the row's extra_info
        info = {**row["extra_info"], **output.extra_fields}
        text = "".join(format_tool_call(name, arguments) for name, arguments in script)
        score = compute_score(row["data_source"], text, row["reward_model"]["ground_truth"], info)["score"]
        if expected is None:
            assert score < 1.0
        else:
            assert score == expected


def test_a_failing_trajectory_still_releases_its_world(loop, rows, monkeypatch) -> None:
    from verl.experimental.agent_loop.tool_agent_loop import ToolAgentLoop

    row, task = _row_with_history(rows)
    scripted = ToolAgentLoop.run

    async def crash(self: Any, sampling_params: dict[str, Any], **kwargs: Any) -> Any:
        await scripted(self, sampling_params, **kwargs)
        raise RuntimeError("the inference server went away")

    monkeypatch.setattr(ToolAgentLoop, "run", crash)
    gold = [(g.call.qualified_name, dict(g.call.arguments)) for g in task.gold_calls]
    kwargs = {"raw_prompt": row["prompt"], "extra_info": row["extra_info"], "reward_model": row["reward_model"]}
    with pytest.raises(RuntimeError, match="went away"):
        asyncio.run(loop.run({}, script=gold, **kwargs))
    assert len(loop.store) == 0
    assert loop.store.open_handles == 0


def test_a_row_without_its_task_fails_with_every_problem(loop) -> None:
    from envfactory_core.rewards.rollouts import RolloutError

    with pytest.raises(RolloutError) as error:
        asyncio.run(loop.run({}, script=[], raw_prompt=[], extra_info={"environments": ["notes"]}, reward_model={}))
    text = str(error.value)
    assert "extra_info.initial_state" in text
    assert "extra_info.gold_state" in text
    assert "reward_model.ground_truth" in text


def test_the_final_state_is_canonical_json(loop, rows) -> None:
    row, task = _row_with_history(rows)
    gold = [(g.call.qualified_name, dict(g.call.arguments)) for g in task.gold_calls]
    kwargs = {"raw_prompt": row["prompt"], "extra_info": row["extra_info"], "reward_model": row["reward_model"]}
    output = asyncio.run(loop.run({}, script=gold, **kwargs))
    assert output.extra_fields["final_state"] == canonical_json(json.loads(output.extra_fields["final_state"]))
