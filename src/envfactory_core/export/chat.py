"""What the chat formats share: tool schemas, message shapes, turns, the Hermes text form.

Every SFT and RL format is derived from the same records (a :class:`~envfactory_core.models.Trajectory`
of OpenAI-shaped messages with arguments as objects, and the item's ``env__tool`` specs); the
helpers here are the one place each derived shape is decided, so two formats never disagree
about, say, which tool results count as failures or what the system prompt says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from ..ids import JsonValue
from ..llm.hermes import format_tool_calls
from ..models import EnvironmentSpec, GoldCall, Message, ToolSpec
from . import ExportItem
from .writing import Skips

__all__ = [
    "HERMES_TOOLS_HEADER",
    "assistant_text",
    "conversation",
    "conversation_issue",
    "failed_call_ids",
    "gold_call_json",
    "hermes_system_prompt",
    "hf_message",
    "is_failed_result",
    "openai_tool",
    "system_text",
    "trainable_items",
]


def openai_tool(spec: ToolSpec) -> dict[str, JsonValue]:
    """A tool in the OpenAI / Hugging Face shape: ``{"type": "function", "function": {...}}``."""
    return {
        "type": "function",
        "function": {"name": spec.name, "description": spec.description, "parameters": spec.input_schema},
    }


def system_text(item: ExportItem) -> str:
    """The system message the agent saw, or, without a trajectory, the one the oracle would write."""
    if item.trajectory is not None:
        for message in item.trajectory.messages:
            if message.role == "system":
                return message.content
        return ""
    from ..tasks.oracle import system_prompt

    specs: Mapping[str, EnvironmentSpec] = {spec.name: spec for spec in item.environments}
    # system_prompt reads only each environment's policy, which specs carry too.
    return system_prompt(cast(Any, specs), item.task.environments)


def conversation(item: ExportItem) -> tuple[Message, ...]:
    """The trajectory's messages, with a system message first when the trajectory has none."""
    if item.trajectory is None:
        return ()
    messages = item.trajectory.messages
    if messages and messages[0].role == "system":
        return messages
    system = system_text(item)
    return ((Message(role="system", content=system),) if system else ()) + messages


def conversation_issue(item: ExportItem) -> str:
    """Why the item's conversation cannot be training data (a short reason), or ``""``.

    A trajectory cut short (a tool call never answered) or a tool result answering no call would
    teach a model a broken protocol, so chat formats skip such items and count them.
    """
    if item.trajectory is None:
        return "no_trajectory"
    pending: set[str] = set()
    assistant = False
    names = {tool.name for tool in item.tools}
    for message in item.trajectory.messages:
        if message.role != "tool" and pending:
            return "unanswered_tool_call"
        if message.role == "assistant":
            assistant = True
            ids = [call.id for call in message.tool_calls]
            if len(set(ids)) != len(ids) or pending & set(ids) or not all(ids):
                return "bad_tool_call_id"
            pending.update(ids)
            if any(call.name not in names for call in message.tool_calls):
                return "unknown_tool_call"
        elif message.role == "tool":
            if message.tool_call_id not in pending:
                return "orphan_tool_result"
            pending.discard(message.tool_call_id)
    if pending:
        return "unanswered_tool_call"
    return "" if assistant else "no_assistant_message"


def trainable_items(items: Iterable[ExportItem], skips: Skips) -> Iterator[ExportItem]:
    """The items whose conversation can be training data; the others are counted in ``skips``."""
    for item in items:
        reason = conversation_issue(item)
        if reason:
            skips.add(reason)
        else:
            yield item


def hf_message(message: Message, *, reasoning: bool = True) -> dict[str, JsonValue]:
    """A message in the Hugging Face chat-template shape: arguments as objects, ``reasoning_content``."""
    row: dict[str, JsonValue] = {"role": message.role, "content": message.content}
    if message.role == "assistant":
        if message.tool_calls:
            row["tool_calls"] = [
                {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": dict(call.arguments)}}
                for call in message.tool_calls
            ]
        if reasoning and message.reasoning:
            row["reasoning_content"] = message.reasoning
    elif message.role == "tool":
        row["tool_call_id"] = message.tool_call_id
        row["name"] = message.name
    return row


def is_failed_result(content: str) -> bool:
    """Whether a tool message reports a failure: the ``{"error": {...}}`` payload our runtime sends."""
    if not content.startswith("{"):
        return False
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and set(value) == {"error"} and isinstance(value["error"], dict)


def failed_call_ids(messages: Iterable[Message]) -> set[str]:
    """The ids of the tool calls whose result reports a failure."""
    return {m.tool_call_id for m in messages if m.role == "tool" and is_failed_result(m.content)}


def assistant_text(message: Message, *, reasoning: bool = True) -> str:
    """An assistant message as Hermes text: ``<think>…</think>``, content, ``<tool_call>`` blocks."""
    parts: list[str] = []
    if reasoning and message.reasoning:
        parts.append(f"<think>\n{message.reasoning}\n</think>\n\n")
    if message.content:
        parts.append(message.content)
    if message.tool_calls:
        if message.content:
            parts.append("\n")
        parts.append(format_tool_calls((call.name, dict(call.arguments)) for call in message.tool_calls))
    return "".join(parts)


def tool_responses_text(contents: Sequence[str]) -> str:
    """Tool results as the user-side Hermes text: one ``<tool_response>`` block each."""
    return "\n".join(f"<tool_response>\n{content}\n</tool_response>" for content in contents)


HERMES_TOOLS_HEADER = (
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
)
HERMES_TOOLS_FOOTER = (
    "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
    "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
    '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
)


def hermes_system_prompt(system: str, tools: Sequence[ToolSpec]) -> str:
    """The system prompt with the tool list rendered as Hermes-style models (Qwen) expect it."""
    lines = "\n".join(json.dumps(openai_tool(tool), ensure_ascii=False) for tool in tools)
    head = f"{system}\n\n" if system else ""
    return head + HERMES_TOOLS_HEADER + lines + HERMES_TOOLS_FOOTER


def gold_call_json(gold: GoldCall) -> dict[str, JsonValue]:
    """A gold call as trainers' reward functions read it: ``{name, arguments, masked_arguments}``."""
    return {
        "name": gold.call.qualified_name,
        "arguments": dict(gold.call.arguments),
        "masked_arguments": list(gold.masked_arguments),
    }


def user_turn_starts(messages: Sequence[Message]) -> Iterator[int]:
    """Indices of the user messages (each starts a turn)."""
    return (index for index, message in enumerate(messages) if message.role == "user")
