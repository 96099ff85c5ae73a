"""llm/writer and llm/refiner with the scripted fake: answers are held to our solvability check, and the
refiner may not give away identifiers the assistant can look up."""

from __future__ import annotations

import json
from functools import cache

import attrs
import pytest
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.models import Task
from envfactory_core.synthesis import LLMRefiner, LLMWriter
from envfactory_core.synthesis.requests import derivable_identifiers, must_state
from envfactory_core.tasks import MemoryStates, solvability_problems
from envfactory_core.tasks.context import DropTask

from .conftest import MODEL, context_for, grounded


@cache
def lookup_task() -> tuple[Task, MemoryStates]:
    """A write task with user values to state and an identifier an earlier call gives the agent."""

    def fits(task: Task) -> bool:
        has_user = any(source == "user" for gold in task.gold_calls for source in gold.sources.values())
        return task.kind == "write" and has_user and bool(derivable_identifiers(task, len(task.turns) - 1))

    task, states, _ = grounded(fits)
    return task, states


@cache
def two_turn_task() -> tuple[Task, MemoryStates]:
    task, states, _ = grounded(lambda task: len(task.turns) == 2 and all(must_state(task, t) for t in task.turns))
    return task, states


def values_text(task: Task, turn: int = 0) -> str:
    return "; ".join(str(value) for value in must_state(task, task.turns[turn]))


def answer(query: str, intent: str = "Get it done.") -> str:
    return f"<user_intent>{intent}</user_intent>\n<query>{query}</query>"


def last_user(fake: ScriptedLLM, request: int) -> str:
    return fake.requests[request].messages[-1].content


# --- llm/writer --------------------------------------------------------------------------------------


