"""One OpenEnv environment over an EnvFactory task set: reset opens a task, step calls a tool.

``reset(task_id=..., task_index=..., seed=...)`` picks a task (by id, by position, or by seed
modulo the number of tasks), opens a world of its environments at the task's initial state and
returns the user's request and the tools (OpenAI function schemas, named ``env__tool``).

``step(EnvFactoryAction(tool_name=..., arguments=...))`` runs the call and returns its result as
the agent would see it in process. ``step(EnvFactoryAction(answer=...))`` (no tool) ends the
episode: the calls made are replayed on a fresh world and scored with the task set's reward,
exactly as ``envfactory eval`` and the pipeline score a trajectory, and the observation carries
``done=True``, the reward and its components. An episode also ends after ``max_steps`` calls.

Each WebSocket session gets its own instance (OpenEnv's factory mode), so concurrent sessions
never share a world; ``SUPPORTS_CONCURRENT_SESSIONS`` says so to the server.
"""

from __future__ import annotations

from typing import Any

from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, Observation, State
from pydantic import Field

from envfactory_core.env import World
from envfactory_core.evaluation import LayeredStates, TaskSet
from envfactory_core.llm.records import ToolDefinition
from envfactory_core.models import Message, Step, Task, ToolCall, Trajectory, split_qualified_name
from envfactory_core.tasks.context import TaskContext
from envfactory_core.tasks.replay import open_world
from envfactory_core.tasks.scoring import score_trajectory
from envfactory_core.tasks.states import MemoryStates

__all__ = ["EnvFactoryAction", "EnvFactoryEnvironment", "EnvFactoryObservation"]


class EnvFactoryAction(Action):
    """A tool call (``tool_name``, ``arguments``), or the final ``answer`` that ends the episode."""

    tool_name: str = Field(default="", description="The tool to call, env__tool; empty to answer")
    arguments: dict[str, Any] = Field(default_factory=dict, description="The tool's arguments")
    answer: str = Field(default="", description="The final answer to the user (ends the episode)")


class EnvFactoryObservation(Observation):
    """What the agent sees: the request and tools at reset, a tool's result after a call, the score at the end."""

    task_id: str = ""
    request: str = ""
    tools: list[dict[str, Any]] = Field(default_factory=list)
    tool_name: str = ""
    result: Any = None
    ok: bool = True
    components: dict[str, float] = Field(default_factory=dict)
    explanation: str = ""


class EnvFactoryEnvironment(Environment[EnvFactoryAction, EnvFactoryObservation, State]):
    """An EnvFactory task set behind OpenEnv's ``reset``/``step``/``state``."""

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self, task_set: TaskSet, reward: Any, *, max_steps: int = 30) -> None:
        super().__init__()
        if not task_set.tasks:
            raise ValueError(f"{task_set.source} holds no tasks")
        self.task_set = task_set
        self.reward = reward
        self.max_steps = max_steps
        # scoring keeps the final states it makes in memory, never in the task set's own store
        states = LayeredStates(MemoryStates(), task_set.states)
        self.context = TaskContext(environments=task_set.environments, states=states)
        self._world: World | None = None
        self._task: Task | None = None
        self._steps: list[Step] = []
        self._state = State(episode_id=None, step_count=0)

    # --- the OpenEnv interface ----------------------------------------------------------------

    def reset(
        self,
        seed: int | None = None,
        episode_id: str | None = None,
        task_id: str | None = None,
        task_index: int | None = None,
        **kwargs: Any,
    ) -> EnvFactoryObservation:
        self._close_world()
        task = self._pick(seed, task_id, task_index)
        self._task = task
        self._steps = []
        self._world = open_world(self.task_set.environments, self.task_set.states.get(task.initial_state_id))
        self._state = State(episode_id=episode_id or f"{task.id}:{seed or 0}", step_count=0)
        tools = [
            ToolDefinition.from_spec(spec, name=f"{name}__{spec.name}").openai_schema()
            for name in task.environments
            for spec in self.task_set.environments[name].spec.tools
        ]
        return EnvFactoryObservation(task_id=task.id, request=task.request, tools=tools, done=False, reward=None)

    def step(self, action: EnvFactoryAction, timeout_s: float | None = None, **kwargs: Any) -> EnvFactoryObservation:
        if self._world is None or self._task is None:
            return EnvFactoryObservation(ok=False, explanation="call reset first", done=True, reward=None)
        self._state.step_count += 1
        if not action.tool_name:
            return self._finish(action.answer)
        environment, tool = split_qualified_name(action.tool_name)
        result = self._world.call(action.tool_name, action.arguments)
        self._steps.append(
            Step(call=ToolCall(environment=environment, tool=tool, arguments=action.arguments), result=result)
        )
        observation = EnvFactoryObservation(
            task_id=self._task.id, tool_name=action.tool_name, result=result.as_payload(), ok=result.ok, reward=None
        )
        if len(self._steps) >= self.max_steps:
            final = self._finish("")
            final.tool_name, final.result, final.ok = observation.tool_name, observation.result, observation.ok
            return final
        return observation

    @property
    def state(self) -> State:
        return self._state

    def close(self) -> None:
        self._close_world()

    # --- scoring --------------------------------------------------------------------------------

    def score(self, task: Task, steps: list[Step], answer: str) -> Trajectory:
        """The calls of an episode scored with the task set's reward (what ``envfactory eval`` does)."""
        messages = (Message(role="user", content=task.request), Message(role="assistant", content=answer))
        trajectory = Trajectory(
            task_id=task.id, agent="openenv", messages=messages, steps=tuple(steps), final_state_id=""
        )
        return score_trajectory(task, trajectory, [self.reward], self.context)

    def _finish(self, answer: str) -> EnvFactoryObservation:
        assert self._task is not None
        scored = self.score(self._task, self._steps, answer)
        result = scored.rewards[0]
        self._close_world()
        return EnvFactoryObservation(
            task_id=self._task.id,
            done=True,
            reward=result.score,
            components=dict(result.components),
            explanation=result.explanation,
        )

    def _pick(self, seed: int | None, task_id: str | None, task_index: int | None) -> Task:
        tasks = self.task_set.tasks
        if task_id is not None:
            for task in tasks:
                if task.id == task_id:
                    return task
            raise ValueError(f"no task {task_id!r}; the server holds {len(tasks)} tasks")
        if task_index is not None:
            if not 0 <= task_index < len(tasks):
                raise ValueError(f"task_index {task_index} is out of range: the server holds {len(tasks)} tasks")
            return tasks[task_index]
        return tasks[(seed or 0) % len(tasks)]

    def _close_world(self) -> None:
        if self._world is not None:
            self._world.close()
            self._world = None
