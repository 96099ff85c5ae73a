"""The run store's views: the JSON bodies' fields as columns, kept in step as rows are written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from envfactory_testing.export_items import example_export, write_run_store

from envfactory_core.store import RunStore
from envfactory_core.store.pipeline import PipelineStore
from envfactory_core.store.views import VIEWS


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run_store(example_export(tasks=6), tmp_path_factory.mktemp("views") / "run")


def _rows(run: Path, sql: str, *parameters: object) -> list[sqlite3.Row]:
    connection = sqlite3.connect(run / "run.sqlite")
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def test_every_view_reads(run: Path) -> None:
    for name in VIEWS:
        _rows(run, f"SELECT * FROM {name} LIMIT 5")


def test_task_list_columns_are_the_body_fields(run: Path) -> None:
    listed = {row["task_id"]: row for row in _rows(run, "SELECT * FROM task_list")}
    tasks = _rows(run, "SELECT task_id, kind, body FROM tasks")
    assert len(listed) == len(tasks) == 6
    for task_id, kind, body in tasks:
        task = json.loads(body)
        row = listed[task_id]
        assert row["kind"] == kind
        assert row["environment"] == task["environments"][0]
        assert row["environments"] == " ".join(task["environments"])
        assert row["turns"] == len(task["turns"])
        assert row["gold_calls"] == len(task["gold_calls"])
        assert row["request"] == task["turns"][0]["request"]
        assert row["gold_state_id"] == task["gold_state_id"]


def test_trajectory_list_has_agent_reward_and_the_tasks_environment(run: Path) -> None:
    rows = _rows(run, "SELECT * FROM trajectory_list")
    assert rows
    for row in rows:
        body, rewards = _rows(
            run, "SELECT body, rewards FROM trajectories WHERE trajectory_id = ?", row["trajectory_id"]
        )[0]
        trajectory, scores = json.loads(body), json.loads(rewards)
        assert row["messages"] == len(trajectory["messages"])
        assert row["steps"] == len(trajectory["steps"])
        assert (row["reward_name"], row["reward"]) == (scores[0]["reward"], scores[0]["score"])
        task = json.loads(_rows(run, "SELECT body FROM tasks WHERE task_id = ?", row["task_id"])[0][0])
        assert row["environment"] == task["environments"][0]


def test_fields_follow_updates_and_deletes(tmp_path: Path) -> None:
    example = example_export(tasks=2, variants=False)
    run = write_run_store(example, tmp_path / "run")
    task_id = example.tasks[0].id
    with RunStore(run) as store:
        body = json.loads(
            store.connection.execute("SELECT body FROM tasks WHERE task_id = ?", (task_id,)).fetchone()[0]
        )
        body["environments"] = ["renamed", *body["environments"]]
        store.connection.execute("UPDATE tasks SET body = ? WHERE task_id = ?", (json.dumps(body), task_id))
        assert store.connection.execute(
            "SELECT environment FROM task_list WHERE task_id = ?", (task_id,)
        ).fetchone() == ("renamed",)
        store.connection.execute("DELETE FROM tasks WHERE task_id = ?", (task_id,))
        assert store.connection.execute("SELECT COUNT(*) FROM task_fields").fetchone() == (1,)
        assert store.connection.execute("SELECT COUNT(*) FROM task_list").fetchone() == (1,)


def test_a_store_made_before_the_views_gains_them_with_its_rows(tmp_path: Path) -> None:
    run = write_run_store(example_export(tasks=2, variants=False), tmp_path / "run")
    connection = sqlite3.connect(run / "run.sqlite")
    for name in VIEWS:
        connection.execute(f"DROP VIEW {name}")
    for table in ("task_fields", "trajectory_fields"):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("DELETE FROM _ef_migrations WHERE migration_set = 'envfactory-views'")
    connection.commit()
    connection.close()
    with RunStore(run) as store:
        PipelineStore(store)
        assert store.connection.execute("SELECT COUNT(*) FROM task_list").fetchone() == (2,)
        assert store.connection.execute("SELECT COUNT(*) FROM trajectory_list").fetchone() == (2,)


def test_item_list_names_the_drop_reason(tmp_path: Path) -> None:
    from envfactory_core.store.records import ItemResult

    with RunStore(tmp_path / "run") as store:
        pipeline = PipelineStore(store)
        pipeline.save_item(
            ItemResult(index=0, chain_id="c", status="dropped", stage="gate", code="core/noop", reason="no change")
        )
        row = store.connection.execute("SELECT status, drop_reason, reason FROM item_list").fetchone()
    assert row == ("dropped", "gate: core/noop", "no change")


def test_reward_scores_are_every_reward_and_follow_deletes(tmp_path: Path) -> None:
    example = example_export(tasks=2, variants=False)
    run = write_run_store(example, tmp_path / "run")
    with RunStore(run) as store:
        rows = store.connection.execute("SELECT trajectory_id, reward, score FROM reward_scores").fetchall()
        expected = [
            (trajectory.id, reward.reward, reward.score)
            for trajectory in example.trajectories
            if trajectory is not None
            for reward in trajectory.rewards
        ]
        assert sorted(rows) == sorted(expected)
        gone = example.trajectories[0]
        assert gone is not None
        store.connection.execute("DELETE FROM trajectories WHERE trajectory_id = ?", (gone.id,))
        left = store.connection.execute("SELECT DISTINCT trajectory_id FROM reward_scores").fetchall()
    assert gone.id not in {row[0] for row in left}
    assert len(left) == 1
