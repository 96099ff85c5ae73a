"""llm/agent with the scripted fake: native and Hermes tool calls, format errors, pass@k selection by the
reward, difficulty filters, read answers, the simulated user, step limits."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.llm import ChatRequest, ChatResponse, LLMToolCall, format_tool_call
from envfactory_core.models import Task, Trajectory
from envfactory_core.synthesis import LLMAgent
from envfactory_core.tasks import MemoryStates
from envfactory_core.tasks.context import DropTask

from .conftest import MODEL, Playbook, context_for, grounded


@cache
def write_task() -> tuple[Task, MemoryStates]:
    task, states, _ = grounded(lambda task: task.kind == "write" and len(task.turns) == 1 and len(task.gold_calls) >= 2)
    return task, states


@cache
def read_task() -> tuple[Task, MemoryStates]:
    task, states, _ = grounded(lambda task: task.kind == "read" and len(task.turns) == 1 and bool(task.answer_facts))
    return task, states


def plan_of(task: Task) -> list[tuple[str, dict[str, Any]]]:
    return [(gold.call.qualified_name, dict(gold.call.arguments)) for gold in task.gold_calls]


def playbook_for(task: Task) -> Playbook:
    book = Playbook()
    book.plans[task.turns[0].request] = plan_of(task)
    return book


def solve(fake: ScriptedLLM, task: Task, states: MemoryStates, **options: Any) -> Trajectory:
    agent = LLMAgent(model=MODEL, **options)
    return agent.solve(task, context_for(states, fake.client()))


def test_native_attempts_are_selected_by_the_reward_and_recorded(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    book = playbook_for(task)
    for _ in range(40):
        fake_llm.respond_with(book)
    trajectory = solve(fake_llm, task, states, k=2)
    assert [step.call.qualified_name for step in trajectory.steps] == [name for name, _ in plan_of(task)]
    assert trajectory.reward("core/envfactory").score == 1.0
    roles = [message.role for message in trajectory.messages]
    assert roles[:2] == ["system", "user"]
    assert roles[-1] == "assistant"
    assert roles.count("tool") == len(task.gold_calls)
    ids = [call.id for message in trajectory.messages for call in message.tool_calls]
    assert ids == [f"call_{n}" for n in range(1, len(task.gold_calls) + 1)]
    assert {m.tool_call_id for m in trajectory.messages if m.role == "tool"} == set(ids)
    meta = trajectory.metadata
    assert meta["model"] == MODEL
    assert meta["k"] == 2
    assert meta["passed"] == 2
    assert meta["accuracy"] == 1.0
    assert meta["selected_attempt"] == 0
    assert meta["tool_format"] == "native"
    assert meta["format_errors"] == 0
    assert [attempt["end"] for attempt in meta["attempts"]] == ["answered", "answered"]
    assert trajectory.usage["llm_calls"] == len(task.gold_calls) + 1
    first = fake_llm.requests[0]
    assert [tool.name for tool in first.tools][:1]
    assert all("__" in tool.name for tool in first.tools)
    samples = sorted({request.sample for request in fake_llm.requests})
    seeds = {request.sample: request.seed for request in fake_llm.requests}
    assert samples == [0, 1]
    assert seeds[0] != seeds[1]


def test_hermes_text_calls_are_parsed_and_stored_as_native_calls(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    book = playbook_for(task)

    def hermes(request: ChatRequest) -> ChatResponse | str:
        answer = book.agent(request)
        if isinstance(answer, str):
            return answer
        call = answer.tool_calls[0]
        return f"<think>I need {call.name}.</think>On it.\n{format_tool_call(call.name, call.arguments)}"

    for _ in range(20):
        fake_llm.respond_with(hermes)
    trajectory = solve(fake_llm, task, states, k=1, tool_format="hermes")
    assert trajectory.reward("core/envfactory").score == 1.0
    request = fake_llm.requests[-1]
    assert request.tools == ()
    assert "<tools>" in request.messages[0].content
    assert '"name": ' in request.messages[0].content
    assert request.messages[2].content.startswith("On it.\n<tool_call>")
    assert request.messages[3].role == "user"
    assert request.messages[3].content.startswith("<tool_response>")
    assistant = trajectory.messages[2]
    assert assistant.content == "On it."
    assert assistant.reasoning.startswith("I need")
    assert assistant.tool_calls[0].name == plan_of(task)[0][0]
    assert trajectory.messages[3].role == "tool"  # the stored trajectory is native whatever the wire format


def test_unreadable_tool_calls_are_answered_and_counted_as_format_errors(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    book = playbook_for(task)
    name = plan_of(task)[0][0]
    broken = LLMToolCall(id="x", name=name, raw='{"title": ', error="arguments string is not valid JSON")
    fake_llm.reply(tool_calls=[broken])
    fake_llm.reply(f'<tool_call>\n{{"name": "{name}", "arguments": {{oops}}\n</tool_call>')
    for _ in range(20):
        fake_llm.respond_with(book)
    trajectory = solve(fake_llm, task, states, k=1, pass_score=0.9)
    assert trajectory.format_errors == 2
    assert trajectory.metadata["format_errors"] == 2
    told = [m.content for m in trajectory.messages if m.role == "tool"][:2]
    assert all("could not read this tool call" in content for content in told)
    reward = trajectory.reward("core/envfactory")
    assert reward.components["format_penalty"] == 0.1
    assert reward.score == 0.9


def test_a_task_no_attempt_solves_is_dropped_or_kept_as_failed(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    fake_llm.replies(["I'm sorry, I can't do that."] * 2)
    with pytest.raises(DropTask) as dropped:
        solve(fake_llm, task, states, k=2)
    assert dropped.value.code == "unsolved"
    assert dropped.value.reason.startswith("0 of 2 attempts passed core/envfactory")
    fake_llm.replies(["I'm sorry, I can't do that."] * 2)
    failed = solve(fake_llm, task, states, k=2, drop_unsolved=False)
    assert failed.metadata["passed"] == 0
    assert failed.steps == ()


def test_pass_at_k_accuracy_filters_by_difficulty(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    book = playbook_for(task)

    def half(request: ChatRequest) -> ChatResponse | str:
        return book.agent(request) if request.sample % 2 == 1 else "Done, I think."

    def script() -> None:
        for _ in range(40):
            fake_llm.respond_with(half)

    script()
    chosen = solve(fake_llm, task, states, k=2)
    assert chosen.metadata["accuracy"] == 0.5
    assert chosen.metadata["selected_attempt"] == 1
    assert [a["passed"] for a in chosen.metadata["attempts"]] == [False, True]
    fake_llm.reset()
    script()
    with pytest.raises(DropTask) as easy:
        solve(fake_llm, task, states, k=2, max_accuracy=0.4)
    assert easy.value.code == "too_easy"
    assert "accuracy 0.50 > max_accuracy 0.4" in easy.value.reason
    fake_llm.reset()
    script()
    with pytest.raises(DropTask) as hard:
        solve(fake_llm, task, states, k=2, min_accuracy=0.75)
    assert hard.value.code == "too_hard"


def test_read_answers_must_mention_the_facts_unless_a_judge_decides(fake_llm: ScriptedLLM) -> None:
    task, states = read_task()
    book = playbook_for(task)

    def vague(request: ChatRequest) -> ChatResponse | str:
        answer = book.agent(request)
        return "All done." if isinstance(answer, str) else answer

    for _ in range(20):
        fake_llm.respond_with(vague)
    with pytest.raises(DropTask) as dropped:
        solve(fake_llm, task, states, k=1)
    assert "the answer does not mention" in dropped.value.reason
    fake_llm.reset()
    for _ in range(len(task.gold_calls) + 1):
        fake_llm.respond_with(vague)
    fake_llm.reply("<verdict>correct</verdict><reason>Good enough.</reason>")
    judged = solve(fake_llm, task, states, k=1, judge="llm/judge")
    assert judged.metadata["passed"] == 1
    assert fake_llm.requests[-1].model == MODEL  # the judge talks to the agent's model when it has none


def test_a_conversational_attempt_talks_with_the_simulated_user(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    book = playbook_for(task)
    plan = plan_of(task)
    fake_llm.reply("Before I start: is this for your work notes?")
    fake_llm.reply("<message>Yes, work.</message><status>continue</status>")
    for _ in range(len(plan) + 1):
        fake_llm.respond_with(lambda request: book.agent(_without_chat(request)))
    fake_llm.reply("<message>Thanks!</message><status>done</status>")
    trajectory = solve(fake_llm, task, states, k=1, user="llm/user")
    contents = [(m.role, m.content) for m in trajectory.messages if m.role in ("user", "assistant") and m.content]
    assert contents[1:3] == [("assistant", "Before I start: is this for your work notes?"), ("user", "Yes, work.")]
    assert trajectory.metadata["conversational"] is True
    assert trajectory.metadata["attempts"][0]["end"] == "user_done"
    assert trajectory.reward("core/envfactory").score == 1.0
    user_requests = [r for r in fake_llm.requests if r.messages[0].content.startswith("You are the user")]
    assert len(user_requests) == 2
    assert all(r.model == MODEL for r in user_requests)
    assert "Ask the user only for information no tool can provide" in fake_llm.requests[0].messages[0].content


def _without_chat(request: ChatRequest) -> ChatRequest:
    """The request as if the question and the user's answer were not there (the playbook maps the first request)."""
    import attrs

    messages = [
        m for m in request.messages if m.content not in ("Before I start: is this for your work notes?", "Yes, work.")
    ]
    return attrs.evolve(request, messages=tuple(messages))


def test_an_attempt_ends_at_max_steps(fake_llm: ScriptedLLM) -> None:
    task, states = write_task()
    name, arguments = plan_of(task)[0]
    for _ in range(3):
        fake_llm.reply(tool_calls=[(name, arguments)])
    trajectory = solve(fake_llm, task, states, k=1, max_steps=3, drop_unsolved=False)
    assert trajectory.metadata["attempts"][0]["end"] == "max_steps"
    assert len(fake_llm.requests) == 3
    assert len(trajectory.steps) == 3


def test_solve_refuses_to_run_inside_an_event_loop_and_points_at_solve_async(fake_llm: ScriptedLLM) -> None:
    import asyncio

    task, states = write_task()
    book = playbook_for(task)
    for _ in range(10):
        fake_llm.respond_with(book)
    context = context_for(states, fake_llm.client())

    async def inside() -> Trajectory:
        with pytest.raises(RuntimeError, match="solve_async"):
            LLMAgent(model=MODEL, k=1).solve(task, context)
        return await LLMAgent(model=MODEL, k=1).solve_async(task, context)

    assert asyncio.run(inside()).metadata["passed"] == 1
    assert json.dumps(task.turns[0].request) in json.dumps([m.content for m in fake_llm.requests[0].messages])
