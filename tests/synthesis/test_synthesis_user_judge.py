"""llm/user (simulated user) and llm/judge (optional answer judge) with the scripted fake."""

from __future__ import annotations

import asyncio
from functools import cache

import pytest
from envfactory_testing.fake_llm import ScriptedLLM

from envfactory_core.errors import ConfigError
from envfactory_core.models import Message, Task
from envfactory_core.rewards import RewardInput
from envfactory_core.synthesis import AttemptsExhausted, LLMJudge, LLMUser, using_llm
from envfactory_core.synthesis.requests import derivable_identifiers
from envfactory_core.tasks import MemoryStates

from .conftest import MODEL, context_for, grounded

STORY = "Maya, a librarian in Leeds, is getting her notes in order before Friday's staff meeting."


@cache
def lookup_task() -> tuple[Task, MemoryStates]:
    task, states, _ = grounded(lambda task: task.kind == "write" and bool(derivable_identifiers(task, 0)))
    return task, states


@cache
def read_task() -> tuple[Task, MemoryStates]:
    task, states, _ = grounded(lambda task: task.kind == "read" and bool(task.answer_facts))
    return task, states


CONVERSATION = (
    Message(role="system", content="You are a helpful assistant."),
    Message(role="user", content="Please tidy my notes."),
    Message(role="assistant", content="Which note do you mean? Can you give me its id?"),
)


# --- llm/user ----------------------------------------------------------------------------------------


def test_user_good_reply_continues_the_conversation(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    fake_llm.reply("<message>The one I just made, it's the newest.</message><status>continue</status>")
    reply = LLMUser(model=MODEL).reply(task, 0, CONVERSATION, context_for(states, fake_llm.client(), story=STORY))
    assert reply.message == "The one I just made, it's the newest."
    assert not reply.done
    prompt = fake_llm.requests[0].messages[1].content
    assert STORY in prompt
    assert "Assistant: Which note do you mean?" in prompt
    assert "You are a helpful" not in prompt
    identifier = derivable_identifiers(task, 0)[0][1]
    assert f'"{identifier}"' in prompt.split("Identifiers you must not give", 1)[1].split("\n", 1)[0]


def test_user_malformed_and_over_helpful_replies_are_retried(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    identifier = derivable_identifiers(task, 0)[0][1]
    fake_llm.reply("Sure, it's the newest one.")
    fake_llm.reply("<message>ok</message><status>maybe</status>")
    fake_llm.reply(f"<message>It's {identifier}.</message><status>continue</status>")
    fake_llm.reply("<message>It's the newest one.</message><status>continue</status>")
    reply = LLMUser(model=MODEL, max_attempts=4).reply(task, 0, CONVERSATION, context_for(states, fake_llm.client()))
    assert reply.message == "It's the newest one."
    assert "no <status>" in fake_llm.requests[1].messages[-1].content
    assert "must be continue or done" in fake_llm.requests[2].messages[-1].content
    assert f"gives away {identifier}" in fake_llm.requests[3].messages[-1].content


def test_user_signals_the_end_and_a_user_that_never_answers_raises(fake_llm: ScriptedLLM) -> None:
    task, states = lookup_task()
    fake_llm.reply("<status>done</status>")
    done = LLMUser(model=MODEL).reply(task, 0, CONVERSATION, context_for(states, fake_llm.client()))
    assert done.done
    assert done.message
    fake_llm.replies(["no tags"] * 2)
    with pytest.raises(AttemptsExhausted, match="no usable answer in 2 attempts"):
        LLMUser(model=MODEL, max_attempts=2).reply(task, 0, CONVERSATION, context_for(states, fake_llm.client()))


def test_the_user_is_not_a_collect_stage_agent() -> None:
    task, states = lookup_task()
    with pytest.raises(ConfigError, match="llm/agent"):
        LLMUser(model=MODEL).solve(task, context_for(states, None))


# --- llm/judge ---------------------------------------------------------------------------------------


def judge_input(task: Task, answer: str) -> RewardInput:
    return RewardInput(
        gold_calls=task.gold_calls,
        calls=(),
        answer=answer,
        answer_facts=task.answer_facts,
        environments=task.environments,
    )


def test_judge_abstains_on_write_tasks_without_a_call(fake_llm: ScriptedLLM) -> None:
    task, _ = lookup_task()
    result = LLMJudge(model=MODEL).score(judge_input(task, "Done."))
    assert result.score == 1.0
    assert result.components == {"applicable": 0.0}
    assert fake_llm.requests == []


def test_judge_scores_read_answers_with_the_run_client(fake_llm: ScriptedLLM) -> None:
    task, _ = read_task()
    client = fake_llm.client()
    fake_llm.reply("<verdict>correct</verdict><reason>All facts are there.</reason>")
    fake_llm.reply("Looks right to me.").reply("<verdict>incorrect</verdict><reason>It invents a title.</reason>")
    with using_llm(client):
        good = LLMJudge(model=MODEL).score(judge_input(task, "Here: " + ", ".join(task.answer_facts)))
        bad = LLMJudge(model=MODEL).score(judge_input(task, "I found something."))
    assert (good.score, good.explanation) == (1.0, "All facts are there.")
    assert (bad.score, bad.explanation) == (0.0, "It invents a title.")
    assert "no <verdict>" in fake_llm.requests[2].messages[-1].content
    assert [record.stage for record in client.records] == ["judge"] * 3
    prompt = fake_llm.requests[0].messages[1].content
    assert all(fact in prompt for fact in task.answer_facts)


def test_a_judge_without_a_usable_verdict_scores_zero_instead_of_raising(fake_llm: ScriptedLLM) -> None:
    task, _ = read_task()
    fake_llm.replies(["<verdict>perhaps</verdict>"] * 2)
    result = asyncio.run(
        LLMJudge(model=MODEL, max_attempts=2).ascore(
            judge_input(task, "?"), client=fake_llm.client(), request="Find it"
        )
    )
    assert result.score == 0.0
    assert "no usable verdict" in result.explanation
    assert "Find it" in fake_llm.requests[0].messages[1].content
