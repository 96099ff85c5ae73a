"""Tool calls written as text: Hermes ``<tool_call>`` blocks and ``<think>`` reasoning.

Models served raw (a Qwen model behind an OpenAI-compatible server started without a tool
parser) answer with tool calls inside the text::

    <tool_call>
    {"name": "calendar__add_event", "arguments": {"title": "standup", "day": 3}}
    </tool_call>

Qwen3-Coder and Qwen3.5 write the XML variant instead::

    <tool_call>
    <function=calendar__add_event>
    <parameter=title>
    standup
    </parameter>
    </function>
    </tool_call>

:func:`parse_text_tool_calls` reads both, keeps each call's raw text, and turns a block it cannot
read into a call with ``error`` set (so the agent's format mistakes are counted, not hidden).
A final block cut off by the token limit is still read when its JSON is complete.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from ..ids import JsonValue
from .records import LLMToolCall

__all__ = ["format_tool_call", "format_tool_calls", "has_text_tool_calls", "parse_text_tool_calls", "split_reasoning"]

_OPEN = "<tool_call>"
_CLOSE = "</tool_call>"
_BLOCK = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.DOTALL)
_FUNCTION = re.compile(r"^\s*<function=([^>\s]+)>(.*?)(?:</function>\s*)?$", re.DOTALL)
_PARAMETER = re.compile(r"<parameter=([^>\s]+)>\n?(.*?)\n?</parameter>", re.DOTALL)
_NAME_HINT = re.compile(r'"name"\s*:\s*"([^"\\]+)"')


def has_text_tool_calls(text: str) -> bool:
    return _OPEN in text


def _call_id(raw: str, index: int) -> str:
    return f"call_{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:10]}_{index}"


def _parse_json_call(body: str, call_id: str) -> LLMToolCall:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        hint = _NAME_HINT.search(body)
        return LLMToolCall(
            id=call_id,
            name=hint.group(1) if hint else "",
            raw=body,
            error=f"tool call is not valid JSON: {error.msg} at {error.pos}",
        )
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        return LLMToolCall(id=call_id, name="", raw=body, error='tool call must be a JSON object with a string "name"')
    arguments: JsonValue = data.get("arguments", data.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError as error:
            return LLMToolCall(
                id=call_id, name=data["name"], raw=body, error=f"arguments string is not valid JSON: {error.msg}"
            )
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        return LLMToolCall(
            id=call_id,
            name=data["name"],
            raw=body,
            error=f"arguments must be a JSON object, got {type(arguments).__name__}",
        )
    return LLMToolCall(id=call_id, name=data["name"], arguments=arguments, raw=body)


def _xml_value(text: str) -> JsonValue:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _parse_xml_call(body: str, call_id: str) -> LLMToolCall:
    match = _FUNCTION.match(body.strip())
    if match is None:
        return LLMToolCall(id=call_id, name="", raw=body, error="tool call is neither JSON nor <function=NAME> XML")
    name, inner = match.group(1), match.group(2)
    arguments = {key: _xml_value(value) for key, value in _PARAMETER.findall(inner)}
    return LLMToolCall(id=call_id, name=name, arguments=arguments, raw=body)


def parse_text_tool_calls(text: str) -> tuple[str, tuple[LLMToolCall, ...]]:
    """Split ``text`` into what the model said and the tool calls it wrote.

    Returns the text with every ``<tool_call>`` block removed (stripped) and the calls in order.
    Text without blocks comes back unchanged with no calls.
    """
    if _OPEN not in text:
        return text, ()
    calls: list[LLMToolCall] = []
    for index, match in enumerate(_BLOCK.finditer(text)):
        body = match.group(1).strip()
        call_id = _call_id(body, index)
        if body.startswith("<function="):
            calls.append(_parse_xml_call(body, call_id))
        else:
            calls.append(_parse_json_call(body, call_id))
    remaining = _BLOCK.sub("", text).strip()
    return remaining, tuple(calls)


def split_reasoning(text: str) -> tuple[str, str]:
    """``(reasoning, content)``: pull a leading ``<think>…</think>`` block out of ``text``.

    Chat templates that open the think block in the prompt leave only ``</think>`` in the
    output; that form is handled too. Text without a think block has empty reasoning.
    """
    stripped = text.lstrip()
    if "</think>" not in stripped or (stripped.find("<think>") > 0):
        return "", text
    head, _, tail = stripped.partition("</think>")
    if head.startswith("<think>"):
        head = head[len("<think>") :]
    elif "<think>" in head:
        return "", text
    return head.strip(), tail.strip()


def format_tool_call(name: str, arguments: dict[str, JsonValue]) -> str:
    """One call in the Hermes text format (what Qwen chat templates render)."""
    payload = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    return f"{_OPEN}\n{payload}\n{_CLOSE}"


def format_tool_calls(calls: Iterable[tuple[str, dict[str, JsonValue]]]) -> str:
    return "\n".join(format_tool_call(name, arguments) for name, arguments in calls)
