"""The ``openai`` backend against a server that answers like llama.cpp's, over loopback HTTP.

llama.cpp's server (``llama-cpp-python[server]``) with its default chat format writes tool calls
as a fenced JSON block in the content, answers HTTP 500 to an assistant message whose content is
``null`` and HTTP 400 past its context window; the stub is taught to do the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from envfactory_openai import OpenAIBackend
from envfactory_testing import StubLLMServer, StubReply

from envfactory_core.llm import (
    ChatRequest,
    LLMClient,
    LLMContextOverflowError,
    LLMServerError,
    ToolDefinition,
    parse_settings,
)
from envfactory_core.models import Message, MessageToolCall
from envfactory_core.store import RunStore

SEARCH = ToolDefinition(
    name="rail__search_stations",
    description="Find stations.",
    parameters={"type": "object", "properties": {"query": {"type": "string"}}},
)


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(base_url: str, *, store: RunStore | None = None, **endpoint: Any) -> LLMClient:
    settings = parse_settings(
        {"max_retries": 3, "backends": {"local": {"kind": "openai", "base_url": base_url, **endpoint}}}, environ={}
    )
    return LLMClient(settings=settings, backends={"openai": OpenAIBackend()}, store=store, sleep=Sleeps())


@pytest.fixture
def llama() -> Any:
    with StubLLMServer(mimic="llama.cpp", n_ctx=400) as server:
        yield server


def ask(*messages: Message, **fields: Any) -> ChatRequest:
    return ChatRequest(model="local/qwen", messages=messages or (Message(role="user", content="hi"),), **fields)


def test_a_fenced_json_call_in_the_content_is_a_tool_call(llama: StubLLMServer) -> None:
    llama.script(StubReply.fenced_call("rail__search_stations", {"query": "Leeds"}, text="I will search."))
    with make_client(llama.openai_base_url) as client:
        response = client.chat_sync(ask(tools=[SEARCH]))
    (call,) = response.tool_calls
    assert (call.name, call.arguments, call.ok) == ("rail__search_stations", {"query": "Leeds"}, True)
    assert response.text == "I will search."
    assert response.finish_reason == "tool_calls"


def test_a_call_looking_reply_that_does_not_parse_is_a_call_with_an_error(llama: StubLLMServer) -> None:
    llama.script(StubReply.ok('```json\n{"name": "rail__search_stations", "arguments": {"query": "Leeds"\n```'))
    with make_client(llama.openai_base_url) as client:
        response = client.chat_sync(ask(tools=[SEARCH]))
    (call,) = response.tool_calls
    assert call.name == "rail__search_stations"
    assert not call.ok
    assert "not valid JSON" in call.error


def test_json_in_the_content_of_a_request_without_tools_stays_text(llama: StubLLMServer) -> None:
    text = '```json\n{"name": "Maya", "arguments": "none"}\n```'
    llama.script(StubReply.ok(text))
    with make_client(llama.openai_base_url) as client:
        response = client.chat_sync(ask())
    assert response.tool_calls == ()
    assert response.text == text


def test_an_assistant_message_without_text_is_sent_as_an_empty_string(llama: StubLLMServer) -> None:
    earlier = Message(
        role="assistant", content="", tool_calls=(MessageToolCall(id="c1", name=SEARCH.name, arguments={}),)
    )
    history = (
        Message(role="user", content="find Leeds"),
        earlier,
        Message(role="tool", tool_call_id="c1", name=SEARCH.name, content="[]"),
    )
    with make_client(llama.openai_base_url) as client:
        assert client.chat_sync(ask(*history, tools=[SEARCH])).text == "ok"
    assert llama.requests[-1].body["messages"][1]["content"] == ""
    # The OpenAI shape (null content), which llama.cpp refuses:
    with (
        make_client(llama.openai_base_url, null_content=True) as client,
        pytest.raises(LLMServerError, match="HTTP 500") as refused,
    ):
        client.chat_sync(ask(*history, tools=[SEARCH]))
    assert refused.value.attempts == 2, "a plain 500 is retried once, not max_retries times"


def test_a_prompt_past_the_context_window_is_a_context_overflow_and_not_retried(llama: StubLLMServer) -> None:
    with (
        make_client(llama.openai_base_url) as client,
        pytest.raises(LLMContextOverflowError, match="exceed context window of 400") as caught,
    ):
        client.chat_sync(ask(Message(role="user", content="word " * 400)))
    assert caught.value.attempts == 1
    assert llama.request_count == 1


def test_the_cache_key_holds_the_endpoint(tmp_path: Any) -> None:
    with StubLLMServer(default=StubReply.ok("first")) as first, StubLLMServer(default=StubReply.ok("second")) as second:
        store = RunStore(tmp_path / "run")
        try:
            with make_client(first.openai_base_url, store=store) as client:
                assert client.chat_sync(ask()).text == "first"
            with make_client(first.openai_base_url, store=store) as client:
                assert client.chat_sync(ask()).cached, "same endpoint: served from the cache"
            with make_client(second.openai_base_url, store=store) as client:
                response = client.chat_sync(ask())
        finally:
            store.close()
    assert (response.text, response.cached) == ("second", False), "another base_url is asked, not replayed"
    assert second.request_count == 1
