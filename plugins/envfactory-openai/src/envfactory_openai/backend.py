"""The ``openai`` backend: the official SDK, any OpenAI-compatible base URL.

The SDK's own retries are switched off (``max_retries=0``): the client layer retries, so every
attempt is counted and logged in one place. SDK exceptions become our error types with the
vendor's message; a body that is not JSON or not a chat completion is an ``LLMResponseError``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from envfactory_core.errors import MissingDependencyError
from envfactory_core.llm import (
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    EndpointConfig,
    LLMAuthenticationError,
    LLMRequestError,
    LLMResponseError,
)
from envfactory_core.llm.sdk_errors import sdk_errors, vendor_message

from .convert import chat_params, parse_chat_completion, parse_embeddings

__all__ = ["INSTALL_HINT", "OpenAIBackend", "OpenAIConnection", "vendor_message"]

INSTALL_HINT = "pip install 'openai>=3,<4'"
AIOHTTP_HINT = "pip install 'openai[aiohttp]>=3,<4'"
OFFICIAL_HOST = "api.openai.com"
CONNECTIONS_PER_CLIENT = 16

T = TypeVar("T")


def http_transport(openai: Any, endpoint: EndpointConfig) -> str:
    """``aiohttp`` (the SDK's faster transport at high concurrency) when installed, else ``httpx``.

    The endpoint option ``http_transport`` (``auto``, ``aiohttp``, ``httpx``) overrides the choice.
    """
    wanted = str(endpoint.options.get("http_transport", "auto"))
    if wanted not in ("auto", "aiohttp", "httpx"):
        raise LLMRequestError(
            f"endpoint {endpoint.name!r}: http_transport must be 'auto', 'aiohttp' or 'httpx', got {wanted!r}",
            backend=endpoint.name,
        )
    if wanted == "httpx":
        return "httpx"
    try:
        import aiohttp  # noqa: F401
    except ImportError as error:
        if wanted == "aiohttp":
            raise MissingDependencyError("aiohttp", AIOHTTP_HINT, purpose="http_transport = 'aiohttp'") from error
        return "httpx"
    return "aiohttp"


class OpenAIBackend:
    """OpenAI chat completions with tools, and embeddings, for api.openai.com or any compatible server."""

    name = "backend"
    kind = "openai"
    description = (
        "OpenAI and OpenAI-compatible servers (vLLM, SGLang, llama.cpp, DeepSeek): chat with tools, embeddings."
    )

    def connect(self, endpoint: EndpointConfig) -> OpenAIConnection:
        return OpenAIConnection(endpoint)


class OpenAIConnection:
    """Calls to one OpenAI-compatible endpoint through an ``AsyncOpenAI`` client."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        try:
            import openai
        except ImportError as error:
            raise MissingDependencyError(
                "openai", INSTALL_HINT, purpose=f"the {endpoint.name!r} LLM endpoint"
            ) from error
        self.openai = openai
        self.endpoint = endpoint
        self.official = not endpoint.base_url or OFFICIAL_HOST in endpoint.base_url
        key = endpoint.api_key.reveal() if endpoint.api_key else ""
        if not key and self.official:
            raise LLMAuthenticationError(
                f"no API key for endpoint {endpoint.name!r}: set {endpoint.name.upper()}_API_KEY, or api_key_env "
                f"in [backends.{endpoint.name}] of the LLM configuration file",
                backend=endpoint.name,
            )
        self.transport = http_transport(openai, endpoint)
        # With the default httpx2 transport, one SDK client per CONNECTIONS_PER_CLIENT concurrent
        # calls: its connection pool checks every pooled connection on each request, so several
        # small pools cost less CPU than one large pool at high concurrency. aiohttp needs no such
        # help (see docs/performance.md, "LLM client").
        shards = 1 if self.transport == "aiohttp" else max(1, -(-(endpoint.concurrency or 1) // CONNECTIONS_PER_CLIENT))
        self.clients = [
            openai.AsyncOpenAI(
                api_key=key or "not-needed",
                base_url=endpoint.base_url or None,
                max_retries=0,
                timeout=endpoint.timeout,
                http_client=openai.DefaultAioHttpClient(timeout=endpoint.timeout)
                if self.transport == "aiohttp"
                else None,
            )
            for _ in range(shards)
        ]
        self.client = self.clients[0]
        self._next = itertools.cycle(self.clients)

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        with sdk_errors(
            self.openai, self.openai.OpenAIError, backend=self.endpoint.name, timeout=self.endpoint.timeout
        ):
            return await call()

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST through the SDK's documented low-level ``post`` and read the raw JSON body.

        The SDK still supplies auth, base URL, headers, timeouts and its error classes; reading
        the body ourselves keeps the vendor's exact response for the call log and skips the
        SDK's per-request parameter transform and model validation (a large share of the
        client-side CPU per call at high concurrency).
        """
        extra = body.pop("extra_body", None) or {}
        payload = {**body, **extra}

        async def call() -> str:
            text: str = await next(self._next).post(path, cast_to=str, body=payload)
            return text

        text = await self._guard(call)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            snippet = text[:120].replace("\n", " ")
            raise LLMResponseError(
                f"the response body is not valid JSON ({error.msg} at line {error.lineno} column {error.colno}): "
                f"{snippet!r}",
                backend=self.endpoint.name,
            ) from error
        if not isinstance(data, dict):
            raise LLMResponseError(
                f"the response body is JSON but not an object: {text[:120]!r}", backend=self.endpoint.name
            )
        return data

    async def chat(self, request: ChatRequest, model: str) -> ChatResponse:
        params = chat_params(request, model, self.endpoint.options, official=self.official)
        body = await self._post("/chat/completions", params)
        return parse_chat_completion(body, request, self.endpoint.options, backend=self.endpoint.name)

    async def embed(self, request: EmbeddingRequest, model: str) -> EmbeddingResponse:
        params: dict[str, Any] = {"model": model, "input": list(request.inputs), "encoding_format": "float"}
        if request.dimensions is not None:
            params["dimensions"] = request.dimensions
        body = await self._post("/embeddings", params)
        vectors, usage = parse_embeddings(body, len(request.inputs), backend=self.endpoint.name)
        return EmbeddingResponse(model=request.model, vectors=vectors, usage=usage)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.close()
