"""Executors: where work items run.

An executor is started with a worker initializer (which builds each worker's context once), maps a
function over items and yields the results **in item order**, with a bounded number of items in
flight, so the driver can commit results in order and stop early. Stages never know which executor
runs them; a distributed executor (Ray, in a plugin) replaces the local one by name. The contract
is :class:`~envfactory_core.contracts.Executor`.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs

__all__ = ["LocalExecutor"]

T = TypeVar("T")
R = TypeVar("R")


@attrs.define(kw_only=True)
class LocalExecutor:
    """This machine: work in this process (one worker) or in a process pool (several)."""

    name: str = "local"
    description: str = "Run work items in this process (--workers 1) or a local process pool."
    in_flight_per_worker: int = 4
    _pool: concurrent.futures.ProcessPoolExecutor | None = attrs.field(default=None, init=False, repr=False)
    _workers: int = attrs.field(default=1, init=False)

    def start(self, *, workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        self._workers = max(1, workers)
        if self._workers == 1:
            initializer(*initargs)
            return
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context(method),
            initializer=initializer,
            initargs=initargs,
        )

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        if self._pool is None:
            for item in items:
                yield function(item)
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
                    pending.append(self._pool.submit(function, item))
                if not pending:
                    return
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
