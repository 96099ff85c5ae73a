"""Agent trajectories and the rewards they earned."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ..ids import JsonValue
from ._validators import json_object, to_tuple
from .calls import ToolCall, ToolResult

__all__ = ["Message", "MessageToolCall", "RewardResult", "Role", "Step", "Trajectory"]

Role = Literal["system", "user", "assistant", "tool"]


@attrs.frozen(kw_only=True)
class MessageToolCall:
    """A tool call inside an assistant message: arguments as a JSON object, never a string."""

    id: str
    name: str
    arguments: dict[str, JsonValue] = attrs.field(factory=dict, validator=json_object, hash=False)


@attrs.frozen(kw_only=True)
class Message:
    """One chat message in the OpenAI shape, lossless: reasoning kept apart from content."""

    role: Role = attrs.field(validator=attrs.validators.in_(("system", "user", "assistant", "tool")))
    content: str = ""
    tool_calls: tuple[MessageToolCall, ...] = attrs.field(default=(), converter=to_tuple)
    tool_call_id: str = ""
    name: str = ""
    reasoning: str = ""


@attrs.frozen(kw_only=True)
class Step:
    """A call the agent made and what the environment answered."""

    call: ToolCall
    result: ToolResult


@attrs.frozen(kw_only=True)
class RewardResult:
    """A reward component's verdict: a score in [0, 1], its parts, and why."""

    reward: str
    score: float
    components: dict[str, float] = attrs.field(factory=dict, hash=False)
    explanation: str = ""


@attrs.frozen(kw_only=True)
class Trajectory:
    """What an agent did on a task: the messages, the executed steps, and the state it left."""

    task_id: str
    agent: str
    messages: tuple[Message, ...] = attrs.field(converter=to_tuple)
    steps: tuple[Step, ...] = attrs.field(default=(), converter=to_tuple)
    final_state_id: str = ""
    attempt: int = 0
    format_errors: int = 0
    rewards: tuple[RewardResult, ...] = attrs.field(default=(), converter=to_tuple)
    usage: dict[str, int] = attrs.field(factory=dict, hash=False)
    metadata: dict[str, JsonValue] = attrs.field(factory=dict, validator=json_object, hash=False)
    """What the agent reports about how it got here: model, attempts, pass@k accuracy."""
    id: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.id:
            from ..serialize import record_id

            object.__setattr__(self, "id", record_id(self))

    def reward(self, name: str) -> RewardResult | None:
        for result in self.rewards:
            if result.reward == name:
                return result
        return None

    def with_changes(self, **changes: Any) -> Trajectory:
        return attrs.evolve(self, id="", **changes)

    @property
    def calls(self) -> tuple[ToolCall, ...]:
        return tuple(step.call for step in self.steps)
