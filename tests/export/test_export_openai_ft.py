"""``core/openai_ft``: string arguments, matching ids, weights, parallel calls; read back by ``datasets``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from envfactory_core.export import ExportItem
from envfactory_core.export.openai_ft import OpenAIFineTune, row_problems

from .conftest import jsonl_rows

datasets = pytest.importorskip("datasets")


def test_rows_follow_the_fine_tuning_rules(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    result, directory = export_to(OpenAIFineTune(), items)
    rows = jsonl_rows(directory)
    assert len(rows) == result.records == len(items) - 1
    assert result.skipped == {"no_trajectory": 1}
    for row in rows:
        assert row_problems(row) == []
        ids = set()
        for message in row["messages"]:
            if message["role"] == "assistant":
                assert message["weight"] in (0, 1)
                for call in message.get("tool_calls", []):
                    assert isinstance(json.loads(call["function"]["arguments"]), dict)
                    ids.add(call["id"])
            else:
                assert "weight" not in message
            if message["role"] == "tool":
                assert message["tool_call_id"] in ids
            assert "reasoning_content" not in message
            assert "reasoning" not in message


def test_failed_call_gets_weight_zero_and_parallel_calls_set_the_flag(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any]
) -> None:
    _, directory = export_to(OpenAIFineTune(), items, "default")
    rows = jsonl_rows(directory)
    zero = [m for row in rows for m in row["messages"] if m.get("weight") == 0]
    assert zero, "the example set has a failed call"
    assert all(m["tool_calls"][0]["function"]["arguments"] == "{}" for m in zero)
    parallel = [row for row in rows if any(len(m.get("tool_calls", [])) > 1 for m in row["messages"])]
    assert parallel
    assert all(row["parallel_tool_calls"] is True for row in parallel)
    assert all(row["parallel_tool_calls"] is False for row in rows if row not in parallel)
    _, again = export_to(OpenAIFineTune(train_on_failed_calls=True, parallel_tool_calls=False), items, "options")
    options_rows = jsonl_rows(again)
    assert all(m.get("weight", 1) == 1 for row in options_rows for m in row["messages"])
    assert all(row["parallel_tool_calls"] is False for row in options_rows)


def test_datasets_reads_the_columns_fine_tuning_expects(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    _, directory = export_to(OpenAIFineTune(), items)
    files = {split: str(directory / f"{split}.jsonl") for split in ("train", "validation")}
    loaded = datasets.load_dataset("json", data_files=files, cache_dir=str(hf_cache))
    for split in loaded:
        assert loaded[split].column_names == ["messages", "tools", "parallel_tool_calls"]
        written = [json.loads(line) for line in Path(files[split]).read_text(encoding="utf-8").splitlines()]
        assert loaded[split].to_list() == written


def test_row_problems_catch_what_the_api_refuses() -> None:
    tool = {"type": "function", "function": {"name": "shop__buy", "description": "", "parameters": {"type": "object"}}}
    good = {
        "messages": [
            {"role": "user", "content": "buy"},
            {
                "role": "assistant",
                "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "shop__buy", "arguments": "{}"}}],
                "weight": 1,
            },
            {"role": "tool", "tool_call_id": "c1", "content": "ok"},
            {"role": "assistant", "content": "done", "weight": 1},
        ],
        "tools": [tool],
        "parallel_tool_calls": False,
    }
    assert row_problems(good) == []
    bad = json.loads(json.dumps(good))
    bad["messages"][1]["tool_calls"][0]["function"]["arguments"] = {"x": 1}
    bad["messages"][2]["tool_call_id"] = "c9"
    bad["messages"][0]["weight"] = 1
    bad["parallel_tool_calls"] = "no"
    problems = "\n".join(row_problems(bad))
    assert "must be a JSON string" in problems
    assert "answers no pending tool call" in problems
    assert "weight must be 0 or 1 and only on assistant" in problems
    assert "parallel_tool_calls" in problems
