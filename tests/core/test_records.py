"""Every record round-trips through JSON, and content ids do not depend on the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from envfactory_testing.strategies import records
from hypothesis import given

from envfactory_core.errors import RecordError
from envfactory_core.models import RECORD_TYPES, Task, ToolSpec
from envfactory_core.serialize import dumps, from_json, loads, record_id, to_json


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda cls: cls.__name__)
def test_every_record_round_trips_through_json(record_type: type) -> None:
    @given(records(record_type))
    def round_trip(record: object) -> None:
        data = to_json(record)
        text = json.dumps(data)
        assert from_json(record_type, json.loads(text)) == record
        assert loads(record_type, dumps(record)) == record

    round_trip()


def test_every_record_type_has_a_strategy() -> None:
    for record_type in RECORD_TYPES:
        records(record_type)


def test_unknown_keys_and_bad_values_are_all_reported() -> None:
    with pytest.raises(RecordError) as caught:
        from_json(
            ToolSpec,
            {"name": "x", "description": "d", "input_schema": {"type": "object"}, "effect": "bogus", "extra": 1},
        )
    message = str(caught.value)
    assert "effect" in message
    assert "extra" in message
    assert isinstance(caught.value, ValueError)


def test_invalid_json_text_names_the_position() -> None:
    with pytest.raises(RecordError, match="line 1 column"):
        loads(ToolSpec, '{"name": ')


_ID_SCRIPT = """
import json, sys
from envfactory_core.models import Task, GoldCall, ToolCall, Turn
task = Task(
    environments=("shop", "pay"),
    gold_calls=(
        GoldCall(
            call=ToolCall(environment="shop", tool="t", arguments={"b": 2, "a": [1, 2.5, "ü"], "z": {"y": None}}),
            output={"x": 1},
        ),
    ),
    turns=(Turn(request="Bitte", calls=(0,)),),
    initial_state_id="sha256:aa",
    gold_state_id="sha256:bb",
    provenance={"k2": "v", "k1": "w"},
)
print(task.id)
"""


def test_content_id_is_identical_across_processes_with_different_hash_seeds() -> None:
    ids = []
    for seed in ("1", "987654"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        output = subprocess.run([sys.executable, "-c", _ID_SCRIPT], env=env, capture_output=True, text=True, check=True)
        ids.append(output.stdout.strip())
    assert ids[0] == ids[1]
    assert ids[0].startswith("sha256:")


def test_task_id_is_the_content_id_without_the_id_field() -> None:
    task = from_json(Task, to_json(records_example()))
    assert task.id == record_id(task)
    changed = task.with_changes(story="a different story")
    assert changed.id != task.id


def records_example() -> Task:
    from envfactory_core.models import GoldCall, ToolCall, Turn

    return Task(
        environments=("shop",),
        gold_calls=(GoldCall(call=ToolCall(environment="shop", tool="t", arguments={"a": 1})),),
        turns=(Turn(request="hello", calls=(0,)),),
        initial_state_id="sha256:1",
        gold_state_id="sha256:2",
    )
