"""Scenario tests as data: the runner checks outputs, state diffs, refusals and references, and says what differed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from envfactory_envgen.errors import SourceError
from envfactory_envgen.modules import load_environment
from envfactory_envgen.validate import parse_scenarios, run_scenarios
from envfactory_envgen.validate.verifier import ValidateVerifier

DATA = Path(__file__).parent / "data"
CODE = (DATA / "taskboard_module.py.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def board():  # type: ignore[no-untyped-def]
    return load_environment(CODE, name="task_board", trusted=True)


def _scenario(*steps: dict, **extra: object) -> dict:
    return {"id": "t", "description": "d", "steps": list(steps), **extra}


def test_a_correct_scenario_passes(board) -> None:  # type: ignore[no-untyped-def]
    scenarios = parse_scenarios(
        __import__("json").loads((DATA / "taskboard_scenarios.json").read_text()), tools=list(board.tools)
    )
    results = run_scenarios(board, scenarios)
    assert [result.passed for result in results] == [True, True]


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (
            {
                "call": "get_task",
                "arguments": {"task_id": {"$row": {"table": "tasks", "index": 0, "column": "task_id"}}},
                "output": {"title": "nope"},
            },
            'title: expected "nope"',
        ),
        (
            {"call": "create_task", "arguments": {"title": "x"}, "diff": {"tasks": {"added": 2}}},
            "expected 2 added in tasks, got 1",
        ),
        ({"call": "create_task", "arguments": {"title": "x"}, "diff": {}}, "tasks changed unexpectedly"),
        ({"call": "get_task", "arguments": {"task_id": "missing"}}, "expected success, got tool_error"),
        (
            {
                "call": "get_task",
                "arguments": {"task_id": {"$row": {"table": "tasks", "index": 0, "column": "task_id"}}},
                "expect": "error",
            },
            "expected an error",
        ),
        (
            {
                "call": "get_task",
                "arguments": {"task_id": "missing"},
                "expect": "error",
                "error_kind": "invalid_arguments",
            },
            "expected a invalid_arguments error, got tool_error",
        ),
        ({"call": "get_task", "arguments": {"task_id": {"$var": "never"}}}, "variable 'never' was never saved"),
        (
            {
                "call": "get_task",
                "arguments": {"task_id": {"$row": {"table": "tasks", "index": 99, "column": "task_id"}}},
            },
            "not 100",
        ),
        (
            {
                "call": "create_task",
                "arguments": {"title": "x"},
                "save": {"t": "task_id"},
                "rows": [{"table": "tasks", "key": [{"$var": "t"}], "fields": {"done": True}}],
            },
            "done: expected true, got false",
        ),
    ],
)
def test_each_kind_of_mismatch_is_reported(board, step: dict, words: str) -> None:  # type: ignore[no-untyped-def]
    result = run_scenarios(board, [_scenario(step)])[0]
    assert not result.passed
    assert words in " ".join(result.failures), result.failures


def test_counts_lengths_and_start_states(board) -> None:  # type: ignore[no-untyped-def]
    state = {"tasks": [{"task_id": "a", "title": "one", "done": False}, {"task_id": "b", "title": "two", "done": True}]}
    scenario = _scenario(
        {
            "call": "complete_task",
            "arguments": {"task_id": "a"},
            "output": {"done": True},
            "rows": [{"table": "tasks", "key": ["a"], "present": True, "fields": {"done": True}}],
            "diff": {"tasks": {"changed": 1, "added": 0, "removed": 0}},
        },
        {
            "call": "complete_task",
            "arguments": {"task_id": "b"},
            "expect": "error",
            "error_kind": "tool_error",
            "diff": {},
        },
        state=state,
    )
    assert run_scenarios(board, [scenario])[0].passed


def test_malformed_scenarios_are_refused_with_every_problem(board) -> None:  # type: ignore[no-untyped-def]
    bad = [
        {"id": "a", "steps": [{"call": "no_such_tool"}, {"call": "get_task", "expect": "maybe"}]},
        {"id": "a", "steps": []},
        {"steps": [{"call": "get_task", "diff": {"tasks": {"grew": 1}}, "surprise": 1}]},
    ]
    with pytest.raises(SourceError) as caught:
        parse_scenarios(bad, tools=list(board.tools))
    text = str(caught.value)
    for words in (
        "no tool 'no_such_tool'",
        "must be 'ok' or 'error'",
        "'a' is used twice",
        "non-empty list of steps",
        "needs a non-empty string id",
        "unknown fields ['surprise']",
        "{added, removed, changed}",
    ):
        assert words in text


def test_the_validate_verifier_runs_conformance_and_scenarios(board) -> None:  # type: ignore[no-untyped-def]
    scenarios = __import__("json").loads((DATA / "taskboard_scenarios.json").read_text())
    report = ValidateVerifier().verify_environment(board, scenarios=scenarios, sequences=2, calls_per_sequence=5)
    assert report.passed
    assert report.verifier == "envgen/validate"
    broken = copy.deepcopy(scenarios)
    broken[0]["steps"][1]["output"] = {"done": False}
    failed = ValidateVerifier().verify_environment(board, scenarios=broken, sequences=1, calls_per_sequence=2)
    assert [check.name for check in failed.failures] == ["scenario:tasks.complete_then_read"]
