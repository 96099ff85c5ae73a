"""Fixtures of the envfactory-trl tests: verl/verl rows of the SDK's example environments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envfactory_testing.export_items import ExampleExport, example_export
from envfactory_verl.exporter import VerlExporter


@pytest.fixture(scope="session")
def example() -> ExampleExport:
    return example_export(tasks=6)


@pytest.fixture(scope="session")
def export_dir(example: ExampleExport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rows verl/verl writes, as its JSONL files (its parquet files need pyarrow, which the
    plugin alone does not install)."""
    directory = tmp_path_factory.mktemp("trl-export")
    exporter = VerlExporter()
    counts: dict[str, int] = {}
    for item in example.items:
        rows = exporter.item_rows(item)
        assert not isinstance(rows, str), rows
        with (directory / f"{item.split}.jsonl").open("a", encoding="utf-8") as handle:
            for row in rows:
                row["extra_info"]["index"] = counts.get(item.split, 0)
                counts[item.split] = row["extra_info"]["index"] + 1
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return directory


@pytest.fixture(scope="session")
def rows(export_dir: Path) -> list[dict[str, Any]]:
    found = []
    for split in ("train", "validation"):
        path = export_dir / f"{split}.jsonl"
        if path.exists():
            found.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return found


@pytest.fixture
def example_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example environments as an installed plugin would register them."""
    directory = tmp_path / "plugins"
    directory.mkdir()
    (directory / "examples.py").write_text(
        "from envfactory_testing.export_items import register_environments  # noqa: F401\n", encoding="utf-8"
    )
    monkeypatch.setenv("ENVFACTORY_PLUGINS_DIR", str(directory))
    return directory
