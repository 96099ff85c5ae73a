"""The ``openai`` backend: any OpenAI-compatible base URL, directly over HTTP or through the official SDK.

Two paths send the same JSON bodies and fail with the same errors (see ``http_transport``):

* **direct** (:mod:`.direct`): one shared ``aiohttp`` session, no SDK. The default for a server
  other than api.openai.com (vLLM, SGLang, llama.cpp, DeepSeek): they speak the plain wire
  format, where the SDK adds only client CPU per call.
* **the SDK** (``AsyncOpenAI`` with its aiohttp or httpx2 transport): the default for
  api.openai.com, where the SDK follows the vendor's own conventions as they change. Its own
  retries are switched off (``max_retries=0``): the client layer retries, so every attempt is
  counted and logged in one place. SDK exceptions become our error types with the vendor's message.

Either way the raw JSON body is read here: a body that is not JSON or not a chat completion is an
``LLMResponseError``, and the call log keeps the vendor's exact response.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from envfactory_core.errors import MissingDependencyError
from envfactory_core.llm import (
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    EndpointConfig,
    LLMConnectionError,
    LLMRequestError,
    LLMTimeoutError,
)
from envfactory_core.llm.backend import json_object_body, missing_api_key
from envfactory_core.llm.sdk_errors import sdk_errors, vendor_message

from .convert import chat_params, parse_chat_completion, parse_embeddings
from .direct import DirectHTTP

__all__ = ["INSTALL_HINT", "TRANSPORTS", "OpenAIBackend", "OpenAIConnection", "http_transport", "vendor_message"]

INSTALL_HINT = "pip install 'openai>=3,<4'"
AIOHTTP_HINT = "pip install 'openai[aiohttp]>=3,<4'"
OFFICIAL_HOST = "api.openai.com"
CONNECTIONS_PER_CLIENT = 16
TRANSPORTS = ("auto", "direct", "aiohttp", "httpx")
"""Values of the endpoint option ``http_transport``."""

T = TypeVar("T")


def is_official(endpoint: EndpointConfig) -> bool:
    """Whether the endpoint is OpenAI's own API (no base URL means api.openai.com)."""
    return not endpoint.base_url or OFFICIAL_HOST in endpoint.base_url


def http_transport(endpoint: EndpointConfig) -> str:
    """How calls to ``endpoint`` travel: ``direct``, or the SDK over ``aiohttp`` or ``httpx``.

    The endpoint option ``http_transport`` chooses; ``auto`` (the default) is ``direct`` for any
    server but api.openai.com and the SDK's aiohttp transport for api.openai.com. Without aiohttp
    installed, ``auto`` falls back to the SDK's httpx2 transport.
    """
    wanted = str(endpoint.options.get("http_transport", "auto"))
    if wanted not in TRANSPORTS:
        allowed = ", ".join(repr(value) for value in TRANSPORTS[:-1]) + f" or {TRANSPORTS[-1]!r}"
        raise LLMRequestError(
            f"endpoint {endpoint.name!r}: http_transport must be {allowed}, got {wanted!r}", backend=endpoint.name
        )
    if wanted == "httpx":
        return "httpx"
    try:
        import aiohttp  # noqa: F401
    except ImportError as error:
        if wanted != "auto":
            raise MissingDependencyError("aiohttp", AIOHTTP_HINT, purpose=f"http_transport = {wanted!r}") from error
        return "httpx"
    if wanted == "auto":
        return "aiohttp" if is_official(endpoint) else "direct"
    return wanted


def _aiohttp_connection_error(error: BaseException | None) -> BaseException | None:
    """The refused or dropped connection behind an SDK timeout, if that is what it was.

    The SDK's aiohttp transport reports every ``aiohttp.ClientConnectionError`` as a connect
    timeout; the httpx2 transport and the direct path call it a connection error.
    """
    import aiohttp

    while error is not None:
        if isinstance(error, aiohttp.ClientConnectionError) and not isinstance(error, TimeoutError):
            return error
        error = error.__cause__
    return None


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
    """Calls to one OpenAI-compatible endpoint, directly over HTTP or through ``AsyncOpenAI`` clients."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.endpoint = endpoint
        self.official = is_official(endpoint)
        key = endpoint.api_key.reveal() if endpoint.api_key else ""
        self.transport = http_transport(endpoint)
        self.direct: DirectHTTP | None = None
        self.clients: list[Any] = []
        if self.transport != "direct":
            try:
                import openai
            except ImportError as error:
                raise MissingDependencyError(
                    "openai", INSTALL_HINT, purpose=f"the {endpoint.name!r} LLM endpoint"
                ) from error
            self.openai = openai
        if not key and self.official:
            raise missing_api_key(endpoint)
        if self.transport == "direct":
            self.direct = DirectHTTP(endpoint, key or "not-needed")
            return
        # With the httpx2 transport, one SDK client per CONNECTIONS_PER_CLIENT concurrent calls:
        # its connection pool checks every pooled connection on each request, so several small
        # pools cost less CPU than one large pool at high concurrency. aiohttp needs no such help
        # (see docs/performance.md, "LLM client").
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
        self._next = itertools.cycle(self.clients)

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            with sdk_errors(
                self.openai, self.openai.OpenAIError, backend=self.endpoint.name, timeout=self.endpoint.timeout
            ):
                return await call()
        except LLMTimeoutError as error:
            dropped = _aiohttp_connection_error(error.__cause__) if self.transport == "aiohttp" else None
            if dropped is None:
                raise
            raise LLMConnectionError(f"Connection error. ({dropped})", backend=self.endpoint.name) from dropped

    async def _send(self, path: str, payload: dict[str, Any]) -> str:
        """The raw response body, through the direct path or the SDK's documented low-level ``post``."""
        if self.direct is not None:
            return await self.direct.post(path, payload)

        async def call() -> str:
            text: str = await next(self._next).post(path, cast_to=str, body=payload)
            return text

        return await self._guard(call)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON body and read the raw JSON response.

        Reading the body ourselves keeps the vendor's exact response for the call log and, on the
        SDK path, skips the SDK's per-request parameter transform and model validation (a large
        share of the client-side CPU per call at high concurrency).
        """
        extra = body.pop("extra_body", None) or {}
        return json_object_body(await self._send(path, {**body, **extra}), backend=self.endpoint.name)

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
        if self.direct is not None:
            await self.direct.aclose()
        for client in self.clients:
            await client.close()
