"""The ``anthropic`` backend: the official SDK's Messages API.

The SDK's own retries are switched off (``max_retries=0``): the client layer retries, so every
attempt is counted and logged in one place. SDK exceptions become our error types with the
vendor's message (529 "overloaded" is a retryable server error).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from envfactory_core.errors import MissingDependencyError
from envfactory_core.llm import (
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    EndpointConfig,
    LLMUnsupportedError,
)
from envfactory_core.llm.backend import json_object_body, missing_api_key
from envfactory_core.llm.sdk_errors import sdk_errors, vendor_message

from .convert import ThinkingMemory, messages_params, parse_message

__all__ = ["INSTALL_HINT", "AnthropicBackend", "AnthropicConnection", "vendor_message"]

INSTALL_HINT = "pip install 'anthropic>=2,<3'"

T = TypeVar("T")

_MEMORY = ThinkingMemory()
"""Thinking signatures seen by any connection of this process."""


class AnthropicBackend:
    """Anthropic Messages API: tools, tool_use/tool_result blocks, extended thinking."""

    name = "backend"
    kind = "anthropic"
    description = "Anthropic Messages API: chat with tools and extended thinking (no embeddings)."

    def connect(self, endpoint: EndpointConfig) -> AnthropicConnection:
        return AnthropicConnection(endpoint)


class AnthropicConnection:
    """Calls to one Anthropic endpoint through an ``AsyncAnthropic`` client."""

    def __init__(self, endpoint: EndpointConfig, memory: ThinkingMemory | None = None) -> None:
        try:
            import anthropic
        except ImportError as error:
            raise MissingDependencyError(
                "anthropic", INSTALL_HINT, purpose=f"the {endpoint.name!r} LLM endpoint"
            ) from error
        self.anthropic = anthropic
        self.endpoint = endpoint
        self.memory = memory or _MEMORY
        key = endpoint.api_key.reveal() if endpoint.api_key else ""
        if not key and not endpoint.base_url:
            raise missing_api_key(endpoint)
        self.client = anthropic.AsyncAnthropic(
            api_key=key or "not-needed",
            base_url=endpoint.base_url or None,
            max_retries=0,
            timeout=endpoint.timeout,
        )

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        with sdk_errors(
            self.anthropic, self.anthropic.AnthropicError, backend=self.endpoint.name, timeout=self.endpoint.timeout
        ):
            return await call()

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        params = messages_params(request, model, self.endpoint.options, self.memory)
        extra = params.pop("extra_body", None) or {}
        payload = {**params, **extra}

        async def call() -> str:
            # The SDK's documented low-level ``post``: auth, headers, timeouts and error classes
            # from the SDK, the raw JSON body kept exactly as the vendor sent it.
            text: str = await self.client.post("/v1/messages", cast_to=str, body=payload)
            return text

        body = json_object_body(await self._guard(call), backend=self.endpoint.name)
        return parse_message(body, request, backend=self.endpoint.name, memory=self.memory)

    async def embed(self, request: EmbeddingRequest, model: str) -> EmbeddingResponse:
        raise LLMUnsupportedError(
            "Anthropic has no embeddings API; use an embedding model of another endpoint, "
            "e.g. openai/text-embedding-3-small",
            backend=self.endpoint.name,
        )

    async def aclose(self) -> None:
        await self.client.close()
