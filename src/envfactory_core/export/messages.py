"""``core/messages``: Hugging Face ``messages`` + ``tools`` JSONL.

The shape transformers chat templates, TRL's ``SFTTrainer``, verl's multi-turn SFT dataset and
LlamaFactory's ``formatting: openai`` read::

    {"messages": [{"role": "system", "content": "..."},
                  {"role": "user", "content": "..."},
                  {"role": "assistant", "content": "", "reasoning_content": "...",
                   "tool_calls": [{"id": "call_1", "type": "function",
                                   "function": {"name": "bookshop__search_books", "arguments": {"query": "Lisbon"}}}]},
                  {"role": "tool", "tool_call_id": "call_1", "name": "bookshop__search_books", "content": "{...}"},
                  {"role": "assistant", "content": "Here is what I found: ..."}],
     "tools": [{"type": "function", "function": {"name": ..., "description": ..., "parameters": {...}}}]}

Arguments stay JSON objects: chat templates iterate them (Qwen3.5's XML form needs a dict), and
transformers warns that string arguments may break templates. ``expand = "step"`` writes one row
per assistant message (the conversation up to it), because templates such as Qwen3's render
reasoning only after the last user message: per-step rows keep every step's reasoning.

``nested = "json-strings"`` is for readers that infer one schema for a whole column, such as
``datasets`` before 4.7 (LlamaFactory pins 4.0.0): they merge the objects of every row into one
struct, so each tool's arguments gain every other tool's keys as nulls and date strings become
timestamps. In that mode every tool call's ``arguments`` and the row's ``tools`` are JSON text,
which such readers keep byte for byte (OpenAI's wire shape for arguments; parse ``tools`` with
``json.loads`` before handing it to a chat template), and every message has the same keys (null
where a role has none), so the merged struct such a reader builds is the rows as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import attrs

from ..ids import JsonValue
from . import ExportItem, ExportResult
from .chat import conversation, conversation_issue, hf_message, openai_tool, trainable_items
from .validation import chat_problems, raise_problems, tool_list_problems
from .writing import JsonlSplitWriter, Skips

__all__ = ["MessagesJsonl"]


@attrs.frozen(kw_only=True)
class MessagesJsonl:
    """HF chat JSONL: ``messages`` (arguments as objects, ``reasoning_content``) and ``tools``."""

    name: str = "messages"
    description: str = "Hugging Face messages + tools JSONL (TRL SFT, chat templates, verl SFT, LlamaFactory openai)."
    expand: Literal["conversation", "step"] = "conversation"
    reasoning: bool = True
    metadata: bool = False
    """Add ``id`` (task id) and ``split`` columns."""
    nested: Literal["objects", "json-strings"] = "objects"
    """How tool-call arguments and the tool list are written: JSON objects, or JSON text (old readers)."""

    def rows(self, item: ExportItem) -> list[dict[str, JsonValue]]:
        """The rows of one item (none when its conversation cannot be training data)."""
        return [] if conversation_issue(item) else self._rows(item)

    def _rows(self, item: ExportItem) -> list[dict[str, JsonValue]]:
        messages = [hf_message(message, reasoning=self.reasoning) for message in conversation(item)]
        tools = [openai_tool(tool) for tool in item.tools]
        if self.expand == "conversation":
            cuts = [len(messages)]
        else:
            cuts = [index + 1 for index, message in enumerate(messages) if message["role"] == "assistant"]
        rows = []
        for cut in cuts:
            row: dict[str, JsonValue] = {"messages": messages[:cut], "tools": tools}
            if self.metadata:
                row = {"id": item.task.id, "split": item.split, **row}
            rows.append(row)
        return rows

    def export(self, items: Iterable[ExportItem], directory: Path) -> ExportResult:
        skips = Skips()
        with JsonlSplitWriter(directory) as writer:
            for item in trainable_items(items, skips):
                for number, row in enumerate(self._rows(item)):
                    tools = row["tools"]
                    problems = tool_list_problems(tools) if number == 0 else []
                    problems += chat_problems(
                        row["messages"], tools, string_arguments=False, open_end=self.expand == "step"
                    )
                    raise_problems(f"core/{self.name}", item, problems)
                    writer.write(item.split, as_json_strings(row) if self.nested == "json-strings" else row)
            files = writer.files()
        return ExportResult(exporter=f"core/{self.name}", files=files, skipped=skips.result())


MESSAGE_KEYS = ("role", "content", "reasoning_content", "tool_calls", "tool_call_id", "name")
"""The keys of every message in the ``json-strings`` form."""

TEXT_KEYS = frozenset({"content", "reasoning_content", "tool_call_id", "name"})
"""Message keys holding text: ``""`` where absent, so that no split has a column of nulls only (a
reader that takes one split's types for all, as datasets 4.0.0 does, cannot cast text to null)."""


def as_json_strings(row: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """``row`` with every tool call's arguments and the tool list as JSON text (canonical, unescaped),
    and every message with each of :data:`MESSAGE_KEYS` (``""`` for absent text, null otherwise)."""
    messages: list[JsonValue] = []
    for message in row["messages"]:
        assert isinstance(message, dict)
        defaults: dict[str, JsonValue] = {key: "" if key in TEXT_KEYS else None for key in MESSAGE_KEYS}
        message = defaults | {key: value for key, value in message.items() if value is not None or key not in TEXT_KEYS}
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            message = {
                **message,
                "tool_calls": [
                    {**call, "function": {**call["function"], "arguments": _text(call["function"]["arguments"])}}
                    for call in calls
                    if isinstance(call, dict) and isinstance(call.get("function"), dict)
                ],
            }
        messages.append(message)
    return {**row, "messages": messages, "tools": _text(row["tools"])}


def _text(value: JsonValue) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
