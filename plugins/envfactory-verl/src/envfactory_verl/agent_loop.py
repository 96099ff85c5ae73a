"""``envfactory_agent``: verl's tool agent loop, with each trajectory's world opened and closed for it.

verl's ``ToolAgentLoop`` hands tools only ``create_kwargs`` from the row's ``tools_kwargs`` and
never says when a trajectory ends. ``verl/verl`` rows keep everything a rollout needs in
``extra_info`` instead (one fixed parquet schema for any set of tools), so this loop:

1. reads the row's task from ``extra_info`` and ``reward_model.ground_truth`` and passes it to
   every tool of the row in ``create_kwargs`` (with an owner token for this run);
2. runs verl's own loop unchanged (generation, Hermes parsing, parallel calls, truncation);
3. when the trajectory ends, however it ends, closes its world and puts the final world state in
   the output's ``extra_fields["final_state"]`` (canonical JSON), which verl merges into the
   reward function's ``extra_info``: ``compute_score`` then scores the state the rollout really
   reached instead of replaying the calls.

Register it with the ``agent_loop.yaml`` that ``envfactory verl config`` writes
(``actor_rollout_ref.rollout.agent.agent_loop_config_path``) and export the rows with
``--option agent_name=envfactory_agent`` (or set ``default_agent_loop``).
"""

from __future__ import annotations

import itertools
from typing import Any

from envfactory_core.ids import canonical_json
from envfactory_core.rewards.rollouts import RolloutTask

from .compat import check_verl
from .sessions import TrajectoryStore, default_store
from .tools import OWNER_KWARG, TASK_KWARG, TRAJECTORY_FIELD

check_verl()

from verl.experimental.agent_loop.agent_loop import AgentLoopOutput, register  # noqa: E402
from verl.experimental.agent_loop.tool_agent_loop import ToolAgentLoop  # noqa: E402

__all__ = ["AGENT_NAME", "FINAL_STATE_FIELD", "EnvironmentAgentLoop", "row_tools_kwargs"]

AGENT_NAME = "envfactory_agent"
FINAL_STATE_FIELD = "final_state"
"""``extra_fields`` key the reward function reads (``envfactory_core.export.responses``)."""
_RUNS = itertools.count(1)


def row_tools_kwargs(kwargs: dict[str, Any], tool_names: list[str], owner: str) -> tuple[RolloutTask, dict[str, Any]]:
    """The row's task, and ``tools_kwargs`` that hand it (and ``owner``) to each of the row's tools."""
    reward_model = kwargs.get("reward_model") or {}
    task = RolloutTask.from_extra_info(kwargs.get("extra_info") or {}, reward_model.get("ground_truth"))
    tools_kwargs = {name: dict(value) for name, value in dict(kwargs.get("tools_kwargs") or {}).items()}
    for name in task.tool_selection or tool_names:
        entry = tools_kwargs.setdefault(name, {})
        entry["create_kwargs"] = {**dict(entry.get("create_kwargs") or {}), TASK_KWARG: task, OWNER_KWARG: owner}
    return task, tools_kwargs


@register(AGENT_NAME)
class EnvironmentAgentLoop(ToolAgentLoop):  # type: ignore[misc,unused-ignore]  # untyped where verl is absent
    """``tool_agent`` with a live envfactory world per trajectory, released when it ends."""

    store: TrajectoryStore | None = None

    async def run(self, sampling_params: dict[str, Any], **kwargs: Any) -> AgentLoopOutput:
        store = self.store if self.store is not None else default_store()
        owner = f"run-{next(_RUNS)}-{id(self):x}"
        _, tools_kwargs = row_tools_kwargs(kwargs, list(self.tools), owner)
        try:
            output: AgentLoopOutput = await super().run(sampling_params, **{**kwargs, "tools_kwargs": tools_kwargs})
        finally:
            sessions = store.release_owner(owner)
        key = output.extra_fields.get(TRAJECTORY_FIELD)
        for session in sessions:
            if session.key == key and session.final_state is not None:
                output.extra_fields[FINAL_STATE_FIELD] = canonical_json(session.final_state)
                output.extra_fields["envfactory_calls"] = len(session.rollout.calls)
        return output
