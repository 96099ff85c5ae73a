"""The stub server speaks both wire formats over real HTTP (checked here with urllib, no SDK)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from envfactory_testing import StubLLMServer, StubReply


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def test_openai_chat_completions_with_tool_calls_and_reasoning() -> None:
    with StubLLMServer() as server:
        server.script(StubReply.tools(("add", {"a": 1}), ("echo", '{"broken"'), reasoning="hmm"))
        status, _, raw = post(f"{server.openai_base_url}/chat/completions", CHAT)
        assert server.requests[0].body == CHAT
    body = json.loads(raw)
    assert status == 200
    assert body["object"] == "chat.completion"
    message = body["choices"][0]["message"]
    assert [call["function"] for call in message["tool_calls"]] == [
        {"name": "add", "arguments": '{"a": 1}'},
        {"name": "echo", "arguments": '{"broken"'},
    ]
    assert message["reasoning_content"] == "hmm"
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]


def test_anthropic_messages_with_thinking_and_tool_use() -> None:
    with StubLLMServer() as server:
        server.script(StubReply.tools(("add", {"a": 1}), text="Sure.", reasoning="plan"))
        status, _, raw = post(f"{server.anthropic_base_url}/v1/messages", {**CHAT, "max_tokens": 5})
    body = json.loads(raw)
    assert status == 200
    assert body["type"] == "message"
    assert body["stop_reason"] == "tool_use"
    assert [block["type"] for block in body["content"]] == ["thinking", "text", "tool_use"]
    assert body["content"][2]["input"] == {"a": 1}


def test_errors_use_each_vendors_error_body_and_retry_after() -> None:
    with StubLLMServer() as server:
        server.script(StubReply.rate_limited(2.5), StubReply.error(500, "boom"))
        status, headers, raw = post(f"{server.url}/v1/chat/completions", CHAT)
        assert status == 429
        assert headers["retry-after"] == "2.5"
        assert json.loads(raw)["error"]["type"] == "rate_limit_error"
        status, _, raw = post(f"{server.url}/v1/messages", CHAT)
        assert status == 500
        assert json.loads(raw) == {"type": "error", "error": {"type": "api_error", "message": "boom"}}


def test_an_error_status_can_carry_a_body_of_another_shape() -> None:
    with StubLLMServer() as server:
        server.script(StubReply(status=502, body="<html>Bad Gateway</html>", retry_after=4))
        status, headers, raw = post(f"{server.url}/v1/chat/completions", CHAT)
    assert (status, raw, headers["retry-after"]) == (502, b"<html>Bad Gateway</html>", "4")


def test_malformed_dropped_and_default_replies_are_counted() -> None:
    with StubLLMServer(default=StubReply.ok("default")) as server:
        server.script(StubReply.malformed("{nope"), StubReply.dropped())
        assert post(f"{server.url}/v1/chat/completions", CHAT)[2] == b"{nope"
        with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError)):
            post(f"{server.url}/v1/chat/completions", CHAT)
        body = json.loads(post(f"{server.url}/v1/chat/completions", CHAT)[2])
        assert body["choices"][0]["message"]["content"] == "default"
        embeddings = json.loads(
            post(f"{server.url}/v1/embeddings", {"model": "e", "input": ["a", "b"], "dimensions": 3})[2]
        )
        assert [len(item["embedding"]) for item in embeddings["data"]] == [3, 3]
        assert server.request_count == 4
        assert server.count("/v1/chat/completions") == 3


def test_the_subprocess_mode_is_scripted_and_counted_over_http() -> None:
    with StubLLMServer.spawn(latency=0.0) as process:
        process.script(StubReply.ok("from the child"))
        body = json.loads(post(f"{process.openai_base_url}/chat/completions", CHAT)[2])
        assert body["choices"][0]["message"]["content"] == "from the child"
        assert process.request_count == 1
