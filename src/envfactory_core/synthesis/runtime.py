"""Which LLM client a component uses, and running concurrent calls from synchronous code.

Task components get the run's client from ``TaskContext.llm``. Components whose contract has no
context (a labeller, a linker, a reward) use the client of the surrounding :func:`using_llm`
block: the pipeline opens one around every stage that may call a model, so their calls share the
run's cache, call log and budget. Outside any block (library use, ``envfactory graph build``) a
default client is made once from the LLM configuration (file and environment), with an in-memory
cache.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar, runtime_checkable

from ..llm.records import ChatRequest, ChatResponse

__all__ = ["ChatClient", "client_for", "current_client", "registry_for", "run_async", "using_llm"]

T = TypeVar("T")


@runtime_checkable
class ChatClient(Protocol):
    """What the components need from :class:`~envfactory_core.llm.LLMClient`."""

    async def chat(self, request: ChatRequest, *, stage: str = ..., no_cache: bool = ...) -> ChatResponse: ...

    def chat_sync(self, request: ChatRequest, *, stage: str = ..., no_cache: bool = ...) -> ChatResponse: ...


_CURRENT: ContextVar[Any] = ContextVar("envfactory_llm_client", default=None)
_DEFAULT: list[Any] = []
_REGISTRY: list[Any] = []
_DEFAULT_LOCK = threading.Lock()


@contextmanager
def using_llm(client: Any) -> Iterator[Any]:
    """Make ``client`` the one components without a task context use inside the block."""
    token = _CURRENT.set(client)
    try:
        yield client
    finally:
        _CURRENT.reset(token)


def current_client() -> Any:
    """The client of the innermost :func:`using_llm` block, or None."""
    return _CURRENT.get()


def _default_client() -> Any:
    with _DEFAULT_LOCK:
        if not _DEFAULT:
            from ..llm import LLMClient

            _DEFAULT.append(LLMClient())
        return _DEFAULT[0]


def client_for(given: Any = None) -> ChatClient:
    """``given`` (a task context's client) when set, else the surrounding block's, else the default one."""
    client = given if given is not None else current_client()
    if client is None:
        client = _default_client()
    if not isinstance(client, ChatClient):
        raise TypeError(f"{type(client).__name__} is not an LLM client (it needs chat and chat_sync)")
    return client


def registry_for(given: Any = None) -> Any:
    """``given`` (a task context's registry) when set, else one over every installed plugin (made once)."""
    if given is not None:
        return given
    with _DEFAULT_LOCK:
        if not _REGISTRY:
            from ..plugins import make_plugin_manager
            from ..registry import Registry

            _REGISTRY.append(Registry(make_plugin_manager()))
        return _REGISTRY[0]


def run_async(client: Any, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work()`` on a fresh event loop from synchronous code, closing the client's
    connections of that loop afterwards. Inside a running loop, await the async method instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "this component runs its calls concurrently on its own event loop and cannot be called "
            "from inside a running one; await its async method (e.g. `await agent.solve_async(...)`) instead"
        )

    async def main() -> T:
        try:
            return await work()
        finally:
            closer = getattr(client, "aclose", None)
            if closer is not None:
                await closer()

    return asyncio.run(main())
