"""A scripted LLM backend for tests: queue replies, then inspect every request.

::

    def test_writer(fake_llm):
        fake_llm.reply("Please book the 9am slot.")
        fake_llm.reply(tool_calls=[("calendar__add_event", {"title": "standup", "day": 3})])
        fake_llm.fail("rate_limit", retry_after=2)      # the client retries this one
        client = fake_llm.client()                       # an LLMClient wired to the fake
        response = client.chat_sync(request)             # or: await client.chat(request)
        assert fake_llm.requests[0].messages[-1].content == "..."

Replies are served in order, whatever the model name under ``fake/``; ``respond_with(function)``
computes one from the request. When the queue is empty, ``fake/echo`` answers with the last user
message and any other model raises :class:`~envfactory_core.llm.ScriptExhaustedError` naming the
request, so a test never passes on a reply it did not script.

The fake is also a backend the test kit registers (``testing/fake``, from
:mod:`~envfactory_testing.plugin`, in the test kit's plugin managers): while a script is
*active* (``with fake.activate():``, or the ``fake_llm`` fixture), it routes every ``fake/...``
model id to the script, so code that builds its own :class:`~envfactory_core.llm.LLMClient` from
such a registry (a pipeline stage in a test) talks to the test's script. Usage is estimated (4
characters a token) so cost accounting has something to count; the price table has a price for
``fake/*``.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

import attrs

from envfactory_core.ids import JsonValue, canonical_json
from envfactory_core.llm.client import Budget, LLMClient
from envfactory_core.llm.config import EndpointConfig, LLMSettings
from envfactory_core.llm.errors import (
    LLMAuthenticationError,
    LLMConnectionError,
    LLMContextOverflowError,
    LLMError,
    LLMModelNotFoundError,
    LLMRateLimitError,
    LLMRequestError,
    LLMResponseError,
    LLMServerError,
    LLMTimeoutError,
    ScriptExhaustedError,
)
from envfactory_core.llm.records import (
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    LLMToolCall,
    Usage,
)

__all__ = ["FakeBackend", "ScriptedLLM", "ToolCallSpec", "estimate_tokens"]

ToolCallSpec: TypeAlias = "tuple[str, Mapping[str, JsonValue]] | Mapping[str, Any] | LLMToolCall"
"""A scripted tool call: ``(name, arguments)``, ``{"name": ..., "arguments": ...}`` or an ``LLMToolCall``."""

Responder: TypeAlias = Callable[[ChatRequest], "ChatResponse | str"]

_ERRORS: Mapping[str, Callable[[str, float | None], LLMError]] = {
    "rate_limit": lambda message, retry_after: LLMRateLimitError(message, backend="fake", retry_after=retry_after),
    "server": lambda message, retry_after: LLMServerError(message, backend="fake", status=500, retry_after=retry_after),
    "overloaded": lambda message, retry_after: LLMServerError(
        message, backend="fake", status=503, retry_after=retry_after
    ),
    "timeout": lambda message, _: LLMTimeoutError(message, backend="fake"),
    "connection": lambda message, _: LLMConnectionError(message, backend="fake"),
    "malformed": lambda message, _: LLMResponseError(message, backend="fake"),
    "bad_request": lambda message, _: LLMRequestError(message, backend="fake", status=400),
    "context_overflow": lambda message, _: LLMContextOverflowError(message, backend="fake", status=400),
    "auth": lambda message, _: LLMAuthenticationError(message, backend="fake", status=401),
    "not_found": lambda message, _: LLMModelNotFoundError(message, backend="fake", status=404),
}


def estimate_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: one token per four characters, at least one."""
    return max(1, (len(text) + 3) // 4)


def _prompt_text(request: ChatRequest) -> str:
    parts = [message.content for message in request.messages]
    parts.extend(canonical_json(tool.openai_schema()) for tool in request.tools)
    return "\n".join(parts)


@attrs.frozen(kw_only=True)
class _Step:
    response: Responder | None = None
    error: LLMError | None = None
    delay: float = 0.0


class ScriptedLLM:
    """The scripted fake: a backend (kind ``fake``) and its own connection."""

    name = "fake"
    kind = "fake"
    description = "Scripted fake LLM for tests: queued replies, recorded requests (envfactory_testing)."

    def __init__(self) -> None:
        self.requests: list[ChatRequest] = []
        self.embed_requests: list[EmbeddingRequest] = []
        self.sleeps: list[float] = []
        """Retry waits the clients made by :meth:`client` asked for (they do not really wait)."""
        self._queue: deque[_Step] = deque()
        self._lock = threading.Lock()
        self._calls = 0

    # --- scripting --------------------------------------------------------------------------------

    def reply(
        self,
        text: str = "",
        *,
        tool_calls: Iterable[ToolCallSpec] = (),
        reasoning: str = "",
        finish_reason: str | None = None,
        usage: Usage | None = None,
        delay: float = 0.0,
    ) -> ScriptedLLM:
        """Queue one reply (returns the fake, so calls chain)."""
        calls = tuple(tool_calls)

        def respond(request: ChatRequest) -> ChatResponse:
            return self._response(
                request, text, calls=calls, reasoning=reasoning, finish_reason=finish_reason, usage=usage
            )

        return self._push(_Step(response=respond, delay=delay))

    def replies(self, texts: Iterable[str]) -> ScriptedLLM:
        """Queue several text replies."""
        for text in texts:
            self.reply(text)
        return self

    def respond_with(self, function: Responder, *, delay: float = 0.0) -> ScriptedLLM:
        """Queue a reply computed from the request (return a ``ChatResponse`` or just its text)."""
        return self._push(_Step(response=function, delay=delay))

    def fail(
        self, error: LLMError | str = "server", *, message: str = "", retry_after: float | None = None
    ) -> ScriptedLLM:
        """Queue a failure: an ``LLMError``, or one of ``rate_limit``, ``server`` (500),
        ``overloaded`` (503), ``timeout``, ``connection``, ``malformed``, ``bad_request``,
        ``context_overflow``, ``auth``, ``not_found``."""
        if isinstance(error, str):
            if error not in _ERRORS:
                raise ValueError(f"unknown scripted failure {error!r}; use one of {', '.join(sorted(_ERRORS))}")
            error = _ERRORS[error](message or f"scripted {error} failure", retry_after)
        return self._push(_Step(error=error))

    def _push(self, step: _Step) -> ScriptedLLM:
        with self._lock:
            self._queue.append(step)
        return self

    @property
    def pending(self) -> int:
        """Queued steps not yet used."""
        return len(self._queue)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.embed_requests.clear()
            self.sleeps.clear()

    # --- the backend contract ---------------------------------------------------------------------

    def connect(self, endpoint: EndpointConfig) -> ScriptedLLM:
        return self

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        with self._lock:
            self.requests.append(request)
            step = self._queue.popleft() if self._queue else None
        if step is None:
            if model == "echo":
                last = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
                return self._response(request, last)
            raise ScriptExhaustedError(
                f"no scripted reply left for request #{len(self.requests)} (model {request.model!r}, last message "
                f"{request.messages[-1].content[:80]!r}); queue one with fake_llm.reply(...)",
                backend="fake",
            )
        if step.delay:
            await asyncio.sleep(step.delay)
        if step.error is not None:
            raise step.error
        assert step.response is not None
        result = step.response(request)
        if isinstance(result, str):
            return self._response(request, result)
        return result

    async def embed(self, request: EmbeddingRequest, model: str) -> EmbeddingResponse:
        with self._lock:
            self.embed_requests.append(request)
        size = request.dimensions or 8
        vectors = []
        for text in request.inputs:
            seed = hashlib.sha256(f"{model}\0{text}".encode()).digest()
            while len(seed) < size:
                seed += hashlib.sha256(seed).digest()
            vectors.append(tuple((byte - 127.5) / 127.5 for byte in seed[:size]))
        tokens = sum(estimate_tokens(text) for text in request.inputs)
        return EmbeddingResponse(model=request.model, vectors=vectors, usage=Usage(input_tokens=tokens))

    async def aclose(self) -> None:
        return None

    # --- helpers ----------------------------------------------------------------------------------

    def _response(
        self,
        request: ChatRequest,
        text: str,
        *,
        calls: Sequence[ToolCallSpec] = (),
        reasoning: str = "",
        finish_reason: str | None = None,
        usage: Usage | None = None,
    ) -> ChatResponse:
        tool_calls = tuple(self._tool_call(spec) for spec in calls)
        output = text + reasoning + "".join(call.raw for call in tool_calls)
        return ChatResponse(
            model=request.model,
            text=text,
            tool_calls=tool_calls,
            reasoning=reasoning,
            finish_reason=finish_reason or ("tool_calls" if tool_calls else "stop"),
            usage=usage
            or Usage(
                input_tokens=estimate_tokens(_prompt_text(request)),
                output_tokens=estimate_tokens(output),
                reasoning_tokens=estimate_tokens(reasoning) if reasoning else 0,
            ),
            served_model=request.model.partition("/")[2],
            raw={"scripted": True},
        )

    def _tool_call(self, spec: ToolCallSpec) -> LLMToolCall:
        with self._lock:
            self._calls += 1
            number = self._calls
        if isinstance(spec, LLMToolCall):
            return spec
        if isinstance(spec, tuple):
            name, arguments = spec
            return LLMToolCall(id=f"call_{number}", name=name, arguments=dict(arguments), raw=canonical_json(arguments))
        arguments = dict(spec.get("arguments", {}))
        return LLMToolCall(
            id=str(spec.get("id", f"call_{number}")),
            name=str(spec["name"]),
            arguments=arguments,
            raw=canonical_json(arguments),
        )

    async def _no_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(
        self,
        *,
        store: Any = None,
        cache: bool = True,
        max_cost: float | None = None,
        max_calls: int | None = None,
        concurrency: int = 8,
        max_retries: int = 4,
        real_sleep: bool = False,
    ) -> LLMClient:
        """An :class:`LLMClient` that sends ``fake/...`` models here (other prefixes fail).

        Retry waits are recorded in :attr:`sleeps` instead of slept, unless ``real_sleep``.
        """
        return LLMClient(
            settings=LLMSettings(environ={}),
            backends={"fake": self},
            store=store,
            cache=cache,
            budget=Budget(max_cost=max_cost, max_calls=max_calls),
            concurrency=concurrency,
            max_retries=max_retries,
            sleep=None if real_sleep else self._no_sleep,
        )

    @contextmanager
    def activate(self) -> Iterator[ScriptedLLM]:
        """Route ``fake/...`` models of registry-built clients to this script inside the block."""
        _ACTIVE.append(self)
        try:
            yield self
        finally:
            _ACTIVE.remove(self)


_ACTIVE: list[ScriptedLLM] = []


class _ActiveScript:
    """The connection the registered backend hands out: the script active at call time."""

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        if _ACTIVE:
            return await _ACTIVE[-1].chat(request, model)
        if model == "echo":
            return await ScriptedLLM().chat(request, model)
        raise ScriptExhaustedError(
            f"no scripted fake is active for {request.model!r}; use the fake_llm fixture or "
            "`with ScriptedLLM().activate():` (fake/echo works without one)",
            backend="fake",
        )

    async def embed(self, request: EmbeddingRequest, model: str) -> EmbeddingResponse:
        return await (_ACTIVE[-1] if _ACTIVE else ScriptedLLM()).embed(request, model)

    async def aclose(self) -> None:
        return None


class FakeBackend:
    """Scripted fake models ``fake/...``, a test double (``fake/echo`` repeats the user)."""

    name = "fake"
    kind = "fake"
    description = "Test double: scripted fake models; fake/echo repeats the last user message."
    needs_api_key = False

    def connect(self, endpoint: EndpointConfig) -> _ActiveScript:
        return _ActiveScript()
