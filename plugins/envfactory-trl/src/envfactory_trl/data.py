"""Rows for TRL: the ``verl/verl`` export, with the ``environment`` column TRL routes on.

TRL passes every column of a row to the environment's ``reset``; the ``verl/verl`` rows already
hold what a rollout needs (``extra_info``: environments, initial and gold states, earlier turns'
gold calls; ``reward_model.ground_truth``: the gold calls), and their ``prompt`` is a
conversation TRL renders with the model's chat template. :func:`training_dataset` adds
``environment`` (``bookshop+notes``), which picks each row's environment class.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from envfactory_core.errors import ConfigError, MissingDependencyError, Problem
from envfactory_core.rewards.rollouts import RolloutTask

from .environments import environment_key

__all__ = ["read_rows", "training_dataset", "with_environment"]


def read_rows(path: str | Path, *, split: str = "train") -> list[dict[str, Any]]:
    """The rows of a ``verl/verl`` export: a directory (its ``{split}.parquet`` or ``.jsonl``) or a file."""
    path = Path(path)
    if path.is_dir():
        candidates = [path / f"{split}.parquet", path / f"{split}.jsonl"]
        found = next((candidate for candidate in candidates if candidate.exists()), None)
        if found is None:
            raise ConfigError(
                "no rows to train on",
                [
                    Problem(
                        location=str(path),
                        message=f"has neither {split}.parquet nor {split}.jsonl",
                        fix="export the run first: envfactory export RUN --format verl --out DIR",
                    )
                ],
            )
        path = found
    if not path.exists():
        raise ConfigError("no rows to train on", [Problem(location=str(path), message="does not exist")])
    if path.suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError as error:
            raise MissingDependencyError("pyarrow", 'pip install "pyarrow>=15"', "reading parquet") from error
        rows: list[dict[str, Any]] = pq.read_table(str(path)).to_pylist()
        return rows
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def with_environment(row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` with its ``environment`` column (validating the row on the way)."""
    task = RolloutTask.from_row(row)
    return {**row, "environment": environment_key(task.environments)}


def training_dataset(rows: Iterable[Mapping[str, Any]] | Any) -> Any:
    """A ``datasets.Dataset`` of the rows with ``environment`` set (rows may be a Dataset already)."""
    try:
        import datasets
    except ImportError as error:
        raise MissingDependencyError("datasets", 'pip install "envfactory-trl[trl]"', "TRL datasets") from error
    if isinstance(rows, datasets.Dataset):
        return rows.map(with_environment)
    return datasets.Dataset.from_list([with_environment(row) for row in rows])
