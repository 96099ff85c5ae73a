"""Which LLM client a component uses, and running concurrent calls from synchronous code.

Task components get the run's client from ``TaskContext.llm``. Components whose contract has no
context (a labeller, a linker, a reward) use the client of the surrounding :func:`using_llm`
block: the entry point opens one (the pipeline around every stage that may call a model,
``envfactory graph build`` around the build), so their calls share the run's cache, call log and
budget. There is no default client: the client, and the registry behind it, belong to the caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar, runtime_checkable

from ..llm.records import ChatRequest, ChatResponse

__all__ = ["ChatClient", "client_for", "current_client", "run_async", "using_llm"]

T = TypeVar("T")


@runtime_checkable
class ChatClient(Protocol):
    """What the components need from :class:`~envfactory_core.llm.LLMClient`."""

    async def chat(self, request: ChatRequest, *, stage: str = ..., no_cache: bool = ...) -> ChatResponse: ...

    def chat_sync(self, request: ChatRequest, *, stage: str = ..., no_cache: bool = ...) -> ChatResponse: ...


_CURRENT: ContextVar[Any] = ContextVar("envfactory_llm_client", default=None)


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


def client_for(given: Any = None) -> ChatClient:
    """``given`` (a task context's client) when set, else the surrounding :func:`using_llm` block's."""
    client = given if given is not None else current_client()
    if client is None:
        raise RuntimeError(
            "this component calls a language model but has no client: run it in a pipeline, give its "
            "TaskContext an llm client, or call it inside `with using_llm(client):`"
        )
    if not isinstance(client, ChatClient):
        raise TypeError(f"{type(client).__name__} is not an LLM client (it needs chat and chat_sync)")
    return client


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
