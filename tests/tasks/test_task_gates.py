"""Quality gates: a good task passes each gate, a task doctored in that gate's way fails it and says why."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import attrs
import pytest

from envfactory_core.env import World
from envfactory_core.env.examples import notes
from envfactory_core.models import GoldCall, Task, ToolCall, Turn, VerificationReport
from envfactory_core.tasks import MemoryStates, TaskContext
from envfactory_core.tasks.gates import (
    GATES,
    GoldReplayGate,
    MinimalGate,
    NoopGate,
    ReadAnswerGate,
    SolvableGate,
    UniqueGate,
    run_gates,
)
from envfactory_core.tasks.phrasing import argument_label, render_value
from envfactory_core.tasks.requests import with_requests
from envfactory_core.tasks.values import stated_in

from .example_world import ENVIRONMENTS, first_task

STATES = MemoryStates()


def context() -> TaskContext:
    """A fresh context (its own set of seen tasks) over the module's shared world states."""
    return TaskContext(environments=ENVIRONMENTS, states=STATES)


@cache
def good_task(kind: str) -> Task:
    """The first sampled task of ``kind`` that passes every gate."""
    return first_task(0, STATES, kind=kind)


def first_unpinned_note(seed: int) -> str:
    state = notes.initial_state(seed=seed)
    return next(key for key, row in sorted(state["notes"].items()) if not row["pinned"] and row["tags"] == [])


def notes_task(calls: Sequence[ToolCall], *, seed: int = 1, answer_facts: tuple[str, ...] = ()) -> Task:
    """A task made by hand: ``calls`` run on a seeded notes world, each value stated in the request."""
    with World.open([notes], seed=seed) as world:
        initial = STATES.put(world.state())
        golds = []
        for call in calls:
            result = world.call_tool(call)
            assert result.ok, result.error
            golds.append(
                GoldCall(
                    call=call,
                    output=result.output,
                    effect=notes.tools[call.tool].spec.effect,
                    sources={name: "state" if name == "note_id" else "user" for name in call.arguments},
                )
            )
        gold = STATES.put(world.state())
    sentences = [
        f"Please {call.tool.replace('_', ' ')} with "
        + " and ".join(f"{argument_label(name)} {render_value(value)}" for name, value in call.arguments.items())
        + "."
        for call in calls
    ]
    kind = "write" if any(gold_call.effect == "write" for gold_call in golds) else "read"
    return Task(
        environments=("notes",),
        gold_calls=tuple(golds),
        turns=(Turn(request=" ".join(sentences), calls=tuple(range(len(golds)))),),
        initial_state_id=initial,
        gold_state_id=gold,
        kind=kind,
        answer_facts=answer_facts,
    )


def tag(note_id: str, *tags: str) -> ToolCall:
    return ToolCall(environment="notes", tool="tag_note", arguments={"note_id": note_id, "tags": list(tags)})


def delete(note_id: str) -> ToolCall:
    return ToolCall(environment="notes", tool="delete_note", arguments={"note_id": note_id})


def failed_details(report: VerificationReport) -> dict[str, str]:
    return {check.name: check.detail for check in report.failures}


def test_the_gates_are_the_seven_documented_ones_and_report_under_their_names() -> None:
    names = [gate.name for gate in GATES]
    assert names == ["gold_replay", "noop", "minimal", "read_answer", "solvable", "quality", "unique"]
    reports = run_gates(good_task("write"), GATES, context())
    assert [report.verifier for report in reports] == [f"core/{name}" for name in names]
    assert all(report.subject == good_task("write").id for report in reports)


@pytest.mark.parametrize("kind", ["write", "read"])
def test_a_good_task_passes_every_gate(kind: str) -> None:
    reports = run_gates(good_task(kind), GATES, context())
    assert all(report.passed for report in reports), [report.summary() for report in reports]


def test_a_hand_made_task_passes_every_gate() -> None:
    note = first_unpinned_note(1)
    reports = run_gates(notes_task([tag(note, "garden")]), GATES, context())
    assert all(report.passed for report in reports), [report.summary() for report in reports]


# --- gold_replay ---------------------------------------------------------------------------------


def test_gold_replay_fails_when_a_recorded_output_differs_from_the_replay() -> None:
    task = good_task("write")
    last = len(task.gold_calls) - 1
    doctored_call = attrs.evolve(task.gold_calls[last], output={"something": "else"})
    doctored = task.with_changes(gold_calls=(*task.gold_calls[:last], doctored_call))
    report = GoldReplayGate().verify_task(doctored, context())
    assert not report.passed
    assert failed_details(report) == {
        "gold_outputs_reproduce": f"call {last} ({task.gold_calls[last].call.qualified_name})"
    }


def test_gold_replay_fails_when_a_gold_call_errors_on_replay() -> None:
    note = first_unpinned_note(1)
    task = notes_task([tag(note, "garden")])
    broken = attrs.evolve(task.gold_calls[0], call=tag("note_missing", "garden"))
    report = GoldReplayGate().verify_task(task.with_changes(gold_calls=(broken,)), context())
    details = failed_details(report)
    assert "gold_calls_succeed" in details
    assert details["gold_calls_succeed"].startswith("call 0 (notes__tag_note): ")
    assert "note_missing" in details["gold_calls_succeed"]
    assert "gold_state_reached" in details


def test_gold_replay_fails_when_the_gold_state_is_not_where_the_calls_end() -> None:
    task = good_task("write")
    report = GoldReplayGate().verify_task(task.with_changes(gold_state_id=task.initial_state_id), context())
    assert set(failed_details(report)) == {"gold_state_reached"}


# --- noop ----------------------------------------------------------------------------------------


