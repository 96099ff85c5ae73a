"""``core/jsonl``: lossless round trip, schema validation, determinism, and the documented schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from envfactory_testing.strategies import identifiers, json_objects, records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envfactory_core.export import ExportError, ExportItem
from envfactory_core.export.canonical import (
    CanonicalJsonl,
    canonical_record,
    canonical_schema,
    read_canonical,
    schema_problems,
)
from envfactory_core.models import EnvironmentSpec, Task, ToolSpec, Trajectory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference" / "formats.md"


def _same(a: ExportItem, b: ExportItem) -> None:
    assert a == b
    assert a.initial_state == b.initial_state
    assert a.gold_state == b.gold_state
    assert {**a.states, a.task.initial_state_id: a.initial_state, a.task.gold_state_id: a.gold_state} == dict(b.states)


def _in_file_order(items: Any) -> list[ExportItem]:
    return [item for split in ("train", "validation") for item in items if item.split == split]


def test_round_trip_gives_back_every_item(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    result, directory = export_to(CanonicalJsonl(), items)
    back = list(read_canonical(directory))
    expected = _in_file_order(items)
    assert len(back) == len(expected) == len(items)
    for original, read in zip(expected, back, strict=True):
        _same(original, read)
    assert any(item.trajectory is None for item in back)
    names = {file.path: file.records for file in result.files}
    assert names["environments.jsonl"] == 2  # bookshop and notes, each once
    assert names["train.jsonl"] + names["validation.jsonl"] == len(items)


def test_every_referenced_state_is_inlined(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    _, directory = export_to(CanonicalJsonl(), items)
    for line in (directory / "train.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        task, trajectory = record["task"], record["trajectory"]
        wanted = {task["initial_state_id"], task["gold_state_id"]}
        wanted |= {turn[key] for turn in task["turns"] for key in ("initial_state_id", "gold_state_id")}
        if trajectory is not None:
            wanted.add(trajectory["final_state_id"])
            # arguments stay JSON objects, never strings
            for message in trajectory["messages"]:
                assert all(isinstance(call["arguments"], dict) for call in message["tool_calls"])
        assert wanted - {""} <= set(record["states"])


def test_datasets_reads_the_canonical_lines_unchanged(
    items: tuple[ExportItem, ...], export_to: Callable[..., Any], hf_cache: Path
) -> None:
    datasets = pytest.importorskip("datasets")
    _, directory = export_to(CanonicalJsonl(), items)
    columns = ["environments", "format", "id", "split", "states", "task", "tools", "trajectory", "version"]
    for split in ("train", "validation"):
        # one split at a time: datasets would cast the validation split to the features inferred
        # from train, and an optional record (a tool failure, a missing trajectory) may be null there
        path = directory / f"{split}.jsonl"
        loaded = datasets.load_dataset("json", data_files=str(path), cache_dir=str(hf_cache))["train"]
        assert loaded.column_names == columns
        written = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert loaded.to_list() == written


def test_same_items_give_the_same_bytes(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    first, one = export_to(CanonicalJsonl(), items, "one")
    second, two = export_to(CanonicalJsonl(), items, "two")
    assert first == second
    for file in first.files:
        assert (one / file.path).read_bytes() == (two / file.path).read_bytes()
        assert str(one) not in (one / file.path).read_text(encoding="utf-8")


def test_the_schema_rejects_a_broken_record(items: tuple[ExportItem, ...]) -> None:
    record = canonical_record(items[0])
    assert schema_problems(record) == []
    broken = json.loads(json.dumps(record))
    broken["task"]["gold_calls"][0]["call"]["arguments"] = "not an object"
    del broken["task"]["kind"]
    broken["extra"] = 1
    problems = schema_problems(broken)
    assert any("arguments" in problem for problem in problems)
    assert any("kind" in problem for problem in problems)
    assert any("extra" in problem for problem in problems)


def test_reading_refuses_an_invalid_line(items: tuple[ExportItem, ...], export_to: Callable[..., Any]) -> None:
    _, directory = export_to(CanonicalJsonl(), items)
    path = directory / "train.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["split"] = "test"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"train.jsonl line 1"):
        list(read_canonical(directory))
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not JSONL"):
        list(read_canonical(directory))


def test_the_documented_schema_is_the_one_the_exporter_checks() -> None:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- canonical-schema -->\s*```json\n(.*?)```", text, re.DOTALL)
    assert match, (
        "docs/reference/formats.md must hold the canonical schema in a json block after <!-- canonical-schema -->"
    )
    assert json.loads(match.group(1)) == canonical_schema()


# --- property: any records survive the round trip -------------------------------------------------------

world_states = st.dictionaries(
    identifiers,
    st.dictionaries(identifiers, st.dictionaries(identifiers, json_objects, max_size=2), max_size=2),
    max_size=2,
)


@st.composite
def export_items(draw: st.DrawFn) -> ExportItem:
    task: Task = draw(records(Task))
    trajectory: Trajectory | None = draw(st.none() | records(Trajectory))
    environments = draw(st.lists(records(EnvironmentSpec), max_size=2, unique_by=lambda spec: spec.name))
    tools = draw(st.lists(records(ToolSpec), max_size=3, unique_by=lambda tool: tool.name))
    ids = [task.initial_state_id, task.gold_state_id]
    ids += [turn.initial_state_id for turn in task.turns] + [turn.gold_state_id for turn in task.turns]
    if trajectory is not None:
        ids.append(trajectory.final_state_id)
    states = {state_id: draw(world_states) for state_id in ids}
    return ExportItem(
        task=task,
        trajectory=trajectory,
        tools=tuple(tools),
        environments=tuple(environments),
        initial_state=states[task.initial_state_id],
        gold_state=states[task.gold_state_id],
        split=draw(st.sampled_from(["train", "validation"])),
        states=states,
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(export_items(), min_size=1, max_size=4))
def test_property_export_then_read_gives_equal_records(
    tmp_path_factory: pytest.TempPathFactory, batch: list[ExportItem]
) -> None:
    directory = tmp_path_factory.mktemp("canonical")
    CanonicalJsonl().export(iter(batch), directory)
    back = list(read_canonical(directory))
    expected = _in_file_order(batch)
    assert len(back) == len(expected)
    for original, read in zip(expected, back, strict=True):
        _same(original, read)
        assert [attrs.asdict(spec) for spec in original.environments] == [
            attrs.asdict(spec) for spec in read.environments
        ]


# --- the compiled validator agrees with a reference JSON Schema validator -----------------------------


def _mutations(record: dict[str, Any]) -> list[tuple[list[str | int], Any]]:
    """Places in the record (paths) to break, with a replacement value."""
    paths: list[tuple[list[str | int], Any]] = []

    def walk(value: Any, path: list[str | int]) -> None:
        if len(paths) > 400:
            return
        paths.append((path, None))
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, [*path, key])
        elif isinstance(value, list):
            for index, item in enumerate(value[:3]):
                walk(item, [*path, index])

    walk(record, [])
    return paths


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_compiled_validator_agrees_with_jsonschema(items: tuple[ExportItem, ...], data: st.DataObject) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = canonical_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    reference = jsonschema.Draft202012Validator(schema)
    record = json.loads(json.dumps(canonical_record(data.draw(st.sampled_from(items)))))
    path, _ = data.draw(st.sampled_from(_mutations(record)))
    replacement = data.draw(st.sampled_from([None, 1, 1.5, "x", True, [], {}, "DELETE"]))
    if path:
        parent = record
        for step in path[:-1]:
            parent = parent[step]
        if replacement == "DELETE":
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        else:
            parent[path[-1]] = replacement
    assert (schema_problems(record) == []) == reference.is_valid(record)
