"""`envfactory run --executor ray/executor`: same bytes as the local executor, through kills and failures.

Every run loads a plugins folder with the SDK's example environments, so the default pipeline has
environments with only the core installed, and the chaos writer, for the failure tests.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from envfactory_ray.testing import ChaosWriter, run_outputs

from envfactory_core.pipeline import DEFAULT_PIPELINE

RUN = ("--tasks", "8", "--seed", "5", "--json", "--quiet")
FAIL_ONE_IN = 3
CHAINS_PER_TASK = "chains_per_task = 2.0"
WRITE_STAGE = '[[stage]]\nstage = "write"\nuse = "core/template"\n'
PLUGIN = '''"""Test plugin: the SDK's example environments, and the Ray executor's chaos writer as local/chaos.

The example environments make the default pipeline runnable with only the core installed; with
domain packages installed, it uses those too.
"""
from envfactory_core import hookimpl
from envfactory_testing.export_items import register_environments  # noqa: F401
from envfactory_ray.testing import ChaosWriter


@hookimpl
def register_writers(register):
    register(ChaosWriter())
'''


def summary(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)  # nothing but JSON on stdout, even when a worker died
    return data


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugins folder every run of this module loads (the driver and every Ray worker)."""
    folder = tmp_path_factory.mktemp("plugins")
    (folder / "ray_test_plugin.py").write_text(PLUGIN)
    return folder


def chaos_pipeline(tmp_path: Path, chains_per_task: float = 2.0, **options: Any) -> tuple[Path, Path]:
    """The default pipeline with the chaos writer: (pipeline file, chaos folder)."""
    folder = tmp_path / "chaos"
    folder.mkdir()
    settings = ", ".join([f'folder = "{folder}"', *(f"{key} = {value}" for key, value in options.items())])
    assert WRITE_STAGE in DEFAULT_PIPELINE
    chaos_stage = f'[[stage]]\nstage = "write"\nuse = "local/chaos"\noptions = {{ {settings} }}\n'
    pipeline = tmp_path / "pipeline.toml"
    assert CHAINS_PER_TASK in DEFAULT_PIPELINE
    text = DEFAULT_PIPELINE.replace(WRITE_STAGE, chaos_stage)
    pipeline.write_text(text.replace(CHAINS_PER_TASK, f"chains_per_task = {chains_per_task}"))
    return pipeline, folder


def rows(out: Path, query: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(out / "run.sqlite")
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def local_run(
    tmp_path_factory: pytest.TempPathFactory, envfactory: Callable[..., Result], plugins: Path
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("local") / "run"
    summary(envfactory("run", "--out", out, "--executor", "core/local", "--workers", "1", *RUN, plugins_dir=plugins))
    return run_outputs(out)


def test_a_ray_run_makes_the_same_bytes_as_a_local_run(
    ray_session: Any, tmp_path: Path, envfactory: Callable[..., Result], plugins: Path, local_run: dict[str, Any]
) -> None:
    out = tmp_path / "run"
    args = ("run", "--out", out, "--executor", "ray/executor", "--workers", "2", *RUN)
    done = summary(envfactory(*args, plugins_dir=plugins))
    assert done["kept"] == 8
    outputs = run_outputs(out)
    assert any(key.startswith("file:exports/") for key in outputs)
    assert outputs == local_run


def test_a_killed_worker_changes_nothing_in_the_outputs(
    ray_session: Any, tmp_path: Path, envfactory: Callable[..., Result], plugins: Path, local_run: dict[str, Any]
) -> None:
    pipeline, folder = chaos_pipeline(tmp_path, kill_at_call=3)
    (folder / "armed").touch()
    out = tmp_path / "run"
    args = ("run", pipeline, "--out", out, "--executor", "ray/executor", "--workers", "2", *RUN)
    done = summary(envfactory(*args, plugins_dir=plugins))
    assert (folder / "calls" / "3").exists(), "the writer should have killed its worker at its third call"
    attempts = Counter((folder / "attempts").read_text().split())
    assert sorted(attempts.values())[-2:] == [1, 2], "exactly the killed task is written twice"
    assert done["kept"] == 8
    # The chaos writer writes what core/template writes: the outputs are the default pipeline's.
    assert run_outputs(out) == local_run
    assert rows(out, "SELECT COUNT(*), COUNT(DISTINCT task_id) FROM tasks") == [(8, 8)]
    assert rows(out, "SELECT COUNT(*) FROM items WHERE status = 'kept'") == [(8,)]
    assert rows(out, "SELECT COUNT(*) FROM trajectories") == [(8,)]
    again = summary(envfactory(*args, plugins_dir=plugins))
    assert again["did_work"] is False
    assert run_outputs(out) == local_run


def test_an_item_that_keeps_failing_is_recorded_and_the_run_goes_on(
    ray_session: Any, tmp_path: Path, envfactory: Callable[..., Result], plugins: Path
) -> None:
    # A third of the tasks fail: sample more chains so that the run can still keep 8.
    pipeline, folder = chaos_pipeline(tmp_path, chains_per_task=4.0, fail_one_in=FAIL_ONE_IN)
    out = tmp_path / "run"
    args = ("run", pipeline, "--out", out, "--executor", "ray/executor", "--workers", "2", *RUN)
    done = summary(envfactory(*args, plugins_dir=plugins))
    assert done["kept"] == 8
    failed = rows(out, "SELECT reason FROM items WHERE stage = 'executor' AND code = 'worker_failed'")
    assert failed, "with one task in three failing, some items must fail"
    assert done["dropped_by_reason"]["executor: worker_failed"] == len(failed)
    for (reason,) in failed:
        assert reason.startswith("failed 3 times; last: ValueError: chaos writer: task ")
        assert reason.endswith(" fails on purpose")
    recorded = {reason.split(" task ")[1].split(" fails ")[0] for (reason,) in failed}
    writer = ChaosWriter(fail_one_in=FAIL_ONE_IN)
    attempts = Counter((folder / "attempts").read_text().split())
    assert all(writer.fails(task_id) and attempts[task_id] == 3 for task_id in recorded)
    assert all(count == 1 for task_id, count in attempts.items() if not writer.fails(task_id))
    kept_ids = {task_id for (task_id,) in rows(out, "SELECT task_id FROM tasks")}
    assert not kept_ids & recorded
    before = run_outputs(out)
    again = summary(envfactory(*args, plugins_dir=plugins))
    assert again["did_work"] is False
    assert run_outputs(out) == before
