"""``core/llamafactory``: sharegpt alternation and tools-as-JSON, per-step alpaca, dataset_info.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from envfactory_core.export import ExportItem
from envfactory_core.export.llamafactory import LlamaFactoryExporter, sharegpt_problems
from envfactory_core.llm.hermes import parse_text_tool_calls
from envfactory_core.models import Message

from .conftest import jsonl_rows

datasets = pytest.importorskip("datasets")


def _calls_of(value: str) -> list[dict[str, Any]]:
    if value.startswith("<think>"):
        value = value.split("</think>", 1)[1]
    decoded = json.loads(value)
    return decoded if isinstance(decoded, list) else [decoded]


def test_sharegpt_rows_alternate_and_keep_every_call(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any]
) -> None:
    result, directory = export_to(LlamaFactoryExporter(), items)
    rows = jsonl_rows(directory)
    assert result.skipped == {"no_trajectory": 1}
    assert len(rows) == len(items) - 1
    for row in rows:
        turns = row["conversations"]
        assert len(turns) % 2 == 0
        assert all(t["from"] in ("human", "observation") for t in turns[0::2])
        assert all(t["from"] in ("gpt", "function_call") for t in turns[1::2])
        assert sharegpt_problems(row) == []
        tools = json.loads(row["tools"])  # a JSON string, as LlamaFactory's tool formatter needs
        assert all(set(tool) == {"name", "description", "parameters"} for tool in tools)
    # every tool call of every trajectory is in some function_call turn, in order
    exported = [
        call
        for row in rows
        for t in row["conversations"]
        if t["from"] == "function_call"
        for call in _calls_of(t["value"])
    ]
    expected = [
        {"name": call.name, "arguments": call.arguments}
        for item in sorted(items, key=lambda i: i.split != "train")
        if item.trajectory is not None
        for m in item.trajectory.messages
        for call in m.tool_calls
    ]
    assert exported == expected


def test_parallel_calls_and_results_are_one_turn_each(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any]
) -> None:
    _, directory = export_to(LlamaFactoryExporter(), items)
    rows = jsonl_rows(directory)
    parallel = [
        t
        for row in rows
        for t in row["conversations"]
        if t["from"] == "function_call" and isinstance(json.loads(t["value"].split("</think>")[-1]), list)
    ]
    assert parallel
    merged = [
        t
        for row in rows
        for t in row["conversations"]
        if t["from"] == "observation" and "</tool_response>\n<tool_response>" in t["value"]
    ]
    assert merged
    thoughts = [t for row in rows for t in row["conversations"] if t["value"].startswith("<think>\n")]
    assert thoughts


def test_dataset_info_matches_the_files_and_datasets_reads_them(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    _, directory = export_to(LlamaFactoryExporter(dataset_name="shop"), items)
    info = json.loads((directory / "dataset_info.json").read_text(encoding="utf-8"))
    assert sorted(info) == ["shop_train", "shop_validation"]
    for name, entry in info.items():
        assert entry["formatting"] == "sharegpt"
        path = directory / entry["file_name"]
        assert path.exists()
        assert name.endswith(path.stem)
        loaded = datasets.load_dataset("json", data_files=str(path), cache_dir=str(hf_cache))["train"]
        columns = entry["columns"]
        assert set(loaded.column_names) == {columns["messages"], columns["system"], columns["tools"]}
        assert {turn["from"] for row in loaded.to_list() for turn in row[columns["messages"]]} <= {
            entry["tags"]["user_tag"],
            entry["tags"]["assistant_tag"],
            entry["tags"]["observation_tag"],
            entry["tags"]["function_tag"],
        }


def test_alpaca_steps_one_sample_per_successful_step(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    result, directory = export_to(LlamaFactoryExporter(mode="alpaca_steps"), items)
    rows = jsonl_rows(directory)
    solved = [item for item in items if item.trajectory is not None]
    steps = sum(1 for item in solved for m in item.trajectory.messages if m.role == "assistant")  # type: ignore[union-attr]
    failed = sum(
        1
        for item in solved
        for m in item.trajectory.messages
        if m.role == "assistant" and m.content == "Let me try that."
    )  # type: ignore[union-attr]
    assert failed >= 1
    assert len(rows) == result.records == steps - failed
    for row in rows:
        assert row["input"] == ""
        assert "<tools>" in row["system"]
        assert "</tools>" in row["system"]
        _, calls = parse_text_tool_calls(row["output"])
        assert all(not call.error for call in calls)
        for earlier in row["history"]:
            assert len(earlier) == 2
    # the failed attempt is not a target, but later steps see it in their history
    assert not any('"arguments": {}' in row["output"] and "Let me try that." in row["output"] for row in rows)
    assert any(any("Let me try that." in pair[1] for pair in row["history"]) for row in rows)
    assert any("<tool_response>" in row["instruction"] for row in rows)
    info = json.loads((directory / "dataset_info.json").read_text(encoding="utf-8"))
    assert info["envfactory_train"]["formatting"] == "alpaca"
    assert info["envfactory_train"]["columns"]["history"] == "history"
    loaded = datasets.load_dataset("json", data_files=str(directory / "train.jsonl"), cache_dir=str(hf_cache))["train"]
    assert set(loaded.column_names) == {"instruction", "input", "output", "system", "history"}


def test_a_conversation_that_cannot_alternate_is_skipped(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any]
) -> None:
    item = next(item for item in items if item.trajectory is not None)
    assert item.trajectory is not None
    doubled = item.trajectory.with_changes(
        messages=(*item.trajectory.messages, Message(role="assistant", content="One more thing."))
    )
    odd = attrs.evolve(item, trajectory=doubled)
    result, _ = export_to(LlamaFactoryExporter(), [odd])
    assert result.skipped == {"turns_do_not_alternate": 1}
    assert result.records == 0


def test_sharegpt_problems_name_each_rule() -> None:
    row = {
        "conversations": [
            {"from": "gpt", "value": "hi"},
            {"from": "function_call", "value": "not json"},
            {"from": "human", "value": "x"},
        ],
        "system": "",
        "tools": [{"name": "a"}],
    }
    problems = "\n".join(sharegpt_problems(row))
    assert "even count" in problems
    assert "conversations[0].from is 'gpt'" in problems
    assert "not <think>" in problems
    assert "tools must be a JSON string" in problems
