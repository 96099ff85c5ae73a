"""Runs are reproducible, resumable and idempotent."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import envfactory, envfactory_command, output_files

pytestmark = pytest.mark.slow


def test_the_same_seed_in_fresh_directories_gives_identical_outputs(
    tmp_path: Path, plugins_dir: Path, pipeline_file: Path
) -> None:
    first = envfactory(
        "run", str(pipeline_file), "--out", str(tmp_path / "a"), "--seed", "11", "--json", plugins_dir=plugins_dir
    )
    second = envfactory(
        "run", str(pipeline_file), "--out", str(tmp_path / "b"), "--seed", "11", "--json", plugins_dir=plugins_dir
    )
    outputs = output_files(tmp_path / "a")
    assert outputs
    assert outputs == output_files(tmp_path / "b")
    summary = json.loads(first.stdout)
    assert summary["kept"] == 12
    assert json.loads(second.stdout)["kept"] == 12
    other = envfactory("run", str(pipeline_file), "--out", str(tmp_path / "c"), "--seed", "12", plugins_dir=plugins_dir)
    assert other.returncode == 0
    assert output_files(tmp_path / "c") != outputs


def test_two_workers_give_the_same_outputs_as_one(tmp_path: Path, plugins_dir: Path, pipeline_file: Path) -> None:
    envfactory("run", str(pipeline_file), "--out", str(tmp_path / "one"), plugins_dir=plugins_dir)
    envfactory("run", str(pipeline_file), "--out", str(tmp_path / "two"), "--workers", "2", plugins_dir=plugins_dir)
    assert output_files(tmp_path / "one") == output_files(tmp_path / "two")


def test_running_a_finished_run_again_does_nothing(tmp_path: Path, plugins_dir: Path, pipeline_file: Path) -> None:
    out = tmp_path / "run"
    envfactory("run", str(pipeline_file), "--out", str(out), plugins_dir=plugins_dir)
    before = output_files(out)
    stamps = {path: path.stat().st_mtime_ns for path in (out / "exports").rglob("*") if path.is_file()}
    again = envfactory("run", str(pipeline_file), "--out", str(out), "--json", plugins_dir=plugins_dir)
    assert json.loads(again.stdout)["did_work"] is False
    assert output_files(out) == before
    assert {path: path.stat().st_mtime_ns for path in stamps} == stamps


def test_a_run_killed_at_random_points_resumes_to_the_same_outputs(
    tmp_path: Path, plugins_dir: Path, pipeline_file: Path
) -> None:
    reference = tmp_path / "reference"
    started = time.perf_counter()
    envfactory("run", str(pipeline_file), "--out", str(reference), plugins_dir=plugins_dir)
    duration = time.perf_counter() - started
    expected = output_files(reference)
    out = tmp_path / "killed"
    rng = random.Random(20261126)
    command, env = envfactory_command("run", str(pipeline_file), "--out", str(out), "--quiet", plugins_dir=plugins_dir)
    kills = 0
    finished = False
    # Kill points are spread over a whole run's duration on this machine, whatever its speed.
    for _ in range(200):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        delay = rng.uniform(0.2, max(0.5, 0.9 * duration))
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        else:
            assert process.returncode == 0, process.stderr.read().decode() if process.stderr else ""
            if kills >= 10:
                finished = True
                break
            # it finished before we killed it: start over to collect more kill points
            for path in sorted(out.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        finally:
            if process.stderr:
                process.stderr.close()
    assert kills >= 10
    if not finished:
        envfactory("run", str(pipeline_file), "--out", str(out), plugins_dir=plugins_dir)
    assert output_files(out) == expected
    store = out / "run.sqlite"
    import sqlite3

    with sqlite3.connect(store) as connection:
        duplicates = connection.execute("SELECT COUNT(*) - COUNT(DISTINCT chain_index) FROM items").fetchone()[0]
    assert duplicates == 0
