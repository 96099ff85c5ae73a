"""``core/messages``: read back by ``datasets``, rendered by a transformers chat template, per-step rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from envfactory_core.export import ExportItem
from envfactory_core.export.messages import MessagesJsonl
from envfactory_core.llm.hermes import parse_text_tool_calls

datasets = pytest.importorskip("datasets")

# A chat template written for this test in the Hermes style Qwen models use: tools in the system
# turn, calls as <tool_call> JSON (arguments through tojson, so they must be objects), consecutive
# tool results in one user turn, reasoning in <think>.
TEMPLATE = """\
{%- if tools %}<|im_start|>system
{% if messages[0].role == 'system' %}{{ messages[0].content }}

{% endif %}# Tools
<tools>
{% for tool in tools %}{{ tool | tojson }}
{% endfor %}</tools><|im_end|>
{% elif messages[0].role == 'system' %}<|im_start|>system
{{ messages[0].content }}<|im_end|>
{% endif %}
{%- for message in messages %}
{%- if message.role == 'user' %}<|im_start|>user
{{ message.content }}<|im_end|>
{% elif message.role == 'assistant' %}<|im_start|>assistant
{% if message.reasoning_content %}<think>
{{ message.reasoning_content }}
</think>

{% endif %}{{ message.content }}
{%- for call in message.tool_calls or [] %}
<tool_call>
{{ {"name": call.function.name, "arguments": call.function.arguments} | tojson }}
</tool_call>
{%- endfor %}<|im_end|>
{% elif message.role == 'tool' %}
{%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}<|im_start|>user{% endif %}
<tool_response>
{{ message.content }}
</tool_response>
{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}<|im_end|>
{% endif %}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}"""


def _load(directory: Path, cache: Path) -> Any:
    files = {
        split: str(directory / f"{split}.jsonl")
        for split in ("train", "validation")
        if (directory / f"{split}.jsonl").exists()
    }
    return datasets.load_dataset("json", data_files=files, cache_dir=str(cache))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_datasets_reads_messages_and_tools_unchanged(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    result, directory = export_to(MessagesJsonl(), items)
    assert result.skipped == {"no_trajectory": 1}
    loaded = _load(directory, hf_cache)
    for split in loaded:
        assert loaded[split].column_names == ["messages", "tools"]
        written = _lines(directory / f"{split}.jsonl")
        assert loaded[split].to_list() == written  # no struct merging: arguments keep exactly their keys
    rows = [row for split in loaded for row in loaded[split].to_list()]
    calls = [
        call for row in rows for m in row["messages"] if m["role"] == "assistant" for call in m.get("tool_calls") or []
    ]
    assert calls
    assert all(isinstance(call["function"]["arguments"], dict) for call in calls)
    assert any("reasoning_content" in m for row in rows for m in row["messages"])
    tool_messages = [m for row in rows for m in row["messages"] if m["role"] == "tool"]
    assert all(m["tool_call_id"] and m["name"] for m in tool_messages)


def test_chat_template_round_trip(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    tokenizers = pytest.importorskip("tokenizers")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("jinja2")
    model = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab={"<unk>": 0}, unk_token="<unk>"))
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=model, chat_template=TEMPLATE)
    _, directory = export_to(MessagesJsonl(), items)
    rows = [row for split in ("train", "validation") for row in _lines(directory / f"{split}.jsonl")]
    assert rows
    for row in rows:
        text = tokenizer.apply_chat_template(row["messages"], tools=row["tools"], tokenize=False)
        # every tool is rendered, and every call comes back out of the text exactly as exported
        for tool in row["tools"]:
            assert json.dumps(tool, ensure_ascii=False) in text
        expected = [
            (call["function"]["name"], call["function"]["arguments"])
            for m in row["messages"]
            if m["role"] == "assistant"
            for call in m.get("tool_calls") or []
        ]
        _, parsed = parse_text_tool_calls(text)
        assert [(call.name, call.arguments) for call in parsed] == expected
        assert all(not call.error for call in parsed)
        results = [m["content"] for m in row["messages"] if m["role"] == "tool"]
        assert text.count("<tool_response>") == len(results)
        for m in row["messages"]:
            if m.get("reasoning_content"):
                assert f"<think>\n{m['reasoning_content']}\n</think>" in text


def test_step_rows_end_at_each_assistant_message(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    _whole, whole_dir = export_to(MessagesJsonl(), items, "whole")
    steps, steps_dir = export_to(MessagesJsonl(expand="step"), items, "steps")
    conversations = [row for split in ("train", "validation") for row in _lines(whole_dir / f"{split}.jsonl")]
    step_rows = [row for split in ("train", "validation") for row in _lines(steps_dir / f"{split}.jsonl")]
    assistants = sum(1 for row in conversations for m in row["messages"] if m["role"] == "assistant")
    assert len(step_rows) == assistants == steps.records
    assert all(row["messages"][-1]["role"] == "assistant" for row in step_rows)
    # the last step of a conversation is the whole conversation
    assert all(any(row == step for step in step_rows) for row in conversations)


def test_metadata_option_adds_id_and_split(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    _, directory = export_to(MessagesJsonl(metadata=True, reasoning=False), items)
    rows = _lines(directory / "train.jsonl")
    assert all(list(row)[:2] == ["id", "split"] and row["split"] == "train" for row in rows)
    assert not any("reasoning_content" in m for row in rows for m in row["messages"])
    ids = {item.task.id for item in items}
    assert {row["id"] for row in rows} <= ids
