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

llama.cpp's server with its default chat format, and Ollama's raw mode, put the call in a
markdown fence in the content instead (or as the bare content)::

    ```json
    {"name": "calendar__add_event", "arguments": {"title": "standup", "day": 3}}
    ```

:func:`parse_text_tool_calls` reads all three, keeps each call's raw text, and turns a block it
cannot read into a call with ``error`` set (so the agent's format mistakes are counted, not
hidden): a fence or bare answer that *looks* like a call (``"name"`` with ``"arguments"`` or
``"parameters"``) but is not valid JSON is such a call. A final block cut off by the token limit
is still read when its JSON is complete.
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
_FENCED = re.compile(
    r"```[ \t]*(?:json|tool_call|tool_code)?[ \t]*\n(.*?)(?:\n[ \t]*```|\Z)", re.DOTALL | re.IGNORECASE
)
_CALL_LIKE = re.compile(r'"name"\s*:\s*"[^"]*"[\s\S]*"(?:arguments|parameters)"\s*:', re.DOTALL)


def has_text_tool_calls(text: str, *, fenced: bool = False) -> bool:
    """Whether ``text`` holds a Hermes block, or (``fenced``) a fenced or bare JSON call."""
    return _OPEN in text or (fenced and bool(_CALL_LIKE.search(text)))


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


def parse_text_tool_calls(text: str, *, fenced: bool = False) -> tuple[str, tuple[LLMToolCall, ...]]:
    """Split ``text`` into what the model said and the tool calls it wrote.

    Returns the text with every call removed (stripped) and the calls in order: Hermes
    ``<tool_call>`` blocks; else (``fenced``) fenced JSON calls, or the whole answer when it is one
    JSON call (or a list of calls). Text without calls comes back unchanged with no calls.
    """
    if _OPEN in text:
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
    if not fenced or not _CALL_LIKE.search(text):
        return text, ()
    return _fenced_calls(text)


def _json_calls(body: str, start: int) -> list[LLMToolCall]:
    """The calls of one JSON body: an object, or a list of objects, each ``{"name", "arguments"}``."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return [_parse_json_call(body, _call_id(body, start))]  # looks like a call, is not JSON: an error
    items = data if isinstance(data, list) else [data]
    calls = []
    for offset, item in enumerate(items):
        raw = json.dumps(item, ensure_ascii=False)
        calls.append(_parse_json_call(raw, _call_id(raw, start + offset)))
    return calls


def _fenced_calls(text: str) -> tuple[str, tuple[LLMToolCall, ...]]:
    calls: list[LLMToolCall] = []
    kept: list[str] = []
    position = 0
    for match in _FENCED.finditer(text):
        body = match.group(1).strip()
        if not _CALL_LIKE.search(body):
            continue
        kept.append(text[position : match.start()])
        position = match.end()
        calls.extend(_json_calls(body, len(calls)))
    if calls:
        kept.append(text[position:])
        return "".join(kept).strip(), tuple(calls)
    stripped = text.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]":  # the bare answer is the call
        return "", tuple(_json_calls(stripped, 0))
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):  # one call inside prose
        try:
            value, end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if (
            isinstance(value, dict)
            and isinstance(value.get("name"), str)
            and ("arguments" in value or "parameters" in value)
        ):
            raw = text[match.start() : end]
            return (text[: match.start()] + text[end:]).strip(), (_parse_json_call(raw, _call_id(raw, 0)),)
    hint = _CALL_LIKE.search(text)
    assert hint is not None
    raw = text[hint.start() :].strip()
    return text[: hint.start()].strip(), (_parse_json_call("{" + raw, _call_id(raw, 0)),)


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
