"""Same seed, same bytes, in separate processes with different hash seeds; different seeds differ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from envfactory_core.models import EnvironmentSpec
from envfactory_core.serialize import to_json


def envfactory(args: list[str], hash_seed: str, cwd: Path) -> bytes:
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "ENVFACTORY_LOAD_PLUGINS": ""}
    completed = subprocess.run(
        [sys.executable, "-c", "from envfactory_core.cli import main; main()", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return completed.stdout


@pytest.fixture
def spec_file(tmp_path: Path, trio_plugin: Any, synthetic_specs: Callable[..., list[EnvironmentSpec]]) -> Path:
    specs = [environment.spec for environment in trio_plugin().environments] + synthetic_specs(15, seed=1)
    path = tmp_path / "specs.json"
    path.write_text(json.dumps(to_json(specs)), encoding="utf-8")
    return path


@pytest.mark.slow
def test_chains_are_identical_across_processes(spec_file: Path, tmp_path: Path) -> None:
    graphs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"graph-{hash_seed}.json"
        envfactory(["graph", "build", "--spec-file", str(spec_file), "--out", str(out), "--json"], hash_seed, tmp_path)
        graphs.append(out.read_bytes())
    assert graphs[0] == graphs[1], "the same specs give the same graph file"
    graph = str(tmp_path / "graph-1.json")
    for sampler in ("core/topology", "core/random_walk", "core/coverage"):
        runs = [
            envfactory(
                [
                    "graph",
                    "sample",
                    "--graph",
                    graph,
                    "--sampler",
                    sampler,
                    "--chains",
                    "200",
                    "--seed",
                    "42",
                    "--json",
                ],
                seed,
                tmp_path,
            )
            for seed in ("1", "987")
        ]
        assert runs[0] == runs[1], f"{sampler}: same seed, same bytes"
        other = envfactory(
            ["graph", "sample", "--graph", graph, "--sampler", sampler, "--chains", "200", "--seed", "43", "--json"],
            "1",
            tmp_path,
        )
        first, second = json.loads(runs[0])["chains"], json.loads(other)["chains"]
        assert first != second, f"{sampler}: another seed, other chains"
        assert len(first) == 200
