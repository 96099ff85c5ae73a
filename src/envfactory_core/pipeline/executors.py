"""Executors: where work items run.

An executor is started with a worker initializer, which builds each worker's state once (the
pipeline's worker context); it then maps a function over items, calling ``function(state, item)``
in a worker, and yields the results **in item order**, with a bounded number of items in flight,
so the driver can commit results in order and stop early. The state is handed to the function
explicitly, so work code reads no process-wide variable. Stages never know which executor runs
them; a distributed executor (Ray, in a plugin) replaces the local one by name. The contract
is :class:`~envfactory_core.contracts.Executor`.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs

__all__ = ["LocalExecutor"]

T = TypeVar("T")
R = TypeVar("R")


class _PoolWorker:
    """The state of one process-pool worker (the pool has no other place to keep it between items)."""

    state: Any = None


def _exit_with_parent() -> None:
    """End this worker as soon as the process that started it is gone (even by ``kill -9``).

    A pool worker waits on a queue whose write end its sibling workers also hold, so the
    parent's death alone never wakes it: it would live on as an orphan. ``multiprocessing``
    gives every child a sentinel of its parent that becomes ready when the parent exits; a
    daemon thread waits on it and ends the process.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(70)

    threading.Thread(target=watch, name="envfactory-parent-watch", daemon=True).start()


def _start_pool_worker(initializer: Callable[..., Any], initargs: tuple[Any, ...]) -> None:
    _exit_with_parent()
    _PoolWorker.state = initializer(*initargs)


def _run_in_pool_worker(function: Callable[[Any, T], R], item: T) -> R:
    return function(_PoolWorker.state, item)


@attrs.define(kw_only=True)
class LocalExecutor:
    """This machine: work in this process (one worker) or in a process pool (several)."""

    name: str = "local"
    description: str = "Run work items in this process (--workers 1) or a local process pool."
    in_flight_per_worker: int = 4
    _pool: concurrent.futures.ProcessPoolExecutor | None = attrs.field(default=None, init=False, repr=False)
    _workers: int = attrs.field(default=1, init=False)
    _state: Any = attrs.field(default=None, init=False, repr=False)

    @property
    def forks(self) -> bool:
        """Whether pool workers are forked from this process (and so share its memory at the start)."""
        return "fork" in multiprocessing.get_all_start_methods()

    def start(self, *, workers: int, initializer: Callable[..., Any], initargs: tuple[Any, ...]) -> None:
        self._workers = max(1, workers)
        if self._workers == 1:
            self._state = initializer(*initargs)
            return
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("fork" if self.forks else "spawn"),
            initializer=_start_pool_worker,
            initargs=(initializer, initargs),
        )

    def map(self, function: Callable[[Any, T], R], items: Iterable[T]) -> Iterator[R]:
        if self._pool is None:
            for item in items:
                yield function(self._state, item)
            return
        limit = self._workers * self.in_flight_per_worker
        pending: deque[concurrent.futures.Future[R]] = deque()
        iterator = iter(items)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < limit:
                    try:
                        item = next(iterator)
                    except StopIteration:
                        exhausted = True
                        break
                    pending.append(self._pool.submit(_run_in_pool_worker, function, item))
                if not pending:
                    return
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        self._state = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
