"""The openai backend over HTTP against the local stub server: the direct path and the real SDK.

Every behaviour test runs on each transport (``direct``, and the SDK over ``aiohttp`` and
``httpx``), so the paths are held to the same requests, responses, errors and messages.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from envfactory_openai import OpenAIBackend, OpenAIConnection
from envfactory_openai.backend import TRANSPORTS as TRANSPORT_VALUES
from envfactory_openai.backend import http_transport
from envfactory_openai.direct import env_proxy, tls_context
from envfactory_testing import StubLLMServer, StubReply

from envfactory_core import load_registry
from envfactory_core.contracts import LLM_BACKEND
from envfactory_core.errors import MissingDependencyError
from envfactory_core.llm import (
    Budget,
    BudgetExceeded,
    ChatRequest,
    EmbeddingRequest,
    EndpointConfig,
    LLMAuthenticationError,
    LLMClient,
    LLMConnectionError,
    LLMModelNotFoundError,
    LLMRateLimitError,
    LLMRequestError,
    LLMResponseError,
    LLMServerError,
    LLMTimeoutError,
    Secret,
    ToolDefinition,
    parse_settings,
)
from envfactory_core.models import Message
from envfactory_core.store import RunStore

ADD_EVENT = ToolDefinition(
    name="calendar__add_event",
    description="Add an event.",
    parameters={"type": "object", "properties": {"title": {"type": "string"}, "day": {"type": "integer"}}},
)


TRANSPORTS: dict[int, str] = {}
SDK_TRANSPORTS = ["aiohttp", "httpx"]


@pytest.fixture(params=["direct", *SDK_TRANSPORTS])
def server(request: pytest.FixtureRequest) -> Iterator[StubLLMServer]:
    """The stub, and which transport the backend uses against it (direct, or the SDK over aiohttp or httpx)."""
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


def test_tool_calls_round_trip(server: StubLLMServer) -> None:
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
        "content": "",  # not null: llama.cpp's server answers HTTP 500 to null content
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
    server.script(*[StubReply.error(503, "the model is on fire")] * 3)
    client, _ = make_client(server, max_retries=2)
    with pytest.raises(LLMServerError, match=r"stub: HTTP 503: the model is on fire \(after 3 attempts\)"):
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


def test_a_missing_sdk_gives_the_exact_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    with StubLLMServer() as stub:
        for transport in SDK_TRANSPORTS:
            client, _ = make_client(stub, endpoint={"http_transport": transport})
            with pytest.raises(MissingDependencyError, match=r"install it with: pip install 'openai>=3,<4'"):
                client.chat_sync(ask("q"))
            client.close()
        assert stub.request_count == 0
        client, _ = make_client(stub, endpoint={"http_transport": "direct"})
        assert client.chat_sync(ask("q")).text == "ok", "the direct path needs no SDK"
        client.close()


def endpoint(base_url: str = "", **options: Any) -> EndpointConfig:
    return EndpointConfig(name="ep", kind="openai", base_url=base_url, api_key=Secret("k"), options=options)


@pytest.mark.parametrize(
    ("base_url", "option", "expected"),
    [
        ("http://127.0.0.1:8000/v1", None, "direct"),
        ("https://api.deepseek.com/v1", "auto", "direct"),
        ("", None, "aiohttp"),
        ("https://api.openai.com/v1", "auto", "aiohttp"),
        ("https://api.openai.com/v1", "direct", "direct"),
        ("http://127.0.0.1:8000/v1", "aiohttp", "aiohttp"),
        ("http://127.0.0.1:8000/v1", "httpx", "httpx"),
    ],
)
def test_auto_is_direct_for_compatible_servers_and_the_sdk_for_api_openai_com(
    base_url: str, option: str | None, expected: str
) -> None:
    config = endpoint(base_url, **({} if option is None else {"http_transport": option}))
    assert http_transport(config) == expected
    connection = OpenAIConnection(config)
    assert connection.transport == expected
    assert (connection.direct is not None) == (expected == "direct")
    assert len(connection.clients) == (0 if expected == "direct" else 1)
    asyncio.run(connection.aclose())


def test_the_http_transport_option_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    with StubLLMServer() as stub:
        client, _ = make_client(stub, endpoint={"http_transport": "carrier-pigeon"})
        allowed = "'auto', 'direct', 'aiohttp' or 'httpx'"
        with pytest.raises(LLMRequestError, match=rf"endpoint 'stub': http_transport must be {allowed}, got 'carrier"):
            client.chat_sync(ask("q"))
        client.close()
        monkeypatch.setitem(sys.modules, "aiohttp", None)
        for transport in ("aiohttp", "direct"):
            client, _ = make_client(stub, endpoint={"http_transport": transport})
            with pytest.raises(MissingDependencyError, match=r"pip install 'openai\[aiohttp\]>=3,<4'"):
                client.chat_sync(ask("q"))
            client.close()
        assert stub.request_count == 0
    assert http_transport(endpoint("http://127.0.0.1:8000/v1")) == "httpx", "auto falls back to the SDK's httpx2"
    assert TRANSPORT_VALUES == ("auto", "direct", "aiohttp", "httpx")


def test_the_official_endpoint_needs_a_key() -> None:
    client = LLMClient(settings=parse_settings({}, environ={}), backends={"openai": OpenAIBackend()})
    with pytest.raises(LLMAuthenticationError, match="set OPENAI_API_KEY"):
        client.chat_sync(ChatRequest(model="openai/gpt-4.1-mini", messages=[Message(role="user", content="q")]))
    client.close()


def test_the_entry_point_registers_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVFACTORY_LOAD_PLUGINS", "openai")
    entry = load_registry().entry(LLM_BACKEND, "openai/backend")
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


def test_http_errors_keep_the_vendors_message_and_retry_after(server: StubLLMServer) -> None:
    server.script(
        StubReply.rate_limited(retry_after=3, message="Rate limit reached for requests"),
        StubReply.error(404, "The model `gpt-test` does not exist"),
        StubReply(status=400, body='{"object": "error", "message": "vLLM says: context too long", "code": 400}'),
        StubReply(status=502, body="<html><body>502 Bad Gateway</body></html>"),
        StubReply(status=503, body='{"detail": "Service Unavailable"}', headers={"retry-after-ms": "1500"}),
    )
    client, _ = make_client(server, max_retries=0)
    with pytest.raises(LLMRateLimitError, match=r"^stub: HTTP 429: Rate limit reached for requests$") as limited:
        client.chat_sync(ask("q1"))
    assert limited.value.retry_after == 3
    with pytest.raises(LLMModelNotFoundError, match=r"^stub: HTTP 404: The model `gpt-test` does not exist$"):
        client.chat_sync(ask("q2"))
    with pytest.raises(LLMRequestError, match=r"^stub: HTTP 400: vLLM says: context too long$"):
        client.chat_sync(ask("q3"))
    with pytest.raises(LLMServerError, match=r"^stub: HTTP 502: Error code: 502$"):
        client.chat_sync(ask("q4"))
    with pytest.raises(LLMServerError, match=r"^stub: HTTP 503: Error code: 503$") as unavailable:
        client.chat_sync(ask("q5"))
    assert unavailable.value.retry_after == 1.5
    client.close()
    assert server.request_count == 5


def test_timeouts_drops_and_refused_connections_are_named_as_such(server: StubLLMServer) -> None:
    server.script(StubReply.slow(2.0), StubReply.dropped())
    client, _ = make_client(server, timeout=0.3, max_retries=0)
    with pytest.raises(LLMTimeoutError, match=r"^stub: request timed out after 0\.3s$"):
        client.chat_sync(ask("q1"))
    with pytest.raises(LLMConnectionError, match=r"^stub: Connection error\. \(Server disconnected"):
        client.chat_sync(ask("q2"))
    client.close()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client, _ = make_client(server, max_retries=0, endpoint={"base_url": f"http://127.0.0.1:{port}/v1", "timeout": 5})
    with pytest.raises(LLMConnectionError, match=r"^stub: Connection error\. \(") as refused:
        client.chat_sync(ask("q3"))
    client.close()
    assert "timed out" not in str(refused.value)


def test_non_object_json_is_a_response_error(server: StubLLMServer) -> None:
    server.script(StubReply.malformed("[1, 2, 3]"), StubReply.malformed(""))
    client, _ = make_client(server, max_retries=0)
    with pytest.raises(LLMResponseError, match=r"^stub: the response body is JSON but not an object: '\[1, 2, 3\]'$"):
        client.chat_sync(ask("q1"))
    with pytest.raises(LLMResponseError, match=r"not valid JSON \(Expecting value at line 1 column 1\): ''$"):
        client.chat_sync(ask("q2"))
    client.close()


def test_extra_body_fields_and_openai_headers_are_sent(server: StubLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-test")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-test")
    client, _ = make_client(server)
    client.chat_sync(ask("q", extra={"chat_template_kwargs": {"enable_thinking": False}, "top_k": 20}, stop=["END"]))
    client.close()
    (sent,) = server.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.body["chat_template_kwargs"] == {"enable_thinking": False}
    assert (sent.body["top_k"], sent.body["stop"]) == (20, ["END"])
    assert "extra_body" not in sent.body
    assert sent.headers["authorization"] == "Bearer test-key"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["openai-organization"] == "org-test"
    assert sent.headers["openai-project"] == "proj-test"


def test_the_call_log_keeps_the_vendors_exact_response(server: StubLLMServer, tmp_path: Path) -> None:
    vendor = {
        "id": "chatcmpl-vendor-7",
        "object": "chat.completion",
        "created": 1767225600,
        "model": "gpt-test-2026-01-01",
        "system_fingerprint": "fp_vendor",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8, "vendor_field": [1, 2]},
    }
    server.script(StubReply.malformed(json.dumps(vendor)))
    with RunStore(tmp_path) as store:
        client, _ = make_client(server, store=store)
        response = client.chat_sync(ask("q"))
        client.close()
        (record,) = client.records
        logged = store.get_blob(record.response_id)
    assert response.raw == vendor
    assert logged["raw"] == vendor
    assert (response.text, response.served_model, response.usage.input_tokens) == ("hello", "gpt-test-2026-01-01", 7)


def test_the_direct_path_shares_one_session_sized_to_the_endpoint_and_closes_it() -> None:
    async def run(base_url: str) -> None:
        config = EndpointConfig(
            name="ep", kind="openai", base_url=base_url, timeout=7.0, concurrency=24, api_key=Secret("k")
        )
        connection = OpenAIConnection(config)
        assert connection.direct is not None
        requests = [ask(f"q{index}") for index in range(3)]
        await asyncio.gather(*(connection.chat(request, "gpt-test") for request in requests))
        session = connection.direct._session
        assert session is not None
        assert session.connector is not None
        assert session.connector.limit == 24
        assert session.timeout.total == 7.0
        await connection.aclose()
        assert session.closed

    with StubLLMServer() as stub:
        asyncio.run(run(stub.openai_base_url))
        assert stub.request_count == 3


def test_a_proxy_from_the_environment_is_used(server: StubLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("http_proxy", server.url)  # the stub answers requests in proxy form too
    client, _ = make_client(server, endpoint={"base_url": "http://llm.internal.example/v1"})
    assert client.chat_sync(ask("q")).text == "ok"
    client.close()
    (sent,) = server.requests
    assert sent.path == "http://llm.internal.example/v1/chat/completions"
    monkeypatch.setenv("no_proxy", "llm.internal.example")
    assert env_proxy("http://llm.internal.example/v1") is None


def test_https_endpoints_trust_what_the_sdk_trusts() -> None:
    assert tls_context("http://127.0.0.1:8000/v1") is True
    context = tls_context("https://api.deepseek.com/v1")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