def test_noop_fails_a_write_task_whose_gold_state_is_its_initial_state() -> None:
    task = good_task("write")
    assert NoopGate().verify_task(task, context()).passed
    doctored = task.with_changes(gold_state_id=task.initial_state_id)
    report = NoopGate().verify_task(doctored, context())
    assert failed_details(report) == {"noop_fails": "the initial state already equals the gold state"}


def test_noop_fails_a_write_that_changes_nothing_and_does_not_apply_to_reads() -> None:
    state = notes.initial_state(seed=1)
    note, row = next((key, row) for key, row in sorted(state["notes"].items()) if row["tags"])
    unchanged = notes_task([tag(note, *row["tags"])])  # tags it already has
    assert unchanged.kind == "write"
    assert not NoopGate().verify_task(unchanged, context()).passed
    read = notes_task([ToolCall(environment="notes", tool="get_note", arguments={"note_id": note})])
    assert read.kind == "read"
    assert NoopGate().verify_task(read, context()).passed


# --- minimal -------------------------------------------------------------------------------------


def test_minimal_fails_a_write_that_a_later_write_undoes() -> None:
    note = first_unpinned_note(1)
    task = notes_task([tag(note, "garden"), delete(note)])  # the tag goes with the note
    assert GoldReplayGate().verify_task(task, context()).passed
    report = MinimalGate().verify_task(task, context())
    assert failed_details(report) == {
        "every_write_matters": "leaving out call 0 (notes__tag_note) reaches the gold state too"
    }


def test_minimal_fails_a_write_made_twice() -> None:
    note = first_unpinned_note(1)
    report = MinimalGate().verify_task(notes_task([tag(note, "garden"), tag(note, "garden")]), context())
    assert "call 0 (notes__tag_note), call 1 (notes__tag_note)" in failed_details(report)["every_write_matters"]


def test_minimal_passes_writes_that_each_change_the_outcome() -> None:
    note = first_unpinned_note(1)
    report = MinimalGate().verify_task(notes_task([tag(note, "garden"), tag(note, "roses")]), context())
    assert report.passed, report.summary()


# --- read_answer ---------------------------------------------------------------------------------


def test_read_answer_fails_a_read_task_without_answer_facts_and_ignores_write_tasks() -> None:
    task = good_task("read")
    assert task.answer_facts
    report = ReadAnswerGate().verify_task(task.with_changes(answer_facts=()), context())
    assert failed_details(report) == {"answer_facts": "the last read returned nothing a user could check"}
    assert ReadAnswerGate().verify_task(good_task("write").with_changes(answer_facts=()), context()).passed


# --- solvable ------------------------------------------------------------------------------------


def test_solvable_fails_when_a_stated_value_is_removed_from_the_request() -> None:
    note = first_unpinned_note(1)
    task = notes_task([tag(note, "garden")])
    assert SolvableGate().verify_task(task, context()).passed
    request = task.turns[0].request.replace("garden", "something nice")
    assert not stated_in("garden", request)
    report = SolvableGate().verify_task(with_requests(task, [request]), context())
    detail = failed_details(report)["solvable"]
    assert "call 0 (notes__tag_note), argument 'tags'" in detail
    assert "garden" in detail


def test_solvable_fails_a_turn_without_a_request() -> None:
    task = notes_task([tag(first_unpinned_note(1), "garden")])
    report = SolvableGate().verify_task(with_requests(task, [""]), context())
    details = failed_details(report)
    assert details["requests_written"] == "turns without a request: [0]"
    assert "argument 'tags'" in details["solvable"]
    assert "argument 'note_id'" in details["solvable"]


# --- unique --------------------------------------------------------------------------------------


def test_unique_fails_the_second_copy_of_a_task_in_one_context_only() -> None:
    task = good_task("write")
    shared = context()
    assert UniqueGate().verify_task(task, shared).passed
    again = UniqueGate().verify_task(task, shared)
    assert failed_details(again) == {"unique": "a duplicate of an earlier task"}
    assert UniqueGate().verify_task(good_task("read"), shared).passed
    assert UniqueGate().verify_task(task, context()).passed  # another run has not seen it


def test_unique_sees_through_changes_that_leave_calls_and_request_alone() -> None:
    task = good_task("write")
    shared = context()
    UniqueGate().verify_task(task, shared)
    relabelled = task.with_changes(seed=task.seed + 1, provenance={"writer": "someone else"})
    assert relabelled.id != task.id
    assert not UniqueGate().verify_task(relabelled, shared).passed
    reworded = with_requests(task, [turn.request + " Thanks!" for turn in task.turns])
    assert UniqueGate().verify_task(reworded, shared).passed


# --- all gates together ---------------------------------------------------------------------------


def test_run_gates_lists_every_failing_gate_of_a_task() -> None:
    task = good_task("write")
    doctored = task.with_changes(gold_state_id=task.initial_state_id)
    shared = context()
    run_gates(doctored, GATES, shared)
    reports = run_gates(doctored, GATES, shared)
    failed = {report.verifier for report in reports if not report.passed}
    assert {"core/gold_replay", "core/noop", "core/unique"} <= failed


def _all_checks(reports: list[VerificationReport]) -> dict[str, Any]:
    return {check.name: check.passed for report in reports for check in report.checks}


def test_every_gate_reads_only_what_it_needs_before_requests_are_written() -> None:
    # gates that judge calls and states pass a good task whose requests are not written yet
    task = with_requests(good_task("write"), [""] * len(good_task("write").turns))
    early = [gate for gate in GATES if not getattr(gate, "reads_requests", True)]
    assert {gate.name for gate in early} == {"gold_replay", "noop", "minimal", "read_answer"}
    assert all(_all_checks(run_gates(task, early, context())).values())
