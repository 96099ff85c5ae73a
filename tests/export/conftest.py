"""Shared fixtures for the exporter tests: real tasks and trajectories, made once per session.

Hugging Face readers run offline (no hub look-ups) and cache under a temporary folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from envfactory_testing.export_items import ExampleExport, example_export

from envfactory_core.contracts import Exporter
from envfactory_core.export import ExportItem, ExportResult


@pytest.fixture(scope="session")
def example() -> ExampleExport:
    """Eight grounded, refined, solved and scored tasks (varied trajectories; the last has none)."""
    return example_export(tasks=8, seed=0, validation_share=0.34, without_trajectory=1)


@pytest.fixture(scope="session")
def items(example: ExampleExport) -> tuple[ExportItem, ...]:
    return example.items


@pytest.fixture
def export_to(tmp_path: Path) -> Callable[..., tuple[ExportResult, Path]]:
    """``export_to(exporter, items, name="out")`` writes into a fresh directory under ``tmp_path``."""

    def run(
        exporter: Exporter, items: tuple[ExportItem, ...] | list[ExportItem], name: str = "out"
    ) -> tuple[ExportResult, Path]:
        directory = tmp_path / name
        directory.mkdir()
        return exporter.export(iter(items), directory), directory

    return run


@pytest.fixture(scope="session")
def hf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hf-cache")


def jsonl_rows(directory: Path) -> list[dict[str, Any]]:
    """Every row of the ``train.jsonl`` and ``validation.jsonl`` files in ``directory``, in split order."""
    return [
        json.loads(line)
        for split in ("train", "validation")
        if (directory / f"{split}.jsonl").exists()
        for line in (directory / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
