"""``core/openai_ft``: OpenAI chat fine-tuning JSONL with tools.

One conversation per line, in the shape OpenAI's fine-tuning API (and Azure OpenAI and Together,
which document the same shape) accepts::

    {"messages": [{"role": "system", "content": "..."},
                  {"role": "user", "content": "..."},
                  {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
                      "function": {"name": "bookshop__search_books", "arguments": "{\\"query\\":\\"Lisbon\\"}"}}],
                   "weight": 1},
                  {"role": "tool", "tool_call_id": "call_1", "content": "{...}"},
                  {"role": "assistant", "content": "Here is what I found: ...", "weight": 1}],
     "tools": [{"type": "function", "function": {"name": ..., "description": ..., "parameters": {...}}}],
     "parallel_tool_calls": false}

Arguments are JSON text (the API's rule), every tool result names the call it answers, and
``weight`` (only on assistant messages) is 0 for a message whose tool call failed, so the model
sees its mistakes in context without learning to make them. The format has no reasoning field:
reasoning is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import attrs

from ..ids import JsonValue
from ..models import Message
from . import ExportItem, ExportResult
from .chat import conversation, failed_call_ids, openai_tool, trainable_items
from .validation import chat_problems, raise_problems, tool_list_problems
from .writing import JsonlSplitWriter, Skips

__all__ = ["OpenAIFineTune"]


@attrs.frozen(kw_only=True)
class OpenAIFineTune:
    """OpenAI fine-tuning JSONL: string arguments, ``tool_call_id``, ``weight``, ``parallel_tool_calls``."""

    name: str = "openai_ft"
    description: str = "OpenAI chat fine-tuning JSONL with tools, tool_calls, weights and parallel_tool_calls."
    train_on_failed_calls: bool = False
    """Give weight 1 to assistant messages whose tool call failed (default: weight 0)."""
    parallel_tool_calls: bool | None = None
    """The top-level flag; ``None`` sets it to whether the conversation makes parallel calls."""

    def row(self, item: ExportItem) -> dict[str, JsonValue]:
        messages = conversation(item)
        failed = failed_call_ids(messages)
        rows = [self._message(message, failed) for message in messages]
        parallel = any(len(message.tool_calls) > 1 for message in messages)
        return {
            "messages": rows,
            "tools": [openai_tool(tool) for tool in item.tools],
            "parallel_tool_calls": parallel if self.parallel_tool_calls is None else self.parallel_tool_calls,
        }

    def _message(self, message: Message, failed: set[str]) -> dict[str, JsonValue]:
        if message.role == "tool":
            return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
        if message.role != "assistant":
            return {"role": message.role, "content": message.content}
        row: dict[str, JsonValue] = {"role": "assistant"}
        if message.content or not message.tool_calls:
            row["content"] = message.content
        if message.tool_calls:
            row["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {
                        "name": call.name,
                        "arguments": json.dumps(call.arguments, ensure_ascii=False, separators=(",", ":")),
                    },
                }
                for call in message.tool_calls
            ]
        mistaken = any(call.id in failed for call in message.tool_calls)
        row["weight"] = 0 if mistaken and not self.train_on_failed_calls else 1
        return row

    def export(self, items: Iterable[ExportItem], directory: Path) -> ExportResult:
        skips = Skips()
        with JsonlSplitWriter(directory) as writer:
            for item in trainable_items(items, skips):
                row = self.row(item)
                raise_problems(f"core/{self.name}", item, row_problems(row))
                writer.write(item.split, row)
            files = writer.files()
        return ExportResult(exporter=f"core/{self.name}", files=files, skipped=skips.result())


def row_problems(row: dict[str, JsonValue]) -> list[str]:
    """What OpenAI's fine-tuning validator would refuse in a row."""
    tools = row.get("tools")
    problems = tool_list_problems(tools)
    messages = row.get("messages")
    problems += chat_problems(messages, tools if isinstance(tools, list) else [], string_arguments=True)
    for index, message in enumerate(messages if isinstance(messages, list) else []):
        if not isinstance(message, dict):
            continue
        if "weight" in message and (message.get("role") != "assistant" or message["weight"] not in (0, 1)):
            problems.append(f"messages[{index}].weight must be 0 or 1 and only on assistant messages")
        if message.get("role") == "tool" and set(message) != {"role", "tool_call_id", "content"}:
            problems.append(f"messages[{index}]: a tool message has role, tool_call_id and content only")
    if not isinstance(row.get("parallel_tool_calls"), bool):
        problems.append("parallel_tool_calls must be true or false")
    if isinstance(messages, list) and not any(
        isinstance(m, dict) and m.get("role") == "assistant" and m.get("weight", 1) == 1 for m in messages
    ):
        problems.append("no assistant message has weight 1, so the example teaches nothing")
    return problems
