"""Grounded tasks: gold calls, gold states, and the user's requests."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ..ids import JsonValue
from ._validators import json_value, to_tuple
from .calls import ToolCall
from .specs import Effect

__all__ = ["ArgumentSource", "GoldCall", "Task", "TaskKind", "Turn"]

ArgumentSource = Literal["user", "binding", "state", "default"]
"""Where a gold argument's value comes from.

``user``: only the user knows it, so the request must state it. ``binding``: an earlier gold
call's output holds it. ``state``: an existing entity the agent can look up with a read tool.
``default``: the schema's default, or a masked argument whose value does not matter.
"""

TaskKind = Literal["write", "read"]


@attrs.frozen(kw_only=True)
class GoldCall:
    """One call of the gold trajectory, with the output it produced when the task was grounded."""

    call: ToolCall
    output: JsonValue = attrs.field(default=None, validator=json_value, hash=False)
    effect: Effect = "read"
    masked_arguments: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    sources: dict[str, ArgumentSource] = attrs.field(factory=dict, hash=False)
    bindings: dict[str, str] = attrs.field(factory=dict, hash=False)
    """For ``binding`` arguments: where the value comes from, as ``"step:field.path"``."""

    def arguments_from(self, source: ArgumentSource) -> dict[str, JsonValue]:
        return {name: value for name, value in self.call.arguments.items() if self.sources.get(name) == source}


@attrs.frozen(kw_only=True)
class Turn:
    """One user turn: the request (refined), the request before refinement, and its gold calls.

    ``calls`` indexes ``Task.gold_calls``. States are world states (``{environment: state}``) by
    content id; ``gold_state_hash`` is the world state hash after this turn's gold calls.
    """

    request: str
    raw_request: str = ""
    user_intent: str = ""
    calls: tuple[int, ...] = attrs.field(default=(), converter=to_tuple)
    initial_state_id: str = ""
    gold_state_id: str = ""


@attrs.frozen(kw_only=True)
class Task:
    """A grounded, verifiable task.

    ``initial_state_id`` and ``gold_state_id`` are content ids of world states (the state of every
    environment of the task); the states themselves live in the run store and are inlined by the
    canonical exporter. ``answer_facts`` are values a correct final answer must mention (for read
    tasks, whose success is not a state change). ``evaluation`` marks tasks of evaluation-only
    environments.
    """

    environments: tuple[str, ...] = attrs.field(converter=to_tuple)
    gold_calls: tuple[GoldCall, ...] = attrs.field(converter=to_tuple)
    turns: tuple[Turn, ...] = attrs.field(converter=to_tuple)
    initial_state_id: str
    gold_state_id: str
    kind: TaskKind = "write"
    answer_facts: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    chain_id: str = ""
    seed: int = 0
    story: str = ""
    evaluation: bool = False
    provenance: dict[str, str] = attrs.field(factory=dict, hash=False)
    id: str = ""

    def __attrs_post_init__(self) -> None:
        for turn in self.turns:
            for index in turn.calls:
                if not 0 <= index < len(self.gold_calls):
                    raise ValueError(f"turn refers to gold call {index}, but the task has {len(self.gold_calls)}")
        if not self.id:
            from ..serialize import record_id

            object.__setattr__(self, "id", record_id(self))

    @property
    def request(self) -> str:
        """All user requests, one per turn, joined."""
        return "\n".join(turn.request for turn in self.turns)

    def with_changes(self, **changes: Any) -> Task:
        """A copy with ``changes`` and a new content id."""
        return attrs.evolve(self, id="", **changes)
