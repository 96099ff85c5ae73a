"""Our records to the Messages API wire format and back (no SDK, no I/O: pure functions).

The Messages API differs from the chat shape our records use: system text is a parameter, tool
results are ``tool_result`` blocks inside a *user* turn, roles must alternate (consecutive turns
of one role are merged), and ``max_tokens`` is required.

Endpoint options (keys of ``[backends.NAME]`` besides the standard ones):

``default_max_tokens``
    ``max_tokens`` for requests that set none (default 4096).
``send_sampling``
    ``true`` sends ``temperature`` and ``top_p`` (as extra body fields) for models that still
    accept them. Off by default: the current Messages API has no sampling parameters, so they
    are dropped; ``seed`` and ``json_mode`` have no Anthropic equivalent either.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from envfactory_core.ids import JsonValue
from envfactory_core.llm import ChatRequest, ChatResponse, LLMRequestError, LLMResponseError, LLMToolCall, Usage

__all__ = ["DEFAULT_MAX_TOKENS", "ThinkingMemory", "messages_params", "parse_message"]

DEFAULT_MAX_TOKENS = 4096

_STOP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}

_TOOL_CHOICE = {"auto": "auto", "required": "any", "none": "none"}
"""Our ``tool_choice`` values to the Messages API's ``tool_choice.type`` (any other value names a tool)."""


class ThinkingMemory:
    """Signatures of thinking blocks seen in responses, by thinking text (bounded, thread-safe)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, thinking: str, signature: str) -> None:
        if not thinking or not signature:
            return
        with self._lock:
            self._items[thinking] = signature
            self._items.move_to_end(thinking)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def signature(self, thinking: str) -> str:
        with self._lock:
            return self._items.get(thinking, "")


def _append(turns: list[dict[str, Any]], role: str, blocks: list[dict[str, Any]]) -> None:
    if not blocks:
        return
    if turns and turns[-1]["role"] == role:
        turns[-1]["content"].extend(blocks)
    else:
        turns.append({"role": role, "content": blocks})


def messages_params(
    request: ChatRequest, model: str, options: Mapping[str, JsonValue], memory: ThinkingMemory | None = None
) -> dict[str, Any]:
    """Keyword arguments for ``client.messages.create``."""
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in request.messages:
        if message.role == "system":
            system.append(message.content)
        elif message.role == "user":
            _append(turns, "user", [{"type": "text", "text": message.content}] if message.content else [])
        elif message.role == "tool":
            _append(
                turns,
                "user",
                [{"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.content}],
            )
        else:
            blocks: list[dict[str, Any]] = []
            signature = memory.signature(message.reasoning) if memory and message.reasoning else ""
            if signature:
                blocks.append({"type": "thinking", "thinking": message.reasoning, "signature": signature})
            if message.content:
                blocks.append({"type": "text", "text": message.content})
            blocks.extend(
                {"type": "tool_use", "id": call.id, "name": call.name, "input": dict(call.arguments)}
                for call in message.tool_calls
            )
            _append(turns, "assistant", blocks)
    default_max = int(options.get("default_max_tokens", DEFAULT_MAX_TOKENS))
    max_tokens = request.max_tokens or default_max
    params: dict[str, Any] = {"model": model, "messages": turns, "max_tokens": max_tokens}
    if system:
        params["system"] = "\n\n".join(system)
    if request.tools:
        params["tools"] = [
            {"name": tool.name, "description": tool.description, "input_schema": tool.parameters}
            for tool in request.tools
        ]
        choice = request.tool_choice
        kind = _TOOL_CHOICE.get(choice)
        params["tool_choice"] = {"type": kind} if kind else {"type": "tool", "name": choice}
    if request.reasoning_budget is not None:
        if request.max_tokens is not None and request.max_tokens <= request.reasoning_budget:
            raise LLMRequestError(
                f"max_tokens ({request.max_tokens}) must exceed reasoning_budget ({request.reasoning_budget}): "
                "Anthropic counts thinking inside max_tokens",
                backend="anthropic",
            )
        params["thinking"] = {"type": "enabled", "budget_tokens": request.reasoning_budget}
        if request.max_tokens is None:
            params["max_tokens"] = request.reasoning_budget + default_max
    if request.reasoning_effort:
        effort = "low" if request.reasoning_effort == "minimal" else request.reasoning_effort
        params["output_config"] = {"effort": effort}
    if request.stop:
        params["stop_sequences"] = list(request.stop)
    extra: dict[str, Any] = {}
    if options.get("send_sampling", False):
        if request.temperature is not None:
            extra["temperature"] = request.temperature
        if request.top_p is not None:
            extra["top_p"] = request.top_p
    extra.update(request.extra)
    if extra:
        params["extra_body"] = extra
    return params


def parse_message(
    body: Mapping[str, Any], request: ChatRequest, *, backend: str, memory: ThinkingMemory | None = None
) -> ChatResponse:
    """A Messages API response body (as JSON) into a :class:`ChatResponse`."""
    content = body.get("content")
    if not isinstance(content, list):
        snippet = json.dumps(body)[:200]
        raise LLMResponseError(f"the response has no content blocks (not a message): {snippet}", backend=backend)
    texts: list[str] = []
    thoughts: list[str] = []
    signature = ""
    calls: list[LLMToolCall] = []
    for block in content:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(str(block.get("text", "")))
        elif kind == "thinking":
            thoughts.append(str(block.get("thinking", "")))
            signature = str(block.get("signature", "")) or signature
        elif kind == "tool_use":
            arguments = block.get("input")
            raw = json.dumps(arguments, ensure_ascii=False)
            call_id, name = str(block.get("id", "")), str(block.get("name", ""))
            if isinstance(arguments, dict):
                calls.append(LLMToolCall(id=call_id, name=name, arguments=arguments, raw=raw))
            else:
                calls.append(LLMToolCall(id=call_id, name=name, raw=raw, error="tool_use input must be a JSON object"))
    reasoning = "\n\n".join(thoughts)
    if memory is not None and reasoning and signature:
        memory.remember(reasoning, signature)
    usage = body.get("usage") or {}
    cache_read = int(usage.get("cache_read_input_tokens") or 0)
    cache_write = int(usage.get("cache_creation_input_tokens") or 0)
    finish = _STOP.get(str(body.get("stop_reason")), "other")
    return ChatResponse(
        model=request.model,
        text="".join(texts),
        tool_calls=tuple(calls),
        reasoning=reasoning,
        reasoning_signature=signature,
        finish_reason=finish,
        usage=Usage(
            input_tokens=int(usage.get("input_tokens") or 0) + cache_read + cache_write,
            output_tokens=int(usage.get("output_tokens") or 0),
            cached_input_tokens=cache_read,
        ),
        served_model=str(body.get("model") or ""),
        raw=dict(body),
    )
