"""OpenEnv's own client (``GenericEnvClient``, over the WebSocket session) against our server on a
loopback port: episodes complete, and each reward equals EnvFactory's scoring of the same calls."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from envfactory_openenv import create_openenv_app
from envfactory_testing import fresh_plugin_manager
from openenv.core import GenericEnvClient

from envfactory_core.contracts import REWARD
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.evaluation import LayeredStates, TaskSet
from envfactory_core.models import Step, ToolCall, ToolChain, Trajectory
from envfactory_core.registry import Registry
from envfactory_core.tasks import Grounder, MemoryStates
from envfactory_core.tasks.context import TaskContext
from envfactory_core.tasks.replay import replay_calls
from envfactory_core.tasks.scoring import score_trajectory

ENVIRONMENTS = {"bookshop": bookshop, "notes": notes}
CHAINS = [("notes__create_note",), ("bookshop__search_books",), ("notes__create_note", "notes__tag_note")]


@pytest.fixture(scope="module")
def task_set() -> TaskSet:
    states = MemoryStates()
    tasks = []
    for seed, tools in enumerate(CHAINS):
        grounded = Grounder().ground(ToolChain(tools=tools), environments=ENVIRONMENTS, states=states, seed=seed)
        assert grounded.task is not None, grounded
        tasks.append(grounded.task)
    return TaskSet(source="test", tasks=tuple(tasks), environments=ENVIRONMENTS, states=states)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(fresh_plugin_manager())


@pytest.fixture(scope="module")
def server_url(task_set: TaskSet, registry: Registry) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_openenv_app(task_set, registry, max_concurrent_envs=4)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the OpenEnv server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _our_score(task_set: TaskSet, registry: Registry, index: int, calls: list[tuple[str, dict[str, Any]]]) -> float:
    """EnvFactory's own scoring of the calls, in process (no OpenEnv)."""
    task = task_set.tasks[index]
    tool_calls = [ToolCall(environment=name.split("__")[0], tool=name.split("__")[1], arguments=a) for name, a in calls]
    replay = replay_calls(task_set.environments, task_set.states.get(task.initial_state_id), tool_calls)
    steps = tuple(Step(call=call, result=result) for call, result in zip(tool_calls, replay.results, strict=True))
    trajectory = Trajectory(task_id=task.id, agent="test", messages=(), steps=steps)
    context = TaskContext(environments=task_set.environments, states=LayeredStates(MemoryStates(), task_set.states))
    scored = score_trajectory(task, trajectory, [registry.get(REWARD, "core/envfactory")], context)
    return scored.rewards[0].score


@pytest.mark.parametrize("index", range(len(CHAINS)))
@pytest.mark.parametrize("play", ["gold", "wrong"])
def test_openenv_client_episodes_score_as_we_do(
    server_url: str, task_set: TaskSet, registry: Registry, index: int, play: str
) -> None:
    task = task_set.tasks[index]
    calls = [(f"{gold.call.environment}__{gold.call.tool}", dict(gold.call.arguments)) for gold in task.gold_calls]
    if play == "wrong":
        name, arguments = calls[0]
        calls = [(name, {key: (f"{value}-x" if isinstance(value, str) else value) for key, value in arguments.items()})]
    with GenericEnvClient(base_url=server_url).sync() as env:
        first = env.reset(task_index=index)
        assert first.observation["task_id"] == task.id
        assert first.observation["request"] == task.request
        assert {tool["function"]["name"] for tool in first.observation["tools"]} >= {name for name, _ in calls}
        assert first.done is False
        for name, arguments in calls:
            step = env.step({"tool_name": name, "arguments": arguments})
            assert step.done is False
            assert step.observation["tool_name"] == name
        final = env.step({"answer": "Done."})
        state = env.state()
    assert final.done is True
    expected = _our_score(task_set, registry, index, calls)
    assert final.reward == pytest.approx(expected)
    assert (expected == 1.0) is (play == "gold")
    assert final.observation["components"]
    assert state["step_count"] == len(calls) + 1


def test_concurrent_sessions_do_not_share_a_world(server_url: str, task_set: TaskSet) -> None:
    task = task_set.tasks[0]
    gold = task.gold_calls[0].call
    name = f"{gold.environment}__{gold.tool}"
    with GenericEnvClient(base_url=server_url).sync() as one, GenericEnvClient(base_url=server_url).sync() as two:
        one.reset(task_index=0)
        two.reset(task_index=0)
        one.step({"tool_name": name, "arguments": dict(gold.arguments)})
        mine = one.step({"answer": ""})
        theirs = two.step({"answer": ""})
    assert mine.reward > theirs.reward
