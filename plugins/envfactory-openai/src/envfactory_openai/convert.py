"""Our records to the chat-completions wire format and back (no SDK, no I/O: pure functions).

Endpoint options (keys of ``[backends.NAME]`` besides the standard ones):

``tool_call_format``
    ``auto`` (default): native ``tool_calls``, else Hermes ``<tool_call>`` blocks in the text;
    ``native``: never read calls from text; ``hermes``: always read text blocks too.
``max_tokens_param``
    ``max_completion_tokens`` (default on api.openai.com) or ``max_tokens`` (default elsewhere:
    what most OpenAI-compatible servers accept).
``send_reasoning``
    ``true`` sends earlier turns' reasoning back as ``reasoning_content`` (servers that want it);
    off by default, since most reject or ignore it.
``null_content``
    ``true`` sends an assistant message without text as ``"content": null`` (valid in the OpenAI
    format); off by default: an empty string is accepted everywhere, while llama.cpp's server
    answers HTTP 500 to ``null``.

With ``tool_call_format = "auto"`` a reply to a request with tools is read for calls written as
text too: Hermes ``<tool_call>`` blocks (Qwen served raw, vLLM/SGLang without a tool parser) and
fenced or bare ``{"name", "arguments"}`` JSON (llama.cpp's default chat format, Ollama raw).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from envfactory_core.ids import JsonValue
from envfactory_core.llm import (
    ChatRequest,
    ChatResponse,
    LLMResponseError,
    LLMToolCall,
    Usage,
    parse_text_tool_calls,
    split_reasoning,
)
from envfactory_core.models import Message

__all__ = ["chat_params", "message_params", "parse_chat_completion", "parse_embeddings"]

_FINISH = {"stop": "stop", "tool_calls": "tool_calls", "function_call": "tool_calls", "length": "length"}


def message_params(message: Message, *, send_reasoning: bool = False, null_content: bool = False) -> dict[str, Any]:
    """One core message in the OpenAI shape (tool-call arguments as a JSON string)."""
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    if message.role != "assistant":
        return {"role": message.role, "content": message.content}
    data: dict[str, Any] = {"role": "assistant", "content": message.content or (None if null_content else "")}
    if message.tool_calls:
        data["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments, ensure_ascii=False)},
            }
            for call in message.tool_calls
        ]
    if send_reasoning and message.reasoning:
        data["reasoning_content"] = message.reasoning
    return data


def chat_params(
    request: ChatRequest, model: str, options: Mapping[str, JsonValue], *, official: bool
) -> dict[str, Any]:
    """Keyword arguments for ``client.chat.completions.create``."""
    send_reasoning = bool(options.get("send_reasoning", False))
    null_content = bool(options.get("null_content", False))
    params: dict[str, Any] = {
        "model": model,
        "messages": [
            message_params(message, send_reasoning=send_reasoning, null_content=null_content)
            for message in request.messages
        ],
    }
    if request.tools:
        params["tools"] = [tool.openai_schema() for tool in request.tools]
        if request.tool_choice in ("auto", "none", "required"):
            params["tool_choice"] = request.tool_choice
        else:
            params["tool_choice"] = {"type": "function", "function": {"name": request.tool_choice}}
    if request.temperature is not None:
        params["temperature"] = request.temperature
    if request.top_p is not None:
        params["top_p"] = request.top_p
    if request.seed is not None:
        params["seed"] = request.seed
    if request.max_tokens is not None:
        default_param = "max_completion_tokens" if official else "max_tokens"
        params[str(options.get("max_tokens_param", default_param))] = request.max_tokens
    if request.stop:
        params["stop"] = list(request.stop)
    if request.reasoning_effort:
        params["reasoning_effort"] = request.reasoning_effort
    if request.json_mode:
        params["response_format"] = {"type": "json_object"}
    if request.extra:
        params["extra_body"] = dict(request.extra)
    return params


def _tool_call(data: Mapping[str, Any]) -> LLMToolCall:
    function = data.get("function") or {}
    name = str(function.get("name") or "")
    raw = function.get("arguments")
    call_id = str(data.get("id") or "")
    if isinstance(raw, dict):  # some servers send an object instead of a string
        return LLMToolCall(id=call_id, name=name, arguments=raw, raw=json.dumps(raw, ensure_ascii=False))
    text = raw if isinstance(raw, str) else ""
    try:
        arguments = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        return LLMToolCall(id=call_id, name=name, raw=text, error=f"arguments are not valid JSON: {error.msg}")
    if not isinstance(arguments, dict):
        return LLMToolCall(
            id=call_id, name=name, raw=text, error=f"arguments must be a JSON object, got {type(arguments).__name__}"
        )
    return LLMToolCall(id=call_id, name=name, arguments=arguments, raw=text)


def parse_chat_completion(
    body: Mapping[str, Any], request: ChatRequest, options: Mapping[str, JsonValue], *, backend: str
) -> ChatResponse:
    """A chat-completions response body (as JSON) into a :class:`ChatResponse`."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        snippet = json.dumps(body)[:200]
        raise LLMResponseError(f"the response has no choices (not a chat completion): {snippet}", backend=backend)
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise LLMResponseError("the response's first choice has no message", backend=backend)
    content = message.get("content") or ""
    if not isinstance(content, str):
        raise LLMResponseError(f"message content must be a string, got {type(content).__name__}", backend=backend)
    reasoning = message.get("reasoning_content") or message.get("reasoning") or ""
    if not isinstance(reasoning, str):
        reasoning = ""
    if "</think>" in content:
        thought, content = split_reasoning(content)
        reasoning = reasoning or thought
    calls = tuple(_tool_call(call) for call in message.get("tool_calls") or () if isinstance(call, dict))
    text_format = str(options.get("tool_call_format", "auto"))
    if text_format == "hermes" or (text_format == "auto" and not calls):
        content, text_calls = parse_text_tool_calls(content, fenced=bool(request.tools))
        calls = calls + text_calls
    finish = _FINISH.get(str(choice.get("finish_reason")), "other")
    if choice.get("finish_reason") == "content_filter":
        finish = "content_filter"
    if calls and finish == "stop":
        finish = "tool_calls"
    usage = body.get("usage") or {}
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    return ChatResponse(
        model=request.model,
        text=content,
        tool_calls=calls,
        reasoning=reasoning,
        finish_reason=finish,
        usage=Usage(
            input_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
            cached_input_tokens=int(prompt_details.get("cached_tokens") or 0),
            reasoning_tokens=int(completion_details.get("reasoning_tokens") or 0),
        ),
        served_model=str(body.get("model") or ""),
        raw=dict(body),
    )


def parse_embeddings(body: Mapping[str, Any], count: int, *, backend: str) -> tuple[list[list[float]], Usage]:
    """Vectors in input order, and the usage, from an embeddings response body."""
    data = body.get("data")
    if not isinstance(data, list) or len(data) != count:
        got = len(data) if isinstance(data, list) else "no"
        raise LLMResponseError(f"expected {count} embeddings, the response has {got}", backend=backend)
    rows = sorted(data, key=lambda item: int(item.get("index", 0)))
    vectors = []
    for row in rows:
        vector = row.get("embedding")
        if not isinstance(vector, list):
            raise LLMResponseError("an embedding is not a list of numbers (base64 is not requested)", backend=backend)
        vectors.append([float(x) for x in vector])
    usage = body.get("usage") or {}
    return vectors, Usage(input_tokens=int(usage.get("prompt_tokens") or 0))
