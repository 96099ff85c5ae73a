"""Chat and embedding records: validation with clear messages, lossless JSON, conversion to core messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.llm import ChatRequest, ChatResponse, EmbeddingResponse, LLMToolCall, ToolDefinition, Usage
from envfactory_core.models import Message, ToolSpec
from envfactory_core.serialize import from_json, to_json

USER = Message(role="user", content="Book a table for two.")


def test_a_request_needs_a_full_model_id_and_a_message() -> None:
    with pytest.raises(ValueError, match="full model id 'backend/model'"):
        ChatRequest(model="gpt-4.1-mini", messages=[USER])
    with pytest.raises(ValueError, match="at least one message"):
        ChatRequest(model="openai/gpt-4.1-mini", messages=[])


def test_tool_choice_must_be_a_mode_or_a_declared_tool() -> None:
    tool = ToolDefinition(name="book_table", description="Book.", parameters={"type": "object", "properties": {}})
    assert (
        ChatRequest(model="fake/x", messages=[USER], tools=[tool], tool_choice="book_table").tool_choice == "book_table"
    )
    with pytest.raises(ValueError, match="tool_choice must be one of auto, none, required or the name of a tool"):
        ChatRequest(model="fake/x", messages=[USER], tools=[tool], tool_choice="cancel_table")
    with pytest.raises(ValueError, match="names a tool twice"):
        ChatRequest(model="fake/x", messages=[USER], tools=[tool, tool])


def test_tool_names_must_be_accepted_by_every_provider() -> None:
    with pytest.raises(ValueError, match="1-64 letters, digits"):
        ToolDefinition(name="calendar.add event")


def test_tool_definition_from_an_environment_tool_spec() -> None:
    spec = ToolSpec(
        name="add_event",
        description="Add an event.",
        input_schema={"type": "object", "properties": {"day": {"type": "integer"}}, "required": ["day"]},
        effect="write",
    )
    definition = ToolDefinition.from_spec(spec, name="calendar__add_event")
    assert definition.openai_schema() == {
        "type": "function",
        "function": {"name": "calendar__add_event", "description": "Add an event.", "parameters": spec.input_schema},
    }


def test_response_message_keeps_reasoning_and_parsed_calls() -> None:
    response = ChatResponse(
        model="fake/x",
        text="",
        reasoning="Need the calendar.",
        tool_calls=[
            LLMToolCall(id="c1", name="add", arguments={"day": 3}, raw='{"day": 3}'),
            LLMToolCall(id="c2", name="add", raw="{day: 3", error="arguments are not valid JSON"),
        ],
        finish_reason="tool_calls",
    )
    message = response.message()
    assert message.role == "assistant"
    assert message.reasoning == "Need the calendar."
    assert [(call.id, call.arguments) for call in message.tool_calls] == [("c1", {"day": 3}), ("c2", {})]
    assert response.format_errors == 1


def test_finish_reason_is_one_vocabulary() -> None:
    with pytest.raises(ValueError, match="finish_reason"):
        ChatResponse(model="fake/x", finish_reason="end_turn")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(max_size=60),
    reasoning=st.text(max_size=30),
    arguments=st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=4),
    tokens=st.tuples(*(st.integers(0, 10**6) for _ in range(4))),
)
def test_responses_round_trip_through_json(
    text: str, reasoning: str, arguments: dict[str, object], tokens: tuple[int, int, int, int]
) -> None:
    response = ChatResponse(
        model="openai/gpt-4.1-mini",
        text=text,
        reasoning=reasoning,
        tool_calls=[LLMToolCall(id="call_1", name="tool", arguments=arguments, raw="...")],
        finish_reason="tool_calls",
        usage=Usage(
            input_tokens=tokens[0], output_tokens=tokens[1], cached_input_tokens=tokens[2], reasoning_tokens=tokens[3]
        ),
        raw={"id": "x"},
    )
    assert from_json(ChatResponse, to_json(response)) == response


def test_requests_and_embeddings_round_trip_through_json() -> None:
    request = ChatRequest(
        model="anthropic/claude-sonnet-4-5",
        messages=[Message(role="system", content="Be brief."), USER],
        tools=[ToolDefinition(name="t")],
        temperature=0.2,
        seed=7,
        max_tokens=100,
        stop=["\n\n"],
        reasoning_budget=2048,
        extra={"top_k": 5},
        sample=3,
    )
    assert from_json(ChatRequest, to_json(request)) == request
    embedding = EmbeddingResponse(model="openai/e", vectors=[[0.5, -1]], usage=Usage(input_tokens=2))
    assert from_json(EmbeddingResponse, to_json(embedding)).vectors == ((0.5, -1.0),)


def test_usage_adds_up() -> None:
    total = Usage(input_tokens=10, output_tokens=2) + Usage(input_tokens=5, output_tokens=1, cached_input_tokens=4)
    assert total == Usage(input_tokens=15, output_tokens=3, cached_input_tokens=4)
    assert total.total_tokens == 18
