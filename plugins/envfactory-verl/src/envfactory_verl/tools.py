"""``EnvironmentTool``: a verl ``BaseTool`` that runs envfactory environments, one world per trajectory.

``verl/verl``'s ``tools.yaml`` names this class for every tool::

    tools:
    - class_name: envfactory_verl.tools.EnvironmentTool
      config: {type: native, environment: bookshop}
      tool_schema: {type: function, function: {name: bookshop__find_customer, ...}}

verl makes one instance per tool and, in 0.8 and 0.9, calls ``create`` → ``execute`` →
``release`` around every call. So the instance holds no state: ``create`` hands out a handle
carrying the row's task (from ``create_kwargs``, which the envfactory agent loop fills from the
row), ``execute`` finds the trajectory's session in the process-wide
:class:`~envfactory_verl.sessions.TrajectoryStore` by ``agent_data.request_id`` (opening it at the
row's starting point on first use), runs the call and returns the result as the same JSON text
the exported conversations hold; ``release`` drops the handle only. The trajectory's world is
closed when the agent loop finishes the trajectory. Without ``agent_data`` (a caller that owns
one instance per trajectory, as verl before 0.8 did), the instance id is the trajectory key and
``release`` closes it.

Config keys (all optional besides ``type``): ``environment`` (checked against the tool's name),
``reward`` (a registered reward for ``calc_reward``, default ``core/envfactory``),
``reward_options``, ``max_sessions``.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from envfactory_core.rewards.rollouts import RolloutTask, tool_result_text

from .compat import check_verl
from .sessions import Handle, TrajectoryStore, default_store
from .worker import DEFAULT_REWARD, current_worker

check_verl()

from verl.tools.base_tool import BaseTool  # noqa: E402 - after the version check, so a bad verl fails clearly
from verl.tools.schemas import OpenAIFunctionToolSchema, ToolResponse  # noqa: E402
from verl.utils.rollout_trace import rollout_trace_op  # noqa: E402

__all__ = ["TASK_KWARG", "TRAJECTORY_FIELD", "EnvironmentTool"]

TASK_KWARG = "envfactory_task"
"""``create_kwargs`` key: the row's :class:`~envfactory_core.rewards.rollouts.RolloutTask` (or its row)."""
OWNER_KWARG = "envfactory_owner"
"""``create_kwargs`` key: the agent loop run that releases the trajectory."""
TRAJECTORY_FIELD = "envfactory_trajectory"
"""``agent_data.extra_fields`` key: the trajectory key the tools used (the request id)."""


def _task(create_kwargs: dict[str, Any]) -> RolloutTask | None:
    value = create_kwargs.get(TASK_KWARG)
    if value is None and "extra_info" in create_kwargs:
        value = create_kwargs  # {extra_info, reward_model} or {extra_info, ground_truth} written in a row
    if value is None or isinstance(value, RolloutTask):
        return value
    if "reward_model" in value:
        return RolloutTask.from_row(value)
    return RolloutTask.from_extra_info(value.get("extra_info") or {}, value.get("ground_truth"))


class EnvironmentTool(BaseTool):  # type: ignore[misc,unused-ignore]  # BaseTool is untyped where verl is absent
    """One envfactory tool for verl; every instance in a process shares the trajectory sessions."""

    store: TrajectoryStore | None = None
    """The sessions this tool uses (``None``: the process-wide default store)."""

    def __init__(self, config: dict[str, Any], tool_schema: OpenAIFunctionToolSchema | None) -> None:
        if tool_schema is None:
            raise ValueError("EnvironmentTool needs its tool_schema in tools.yaml (verl/verl writes it for every tool)")
        with contextlib.redirect_stdout(io.StringIO()):  # BaseTool prints every schema; 200 tools flood a log
            super().__init__(config, tool_schema)
        environment = str(config.get("environment") or "")
        if environment and not self.name.startswith(f"{environment}__"):
            raise ValueError(
                f"tools.yaml: tool {self.name!r} is configured for environment {environment!r}, but its name is "
                f"not {environment}__<tool>; re-export the tools with verl/verl"
            )
        self.reward = current_worker().reward(
            str(config.get("reward") or DEFAULT_REWARD), dict(config.get("reward_options") or {})
        )
        if "max_sessions" in config and self.store is None:
            default_store().max_sessions = int(config["max_sessions"])

    @property
    def sessions(self) -> TrajectoryStore:
        return self.store if self.store is not None else default_store()

    async def create(self, instance_id: str | None = None, **kwargs: Any) -> tuple[str, ToolResponse]:
        create_kwargs = dict(kwargs.get("create_kwargs") or {})
        handle = self.sessions.create_handle(
            _task(create_kwargs), instance_id=instance_id, owner=str(create_kwargs.get(OWNER_KWARG) or "")
        )
        return handle.instance_id, ToolResponse()

    def _key(self, handle: Handle, agent_data: Any) -> str:
        request_id = getattr(agent_data, "request_id", None)
        return str(request_id) if request_id else handle.instance_id

    # As BaseTool.execute: calls show up in verl's rollout traces (weave, mlflow); verl leaves it untyped.
    @rollout_trace_op  # type: ignore[untyped-decorator,unused-ignore]
    async def execute(
        self, instance_id: str, parameters: dict[str, Any], **kwargs: Any
    ) -> tuple[ToolResponse, float, dict[str, Any]]:
        handle = self.sessions.handle(instance_id)
        if handle is None:
            return ToolResponse(text=f"error: tool instance {instance_id!r} was not created"), 0.0, {"ok": False}
        agent_data = kwargs.get("agent_data")
        key = self._key(handle, agent_data)
        try:
            session = self.sessions.session(key, handle)
        except LookupError as error:
            return ToolResponse(text=f"error: {error}"), 0.0, {"ok": False}
        result = session.rollout.call(self.name, parameters)
        if agent_data is not None and hasattr(agent_data, "extra_fields"):
            agent_data.extra_fields[TRAJECTORY_FIELD] = key
        return ToolResponse(text=tool_result_text(result)), 0.0, {"ok": result.ok}

    async def calc_reward(self, instance_id: str, **kwargs: Any) -> float:
        """The trajectory's reward so far: the registered reward of its calls and state against the gold."""
        handle = self.sessions.handle(instance_id)
        if handle is None:
            return 0.0
        session = self.sessions.get(self._key(handle, kwargs.get("agent_data")))
        if session is None:
            return 0.0
        return float(session.rollout.score(self.reward).score)

    async def release(self, instance_id: str, **kwargs: Any) -> None:
        handle = self.sessions.drop_handle(instance_id)
        if handle is not None and not handle.owner:
            session = self.sessions.get(handle.instance_id)
            if session is not None:
                self.sessions.release(handle.instance_id)