def test_writer_good_answer_fills_request_raw_request_and_intent(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    query = f"I'm tidying up my notes. Please handle this: {values_text(task)}."
    fake_llm.reply(answer(query, "Keep my notes organised."))
    context = context_for(states, fake_llm.client())
    written = LLMWriter(model=MODEL).write(task, context)
    assert written.turns[0].request == query == written.turns[0].raw_request
    assert written.turns[0].user_intent == "Keep my notes organised."
    assert written.provenance["writer"] == "llm/writer"
    assert written.provenance["writer_model"] == MODEL
    assert solvability_problems(written) == []
    prompt = fake_llm.requests[0].messages[1].content
    required = json.loads(prompt.split("Values that must appear in the request:", 1)[1].split("\n", 1)[0])
    assert required == must_state(task, task.turns[0])
    assert "an earlier result gives it" in prompt  # the looked-up identifier need not be stated
    assert [record.stage for record in context.llm.records] == ["write"]


def test_writer_malformed_and_unsolvable_answers_are_retried_with_the_problem(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    missing = must_state(task, task.turns[0])[0]
    fake_llm.reply("Here you go: please do it.")
    fake_llm.reply(answer("Please just sort out my notes."))
    fake_llm.reply(answer(f"Call {task.gold_calls[0].call.qualified_name} with {values_text(task)}"))
    fake_llm.reply(answer(f"Please handle this for me: {values_text(task)}."))
    written = LLMWriter(model=MODEL, max_attempts=4).write(task, context_for(states, fake_llm.client()))
    assert "no <query>" in last_user(fake_llm, 1)
    assert "does not let the assistant determine" in last_user(fake_llm, 2)
    assert f"{missing}" in last_user(fake_llm, 2)
    assert "is not stated in the request" in last_user(fake_llm, 2)
    assert "names the tool(s)" in last_user(fake_llm, 3)
    assert solvability_problems(written) == []


def test_writer_that_never_passes_drops_the_task_with_the_reason(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    fake_llm.replies([answer("Please sort out my notes.")] * 3)
    with pytest.raises(DropTask) as dropped:
        LLMWriter(model=MODEL).write(task, context_for(states, fake_llm.client()))
    assert dropped.value.code == "request_invalid"
    assert "no usable answer in 3 attempts" in dropped.value.reason
    assert "is not stated in the request" in dropped.value.reason


def test_a_task_no_request_can_make_solvable_is_dropped_without_a_call(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    index = next(i for i, gold in enumerate(task.gold_calls) if gold.bindings)
    gold = task.gold_calls[index]
    argument = next(iter(gold.bindings))
    broken_call = attrs.evolve(gold.call, arguments={**gold.call.arguments, argument: "note_does_not_exist"})
    calls = list(task.gold_calls)
    calls[index] = attrs.evolve(gold, call=broken_call)
    broken = task.with_changes(gold_calls=tuple(calls))
    with pytest.raises(DropTask) as dropped:
        LLMWriter(model=MODEL).write(broken, context_for(states, fake_llm.client()))
    assert dropped.value.code == "unsolvable"
    assert "is not in the output of call" in dropped.value.reason
    assert fake_llm.requests == []


def test_writer_writes_each_turn_seeing_the_earlier_ones(fake_llm: ScriptedLLM) -> None:
    task, states = two_turn_task()
    first = f"First, please: {values_text(task, 0)}."
    second = f"And then: {values_text(task, 1)}."
    fake_llm.reply(answer(first)).reply(answer(second))
    written = LLMWriter(model=MODEL).write(task, context_for(states, fake_llm.client()))
    assert [turn.request for turn in written.turns] == [first, second]
    assert "This is request 2 of 2" in fake_llm.requests[1].messages[1].content
    assert f"1. {first}" in fake_llm.requests[1].messages[1].content


# --- llm/refiner -------------------------------------------------------------------------------------


def written_task(fake: ScriptedLLM) -> tuple[Task, MemoryStates]:
    task, states = lookup_task()
    fake.reply(answer(f"Please handle this: {values_text(task)}."))
    return LLMWriter(model=MODEL).write(task, context_for(states, fake.client())), states


def test_refiner_good_answer_replaces_the_request_and_keeps_the_raw_one(fake_llm: ScriptedLLM) -> None:
    task, states = written_task(fake_llm)
    refined_text = f"Ugh, busy week. Could you sort my notes out: {values_text(task)}? Budget's tight on time."
    fake_llm.reply(answer(refined_text, "Organised notes, fast."))
    refined = LLMRefiner(model=MODEL).refine(task, context_for(states, fake_llm.client()))
    assert refined.turns[0].request == refined_text
    assert refined.turns[0].raw_request == task.turns[0].request
    assert refined.turns[0].user_intent == "Organised notes, fast."
    assert refined.provenance["refiner"] == "llm/refiner"
    assert solvability_problems(refined) == []
    forbidden = [value for _, value in derivable_identifiers(task, 0)]
    prompt = fake_llm.requests[-1].messages[1].content
    assert json.dumps(forbidden) in prompt


def test_refiner_answers_that_lose_a_value_or_leak_an_identifier_are_retried(fake_llm: ScriptedLLM) -> None:
    task, states = written_task(fake_llm)
    identifier = derivable_identifiers(task, 0)[0][1]
    fake_llm.reply(answer("Just tidy my notes, you know which."))
    fake_llm.reply(answer(f"Sort out note {identifier}: {values_text(task)}."))
    fake_llm.reply(answer(f"Sort out my notes: {values_text(task)}."))
    refined = LLMRefiner(model=MODEL).refine(task, context_for(states, fake_llm.client()))
    assert "no longer solvable" in last_user(fake_llm, 2)
    assert f"states {identifier}, which the assistant can look up" in last_user(fake_llm, 3)
    assert str(identifier) not in refined.turns[0].request


def test_refiner_that_never_stays_solvable_drops_or_keeps_the_written_request(fake_llm: ScriptedLLM) -> None:
    task, states = written_task(fake_llm)
    fake_llm.replies([answer("Just tidy my notes.")] * 3)
    with pytest.raises(DropTask) as dropped:
        LLMRefiner(model=MODEL).refine(task, context_for(states, fake_llm.client()))
    assert dropped.value.code == "refinement_unsolvable"
    assert "no usable answer in 3 attempts" in dropped.value.reason
    fake_llm.replies([answer("Just tidy my notes.")] * 2)
    kept = LLMRefiner(model=MODEL, on_failure="keep", max_attempts=2).refine(
        task, context_for(states, fake_llm.client())
    )
    assert kept.turns[0].request == task.turns[0].request
    assert kept.provenance["refiner_kept_unrefined_turns"] == "0"
