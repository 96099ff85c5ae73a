"""``core/llamafactory``: LlamaFactory datasets, with their ``dataset_info.json`` entries.

``mode = "sharegpt"`` (default) writes one conversation per line::

    {"conversations": [{"from": "human", "value": "..."},
                       {"from": "function_call",
                        "value": "{\\"name\\": \\"bookshop__search_books\\", \\"arguments\\": {...}}"},
                       {"from": "observation", "value": "{...}"},
                       {"from": "gpt", "value": "Here is what I found: ..."}],
     "system": "...", "tools": "[{\\"name\\": ..., \\"description\\": ..., \\"parameters\\": {...}}]"}

LlamaFactory's rules, all enforced here: ``tools`` is a JSON *string* (its tool formatter
``json.loads`` it); turns alternate strictly (``human``/``observation`` first, then
``gpt``/``function_call``) and their count is even, or LlamaFactory drops the example; parallel
calls are one ``function_call`` whose value is a JSON list; several results are one
``observation``. Reasoning, and any text an assistant wrote beside its calls, becomes the thought
words (``<think>…</think>``) in front of the call, the only free text LlamaFactory parses there.

``mode = "alpaca_steps"`` writes the reference implementation's form: one sample per assistant
step, with the earlier steps as ``history``, the tool list rendered into ``system`` as Hermes
(Qwen) prompts do, tool results as ``<tool_response>`` blocks and calls as ``<tool_call>`` blocks.
A step whose tool call failed is not a target, but stays in the history of later steps.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import attrs

from ..ids import JsonValue
from ..llm.hermes import parse_text_tool_calls
from ..models import Message
from . import ExportItem, ExportResult
from .chat import (
    assistant_text,
    conversation,
    failed_call_ids,
    hermes_system_prompt,
    tool_responses_text,
    trainable_items,
)
from .validation import raise_problems
from .writing import JsonlSplitWriter, Skips, text_file

__all__ = ["DATASET_INFO_FILE", "LlamaFactoryExporter", "alpaca_problems", "sharegpt_problems"]

DATASET_INFO_FILE = "dataset_info.json"
PROMPT_SIDE = ("human", "observation")
ANSWER_SIDE = ("gpt", "function_call")
SHAREGPT_TAGS = {
    "role_tag": "from",
    "content_tag": "value",
    "user_tag": "human",
    "assistant_tag": "gpt",
    "observation_tag": "observation",
    "function_tag": "function_call",
    "system_tag": "system",
}
RESULTS_SEPARATOR = "\n</tool_response>\n<tool_response>\n"


@attrs.frozen(kw_only=True)
class LlamaFactoryExporter:
    """LlamaFactory sharegpt (``function_call``/``observation``) or per-step alpaca, plus ``dataset_info.json``."""

    name: str = "llamafactory"
    description: str = "LlamaFactory sharegpt with function_call/observation (or per-step alpaca) + dataset_info.json."
    mode: Literal["sharegpt", "alpaca_steps"] = "sharegpt"
    reasoning: bool = True
    dataset_name: str = "envfactory"
    """Prefix of the dataset names in ``dataset_info.json`` (``envfactory_train``, ``envfactory_validation``)."""

    # --- sharegpt ---------------------------------------------------------------------------------

    def sharegpt_row(self, item: ExportItem) -> dict[str, JsonValue] | str:
        """The row of one item, or why the conversation cannot be written as alternating turns."""
        messages = conversation(item)
        system = messages[0].content if messages and messages[0].role == "system" else ""
        turns: list[dict[str, str]] = []
        for message in messages:
            if message.role == "system":
                continue
            tag, value = self._turn(message)
            last = turns[-1]["from"] if turns else None
            if tag == "observation" and last == "observation":
                turns[-1]["value"] += RESULTS_SEPARATOR + value
                continue
            if tag == "human" and last == "human":
                turns[-1]["value"] += "\n\n" + value
                continue
            expected = PROMPT_SIDE if len(turns) % 2 == 0 else ANSWER_SIDE
            if tag not in expected:
                return "turns_do_not_alternate"
            turns.append({"from": tag, "value": value})
        if turns and turns[-1]["from"] in PROMPT_SIDE:
            turns.pop()  # a conversation that ends waiting for the assistant teaches nothing more
        if not turns:
            return "no_assistant_message"
        tools = [
            {"name": tool.name, "description": tool.description, "parameters": tool.input_schema} for tool in item.tools
        ]
        return {
            "conversations": list(turns),
            "system": system,
            "tools": json.dumps(tools, ensure_ascii=False),
        }

    def _turn(self, message: Message) -> tuple[str, str]:
        if message.role == "user":
            return "human", message.content
        if message.role == "tool":
            return "observation", message.content
        thought = [message.reasoning] if self.reasoning and message.reasoning else []
        if not message.tool_calls:
            head = f"<think>\n{thought[0]}\n</think>\n\n" if thought else ""
            return "gpt", head + message.content
        if message.content:
            thought.append(message.content)
        calls = [{"name": call.name, "arguments": dict(call.arguments)} for call in message.tool_calls]
        payload = json.dumps(calls[0] if len(calls) == 1 else calls, ensure_ascii=False)
        head = "<think>\n" + "\n\n".join(thought) + "\n</think>\n\n" if thought else ""
        return "function_call", head + payload

    # --- alpaca, one sample per step ------------------------------------------------------------------

    def alpaca_rows(self, item: ExportItem) -> list[dict[str, JsonValue]]:
        messages = conversation(item)
        system_message = messages[0].content if messages and messages[0].role == "system" else ""
        system = hermes_system_prompt(system_message, item.tools)
        failed = failed_call_ids(messages)
        rows: list[dict[str, JsonValue]] = []
        history: list[list[str]] = []
        parts: list[str] = []  # what came since the last assistant message, in order
        results: list[str] = []  # consecutive tool results, one block of <tool_response>s
        for message in messages:
            if message.role == "tool":
                results.append(message.content)
                continue
            if results:
                parts.append(tool_responses_text(results))
                results = []
            if message.role == "user":
                parts.append(message.content)
            elif message.role == "assistant":
                instruction = "\n".join(part for part in parts if part)
                parts = []
                output = assistant_text(message, reasoning=self.reasoning)
                if not any(call.id in failed for call in message.tool_calls):
                    rows.append(
                        {
                            "instruction": instruction,
                            "input": "",
                            "output": output,
                            "system": system,
                            "history": [list(pair) for pair in history],
                        }
                    )
                history.append([instruction, output])
        return rows

    # --- writing ------------------------------------------------------------------------------------------

    def export(self, items: Iterable[ExportItem], directory: Path) -> ExportResult:
        skips = Skips()
        with JsonlSplitWriter(directory) as writer:
            for item in trainable_items(items, skips):
                if self.mode == "sharegpt":
                    row = self.sharegpt_row(item)
                    if isinstance(row, str):
                        skips.add(row)
                        continue
                    raise_problems(f"core/{self.name}", item, sharegpt_problems(row))
                    writer.write(item.split, row)
                    continue
                rows = self.alpaca_rows(item)
                if not rows:
                    skips.add("no_successful_step")
                for row in rows:
                    raise_problems(f"core/{self.name}", item, alpaca_problems(row))
                    writer.write(item.split, row)
            files = writer.files()
        info = text_file(directory, DATASET_INFO_FILE, self.dataset_info([file.path for file in files]))
        return ExportResult(exporter=f"core/{self.name}", files=(*files, info), skipped=skips.result())

    def dataset_info(self, paths: list[str]) -> str:
        """The ``dataset_info.json`` entries of the written files (one dataset per split)."""
        entries: dict[str, JsonValue] = {}
        for path in paths:
            split = path.split(".", 1)[0]
            if self.mode == "sharegpt":
                entry: dict[str, JsonValue] = {
                    "file_name": path,
                    "formatting": "sharegpt",
                    "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
                    "tags": dict(SHAREGPT_TAGS),
                }
            else:
                entry = {
                    "file_name": path,
                    "formatting": "alpaca",
                    "columns": {
                        "prompt": "instruction",
                        "query": "input",
                        "response": "output",
                        "history": "history",
                        "system": "system",
                    },
                }
            entries[f"{self.dataset_name}_{split}"] = entry
        return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


def sharegpt_problems(row: dict[str, JsonValue]) -> list[str]:
    """What LlamaFactory's sharegpt converter would refuse or silently drop."""
    problems: list[str] = []
    turns = row.get("conversations")
    if not isinstance(turns, list) or not turns:
        return ["conversations must be a non-empty list"]
    if len(turns) % 2:
        problems.append(f"conversations has {len(turns)} turns; LlamaFactory needs an even count")
    for index, turn in enumerate(turns):
        allowed = PROMPT_SIDE if index % 2 == 0 else ANSWER_SIDE
        tag = turn.get("from") if isinstance(turn, dict) else None
        if tag not in allowed:
            problems.append(f"conversations[{index}].from is {tag!r}; expected one of {', '.join(allowed)}")
            continue
        value = turn.get("value")
        if not isinstance(value, str):
            problems.append(f"conversations[{index}].value must be a string")
        elif tag == "function_call":
            problems.extend(f"conversations[{index}]: {p}" for p in _function_call_problems(value))
    tools = row.get("tools")
    if not isinstance(tools, str):
        problems.append("tools must be a JSON string")
    else:
        try:
            decoded = json.loads(tools)
        except json.JSONDecodeError:
            problems.append("tools is not valid JSON")
        else:
            if not isinstance(decoded, list) or not all(isinstance(t, dict) and "name" in t for t in decoded):
                problems.append("tools must encode a list of {name, description, parameters}")
    if not isinstance(row.get("system"), str):
        problems.append("system must be a string")
    return problems


def _function_call_problems(value: str) -> list[str]:
    body = value
    if body.startswith("<think>"):
        end = body.find("</think>")
        if end < 0:
            return ["an unclosed <think> block"]
        body = body[end + len("</think>") :]
    try:
        decoded = json.loads(body)
    except json.JSONDecodeError:
        return ["function_call value is not <think>…</think> followed by JSON"]
    calls = decoded if isinstance(decoded, list) else [decoded]
    if not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("arguments"), dict) for c in calls
    ):
        return ["function_call value must be {name, arguments} or a list of them"]
    return []


def alpaca_problems(row: dict[str, JsonValue]) -> list[str]:
    """A per-step alpaca sample: strings where LlamaFactory expects them, parseable tool calls."""
    problems: list[str] = []
    for key in ("instruction", "input", "output", "system"):
        if not isinstance(row.get(key), str):
            problems.append(f"{key} must be a string")
    history = row.get("history")
    if not isinstance(history, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair) for pair in history
    ):
        problems.append("history must be a list of [instruction, output] pairs")
    output = row.get("output")
    if isinstance(output, str):
        _, calls = parse_text_tool_calls(output)
        problems.extend(f"output: {call.error}" for call in calls if call.error)
    return problems
