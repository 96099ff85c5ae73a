"""``core/jsonl``: the canonical, lossless export every other format can be derived from.

One JSON object per line and per task (``train.jsonl``, ``validation.jsonl``)::

    {"format": "envfactory.canonical", "version": 1, "id": "<task id>", "split": "train",
     "environments": [{"name": "bookshop", "spec_id": "sha256:..."}],
     "tools": [<ToolSpec>, ...],            # what the agent saw, named env__tool
     "task": <Task>, "trajectory": <Trajectory> | null,
     "states": {"<state id>": <world state>, ...}}   # every state the task and trajectory name

Records are written exactly as the one converter (:mod:`envfactory_core.serialize`) writes them,
so arguments stay JSON objects and nothing is renamed. Environment specs are large and shared by
many tasks, so they are written once each to ``environments.jsonl`` and referred to by content id.
Every line is validated against :func:`canonical_schema` before it is written, and
:func:`read_canonical` gives the export items back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from ..errors import Problem
from ..ids import JsonValue, canonical_json
from ..models import EnvironmentSpec, Task, ToolSpec, Trajectory
from ..serialize import from_json, record_id, to_json
from . import ExportError, ExportItem, ExportResult, Split
from .schema import compile_validator, record_schema, type_schema
from .writing import SPLITS, JsonlSplitWriter, text_file

__all__ = [
    "ENVIRONMENTS_FILE",
    "FORMAT",
    "VERSION",
    "CanonicalJsonl",
    "canonical_record",
    "canonical_schema",
    "item_from_record",
    "read_canonical",
]

FORMAT = "envfactory.canonical"
VERSION = 1
ENVIRONMENTS_FILE = "environments.jsonl"


@cache
def canonical_schema() -> dict[str, JsonValue]:
    """The JSON Schema (draft 2020-12) of one line of ``core/jsonl``, derived from the records."""
    definitions: dict[str, JsonValue] = {}
    task = type_schema(Task, definitions)
    trajectory = type_schema(Trajectory, definitions)
    tool = type_schema(ToolSpec, definitions)
    definitions["WorldState"] = {
        "description": "A world state: {environment: {table: {primary key: row}}}.",
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "object"}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "envfactory canonical export record",
        "description": "One task with its trajectory, tools and every world state it refers to.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "id": {"type": "string", "description": "The task's content id."},
            "split": {"enum": list(SPLITS)},
            "environments": {
                "type": "array",
                "description": "The task's environments; their specs are in environments.jsonl, by spec_id.",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "spec_id": {"type": "string"}},
                    "required": ["name", "spec_id"],
                    "additionalProperties": False,
                },
            },
            "tools": {"type": "array", "items": tool, "description": "The tools the agent saw, named env__tool."},
            "task": task,
            "trajectory": {"anyOf": [trajectory, {"type": "null"}]},
            "states": {
                "type": "object",
                "description": "Every world state the task and trajectory refer to, by state id.",
                "additionalProperties": {"$ref": "#/$defs/WorldState"},
            },
        },
        "required": ["format", "version", "id", "split", "environments", "tools", "task", "trajectory", "states"],
        "additionalProperties": False,
        "$defs": dict(sorted(definitions.items())),
    }


@cache
def environment_schema() -> dict[str, JsonValue]:
    """The JSON Schema of one line of ``environments.jsonl``: an ``EnvironmentSpec`` and its id."""
    reference, definitions = record_schema(EnvironmentSpec)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "envfactory canonical export environment",
        "type": "object",
        "properties": {"spec_id": {"type": "string"}, "spec": reference},
        "required": ["spec_id", "spec"],
        "additionalProperties": False,
        "$defs": dict(sorted(definitions.items())),
    }


@cache
def _validator(which: str) -> Callable[[Any], list[str]]:
    schema = canonical_schema() if which == "record" else environment_schema()
    return compile_validator(schema)


def schema_problems(record: JsonValue, *, which: str = "record") -> list[str]:
    """Every way ``record`` breaks the canonical schema, each with its JSON path (at most 20)."""
    return _validator(which)(record)[:20]


def _states(item: ExportItem) -> dict[str, JsonValue]:
    states: dict[str, JsonValue] = dict(item.states)
    states.setdefault(item.task.initial_state_id, item.initial_state)
    states.setdefault(item.task.gold_state_id, item.gold_state)
    return {state_id: states[state_id] for state_id in sorted(states)}


def canonical_record(
    item: ExportItem, spec_ids: dict[str, str] | None = None, tools_json: JsonValue = None
) -> dict[str, JsonValue]:
    """The canonical line of one item.

    ``spec_ids`` (each spec's content id by name) and ``tools_json`` (the item's tools, already
    converted) save recomputing what consecutive items of a run share.
    """
    references = []
    for spec in item.environments:
        spec_id = spec_ids.get(spec.name) if spec_ids is not None else None
        if spec_id is None:
            spec_id = record_id(spec)
        references.append({"name": spec.name, "spec_id": spec_id})
    return {
        "format": FORMAT,
        "version": VERSION,
        "id": item.task.id,
        "split": item.split,
        "environments": references,
        "tools": to_json(list(item.tools)) if tools_json is None else tools_json,
        "task": to_json(item.task),
        "trajectory": to_json(item.trajectory) if item.trajectory is not None else None,
        "states": _states(item),
    }


@attrs.frozen(kw_only=True)
class CanonicalJsonl:
    """Lossless JSONL: every field of every task and trajectory, states inlined, specs alongside."""

    name: str = "jsonl"
    description: str = "Canonical, lossless JSONL: tasks, trajectories, tools and states (JSON Schema validated)."

    def export(self, items: Iterable[ExportItem], directory: Path) -> ExportResult:
        specs: dict[str, EnvironmentSpec] = {}  # every distinct spec, by content id
        latest: dict[str, tuple[EnvironmentSpec, str]] = {}  # by name: the last spec seen and its id
        tools: tuple[tuple[ToolSpec, ...], JsonValue] = ((), [])  # the last tools seen, converted
        with JsonlSplitWriter(directory, sort_keys=True) as writer:
            for item in items:
                if item.tools is not tools[0]:
                    tools = (item.tools, to_json(list(item.tools)))
                names: dict[str, str] = {}
                for spec in item.environments:
                    cached = latest.get(spec.name)
                    if cached is None or cached[0] is not spec:
                        cached = latest[spec.name] = (spec, record_id(spec))
                        specs.setdefault(cached[1], spec)
                    names[spec.name] = cached[1]
                record = canonical_record(item, names, tools[1])
                problems = schema_problems(record)
                if problems:
                    raise ExportError(
                        f"core/jsonl: the record of task {item.task.id} breaks the canonical schema",
                        [Problem(location=f"task {item.task.id}", message=problem) for problem in problems],
                    )
                writer.write(item.split, record)
            files = writer.files()
        lines = [
            canonical_json({"spec_id": spec_id, "spec": to_json(spec)})
            for spec_id, spec in sorted(specs.items(), key=lambda pair: (pair[1].name, pair[0]))
        ]
        environments = text_file(
            directory, ENVIRONMENTS_FILE, "".join(line + "\n" for line in lines), records=len(lines)
        )
        return ExportResult(exporter=f"core/{self.name}", files=(*files, environments))


def item_from_record(record: dict[str, Any], specs: dict[str, EnvironmentSpec]) -> ExportItem:
    """The export item a canonical line holds (``specs`` by spec id, from ``environments.jsonl``)."""
    task = from_json(Task, record["task"])
    trajectory = from_json(Trajectory, record["trajectory"]) if record["trajectory"] is not None else None
    environments = []
    for reference in record["environments"]:
        spec = specs.get(reference["spec_id"])
        if spec is None:
            raise ExportError(
                f"task {task.id} refers to an environment spec the export does not hold",
                [
                    Problem(
                        location=f"task {task.id}",
                        message=f"no spec {reference['spec_id']} for {reference['name']!r} in {ENVIRONMENTS_FILE}",
                        fix="read the export directory as written, with its environments.jsonl",
                    )
                ],
            )
        environments.append(spec)
    states: dict[str, Any] = record["states"]
    split: Split = record["split"]
    return ExportItem(
        task=task,
        trajectory=trajectory,
        tools=tuple(from_json(ToolSpec, tool) for tool in record["tools"]),
        environments=tuple(environments),
        initial_state=states[task.initial_state_id],
        gold_state=states[task.gold_state_id],
        split=split,
        states=states,
    )


def read_canonical(directory: str | Path, *, validate: bool = True) -> Iterator[ExportItem]:
    """The export items of a ``core/jsonl`` export, train split first, streamed line by line."""
    directory = Path(directory)
    specs: dict[str, EnvironmentSpec] = {}
    environments_file = directory / ENVIRONMENTS_FILE
    if environments_file.exists():
        with environments_file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                entry = _parse(line, environments_file, number)
                if validate:
                    _raise_problems(schema_problems(entry, which="environment"), environments_file, number)
                specs[entry["spec_id"]] = from_json(EnvironmentSpec, entry["spec"])
    for split in SPLITS:
        path = directory / f"{split}.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                record = _parse(line, path, number)
                if validate:
                    _raise_problems(schema_problems(record), path, number)
                yield item_from_record(record, specs)


def _parse(line: str, path: Path, number: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise ExportError(
            f"{path.name} is not JSONL", [Problem(location=f"{path.name}:{number}", message=error.msg)]
        ) from error
    if not isinstance(value, dict):
        raise ExportError(
            f"{path.name} is not JSONL", [Problem(location=f"{path.name}:{number}", message="not an object")]
        )
    return value


def _raise_problems(problems: list[str], path: Path, number: int) -> None:
    if problems:
        raise ExportError(
            f"{path.name} line {number} breaks the canonical schema",
            [Problem(location=f"{path.name}:{number}", message=problem) for problem in problems],
        )
