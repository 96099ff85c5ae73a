"""Fixtures of the envfactory-verl tests: a verl/verl export of the SDK's example environments.

The example environments (``bookshop``, ``notes``) are made visible to code that looks
environments up in the registry (the tool's session store, the reward entry) through a local
plugins directory, as a reward worker would see an installed domain package.
"""

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
    directory = tmp_path_factory.mktemp("verl-export")
    VerlExporter(jsonl=True).export(example.items, directory)
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
