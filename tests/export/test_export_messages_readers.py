"""The ``messages`` export read by the ``datasets`` versions users have: current, and 4.0.0 (LlamaFactory's pin).

datasets 4.0.0 infers one struct per column, so JSON objects that differ between rows come back
merged: every tool call's arguments gain the other tools' keys as nulls, and dates turn into
timestamps. ``nested = "json-strings"`` writes arguments and tools as JSON text, which both versions
read back exactly; the object form is checked to be what 4.0.0 corrupts, so the test would notice
if the mode stopped mattering. datasets 4.0.0 lives in its own venv (``.ci/setup.d/30-datasets-4.0.0.sh``),
read in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from envfactory_testing.requirements import missing

from envfactory_core.export import ExportItem
from envfactory_core.export.messages import MessagesJsonl

from .conftest import jsonl_rows

datasets = pytest.importorskip("datasets")

ROOT = Path(__file__).resolve().parents[2]
OLD_PYTHON = Path(
    os.environ.get("ENVFACTORY_DATASETS_4_PYTHON", ROOT / ".ci" / "venvs" / "datasets-4.0.0" / "bin" / "python")
)
READ = """
import json, sys, datasets
assert datasets.__version__ == "4.0.0", datasets.__version__
files = json.loads(sys.argv[1])
loaded = datasets.load_dataset("json", data_files=files, cache_dir=sys.argv[2])
print(json.dumps([row for split in files for row in loaded[split]], default=str))
"""


def _files(directory: Path) -> dict[str, str]:
    return {s: str(directory / f"{s}.jsonl") for s in ("train", "validation") if (directory / f"{s}.jsonl").exists()}


def _read_with_datasets_4(directory: Path, cache: Path) -> list[dict[str, Any]]:
    rows = _try_datasets_4(directory, cache)
    assert not isinstance(rows, str), rows
    return rows


def _try_datasets_4(directory: Path, cache: Path) -> list[dict[str, Any]] | str:
    """The rows datasets 4.0.0 reads, or the end of its error output where it cannot read them."""
    if not OLD_PYTHON.is_file():
        missing(f"no datasets 4.0.0 venv at {OLD_PYTHON}: run `bash .ci/setup.d/30-datasets-4.0.0.sh`")
    done = subprocess.run(
        [str(OLD_PYTHON), "-c", READ, json.dumps(_files(directory)), str(cache)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        return done.stderr[-2000:]
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def _read_with_current_datasets(directory: Path, cache: Path) -> list[dict[str, Any]]:
    loaded = datasets.load_dataset("json", data_files=_files(directory), cache_dir=str(cache))
    return [row for split in _files(directory) for row in loaded[split]]


@pytest.mark.slow
def test_json_strings_read_back_exactly_with_both_datasets_versions(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    _, directory = export_to(MessagesJsonl(nested="json-strings"), items)
    written = jsonl_rows(directory)
    assert written
    assert all(isinstance(row["tools"], str) for row in written)
    calls = [call for row in written for m in row["messages"] for call in m.get("tool_calls") or []]
    assert calls
    assert all(isinstance(call["function"]["arguments"], str) for call in calls)
    assert _read_with_current_datasets(directory, hf_cache / "current") == written
    assert _read_with_datasets_4(directory, hf_cache / "old") == written
    # what a chat template needs is one json.loads away, and is the object export's content
    _, objects = export_to(MessagesJsonl(), items, name="objects")
    for text_row, object_row in zip(written, jsonl_rows(objects), strict=True):
        assert json.loads(text_row["tools"]) == object_row["tools"]
        for text_message, object_message in zip(text_row["messages"], object_row["messages"], strict=True):
            for text_call, object_call in zip(
                text_message.get("tool_calls") or [], object_message.get("tool_calls") or [], strict=True
            ):
                assert json.loads(text_call["function"]["arguments"]) == object_call["function"]["arguments"]


@pytest.mark.slow
def test_datasets_4_merges_the_object_form(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    _, directory = export_to(MessagesJsonl(), items)
    assert _read_with_current_datasets(directory, hf_cache / "current") == jsonl_rows(directory)
    # 4.0.0 either merges the differing objects (rows come back changed) or cannot cast one split to
    # the other's inferred struct: in neither case does it give back what was written
    assert _try_datasets_4(directory, hf_cache / "old") != jsonl_rows(directory)
