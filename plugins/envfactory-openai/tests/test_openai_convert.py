"""Request and response conversion for the chat-completions format (no HTTP)."""

from __future__ import annotations

from envfactory_openai.convert import chat_params, parse_chat_completion

from envfactory_core.llm import ChatRequest, ToolDefinition
from envfactory_core.models import Message, MessageToolCall

REQUEST = ChatRequest(
    model="openai/gpt-4.1-mini",
    messages=[
        Message(role="user", content="hi"),
        Message(role="assistant", reasoning="r", tool_calls=[MessageToolCall(id="c1", name="t", arguments={"a": 1})]),
    ],
    tools=[ToolDefinition(name="t")],
    tool_choice="required",
    max_tokens=10,
    json_mode=True,
    reasoning_effort="low",
    stop=["END"],
    extra={"top_k": 3},
)


def test_official_endpoints_get_max_completion_tokens_and_others_max_tokens() -> None:
    official = chat_params(REQUEST, "gpt-4.1-mini", {}, official=True)
    assert official["max_completion_tokens"] == 10
    assert "max_tokens" not in official
    compatible = chat_params(REQUEST, "gpt-4.1-mini", {}, official=False)
    assert compatible["max_tokens"] == 10
    chosen = chat_params(REQUEST, "m", {"max_tokens_param": "max_completion_tokens"}, official=False)
    assert chosen["max_completion_tokens"] == 10


def test_every_request_field_reaches_the_wire() -> None:
    params = chat_params(REQUEST, "gpt-4.1-mini", {}, official=True)
    assert params["tool_choice"] == "required"
    assert params["response_format"] == {"type": "json_object"}
    assert (params["reasoning_effort"], params["stop"], params["extra_body"]) == ("low", ["END"], {"top_k": 3})
    assert "reasoning_content" not in params["messages"][1]
    with_reasoning = chat_params(REQUEST, "m", {"send_reasoning": True}, official=False)
    assert with_reasoning["messages"][1]["reasoning_content"] == "r"


def test_finish_reasons_and_object_arguments_are_normalised() -> None:
    body = {
        "model": "served",
        "choices": [
            {
                "message": {
                    "content": "",
                    "tool_calls": [{"id": "x", "function": {"name": "t", "arguments": {"a": 1}}}],
                },
                "finish_reason": "content_filter",
            }
        ],
    }
    response = parse_chat_completion(body, REQUEST, {}, backend="openai")
    assert response.finish_reason == "content_filter"
    assert response.tool_calls[0].arguments == {"a": 1}
    assert response.served_model == "served"
