"""The anthropic backend through the real SDK, over HTTP, against the local stub server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from envfactory_anthropic import AnthropicBackend
from envfactory_testing import StubLLMServer, StubReply

from envfactory_core import load_registry
from envfactory_core.contracts import LLM_BACKEND
from envfactory_core.errors import MissingDependencyError
from envfactory_core.llm import (
    Budget,
    BudgetExceeded,
    ChatRequest,
    EmbeddingRequest,
    LLMClient,
    LLMRateLimitError,
    LLMRequestError,
    LLMResponseError,
    LLMUnsupportedError,
    ToolDefinition,
    parse_settings,
)
from envfactory_core.models import Message
from envfactory_core.store import RunStore

LOOKUP = ToolDefinition(
    name="flights__search",
    description="Search flights.",
    parameters={"type": "object", "properties": {"origin": {"type": "string"}, "day": {"type": "integer"}}},
)


@pytest.fixture
def server() -> Iterator[StubLLMServer]:
    with StubLLMServer() as stub:
        yield stub


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(server: StubLLMServer, *, store: RunStore | None = None, **options: Any) -> tuple[LLMClient, Sleeps]:
    endpoint = {"kind": "anthropic", "base_url": server.anthropic_base_url, "api_key": "test-key"}
    endpoint.update(options.pop("endpoint", {}))
    sleeps = Sleeps()
    client = LLMClient(
        settings=parse_settings({"backends": {"stub": endpoint}}, environ={}),
        backends={"anthropic": AnthropicBackend()},
        store=store,
        sleep=sleeps,
        **options,
    )
    return client, sleeps


def ask(text: str, **fields: Any) -> ChatRequest:
    return ChatRequest(model="stub/claude-test", messages=[Message(role="user", content=text)], **fields)


def test_tool_use_and_tool_result_blocks_round_trip(server: StubLLMServer) -> None:
    server.script(
        StubReply.tools(("flights__search", {"origin": "SFO", "day": 3}), text="Searching.", reasoning="Find flights."),
        StubReply.ok("Found two."),
    )
    client, _ = make_client(server)
    request = ChatRequest(
        model="stub/claude-test",
        messages=[Message(role="system", content="You book travel."), Message(role="user", content="SFO on the 3rd?")],
        tools=[LOOKUP],
        tool_choice="required",
        temperature=0.5,
        stop=["STOP"],
        reasoning_budget=1024,
    )
    response = client.chat_sync(request, stage="agent")
    (call,) = response.tool_calls
    assert (call.id, call.name, call.arguments) == ("toolu_stub_1_0", "flights__search", {"origin": "SFO", "day": 3})
    assert (response.text, response.reasoning, response.finish_reason) == ("Searching.", "Find flights.", "tool_calls")
    assert response.reasoning_signature == "stub-signature-1"
    sent = server.requests[0].body
    assert sent["system"] == "You book travel."
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "SFO on the 3rd?"}]}]
    assert sent["tools"] == [
        {"name": "flights__search", "description": "Search flights.", "input_schema": LOOKUP.parameters}
    ]
    assert sent["tool_choice"] == {"type": "any"}
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert sent["max_tokens"] == 1024 + 4096
    assert sent["stop_sequences"] == ["STOP"]
    assert "temperature" not in sent, "the Messages API takes no sampling parameters by default"

    follow_up = ChatRequest(
        model="stub/claude-test",
        messages=[
            *request.messages,
            response.message(),
            Message(role="tool", tool_call_id=call.id, name=call.name, content='[{"flight": "UA1"}]'),
            Message(role="user", content="The cheaper one."),
        ],
        tools=[LOOKUP],
    )
    assert client.chat_sync(follow_up).text == "Found two."
    client.close()
    assistant, user = server.requests[1].body["messages"][1:]
    assert assistant == {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "Find flights.", "signature": "stub-signature-1"},
            {"type": "text", "text": "Searching."},
            {
                "type": "tool_use",
                "id": "toolu_stub_1_0",
                "name": "flights__search",
                "input": {"origin": "SFO", "day": 3},
            },
        ],
    }
    assert user == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "toolu_stub_1_0", "content": '[{"flight": "UA1"}]'},
            {"type": "text", "text": "The cheaper one."},
        ],
    }


def test_thinking_without_a_known_signature_is_left_out(server: StubLLMServer) -> None:
    client, _ = make_client(server)
    history = [
        Message(role="user", content="q"),
        Message(role="assistant", content="a", reasoning="restored from a file, never signed"),
        Message(role="user", content="next"),
    ]
    client.chat_sync(ChatRequest(model="stub/claude-test", messages=history))
    client.close()
    assert server.requests[0].body["messages"][1] == {"role": "assistant", "content": [{"type": "text", "text": "a"}]}


def test_overloaded_and_rate_limited_requests_are_retried(server: StubLLMServer) -> None:
    server.script(
        StubReply.rate_limited(retry_after=1),
        StubReply.error(529, "Overloaded"),
        StubReply.dropped(),
        StubReply.ok("ok"),
    )
    client, sleeps = make_client(server)
    assert client.chat_sync(ask("q")).text == "ok"
    client.close()
    assert server.request_count == 4
    assert len(sleeps) == 3
    assert 1 <= sleeps[0] <= 1.5


def test_a_slow_reply_times_out_and_is_retried(server: StubLLMServer) -> None:
    server.script(StubReply.slow(2.0), StubReply.ok("fast"))
    client, _ = make_client(server, timeout=0.3)
    assert client.chat_sync(ask("q")).text == "fast"
    client.close()
    assert client.records[0].attempts == 2


def test_errors_keep_the_vendors_message(server: StubLLMServer) -> None:
    server.script(StubReply.rate_limited(retry_after=0, message="Number of requests has exceeded your rate limit"))
    client, _ = make_client(server, max_retries=0)
    with pytest.raises(LLMRateLimitError, match="Number of requests has exceeded your rate limit") as caught:
        client.chat_sync(ask("q"))
    client.close()
    assert caught.value.retry_after == 0


def test_malformed_bodies_give_a_clear_error(server: StubLLMServer) -> None:
    server.script(StubReply.malformed("<html>bad gateway"), StubReply.malformed('{"type": "message"}'))
    client, _ = make_client(server)
    with pytest.raises(LLMResponseError, match="the response body is not valid JSON"):
        client.chat_sync(ask("q1"))
    with pytest.raises(LLMResponseError, match="no content blocks"):
        client.chat_sync(ask("q2"))
    client.close()
    assert server.request_count == 2


def test_the_second_identical_run_makes_no_http_requests(server: StubLLMServer, tmp_path: Path) -> None:
    server.script(StubReply.tools(("flights__search", {"origin": "SFO"})), StubReply.ok("two"))
    questions = [ask("one", tools=[LOOKUP]), ask("two")]
    for _ in range(2):
        with RunStore(tmp_path) as store:
            client, _ = make_client(server, store=store)
            answers = [client.chat_sync(question) for question in questions]
            client.close()
        assert server.request_count == 2
        assert answers[0].tool_calls[0].arguments == {"origin": "SFO"}


def test_a_budget_cap_stops_and_a_larger_cap_resumes(server: StubLLMServer, tmp_path: Path) -> None:
    def run(max_calls: int) -> int:
        done = 0
        with RunStore(tmp_path) as store:
            client, _ = make_client(server, store=store, budget=Budget(max_calls=max_calls))
            try:
                for index in range(3):
                    client.chat_sync(ask(f"q{index}"))
                    done += 1
            except BudgetExceeded:
                pass
            finally:
                client.close()
        return done

    assert run(1) == 1
    assert server.request_count == 1
    assert run(3) == 3
    assert server.request_count == 3


def test_max_tokens_must_leave_room_after_thinking(server: StubLLMServer) -> None:
    client, _ = make_client(server)
    with pytest.raises(LLMRequestError, match="must exceed reasoning_budget"):
        client.chat_sync(ask("q", max_tokens=500, reasoning_budget=1024))
    client.close()
    assert server.request_count == 0


def test_there_are_no_embeddings(server: StubLLMServer) -> None:
    client, _ = make_client(server)
    with pytest.raises(LLMUnsupportedError, match="Anthropic has no embeddings API"):
        client.embed_sync(EmbeddingRequest(model="stub/x", inputs=["a"]))
    client.close()


def test_a_missing_sdk_gives_the_exact_install_hint(server: StubLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)
    client, _ = make_client(server)
    with pytest.raises(MissingDependencyError, match=r"install it with: pip install 'anthropic>=2,<3'"):
        client.chat_sync(ask("q"))
    client.close()


def test_sampling_parameters_are_sent_only_when_the_endpoint_asks(server: StubLLMServer) -> None:
    client, _ = make_client(server, endpoint={"send_sampling": True})
    client.chat_sync(ask("q", temperature=0.2, top_p=0.9, reasoning_effort="high", extra={"top_k": 4}))
    client.close()
    sent = server.requests[0].body
    assert (sent["temperature"], sent["top_p"], sent["top_k"]) == (0.2, 0.9, 4)
    assert sent["output_config"] == {"effort": "high"}


def test_the_entry_point_registers_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "anthropic")
    entry = load_registry().entry(LLM_BACKEND, "anthropic/backend")
    assert entry.component.kind == "anthropic"
    assert entry.distribution == "envfactory-anthropic"
