"""Reading tasks and trajectory records: the benchmark's format, and clear errors for anything else."""

from __future__ import annotations

import json

import pytest
from envfactory_taubench.data import DataError
from envfactory_taubench.tasks import read_tasks, tasks_from_json
from envfactory_taubench.trajectories import read_trajectories, records_from_json


def record(task_id=2, trial=0, traj=None, reward_info=None):
    return {
        "task_id": task_id,
        "trial": trial,
        "reward": 1.0,
        "info": {
            "task": {
                "user_id": "u",
                "instruction": "do it",
                "actions": [{"name": "think", "kwargs": {"thought": "x"}}],
                "outputs": [],
            },
            "reward_info": reward_info,
        },
        "traj": traj if traj is not None else [],
    }


def call(call_id, name, arguments):
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}],
    }


def answer(call_id, name, content):
    return {"role": "tool", "tool_call_id": call_id, "name": name, "content": content}


def test_calls_are_the_answered_ones_in_answer_order():
    traj = [
        {"role": "system", "content": "policy"},
        call("a", "get_user_details", '{"user_id": "u"}'),
        answer("a", "get_user_details", "{}"),
        call("b", "think", '{"thought": "t"}'),
        call("c", "calculate", '{"expression": "1+1"}'),
        answer("c", "calculate", "2.0"),
    ]
    (parsed,) = records_from_json(
        [record(traj=traj, reward_info={"reward": 1.0, "info": {"r_actions": 1.0, "gt_data_hash": "ab" * 32}})],
        source="x.json",
    )
    assert [item.name for item in parsed.calls] == ["get_user_details", "calculate"]
    assert parsed.calls[1].output == "2.0"
    assert parsed.unanswered_calls == 1
    assert parsed.gt_data_hash == "ab" * 32
    assert parsed.r_actions == 1.0
    assert parsed.task.gold_state_hash == "ab" * 32
    assert parsed.task.actions[0].name == "think"


def test_records_without_a_state_verdict_are_read_too():
    parsed = records_from_json(
        [
            record(reward_info=None),
            record(task_id=4, reward_info={"reward": 0.0, "info": {"r_outputs": 0.0, "outputs": {"4": False}}}),
        ],
        source="x.json",
    )
    assert [item.gt_data_hash for item in parsed] == [None, None]
    assert parsed[1].r_outputs == 0.0


def test_malformed_records_are_all_reported_with_their_place():
    bad = [record(task_id="two"), {"task_id": 1}, record(traj=[answer("zz", "think", "")])]
    with pytest.raises(DataError) as raised:
        records_from_json(bad, source="bad.json")
    locations = [problem.location for problem in raised.value.problems]
    assert "bad.json[0].task_id" in locations
    assert "bad.json[1].info.task" in locations
    assert "bad.json[2].traj[0]" in locations


def test_not_a_list_is_refused(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"records": []}))
    with pytest.raises(DataError, match="must be a JSON list"):
        read_trajectories(path)
    with pytest.raises(DataError, match="no trajectories file"):
        read_trajectories(tmp_path / "missing.json")


def test_tasks_from_a_tasks_list_and_from_records():
    tasks = tasks_from_json(
        [
            {
                "task_id": 3,
                "user_id": "u",
                "instruction": "i",
                "actions": [],
                "outputs": ["42"],
                "gold_state_hash": "cd" * 32,
            }
        ],
        source="tasks.json",
    )
    assert tasks[0].task_id == 3
    assert tasks[0].outputs == ("42",)
    assert tasks[0].gold_state_hash == "cd" * 32
    from_records = tasks_from_json([record(task_id=6), record(task_id=6, trial=1), record(task_id=2)], source="t.json")
    assert [task.task_id for task in from_records] == [2, 6]


def test_bad_tasks_are_reported(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"task_id": 1, "actions": [{"kwargs": {}}]}, {"task_id": 2, "actions": "none"}]))
    with pytest.raises(DataError) as raised:
        read_tasks(path)
    assert {problem.location for problem in raised.value.problems} == {
        "tasks.json[0].actions[0]",
        "tasks.json[1].actions",
    }


def test_the_shared_files_read(shared_data_dir):
    records = read_trajectories(shared_data_dir / "trajectories_dev.json")
    assert len(records) == 50
    assert sum(record.gt_data_hash is not None for record in records) == 44
    assert sum(len(record.calls) for record in records) == 294
    tasks = read_tasks(shared_data_dir / "tasks.json")
    assert len(tasks) == 50
    assert sum(task.gold_state_hash is not None for task in tasks) == 22
