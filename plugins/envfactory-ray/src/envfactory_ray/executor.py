"""``ray/executor``: the pipeline's work items on Ray, on this machine or on a cluster.

It implements the core's executor contract (:class:`envfactory_core.pipeline.Executor`):
``start`` creates ``--workers`` Ray actors, each running the worker initializer once (the run's
:class:`~envfactory_core.pipeline.work.WorkerSpec` is put in Ray's object store once and shared);
``map`` hands them items through a :class:`~envfactory_ray.dispatch.Dispatcher` (bounded window,
results in item order, retries elsewhere, failed items as dropped results); ``close`` stops the
actors and, if this run started Ray, shuts it down. The driver alone writes the run store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs

from .connection import RayConnection, connect, import_ray
from .dispatch import Dispatcher, Worker
from .errors import RayExecutorError
from .failures import failed_item_result
from .host import WorkHost

__all__ = ["RayExecutor"]

log = logging.getLogger("envfactory.ray")

T = TypeVar("T")
R = TypeVar("R")


@attrs.define(kw_only=True)
class RayExecutor:
    """Run work items on Ray actors: a local Ray instance, or a cluster (--ray-address)."""

    name: str = "executor"
    description: str = "Run work items on Ray actors, on a local Ray instance or a cluster (--ray-address)."
    address: str = ""
    """Ray address (``auto``, ``HOST:PORT``, ``ray://HOST:PORT``); empty: ``RAY_ADDRESS``, else a local instance."""
    in_flight_per_worker: int = 4
    """Items taken but not yet yielded, per worker: the back-pressure window."""
    queued_per_worker: int = 1
    """Items sent to one actor at a time. More hides the round trip to a remote worker; one charges a
    worker's death to exactly the item it was running."""
    max_attempts: int = 3
    """Attempts per item (a raised error or a dead worker each count one) before it is recorded as failed."""
    num_cpus_per_worker: float = 1.0
    """CPUs Ray reserves for each worker actor."""
    max_worker_restarts: int = 20
    """Restarts of one worker process before it is given up."""
    ready_timeout: float = 300.0
    """Seconds to wait for the first worker to start before stopping with an error."""
    _connection: RayConnection | None = attrs.field(default=None, init=False, repr=False)
    _workers: list[Worker] = attrs.field(factory=list, init=False, repr=False)
    _shared: Any = attrs.field(default=None, init=False, repr=False)

    def start(self, *, workers: int, initializer: Callable[..., Any], initargs: tuple[Any, ...]) -> None:
        self._check_options()
        count = max(1, workers)
        ray = import_ray()
        self._connection = connect(self.address)
        wanted = count * self.num_cpus_per_worker
        if self._connection.cpus and wanted > self._connection.cpus:
            log.warning(
                "%d Ray workers ask for %g CPUs but the cluster has %g: the rest wait for CPUs "
                "(an autoscaling cluster adds nodes); items go to the workers that started",
                count,
                wanted,
                self._connection.cpus,
            )
        host_class = ray.remote(WorkHost).options(
            num_cpus=self.num_cpus_per_worker,
            max_restarts=-1,  # the dispatcher counts deaths and gives a worker up after max_worker_restarts
            max_task_retries=0,  # the dispatcher resubmits, choosing another worker and counting attempts
        )
        # The initializer's arguments (the graph can be megabytes) go to the object store once, shared.
        self._shared = ray.put(tuple(initargs))
        self._workers = []
        for number in range(count):
            worker = Worker(number=number, handle=host_class.remote(), setup=(initializer, self._shared))
            worker.prepare()
            self._workers.append(worker)

    def map(self, function: Callable[[Any, T], R], items: Iterable[T]) -> Iterator[R]:
        if not self._workers:
            raise RayExecutorError("the Ray executor was not started: call start() before map()")
        dispatcher = Dispatcher(
            ray=import_ray(),
            workers=self._workers,
            limit=len(self._workers) * self.in_flight_per_worker,
            per_worker=self.queued_per_worker,
            max_attempts=self.max_attempts,
            on_failure=failed_item_result,
            ready_timeout=self.ready_timeout,
            max_restarts=self.max_worker_restarts,
        )
        return dispatcher.results(function, items)

    def close(self) -> None:
        if self._workers:
            ray = import_ray()
            for worker in self._workers:
                worker.kill(ray)
            self._workers = []
        self._shared = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _check_options(self) -> None:
        from envfactory_core.errors import ConfigError, Problem

        problems = [
            Problem(location=f"executor.{name}", message=f"must be at least {low}, got {value}")
            for name, value, low in (
                ("in_flight_per_worker", self.in_flight_per_worker, 1),
                ("queued_per_worker", self.queued_per_worker, 1),
                ("max_attempts", self.max_attempts, 1),
                ("max_worker_restarts", self.max_worker_restarts, 0),
            )
            if value < low
        ]
        problems.extend(
            Problem(location=f"executor.{name}", message=f"must be above 0, got {value}")
            for name, value in (
                ("num_cpus_per_worker", self.num_cpus_per_worker),
                ("ready_timeout", self.ready_timeout),
            )
            if value <= 0
        )
        if problems:
            raise ConfigError("bad Ray executor options", problems)
