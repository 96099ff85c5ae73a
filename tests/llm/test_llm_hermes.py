"""Hermes ``<tool_call>`` text: what raw Qwen servers return instead of native tool calls."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core.llm import format_tool_calls, parse_text_tool_calls, split_reasoning


def test_text_without_blocks_is_unchanged() -> None:
    assert parse_text_tool_calls("Just an answer.") == ("Just an answer.", ())


def test_json_blocks_are_parsed_in_order_and_removed_from_the_text() -> None:
    text = (
        'Let me check.\n<tool_call>\n{"name": "search", "arguments": {"q": "flights"}}\n</tool_call>\n'
        '<tool_call>\n{"name": "book", "arguments": "{\\"id\\": 7}"}\n</tool_call>'
    )
    remaining, calls = parse_text_tool_calls(text)
    assert remaining == "Let me check."
    assert [(call.name, call.arguments, call.ok) for call in calls] == [
        ("search", {"q": "flights"}, True),
        ("book", {"id": 7}, True),
    ]
    assert calls[0].raw == '{"name": "search", "arguments": {"q": "flights"}}'
    assert calls[0].id != calls[1].id


def test_a_block_cut_off_by_the_token_limit_is_still_read() -> None:
    _, calls = parse_text_tool_calls('<tool_call>\n{"name": "search", "arguments": {"q": "x"}}')
    assert [(call.name, call.arguments) for call in calls] == [("search", {"q": "x"})]


def test_unreadable_blocks_are_kept_as_calls_with_an_error() -> None:
    _, calls = parse_text_tool_calls('<tool_call>{"name": "search", "arguments": {"q": </tool_call>')
    (call,) = calls
    assert not call.ok
    assert call.name == "search"
    assert "not valid JSON" in call.error
    assert call.raw == '{"name": "search", "arguments": {"q":'
    _, calls = parse_text_tool_calls('<tool_call>{"name": "search", "arguments": [1, 2]}</tool_call>')
    assert "must be a JSON object" in calls[0].error
    _, calls = parse_text_tool_calls("<tool_call>[1]</tool_call>")
    assert 'string "name"' in calls[0].error


def test_the_qwen3_coder_xml_variant_is_read() -> None:
    text = (
        "<tool_call>\n<function=book_table>\n<parameter=party>\n2\n</parameter>\n"
        "<parameter=name>\nAda Lovelace\n</parameter>\n</function>\n</tool_call>"
    )
    _, calls = parse_text_tool_calls(text)
    assert [(call.name, call.arguments) for call in calls] == [("book_table", {"party": 2, "name": "Ada Lovelace"})]


def test_think_blocks_are_split_from_the_answer() -> None:
    assert split_reasoning("<think>\nplan it\n</think>\n\nDone.") == ("plan it", "Done.")
    assert split_reasoning("plan it</think>Done.") == ("plan it", "Done.")
    assert split_reasoning("No thinking here.") == ("", "No thinking here.")
    assert split_reasoning("Answer first <think>x</think>") == ("", "Answer first <think>x</think>")


names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,20}", fullmatch=True)
scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=15)
arguments = st.dictionaries(st.text(min_size=1, max_size=8), scalars | st.lists(scalars, max_size=3), max_size=4)


@settings(max_examples=80, deadline=None)
@given(calls=st.lists(st.tuples(names, arguments), min_size=1, max_size=4), prefix=st.text(max_size=30))
def test_formatted_calls_parse_back_to_the_same_calls(calls: list[tuple[str, dict[str, object]]], prefix: str) -> None:
    prefix = prefix.replace("<tool_call>", "")
    remaining, parsed = parse_text_tool_calls(prefix + "\n" + format_tool_calls(calls))
    assert [(call.name, call.arguments) for call in parsed] == calls
    assert all(call.ok for call in parsed)
    assert remaining == prefix.strip()


def test_fenced_and_bare_json_calls_are_read_when_asked_for() -> None:
    fenced = 'Searching.\n```json\n{"name": "rail__search", "arguments": {"query": "Leeds"}}\n```'
    assert parse_text_tool_calls(fenced) == (fenced, ()), "off by default: other callers see text"
    text, (call,) = parse_text_tool_calls(fenced, fenced=True)
    assert (text, call.name, call.arguments, call.ok) == ("Searching.", "rail__search", {"query": "Leeds"}, True)
    _, (bare,) = parse_text_tool_calls('{"name": "rail__search", "parameters": {"query": "York"}}', fenced=True)
    assert (bare.name, bare.arguments) == ("rail__search", {"query": "York"})
    _, listed = parse_text_tool_calls(
        '[{"name": "a__b", "arguments": {}}, {"name": "a__c", "arguments": {}}]', fenced=True
    )
    assert [call.name for call in listed] == ["a__b", "a__c"]


def test_a_fenced_call_that_does_not_parse_is_a_call_with_an_error() -> None:
    _, (call,) = parse_text_tool_calls('```json\n{"name": "rail__search", "arguments": {"query": \n```', fenced=True)
    assert call.name == "rail__search"
    assert not call.ok
    assert "not valid JSON" in call.error


def test_json_that_is_not_a_call_stays_text() -> None:
    text = '```json\n{"city": "Leeds", "name": "Maya"}\n```'
    assert parse_text_tool_calls(text, fenced=True) == (text, ())
