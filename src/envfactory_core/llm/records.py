"""The records a chat or embedding call exchanges.

Requests carry conversation history as the core :class:`~envfactory_core.models.Message` records
(the same ones trajectories store), so a stage appends a response's :meth:`ChatResponse.message`
to its history and sends it back without conversion. What only the LLM layer needs (tool
definitions, usage, a tool call whose arguments may not parse) lives here.

Every record turns into canonical JSON with :func:`envfactory_core.serialize.to_json`; the cache
key of a request is the content id of that JSON.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..ids import JsonValue
from ..models import Message, MessageToolCall, ToolSpec
from ..models._validators import json_object, to_tuple

__all__ = [
    "FINISH_REASONS",
    "TOOL_CHOICES",
    "ChatRequest",
    "ChatResponse",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "LLMToolCall",
    "ToolDefinition",
    "Usage",
]

TOOL_CHOICES = ("auto", "none", "required")
"""``tool_choice`` values besides a tool's name (which forces that tool)."""

FINISH_REASONS = ("stop", "tool_calls", "length", "content_filter", "other")
"""Why generation ended, in one vocabulary across vendors."""

_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _tool_name(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not _TOOL_NAME.match(value):
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be 1-64 letters, digits, '_' or '-' "
            f"(what every provider accepts), got {value!r}"
        )


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be >= 0, got {value!r}")


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be > 0, got {value!r}")


@attrs.frozen(kw_only=True)
class ToolDefinition:
    """A tool as the model sees it: name, description and a JSON Schema for its arguments."""

    name: str = attrs.field(validator=_tool_name)
    description: str = ""
    parameters: dict[str, JsonValue] = attrs.field(
        factory=lambda: {"type": "object", "properties": {}}, validator=json_object, hash=False
    )

    @classmethod
    def from_spec(cls, spec: ToolSpec, *, name: str | None = None) -> ToolDefinition:
        """The definition of an environment tool (``name`` overrides, e.g. a qualified ``env__tool``)."""
        return cls(name=name or spec.name, description=spec.description, parameters=spec.input_schema)

    def openai_schema(self) -> dict[str, JsonValue]:
        """The ``{"type": "function", "function": {...}}`` shape OpenAI and chat templates use."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


@attrs.frozen(kw_only=True)
class ChatRequest:
    """One chat call, complete: the cache key is derived from every field.

    ``model`` is a full model id ``backend/model``. ``tool_choice`` is ``auto``, ``none``,
    ``required`` or the name of one tool to force. ``reasoning_budget`` asks for that many
    thinking tokens (Anthropic extended thinking); ``reasoning_effort`` is OpenAI's ``low`` /
    ``medium`` / ``high``. ``json_mode`` asks for a JSON object where the provider supports it.
    ``extra`` is passed to the vendor request unchanged (provider-specific parameters).

    ``sample`` is never sent: it distinguishes otherwise identical requests, so k parallel
    attempts of the same prompt (pass@k) get k different cached responses instead of one.
    """

    model: str = attrs.field(validator=attrs.validators.instance_of(str))
    messages: tuple[Message, ...] = attrs.field(converter=to_tuple)
    tools: tuple[ToolDefinition, ...] = attrs.field(default=(), converter=to_tuple)
    tool_choice: str = "auto"
    temperature: float | None = attrs.field(default=None, validator=_non_negative)
    top_p: float | None = attrs.field(default=None, validator=_non_negative)
    seed: int | None = None
    max_tokens: int | None = attrs.field(default=None, validator=_positive)
    stop: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    reasoning_budget: int | None = attrs.field(default=None, validator=_positive)
    reasoning_effort: str = ""
    json_mode: bool = False
    extra: dict[str, JsonValue] = attrs.field(factory=dict, validator=json_object, hash=False)
    sample: int = 0

    def __attrs_post_init__(self) -> None:
        if "/" not in self.model:
            raise ValueError(
                "ChatRequest.model must be a full model id 'backend/model' (e.g. 'openai/gpt-4.1-mini'), "
                f"got {self.model!r}"
            )
        if not self.messages:
            raise ValueError("ChatRequest.messages must hold at least one message")
        names = [tool.name for tool in self.tools]
        if len(set(names)) != len(names):
            raise ValueError(f"ChatRequest.tools names a tool twice: {sorted(n for n in names if names.count(n) > 1)}")
        if self.tool_choice not in TOOL_CHOICES and self.tool_choice not in names:
            raise ValueError(
                f"ChatRequest.tool_choice must be one of {', '.join(TOOL_CHOICES)} or the name of a tool "
                f"in tools, got {self.tool_choice!r}"
            )
        if self.reasoning_effort not in ("", "minimal", "low", "medium", "high"):
            raise ValueError(
                "ChatRequest.reasoning_effort must be '', 'minimal', 'low', 'medium' or 'high', "
                f"got {self.reasoning_effort!r}"
            )


@attrs.frozen(kw_only=True)
class LLMToolCall:
    """A tool call as the model made it: parsed arguments, plus exactly what it wrote.

    ``raw`` keeps the arguments text (or the whole text block for calls written as text), so a
    call whose arguments are not a JSON object is kept with ``error`` saying why, instead of
    being dropped; rewards count such calls as format errors.
    """

    id: str
    name: str
    arguments: dict[str, JsonValue] = attrs.field(factory=dict, validator=json_object, hash=False)
    raw: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def message_tool_call(self) -> MessageToolCall:
        """The core record a trajectory stores (arguments as an object; empty when unparsable)."""
        return MessageToolCall(id=self.id, name=self.name, arguments=self.arguments)


@attrs.frozen(kw_only=True)
class Usage:
    """Tokens one call used. ``input_tokens`` includes ``cached_input_tokens``; ``output_tokens``
    includes ``reasoning_tokens``."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
        )


