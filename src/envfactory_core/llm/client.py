"""The one client every stage calls.

:class:`LLMClient` resolves a model id to a backend, and around every call adds what the
backends never do themselves:

* a **concurrency limit** per endpoint (an ``asyncio.Semaphore``);
* **retries** on rate limits, server errors, timeouts and broken connections, with exponential
  backoff and jitter, waiting at least what a ``Retry-After`` header asks; a plain HTTP 500 is
  retried once only (:func:`~envfactory_core.llm.errors.retry_limit`);
* a **response cache** keyed by the content id of the full request (every field, including
  ``sample``) and of the endpoint it goes to (backend kind and base URL), kept in the run store
  when there is one, so a re-run costs no calls; identical requests in flight at the same time
  share one call;
* **accounting** of tokens and cost per stage and model, and a **record of every call**;
* **budget caps** (``max_cost`` dollars, ``max_calls`` live calls) that raise
  :class:`~envfactory_core.llm.errors.BudgetExceeded` before the first call past the cap. With a
  run store the caps count everything the run directory has spent, so a stopped run resumes only
  when re-run with a larger cap; cached responses are served even past the cap.

It is async first (``await client.chat(request, stage="writer")``); ``chat_sync`` and
``embed_sync`` run the same calls on a private event loop for synchronous code.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import random
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..contracts import BackendConnection, LLMBackend
from ..ids import JsonValue, canonical_json, content_id, digest
from ..serialize import from_json, to_json
from .backend import find_backend
from .config import EndpointConfig, LLMSettings, load_settings
from .errors import BudgetExceeded, LLMError, LLMTimeoutError, retry_limit
from .model_id import ModelId
from .prices import PriceTable
from .records import ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse
from .storage import CallStore, MemoryCallStore, RunStoreCallStore
from .usage import CallRecord, UsageTotals, summarize

if TYPE_CHECKING:
    from ..registry import Registry
    from ..store import RunStore

__all__ = ["Budget", "LLMClient"]

log = logging.getLogger("envfactory.llm")

T = TypeVar("T", ChatResponse, EmbeddingResponse)
R = TypeVar("R")

DEFAULT_STAGE = "default"


@attrs.frozen(kw_only=True)
class Budget:
    """Caps on live calls and dollars; ``None`` means no cap."""

    max_cost: float | None = None
    max_calls: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.max_cost is not None and self.max_cost < 0:
            raise ValueError(f"Budget.max_cost must be >= 0 dollars, got {self.max_cost!r}")
        if self.max_calls is not None and self.max_calls < 0:
            raise ValueError(f"Budget.max_calls must be >= 0, got {self.max_calls!r}")


@attrs.frozen(kw_only=True)
class _PendingCall:
    """One call on its way: what it is for, and its cache key (the content id of ``payload``)."""

    operation: str
    model_id: str
    stage: str
    key: str
    payload: JsonValue
    payload_text: str
    """``canonical_json(payload)``: computed once for the key, stored as the request blob."""


class _LoopState:
    """What belongs to one event loop: connections, semaphores and shared in-flight calls."""

    def __init__(self) -> None:
        self.connections: dict[str, BackendConnection] = {}
        self.semaphores: dict[str, asyncio.Semaphore] = {}
        self.inflight: dict[str, asyncio.Future[Any]] = {}


class _BackgroundLoop:
    """An event loop on a daemon thread, for the synchronous wrappers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="envfactory-llm-sync", daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, R]) -> R:
        future: concurrent.futures.Future[R] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


