"""The openai backend through the real SDK, over HTTP, against the local stub server."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from envfactory_openai import OpenAIBackend

from envfactory_core import load_registry
from envfactory_core.errors import MissingDependencyError
from envfactory_core.llm import (
    Budget,
    BudgetExceeded,
    ChatRequest,
    EmbeddingRequest,
    LLMAuthenticationError,
    LLMClient,
    LLMRequestError,
    LLMResponseError,
    LLMServerError,
    ToolDefinition,
    parse_settings,
)
from envfactory_core.models import Message
from envfactory_core.store import RunStore
from envfactory_core.testing import StubLLMServer, StubReply

ADD_EVENT = ToolDefinition(
    name="calendar__add_event",
    description="Add an event.",
    parameters={"type": "object", "properties": {"title": {"type": "string"}, "day": {"type": "integer"}}},
)


TRANSPORTS: dict[int, str] = {}


@pytest.fixture(params=["aiohttp", "httpx"])
def server(request: pytest.FixtureRequest) -> Iterator[StubLLMServer]:
    """The stub, and which HTTP transport the SDK uses against it (both are supported)."""
    with StubLLMServer() as stub:
        TRANSPORTS[id(stub)] = request.param
        yield stub
        del TRANSPORTS[id(stub)]


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(server: StubLLMServer, *, store: RunStore | None = None, **options: Any) -> tuple[LLMClient, Sleeps]:
    endpoint = {
        "kind": "openai",
        "base_url": server.openai_base_url,
        "api_key": "test-key",
        "http_transport": TRANSPORTS.get(id(server), "auto"),
    }
    endpoint.update(options.pop("endpoint", {}))
    sleeps = Sleeps()
    client = LLMClient(
        settings=parse_settings({"backends": {"stub": endpoint}}, environ={}),
        backends={"openai": OpenAIBackend()},
        store=store,
        sleep=sleeps,
        **options,
    )
    return client, sleeps


def ask(text: str, **fields: Any) -> ChatRequest:
    return ChatRequest(model="stub/gpt-test", messages=[Message(role="user", content=text)], **fields)


def test_tool_calls_round_trip_through_the_sdk(server: StubLLMServer) -> None:
    server.script(
        StubReply.tools(("calendar__add_event", {"title": "standup", "day": 3}), reasoning="Need to add it."),
        StubReply.ok("Added."),
    )
    client, _ = make_client(server)
    request = ChatRequest(
        model="stub/gpt-test",
        messages=[Message(role="system", content="Be brief."), Message(role="user", content="Standup on the 3rd.")],
        tools=[ADD_EVENT],
        tool_choice="calendar__add_event",
        temperature=0,
        seed=11,
        max_tokens=64,
    )
    response = client.chat_sync(request, stage="agent")
    (call,) = response.tool_calls
    assert (call.name, call.arguments, call.raw, call.ok) == (
        "calendar__add_event",
        {"title": "standup", "day": 3},
        '{"title": "standup", "day": 3}',
        True,
    )
    assert call.id == "call_stub_1_0"
    assert response.reasoning == "Need to add it."
    assert response.finish_reason == "tool_calls"
    assert response.usage.input_tokens > 0
    assert response.usage.reasoning_tokens > 0
    sent = server.requests[0].body
    assert sent["tools"] == [ADD_EVENT.openai_schema()]
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "calendar__add_event"}}
    assert (sent["temperature"], sent["seed"], sent["max_tokens"]) == (0, 11, 64)
    assert server.requests[0].headers["authorization"] == "Bearer test-key"

    follow_up = ChatRequest(
        model="stub/gpt-test",
        messages=[
            *request.messages,
            response.message(),
            Message(role="tool", tool_call_id=call.id, name=call.name, content='{"ok": true}'),
        ],
        tools=[ADD_EVENT],
    )
    assert client.chat_sync(follow_up, stage="agent").text == "Added."
    client.close()
    assistant, tool = server.requests[1].body["messages"][2:]
    assert assistant == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_stub_1_0",
                "type": "function",
                "function": {"name": "calendar__add_event", "arguments": '{"title": "standup", "day": 3}'},
            }
        ],
    }
    assert tool == {"role": "tool", "tool_call_id": "call_stub_1_0", "content": '{"ok": true}'}


def test_unparsable_arguments_are_kept_with_an_error(server: StubLLMServer) -> None:
    server.script(StubReply.tools(("calendar__add_event", '{"title": "standup", "day": ')))
    client, _ = make_client(server)
    (call,) = client.chat_sync(ask("q", tools=[ADD_EVENT])).tool_calls
    client.close()
    assert not call.ok
    assert "not valid JSON" in call.error
    assert call.raw == '{"title": "standup", "day": '


def test_hermes_text_tool_calls_from_raw_servers(server: StubLLMServer) -> None:
    text = (
        '<think>plan</think>Checking.\n<tool_call>\n{"name": "calendar__add_event", "arguments": {"day": 1}}'
        "\n</tool_call>"
    )
    server.script(StubReply.ok(text), StubReply.ok(text))
    client, _ = make_client(server)
    response = client.chat_sync(ask("q", tools=[ADD_EVENT]))
    client.close()
    assert [(call.name, call.arguments) for call in response.tool_calls] == [("calendar__add_event", {"day": 1})]
    assert (response.text, response.reasoning, response.finish_reason) == ("Checking.", "plan", "tool_calls")
    native, _ = make_client(server, endpoint={"tool_call_format": "native"})
    plain = native.chat_sync(ask("q", tools=[ADD_EVENT]))
    native.close()
    assert plain.tool_calls == ()
    assert "<tool_call>" in plain.text


def test_rate_limits_server_errors_drops_and_timeouts_are_retried(server: StubLLMServer) -> None:
    server.script(
        StubReply.rate_limited(retry_after=2),
        StubReply.error(500, "upstream crashed"),
        StubReply.error(503, "overloaded"),
        StubReply.dropped(),
        StubReply.slow(2.0),
        StubReply.ok("made it"),
    )
    client, sleeps = make_client(server, timeout=0.3, max_retries=5)
    response = client.chat_sync(ask("q"))
    client.close()
    assert response.text == "made it"
    assert server.request_count == 6
    assert client.records[0].attempts == 6
    assert 2 <= sleeps[0] <= 3, f"Retry-After: 2 was honoured: {sleeps}"
    assert len(sleeps) == 5


def test_retries_give_up_with_the_vendors_message(server: StubLLMServer) -> None:
    server.script(*[StubReply.error(500, "the model is on fire")] * 3)
    client, _ = make_client(server, max_retries=2)
    with pytest.raises(LLMServerError, match=r"stub: HTTP 500: the model is on fire \(after 3 attempts\)"):
        client.chat_sync(ask("q"))
    client.close()


def test_malformed_bodies_give_a_clear_error_and_are_not_retried(server: StubLLMServer) -> None:
    server.script(StubReply.malformed('{"choices": [ nope'), StubReply.malformed('{"object": "error page"}'))
    client, _ = make_client(server)
    with pytest.raises(LLMResponseError, match="the response body is not valid JSON"):
        client.chat_sync(ask("q1"))
    with pytest.raises(LLMResponseError, match="the response has no choices"):
        client.chat_sync(ask("q2"))
    client.close()
    assert server.request_count == 2


def test_bad_keys_are_reported_not_retried(server: StubLLMServer) -> None:
    server.script(StubReply.error(401, "Incorrect API key provided"))
    client, _ = make_client(server)
    with pytest.raises(LLMAuthenticationError, match="Incorrect API key provided"):
        client.chat_sync(ask("q"))
    client.close()
    assert server.request_count == 1


def test_the_second_identical_run_makes_no_http_requests(server: StubLLMServer, tmp_path: Path) -> None:
    questions = [ask(f"question {index}", tools=[ADD_EVENT]) for index in range(5)]
    with RunStore(tmp_path) as store:
        client, _ = make_client(server, store=store)
        first = [client.chat_sync(question) for question in questions]
        client.close()
    assert server.request_count == 5
    with RunStore(tmp_path) as store:
        client, _ = make_client(server, store=store)
        second = [client.chat_sync(question) for question in questions]
        client.close()
    assert server.request_count == 5, "the re-run cost zero HTTP requests"
    assert second == first
    assert all(response.cached for response in second)


def test_a_budget_cap_stops_the_run_and_a_larger_cap_resumes(server: StubLLMServer, tmp_path: Path) -> None:
    questions = [ask(f"q{index}") for index in range(4)]

    def run(max_calls: int) -> int:
        done = 0
        with RunStore(tmp_path) as store:
            client, _ = make_client(server, store=store, budget=Budget(max_calls=max_calls))
            try:
                for question in questions:
                    client.chat_sync(question)
                    done += 1
            except BudgetExceeded:
                pass
            finally:
                client.close()
        return done

    assert run(2) == 2
    assert server.request_count == 2
    assert run(4) == 4
    assert server.request_count == 4, "resumed: only the two missing calls were made"


def test_embeddings(server: StubLLMServer) -> None:
    client, _ = make_client(server)
    result = client.embed_sync(EmbeddingRequest(model="stub/text-embed", inputs=["alpha", "beta"], dimensions=5))
    client.close()
    assert [len(vector) for vector in result.vectors] == [5, 5]
    assert result.vectors[0] != result.vectors[1]
    assert server.requests[0].body == {
        "model": "text-embed",
        "input": ["alpha", "beta"],
        "encoding_format": "float",
        "dimensions": 5,
    }


def test_a_missing_sdk_gives_the_exact_install_hint(server: StubLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    client, _ = make_client(server)
    with pytest.raises(MissingDependencyError, match=r"install it with: pip install 'openai>=3,<4'"):
        client.chat_sync(ask("q"))
    client.close()


def test_the_http_transport_option_is_checked(server: StubLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = make_client(server, endpoint={"http_transport": "carrier-pigeon"})
    with pytest.raises(LLMRequestError, match="http_transport must be 'auto', 'aiohttp' or 'httpx'"):
        client.chat_sync(ask("q"))
    client.close()
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    client, _ = make_client(server, endpoint={"http_transport": "aiohttp"})
    with pytest.raises(MissingDependencyError, match=r"pip install 'openai\[aiohttp\]>=3,<4'"):
        client.chat_sync(ask("q"))
    client.close()
    assert server.request_count == 0


def test_the_official_endpoint_needs_a_key() -> None:
    client = LLMClient(settings=parse_settings({}, environ={}), backends={"openai": OpenAIBackend()})
    with pytest.raises(LLMAuthenticationError, match="set OPENAI_API_KEY"):
        client.chat_sync(ChatRequest(model="openai/gpt-4.1-mini", messages=[Message(role="user", content="q")]))
    client.close()


def test_the_entry_point_registers_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "openai")
    entry = load_registry().entry("llm_backend", "openai/backend")
    assert entry.component.kind == "openai"
    assert entry.distribution == "envfactory-openai"


def test_requests_are_logged_without_the_key(server: StubLLMServer, tmp_path: Path) -> None:
    with RunStore(tmp_path) as store:
        client, _ = make_client(server, store=store, endpoint={"api_key": "sk-DO-NOT-STORE"})
        client.chat_sync(ask("q"))
        client.close()
        blobs = [store.get_blob(row["id"]) for row in store.db.query("SELECT id FROM blobs")]
        stored = json.dumps(blobs) + "\n".join(store.connection.iterdump())
    assert "sk-DO-NOT-STORE" not in stored
    assert server.requests[0].headers["authorization"] == "Bearer sk-DO-NOT-STORE"
