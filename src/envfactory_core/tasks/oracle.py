"""The gold-oracle agent: the gold trajectory as a conversation, executed for real.

For each turn: the user's request, then one assistant message per gold call (a native tool call
with the arguments as an object), the tool's result, and a closing assistant message that reports
what was done and, for read tasks, the facts the user asked for, from the tool outputs
(:func:`~envfactory_core.tasks.answers.closing_message`). The calls run on a fresh world at
the task's initial state, so the tool results in the conversation are the environment's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from ..env import Environment
from ..models import Message, MessageToolCall, Step, Task, Trajectory
from .answers import closing_message
from .context import TaskContext
from .replay import open_world

__all__ = ["OracleAgent", "system_prompt"]


def system_prompt(environments: Mapping[str, Environment], names: tuple[str, ...]) -> str:
    """The system message: the assistant's role and each environment's policy."""
    lines = [
        "You are a helpful assistant that completes the user's requests with the tools provided.",
        "Call tools with complete, correct arguments; look up what the tools can tell you instead of asking the user;",
        "ask the user only for information no tool can provide; finish with a short summary of what you did.",
    ]
    for name in names:
        environment = environments.get(name)
        if environment is not None and environment.policy.strip():
            lines.append(f"\nPolicy of {name}:\n{environment.policy.strip()}")
    return "\n".join(lines)


@attrs.frozen(kw_only=True)
class OracleAgent:
    """Returns the gold trajectory: the task's gold calls, executed, as a full conversation."""

    name: str = "oracle"
    description: str = "The gold oracle: replays the task's gold calls as native tool calls and reports the result."

    def solve(self, task: Task, context: TaskContext, *, attempt: int = 0) -> Trajectory:
        environments, states = context.environments, context.states
        initial = states.get(task.initial_state_id)
        messages: list[Message] = [Message(role="system", content=system_prompt(environments, task.environments))]
        steps: list[Step] = []
        outputs: dict[int, Any] = {}
        with open_world(environments, initial) as world:
            for turn_index, turn in enumerate(task.turns):
                messages.append(Message(role="user", content=turn.request))
                for index in turn.calls:
                    gold = task.gold_calls[index]
                    call_id = f"call_{index + 1}"
                    messages.append(
                        Message(
                            role="assistant",
                            tool_calls=(
                                MessageToolCall(
                                    id=call_id, name=gold.call.qualified_name, arguments=dict(gold.call.arguments)
                                ),
                            ),
                        )
                    )
                    result = world.call_tool(gold.call)
                    steps.append(Step(call=gold.call, result=result))
                    outputs[index] = result.output
                    messages.append(
                        Message(
                            role="tool",
                            tool_call_id=call_id,
                            name=gold.call.qualified_name,
                            content=json.dumps(result.as_payload(), ensure_ascii=False, sort_keys=True),
                        )
                    )
                messages.append(
                    Message(
                        role="assistant",
                        content=closing_message(task, turn.calls, outputs, turn_index == len(task.turns) - 1),
                    )
                )
            final_id = states.put(world.state())
        return Trajectory(
            task_id=task.id,
            agent=f"core/{self.name}",
            messages=tuple(messages),
            steps=tuple(steps),
            final_state_id=final_id,
            attempt=attempt,
        )