class LLMClient:
    """Chat and embedding calls with limits, retries, cache, accounting and budget caps.

    ``registry`` (the caller's: the CLI's or the run's) supplies the backends; ``backends`` maps an
    endpoint kind to a backend object directly (tests, library use) and wins over the registry.
    ``store`` keeps the cache and call log in a run directory; without one they live in memory.
    ``cache=False`` (``--no-cache``) never reads the cache but still writes fresh responses.
    ``sleep`` and ``seed`` make retry waits testable and the jitter reproducible.
    """

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        settings: LLMSettings | None = None,
        store: RunStore | None = None,
        backends: Mapping[str, LLMBackend] | None = None,
        concurrency: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
        cache: bool = True,
        budget: Budget | None = None,
        prices: PriceTable | None = None,
        seed: int = 0,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings if settings is not None else load_settings()
        self._registry = registry
        self._backends = dict(backends or {})
        self.concurrency = concurrency or self.settings.concurrency
        self.max_retries = self.settings.max_retries if max_retries is None else max_retries
        self.timeout = timeout or self.settings.timeout
        self.cache = cache
        self.budget = budget or Budget()
        self.prices = prices or self.settings.prices
        self.calls: CallStore = RunStoreCallStore(store) if store is not None else MemoryCallStore()
        self._sleep = sleep if sleep is not None else asyncio.sleep
        self._random = random.Random(seed)
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()
        self._resolved: dict[str, tuple[EndpointConfig, LLMBackend]] = {}
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []
        used_calls, used_cost = self.calls.spent()
        self._used_calls = used_calls
        self._used_cost = used_cost
        self._reserved = 0
        self._background: _BackgroundLoop | None = None
        self.listeners: list[Callable[[CallRecord], None]] = []
        """Called with every call's record once it is logged (progress displays)."""

    # --- public API -----------------------------------------------------------------------------

    async def chat(self, request: ChatRequest, *, stage: str = DEFAULT_STAGE, no_cache: bool = False) -> ChatResponse:
        """One chat call, served from the cache when the identical request was answered before."""
        return await self._call(
            "chat",
            model_id=request.model,
            request_json=to_json(request),
            stage=stage,
            no_cache=no_cache,
            invoke=lambda connection, model: connection.chat(request, model),
            response_type=ChatResponse,
        )

    async def embed(
        self, request: EmbeddingRequest, *, stage: str = DEFAULT_STAGE, no_cache: bool = False
    ) -> EmbeddingResponse:
        """Vectors for ``request.inputs``, cached like chat calls."""
        return await self._call(
            "embed",
            model_id=request.model,
            request_json=to_json(request),
            stage=stage,
            no_cache=no_cache,
            invoke=lambda connection, model: connection.embed(request, model),
            response_type=EmbeddingResponse,
        )

    def chat_sync(self, request: ChatRequest, *, stage: str = DEFAULT_STAGE, no_cache: bool = False) -> ChatResponse:
        """:meth:`chat` for synchronous code (not from inside a running event loop)."""
        return self._run_sync(self.chat(request, stage=stage, no_cache=no_cache))

    def embed_sync(
        self, request: EmbeddingRequest, *, stage: str = DEFAULT_STAGE, no_cache: bool = False
    ) -> EmbeddingResponse:
        """:meth:`embed` for synchronous code."""
        return self._run_sync(self.embed(request, stage=stage, no_cache=no_cache))

    def usage(self, *, whole_run: bool = False) -> UsageTotals:
        """Totals by stage and model: this client's calls, or (``whole_run``) every call in the store."""
        return summarize(self.calls.records() if whole_run else list(self._records))

    @property
    def records(self) -> tuple[CallRecord, ...]:
        """Every call this client made or served, in order."""
        return tuple(self._records)

    async def aclose(self) -> None:
        """Close the connections made on the running event loop."""
        loop = asyncio.get_running_loop()
        state = self._loops.pop(loop, None)
        if state is not None:
            for connection in state.connections.values():
                await connection.aclose()

    def close(self) -> None:
        """Close the synchronous wrappers' loop and its connections."""
        if self._background is not None:
            background, self._background = self._background, None
            background.run(self.aclose())
            background.stop()

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- resolution -----------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            raise TypeError(
                "this LLMClient has no registry to find a backend in: pass registry= (the caller's) or backends="
            )
        return self._registry

    def resolve(self, model_id: str) -> tuple[EndpointConfig, LLMBackend, str]:
        """``(endpoint, backend, provider model name)`` for a model id."""
        parsed = ModelId.parse(model_id)
        with self._lock:
            resolved = self._resolved.get(parsed.endpoint)
        if resolved is None:
            endpoint = self.settings.endpoint(parsed.endpoint)
            if endpoint.timeout is None:
                endpoint = attrs.evolve(endpoint, timeout=self.timeout)
            if endpoint.concurrency is None:
                endpoint = attrs.evolve(endpoint, concurrency=self.concurrency)
            backend = self._backends.get(endpoint.kind) or find_backend(self.registry, endpoint.kind)
            resolved = (endpoint, backend)
            with self._lock:
                self._resolved[parsed.endpoint] = resolved
        return resolved[0], resolved[1], parsed.model

    def _endpoint_key(self, model_id: str) -> JsonValue:
        """What of the endpoint is part of the cache key: its backend kind and base URL.

        The same model id served by another server (a changed ``base_url``, another backend for the
        prefix) must not replay the first server's answers.
        """
        endpoint = self.settings.endpoint(ModelId.parse(model_id).endpoint)
        return {"kind": endpoint.kind, "base_url": endpoint.base_url.rstrip("/")}

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _LoopState()
        return state

    def _connection(self, state: _LoopState, endpoint: EndpointConfig, backend: LLMBackend) -> BackendConnection:
        connection = state.connections.get(endpoint.name)
        if connection is None:
            connection = state.connections[endpoint.name] = backend.connect(endpoint)
        return connection

    def _semaphore(self, state: _LoopState, endpoint: EndpointConfig) -> asyncio.Semaphore:
        semaphore = state.semaphores.get(endpoint.name)
        if semaphore is None:
            semaphore = state.semaphores[endpoint.name] = asyncio.Semaphore(endpoint.concurrency or self.concurrency)
        return semaphore

    # --- the call -------------------------------------------------------------------------------

    async def _call(
        self,
        operation: str,
        *,
        model_id: str,
        request_json: JsonValue,
        stage: str,
        no_cache: bool,
        invoke: Callable[[BackendConnection, str], Awaitable[T]],
        response_type: type[T],
    ) -> T:
        payload: JsonValue = {"operation": operation, "endpoint": self._endpoint_key(model_id), "request": request_json}
        payload_text = canonical_json(payload)
        call = _PendingCall(
            operation=operation,
            model_id=model_id,
            stage=stage,
            key=digest(payload_text),
            payload=payload,
            payload_text=payload_text,
        )
        use_cache = self.cache and not no_cache
        if use_cache:
            stored = self.calls.get_response(call.key)
            if stored is not None:
                return self._served(call, attrs.evolve(from_json(response_type, stored), cached=True), stored)
        state = self._state()
        if use_cache and call.key in state.inflight:
            shared: T = await asyncio.shield(state.inflight[call.key])
            return self._served(call, attrs.evolve(shared, cached=True), to_json(shared))
        endpoint, backend, model = self.resolve(model_id)
        connection = self._connection(state, endpoint, backend)
        self._reserve(stage, model_id)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if use_cache:
            state.inflight[call.key] = future
        try:
            async with self._semaphore(state, endpoint):
                response = await self._live(call, endpoint, model, lambda: invoke(connection, model))
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as error:
            if not future.done():
                future.set_exception(error)
                future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        else:
            future.set_result(response)
            return response
        finally:
            self._release()
            if state.inflight.get(call.key) is future:
                del state.inflight[call.key]

    def _served(self, call: _PendingCall, response: T, stored: JsonValue) -> T:
        """Log a response served without a request (cache hit, or a twin of a call in flight)."""
        record = CallRecord(
            stage=call.stage,
            model=call.model_id,
            operation=call.operation,
            request_id=call.key,
            response_id=content_id(stored),
            cached=True,
            attempts=0,
            usage=response.usage,
        )
        self._log(record, call, None, None)
        return response

    async def _live(
        self, call: _PendingCall, endpoint: EndpointConfig, model: str, invoke: Callable[[], Awaitable[T]]
    ) -> T:
        # A little later than the backend's own timeout, so the vendor's timeout error is the one users see.
        timeout = (endpoint.timeout or self.timeout) * 1.1 + 0.05
        attempt = 0
        seen: dict[tuple[str, int | None], int] = {}
        started = time.perf_counter()
        while True:
            attempt += 1
            try:
                try:
                    async with asyncio.timeout(timeout):
                        response = await invoke()
                except TimeoutError as error:
                    if isinstance(error, LLMError):
                        raise
                    raise LLMTimeoutError(f"no response within {timeout:.1f}s", backend=endpoint.name) from error
            except LLMError as error:
                kind = (type(error).__name__, error.status)
                seen[kind] = seen.get(kind, 0) + 1
                limit = retry_limit(error, self.max_retries)
                if attempt <= self.max_retries and seen[kind] <= limit:
                    delay = self._delay(attempt, getattr(error, "retry_after", None))
                    log.warning(
                        "%s: %s; retry %d/%d in %.2fs",
                        call.model_id,
                        type(error).__name__,
                        attempt,
                        limit,
                        delay,
                    )
                    await self._sleep(delay)
                    continue
                error.attempts = attempt
                self._fail(call, attempt, started, error)
                raise
            except Exception as error:
                self._fail(call, attempt, started, error)
                raise
            break
        latency_ms = (time.perf_counter() - started) * 1000
        aliases = (f"{endpoint.kind}/{model}",) if endpoint.kind != endpoint.name else ()
        cost, priced = self.prices.cost(call.model_id, response.usage, aliases=aliases)
        stored = to_json(response)
        stored_text = canonical_json(stored)
        record = CallRecord(
            stage=call.stage,
            model=call.model_id,
            operation=call.operation,
            request_id=call.key,
            response_id=digest(stored_text),
            attempts=attempt,
            latency_ms=latency_ms,
            usage=response.usage,
            cost_usd=cost,
            priced=priced,
        )
        with self._lock:
            self._used_cost += cost
        self._log(record, call, stored, stored_text, cache=True)
        return response

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter, or at least what ``Retry-After`` asked for."""
        backoff = min(self.settings.backoff_max, self.settings.backoff_base * 2.0 ** (attempt - 1))
        jittered = backoff / 2 + self._random.uniform(0, backoff / 2)
        if retry_after is None:
            return jittered
        wanted = min(float(retry_after), self.settings.max_retry_after)
        spread = min(1.0, 0.1 * max(wanted, self.settings.backoff_base))
        return float(wanted + self._random.uniform(0, spread))

    def _reserve(self, stage: str, model_id: str) -> None:
        with self._lock:
            if self.budget.max_calls is not None and self._used_calls + self._reserved >= self.budget.max_calls:
                raise BudgetExceeded(
                    "max_calls", self.budget.max_calls, self._used_calls + self._reserved, stage=stage, model=model_id
                )
            if self.budget.max_cost is not None and self._used_cost >= self.budget.max_cost:
                raise BudgetExceeded("max_cost", self.budget.max_cost, self._used_cost, stage=stage, model=model_id)
            self._reserved += 1

    def _release(self) -> None:
        with self._lock:
            self._reserved -= 1
            self._used_calls += 1

    def _fail(self, call: _PendingCall, attempts: int, started: float, error: BaseException) -> None:
        record = CallRecord(
            stage=call.stage,
            model=call.model_id,
            operation=call.operation,
            request_id=call.key,
            status="error",
            error_type=type(error).__name__,
            error=str(error)[:2000],
            attempts=attempts,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
        self._log(record, call, None, None)

    def _log(
        self,
        record: CallRecord,
        call: _PendingCall,
        response: JsonValue | None,
        response_text: str | None,
        *,
        cache: bool = False,
    ) -> None:
        """Record the call (committed before the call returns); ``cache`` also caches ``response``."""
        self.calls.record(
            record,
            request=call.payload,
            response=response,
            cache_key=call.key if cache else None,
            request_text=call.payload_text,
            response_text=response_text,
        )
        with self._lock:
            self._records.append(record)
        for listener in self.listeners:
            listener(record)

    def _run_sync(self, coroutine: Coroutine[Any, Any, R]) -> R:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            coroutine.close()
            raise RuntimeError(
                "chat_sync/embed_sync cannot run inside an event loop; use `await client.chat(...)` there"
            )
        with self._lock:
            if self._background is None:
                self._background = _BackgroundLoop()
            background = self._background
        return background.run(coroutine)
