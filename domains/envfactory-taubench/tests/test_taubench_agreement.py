"""Agreement with the benchmark, record by record, through the two commands on the shared data.

The expected values are read from the benchmark's own files here, not through the package: each
task's ``gold_state_hash`` from tasks.json, each record's ``gt_data_hash`` and ``r_actions`` from
trajectories_dev.json.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from envfactory_taubench import plugin

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.plugins import make_plugin_manager


def run(*arguments: str, env: dict[str, str] | None = None) -> Result:
    manager = make_plugin_manager(load_entrypoints=False, plugins=[("taubench", plugin)])
    return CliRunner().invoke(build_cli(App(manager)), list(arguments), env=env or {"ENVFACTORY_TAUBENCH_DATA": ""})


def recorded_verdicts(path: Path) -> list[dict[str, Any]]:
    """The records of a trajectories file that the benchmark judged by state, as it judged them."""
    found = []
    for record in json.loads(path.read_text()):
        details = ((record.get("info") or {}).get("reward_info") or {}).get("info") or {}
        if "gt_data_hash" in details:
            found.append({"task_id": record["task_id"], "trial": record["trial"], **details})
    return found


@pytest.fixture(scope="module")
def gold_replays(shared_data_dir: Path) -> list[dict[str, Any]]:
    result = run("taubench", "airline", "replay-gold", "--data", str(shared_data_dir), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def judged(shared_data_dir: Path) -> list[dict[str, Any]]:
    trajectories = shared_data_dir / "trajectories_dev.json"
    result = run(
        "taubench", "airline", "judge", "--data", str(shared_data_dir), "--trajectories", str(trajectories), "--json"
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_replay_gold_reproduces_every_recorded_gold_state_hash(gold_replays, shared_data_dir):
    tasks = json.loads((shared_data_dir / "tasks.json").read_text())
    by_id = {row["task_id"]: row for row in gold_replays}
    assert sorted(by_id) == sorted(task["task_id"] for task in tasks)
    with_hash = [task for task in tasks if "gold_state_hash" in task]
    assert len(with_hash) == 22
    for task in with_hash:
        row = by_id[task["task_id"]]
        assert row["state_hash"] == task["gold_state_hash"], f"task {task['task_id']}"
        assert row["errors"] == [], f"task {task['task_id']}: gold actions met errors {row['errors']}"


def test_replay_gold_rows_have_the_documented_fields(gold_replays):
    for row in gold_replays:
        assert {"task_id", "state_hash", "errors"} <= set(row)
        assert len(row["state_hash"]) == 64


def test_judge_agrees_with_the_benchmark_on_every_record(judged, shared_data_dir):
    expected = recorded_verdicts(shared_data_dir / "trajectories_dev.json")
    assert len(judged) == len(expected) == 44
    for ours, theirs in zip(judged, expected, strict=True):
        where = f"task {theirs['task_id']} trial {theirs['trial']}"
        assert (ours["task_id"], ours["trial"]) == (theirs["task_id"], theirs["trial"]), where
        assert ours["gold_state_hash"] == theirs["gt_data_hash"], where
        assert ours["match"] == (theirs["r_actions"] == 1.0), where
        assert ours["match"] == (ours["gold_state_hash"] == ours["agent_state_hash"]), where
    # Both verdicts occur, so agreement is not a constant answer.
    assert {row["match"] for row in judged} == {True, False}


def test_judge_reproduces_every_recorded_tool_output(judged):
    compared = sum(row["outputs_compared"] for row in judged)
    equal = sum(row["outputs_equal"] for row in judged)
    assert compared == 240
    assert equal == compared, [row["output_mismatches"] for row in judged if row["output_mismatches"]]


def test_judge_works_on_another_file_of_the_format_and_reports_disagreement(tmp_path, shared_data_dir):
    records = json.loads((shared_data_dir / "trajectories_dev.json").read_text())
    judged_by_state = [
        record for record in records if (record["info"].get("reward_info") or {}).get("info", {}).get("gt_data_hash")
    ]
    kept = copy.deepcopy(judged_by_state[:2])
    # Claim the opposite verdict on the first record: our judge must disagree and exit 1.
    details = kept[0]["info"]["reward_info"]["info"]
    details["r_actions"] = 1.0 - details["r_actions"]
    path = tmp_path / "subset.json"
    path.write_text(json.dumps(kept))
    result = run("taubench", "airline", "judge", "--data", str(shared_data_dir), "--trajectories", str(path), "--json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [row["agrees"] for row in rows] == [False, True]
    assert "verdict agrees on 1" in result.stderr


def test_judge_notices_an_output_that_differs(tmp_path, shared_data_dir):
    records = json.loads((shared_data_dir / "trajectories_dev.json").read_text())
    record = copy.deepcopy(records[0])
    tool_messages = [message for message in record["traj"] if message["role"] == "tool"]
    tool_messages[0]["content"] = json.dumps({"tampered": True})
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps([record]))
    result = run("taubench", "airline", "judge", "--data", str(shared_data_dir), "--trajectories", str(path), "--json")
    (row,) = json.loads(result.stdout)
    assert row["outputs_equal"] == row["outputs_compared"] - 1
    assert row["output_mismatches"][0]["index"] == 0


def test_replay_gold_accepts_a_trajectories_file_as_tasks(shared_data_dir):
    trajectories = shared_data_dir / "trajectories_dev.json"
    result = run(
        "taubench", "airline", "replay-gold", "--data", str(shared_data_dir), "--tasks", str(trajectories), "--json"
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["task_id"] for row in rows} == set(range(0, 50, 2))
    assert all(row["matches"] in (True, None) for row in rows)


def test_check_data_reports_the_pinned_initial_hash(shared_data_dir):
    result = run("taubench", "airline", "check-data", "--data", str(shared_data_dir), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["initial_state_hash"] == "4a02dcbc0e3ace4d398988d60a33e73afad4d201deb426303159f086cadad20f"
    assert (report["flights"], report["reservations"], report["users"]) == (300, 2000, 500)


def test_the_data_folder_can_come_from_the_environment_variable(shared_data_dir):
    result = run("taubench", "airline", "check-data", "--json", env={"ENVFACTORY_TAUBENCH_DATA": str(shared_data_dir)})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["matches"] is True