@attrs.frozen(kw_only=True)
class ChatResponse:
    """What the model answered, in one shape for every vendor.

    ``reasoning`` is the thinking text when the model gives it (``reasoning_content``,
    ``<think>`` blocks, Anthropic thinking blocks); ``reasoning_signature`` is the opaque token
    Anthropic needs to accept that thinking back. ``raw`` is the vendor's response body as JSON,
    kept for the call log. ``cached`` is true when the client served it from the cache.
    """

    model: str
    text: str = ""
    tool_calls: tuple[LLMToolCall, ...] = attrs.field(default=(), converter=to_tuple)
    reasoning: str = ""
    reasoning_signature: str = ""
    finish_reason: str = attrs.field(default="stop", validator=attrs.validators.in_(FINISH_REASONS))
    usage: Usage = attrs.field(factory=Usage)
    served_model: str = ""
    raw: dict[str, JsonValue] = attrs.field(factory=dict, validator=json_object, hash=False, eq=False)
    cached: bool = attrs.field(default=False, eq=False)

    @property
    def format_errors(self) -> int:
        """How many tool calls could not be parsed."""
        return sum(1 for call in self.tool_calls if not call.ok)

    def message(self) -> Message:
        """The assistant message to append to the conversation (and to store in a trajectory)."""
        return Message(
            role="assistant",
            content=self.text,
            tool_calls=tuple(call.message_tool_call() for call in self.tool_calls),
            reasoning=self.reasoning,
        )


def _vectors(rows: Any) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(x) for x in row) for row in rows)


@attrs.frozen(kw_only=True)
class EmbeddingRequest:
    """Texts to embed with one model; ``dimensions`` asks for shortened vectors where supported."""

    model: str
    inputs: tuple[str, ...] = attrs.field(converter=to_tuple)
    dimensions: int | None = attrs.field(default=None, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if "/" not in self.model:
            raise ValueError(f"EmbeddingRequest.model must be a full model id 'backend/model', got {self.model!r}")
        if not self.inputs:
            raise ValueError("EmbeddingRequest.inputs must hold at least one text")


@attrs.frozen(kw_only=True)
class EmbeddingResponse:
    """One vector per input text, in input order."""

    model: str
    vectors: tuple[tuple[float, ...], ...] = attrs.field(converter=_vectors)
    usage: Usage = attrs.field(factory=Usage)
    cached: bool = attrs.field(default=False, eq=False)
