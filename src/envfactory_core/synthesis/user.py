"""``llm/user``: the simulated user of conversational tasks (paper §5.3).

When the agent answers without a tool call, the user replies from what a real user would know:
the story, the turn's intent, the values only they know, and the data they could see (the task's
initial world state). It must not over-help: a reply that states an identifier the assistant
can look up (a value an earlier result gives it) is sent back with that problem. It signals the end
of the conversation with ``<status>done</status>``.

It is not a collect-stage agent on its own: give it to ``llm/agent`` as ``user = "llm/user"``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import ClassVar

import attrs

from ..errors import ConfigError, Problem
from ..llm.records import ChatResponse
from ..models import Message, Task, Trajectory
from ..tasks.context import TaskContext
from ..tasks.phrasing import argument_label, render_value
from .base import LLMComponent
from .exchange import Exchange, ask, ask_async
from .parsing import OutputProblem, tagged
from .render import conversation_text, world_state_text
from .requests import derivable_identifiers, stated_identifiers
from .runtime import ChatClient, client_for

__all__ = ["LLMUser", "UserReply"]


@attrs.frozen(kw_only=True)
class UserReply:
    """What the simulated user says, and whether the conversation is over."""

    message: str
    done: bool = False


def _known(task: Task, turn_index: int) -> str:
    lines: list[str] = []
    for turn in task.turns[: turn_index + 1]:
        for index in turn.calls:
            call = task.gold_calls[index]
            for name, value in sorted(call.call.arguments.items()):
                if name in call.masked_arguments or call.sources.get(name, "user") not in ("user", "state"):
                    continue
                line = f"- {argument_label(name)}: {render_value(value)}"
                if line not in lines:
                    lines.append(line)
    return "\n".join(lines) or "- (nothing beyond your request)"


@attrs.frozen(kw_only=True)
class LLMUser(LLMComponent):
    """A simulated user for conversational tasks: answers from the story and hidden state, does not over-help."""

    stage: ClassVar[str] = "user"
    name: str = "user"
    description: str = "LLM simulated user for conversational tasks (used through llm/agent's `user` option)."
    max_state_chars: int = attrs.field(default=6000, validator=attrs.validators.ge(200))

    def exchange_for(
        self, task: Task, turn_index: int, messages: Sequence[Message], context: TaskContext, *, sample: int = 0
    ) -> Exchange[UserReply]:
        hidden = derivable_identifiers(task, turn_index)
        turn = task.turns[turn_index]

        def parse(response: ChatResponse) -> UserReply:
            status = tagged(response.text, "status").lower()
            if status not in ("continue", "done"):
                raise OutputProblem(f"<status> must be continue or done, got {status!r}")
            message = (
                tagged(response.text, "message")
                if status == "continue"
                else (_optional_message(response.text) or "Thanks, that's all.")
            )
            leaked = stated_identifiers(message, hidden)
            if leaked:
                raise OutputProblem(
                    f"your message gives away {', '.join(leaked)}, which the assistant can find with its tools; "
                    "tell it where to look instead"
                )
            return UserReply(message=message, done=status == "done")

        initial = context.states.get(task.initial_state_id)
        return self.exchange(
            "user",
            parse,
            what="simulated user reply",
            seed=context.seed + sample,
            sample=sample,
            story=context.story or task.story or "(no story)",
            user_intent=turn.user_intent or turn.request,
            request=turn.request,
            known=_known(task, turn_index),
            hidden=json.dumps([value for _, value in hidden], ensure_ascii=False),
            state=world_state_text(initial, limit=self.max_state_chars),
            conversation=conversation_text(messages),
        )

    def reply(self, task: Task, turn_index: int, messages: Sequence[Message], context: TaskContext) -> UserReply:
        """The user's reply to the last assistant message of ``messages``."""
        return ask(client_for(context.llm), self.exchange_for(task, turn_index, messages, context))

    async def areply(
        self,
        task: Task,
        turn_index: int,
        messages: Sequence[Message],
        context: TaskContext,
        *,
        client: ChatClient | None = None,
        sample: int = 0,
    ) -> UserReply:
        """:meth:`reply` on the running event loop (the agent's attempts run concurrently)."""
        exchange = self.exchange_for(task, turn_index, messages, context, sample=sample)
        return await ask_async(client or client_for(context.llm), exchange)

    def solve(self, task: Task, context: TaskContext, *, attempt: int = 0) -> Trajectory:
        raise ConfigError(
            "llm/user is a simulated user, not an agent",
            [
                Problem(
                    location="collect stage",
                    message="llm/user cannot solve tasks",
                    fix='use = "llm/agent" with options = { user = "llm/user" } for conversational tasks',
                )
            ],
        )


def _optional_message(text: str) -> str:
    try:
        return tagged(text, "message")
    except OutputProblem:
        return ""
