"""The reward entry, loaded the way verl loads it, scores exported rows: gold 1.0, others less."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from envfactory_core.llm.hermes import format_tool_call

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(
        importlib.util.find_spec("verl") is None,
        reason="needs verl, in the heavy test group: pip install -r requirements-heavy.txt",
    ),
]


def _parquet_rows(export_dir: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for split in ("train", "validation"):
        path = export_dir / f"{split}.parquet"
        if path.exists():
            rows.extend(pq.read_table(str(path)).to_pylist())
    return rows


def _response(calls: list[dict[str, Any]]) -> str:
    """A decoded multi-turn response as verl hands it over: tool calls with tool responses between them."""
    parts = []
    for call in calls:
        parts.append(format_tool_call(call["name"], call["arguments"]))
        parts.append('\n<tool_response>\n{"ok": true}\n</tool_response>\n')
    parts.append("Done.")
    return "".join(parts)


@pytest.fixture
def verl_compute_score(example_plugins) -> Any:
    """compute_score as verl's trainer builds it from config: pkg:// path, name and reward_kwargs."""
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    config = OmegaConf.create(
        {
            "reward": {
                "custom_reward_function": {
                    "path": "pkg://envfactory_verl.reward",
                    "name": "compute_score",
                    "reward_kwargs": {"reward": "core/envfactory", "reward_options": {"tau": 0.5}},
                }
            }
        }
    )
    function = get_custom_reward_fn(config)
    assert function is not None
    return function


def test_every_exported_gold_row_scores_one(export_dir, verl_compute_score) -> None:
    rows = _parquet_rows(export_dir)
    assert len(rows) >= 5
    for row in rows:
        gold = json.loads(row["reward_model"]["ground_truth"])
        result = verl_compute_score(
            data_source=row["data_source"],
            solution_str=_response(gold),
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=row["extra_info"],
        )
        assert result["score"] == 1.0, (row["extra_info"]["task_id"], row["extra_info"]["turn"], result)
        assert result["trace"] == 1.0
        assert result["state"] == 1.0


def test_a_response_missing_a_gold_call_scores_less(export_dir, verl_compute_score) -> None:
    for row in _parquet_rows(export_dir):
        gold = json.loads(row["reward_model"]["ground_truth"])
        if len(gold) < 2:
            continue
        result = verl_compute_score(
            data_source=row["data_source"],
            solution_str=_response(gold[:-1]),
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=row["extra_info"],
        )
        assert result["trace"] == 0.0
        assert result["score"] < 1.0


def test_reward_kwargs_choose_the_reward(export_dir, example_plugins) -> None:
    from envfactory_verl.reward import compute_score

    row = _parquet_rows(export_dir)[0]
    gold = json.loads(row["reward_model"]["ground_truth"])
    result = compute_score(
        row["data_source"],
        _response(gold),
        row["reward_model"]["ground_truth"],
        row["extra_info"],
        reward="core/state_diff",
    )
    assert result["score"] == 1.0
    assert "trace" not in result
    assert "correct" in result
