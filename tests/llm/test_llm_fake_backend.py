"""The scripted fake backend and the ``fake_llm`` fixture that stages' tests use."""

from __future__ import annotations

import asyncio

import pytest
from envfactory_testing import ScriptedLLM

from envfactory_core.contracts import LLM_BACKEND
from envfactory_core.llm import (
    ChatRequest,
    ChatResponse,
    LLMClient,
    LLMRateLimitError,
    ScriptExhaustedError,
    parse_settings,
)
from envfactory_core.models import Message
from envfactory_core.registry import Registry


def ask(text: str, model: str = "fake/scripted") -> ChatRequest:
    return ChatRequest(model=model, messages=[Message(role="user", content=text)])


def test_replies_come_in_order_with_tool_calls_and_requests_are_recorded(fake_llm: ScriptedLLM) -> None:
    fake_llm.reply("hello")
    fake_llm.reply(tool_calls=[("calendar__add_event", {"day": 3}), {"name": "notes__add", "arguments": {"x": 1}}])
    fake_llm.reply(reasoning="thinking", text="done")
    client = fake_llm.client()
    first = client.chat_sync(ask("one"))
    second = client.chat_sync(ask("two"))
    third = client.chat_sync(ask("three"))
    client.close()
    assert first.text == "hello"
    assert first.finish_reason == "stop"
    assert [(call.name, call.arguments) for call in second.tool_calls] == [
        ("calendar__add_event", {"day": 3}),
        ("notes__add", {"x": 1}),
    ]
    assert second.finish_reason == "tool_calls"
    assert len({call.id for call in second.tool_calls}) == 2
    assert (third.reasoning, third.text) == ("thinking", "done")
    assert [request.messages[0].content for request in fake_llm.requests] == ["one", "two", "three"]
    assert first.usage.input_tokens > 0
    assert first.usage.output_tokens > 0


def test_an_unscripted_request_fails_loudly_naming_it(fake_llm: ScriptedLLM) -> None:
    client = fake_llm.client()
    with pytest.raises(ScriptExhaustedError, match=r"no scripted reply left for request #1 .*'unplanned'"):
        client.chat_sync(ask("unplanned"))
    client.close()


def test_echo_and_computed_replies(fake_llm: ScriptedLLM) -> None:
    fake_llm.respond_with(lambda request: f"you said {request.messages[-1].content}")
    fake_llm.respond_with(lambda request: ChatResponse(model=request.model, text="built", finish_reason="length"))
    client = fake_llm.client()
    assert client.chat_sync(ask("hi")).text == "you said hi"
    assert client.chat_sync(ask("x")).finish_reason == "length"
    assert client.chat_sync(ask("repeat me", model="fake/echo")).text == "repeat me"
    client.close()


def test_scripted_errors_are_real_llm_errors() -> None:
    fake = ScriptedLLM().fail("rate_limit", retry_after=7)
    client = fake.client(max_retries=0)
    with pytest.raises(LLMRateLimitError) as caught:
        client.chat_sync(ask("q"))
    client.close()
    assert caught.value.retry_after == 7
    with pytest.raises(ValueError, match="unknown scripted failure 'teapot'"):
        fake.fail("teapot")


def test_the_fake_works_from_async_code(fake_llm: ScriptedLLM) -> None:
    fake_llm.replies(["a", "b"])

    async def main() -> list[str]:
        async with fake_llm.client() as client:
            return [(await client.chat(ask("1"))).text, (await client.chat(ask("2"))).text]

    assert asyncio.run(main()) == ["a", "b"]


def test_registry_built_clients_reach_the_active_script(registry: Registry, fake_llm: ScriptedLLM) -> None:
    assert registry.entry(LLM_BACKEND, "testing/fake").component.kind == "fake"
    fake_llm.reply("from the fixture")
    client = LLMClient(registry=registry, settings=parse_settings({}, environ={}))
    assert client.chat_sync(ask("q")).text == "from the fixture"
    client.close()


def test_without_an_active_script_only_echo_answers(registry: Registry) -> None:
    client = LLMClient(registry=registry, settings=parse_settings({}, environ={}))
    assert client.chat_sync(ask("ping", model="fake/echo")).text == "ping"
    with pytest.raises(ScriptExhaustedError, match="use the fake_llm fixture"):
        client.chat_sync(ask("q"))
    client.close()
