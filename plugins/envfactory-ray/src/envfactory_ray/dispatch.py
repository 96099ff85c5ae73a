"""Handing work items to Ray actors: bounded, in item order, with retries elsewhere.

The driver keeps a *window* of at most ``limit`` items that were taken from the input but not yet
yielded. Items in the window are sent to ready workers, at most ``per_worker`` at a time each (by
default one: then a worker that dies was running exactly that item). Results are yielded in item
order: a finished item waits in the window until every earlier item is yielded, and no new item is
taken while the window is full — that is the back-pressure, and it bounds the driver's memory.

Failures:

- **The function raised** (a ``RayTaskError``): the item is tried again, on another worker when one
  has room, up to ``max_attempts`` times in all.
- **The worker process died** (killed, out of memory, a crash in native code): Ray restarts the
  actor, and the executor has it run the initializer again before it gets work. Of the items that
  worker had, the first one whose result did not arrive (an actor runs its calls in order, so the
  one it was running) counts an attempt and is resubmitted to another worker; any queued behind it
  are resubmitted without counting one. Results that arrived before the death are kept. (With
  more than one item per worker, a result the worker finished but had not yet sent when it died
  is lost with it, and that item is the one charged.)
- **An item that fails ``max_attempts`` times** becomes ``on_failure(item, error, attempts)`` — for
  pipeline items a dropped result the runner records — and the run goes on.
- **A worker whose initializer raised** stops the map with that error (every worker runs the same
  initializer, so it is a setup problem). A worker that died more than ``max_restarts`` times is
  given up; the map stops with an error when no worker is left, and when none became ready within
  ``ready_timeout`` seconds.

A worker only gets items once its ``prepare`` call answered: a worker that waits for CPUs the cluster does
not have never holds items hostage.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from .errors import RayExecutorError

__all__ = ["Dispatcher", "Worker"]

log = logging.getLogger("envfactory.ray")

OnFailure = Callable[[Any, str, int], Any]


@attrs.define(eq=False)
class Worker:
    """One actor as the driver sees it."""

    number: int
    handle: Any
    setup: tuple[Any, Any]
    """``(initializer, initargs)``, sent with every ``prepare`` call (initargs as an object-store reference)."""
    ready_ref: Any | None = None
    """Pending ``prepare`` call while the actor starts or restarts; ``None`` once it answered."""
    running: deque[_Slot] = attrs.field(factory=deque)
    """Items sent to this actor and not yet back, in the order they were sent."""
    restarts: int = 0
    lost: str = ""
    """Why the actor was given up ("" while it is usable)."""

    @property
    def usable(self) -> bool:
        return not self.lost and self.ready_ref is None

    def prepare(self) -> None:
        """Ask the actor (new or restarted) to build its context; it gets items once that answers."""
        self.ready_ref = self.handle.prepare.remote(*self.setup)

    def kill(self, ray: Any) -> None:
        """Stop the actor for good (no restart); a failure to do so is only logged."""
        try:
            ray.kill(self.handle, no_restart=True)
        except Exception:
            log.debug("could not kill Ray worker %d", self.number, exc_info=True)


@attrs.define(eq=False)
class _Slot:
    """One item in the window."""

    position: int
    item: Any
    attempts: int = 0
    avoid: set[int] = attrs.field(factory=set)
    ref: Any = None
    worker: Worker | None = None
    done: bool = False
    result: Any = None

    def finish(self, result: Any) -> None:
        self.done, self.result, self.ref, self.worker = True, result, None, None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plain(text: str) -> str:
    """Ray colours its tracebacks for terminals; error messages and the run store get plain text."""
    return _ANSI.sub("", text)


def _label(slot: _Slot) -> str:
    """How a log line names an item: a pipeline item by its chain index."""
    item = slot.item
    if isinstance(item, tuple) and item and isinstance(item[0], int):
        return f"the work item of chain {item[0]}"
    return f"work item {slot.position}"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


def _error_text(error: BaseException) -> str:
    """A short, deterministic description: no process ids, addresses or tracebacks."""
    from ray.exceptions import RayActorError, RayTaskError

    if isinstance(error, RayTaskError):
        cause = error.cause if isinstance(error.cause, BaseException) else None
        if cause is not None:
            return f"{type(cause).__name__}: {_first_line(cause)}".rstrip(": ")
        return f"{error.function_name} raised {type(error.cause).__name__}"
    if isinstance(error, RayActorError):
        return "the Ray worker process died while running it"
    return f"{type(error).__name__}: {_first_line(error)}"


@attrs.define(eq=False)
class Dispatcher:
    """Runs ``function`` over items on ``workers``; see the module docstring for the rules."""

    ray: Any
    workers: list[Worker]
    limit: int
    per_worker: int
    max_attempts: int
    on_failure: OnFailure
    ready_timeout: float
    max_restarts: int
    _queue: list[_Slot] = attrs.field(factory=list, init=False)
    _by_ref: dict[Any, _Slot] = attrs.field(factory=dict, init=False)

    def results(self, function: Callable[[Any, Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        iterator = iter(items)
        exhausted = False
        window: deque[_Slot] = deque()
        position = 0
        try:
            while True:
                while not exhausted and len(window) < self.limit:
                    try:
                        item = next(iterator)
                    except StopIteration:
                        exhausted = True
                        break
                    slot = _Slot(position=position, item=item)
                    position += 1
                    window.append(slot)
                    self._enqueue(slot)
                self._send(function)
                if not window:
                    return
                if window[0].done:
                    yield window.popleft().result
                    continue
                self._wait()
        finally:
            self._abandon()

    # sending
    def _enqueue(self, slot: _Slot) -> None:
        bisect.insort(self._queue, slot, key=lambda queued: queued.position)

    def _pick(self, slot: _Slot) -> Worker | None:
        free = [worker for worker in self.workers if worker.usable and len(worker.running) < self.per_worker]
        if not free:
            return None
        elsewhere = [worker for worker in free if worker.number not in slot.avoid]
        return min(elsewhere or free, key=lambda worker: (len(worker.running), worker.number))

    def _send(self, function: Callable[[Any, Any], Any]) -> None:
        while self._queue:
            slot = self._queue[0]
            worker = self._pick(slot)
            if worker is None:
                return
            self._queue.pop(0)
            slot.worker = worker
            slot.ref = worker.handle.run.remote(function, slot.item)
            worker.running.append(slot)
            self._by_ref[slot.ref] = slot

    # waiting
    def _wait(self) -> None:
        starting = {worker.ready_ref: worker for worker in self.workers if not worker.lost and worker.ready_ref}
        if not self._by_ref and not starting:
            reasons = "; ".join(sorted({worker.lost for worker in self.workers if worker.lost})) or "none was started"
            raise RayExecutorError(f"no Ray worker is left to run work items ({reasons})")
        refs = [*self._by_ref, *starting]
        timeout = None if self._by_ref else self.ready_timeout
        ready, _ = self.ray.wait(refs, num_returns=1, timeout=timeout)
        if not ready:
            raise RayExecutorError(
                f"no Ray worker became ready within {self.ready_timeout:.0f} s: the cluster may not have the CPUs "
                "the workers ask for (see `ray status`); ask for fewer --workers, or lower the executor's "
                "num_cpus_per_worker"
            )
        ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=0)
        for ref in ready:
            if ref in starting:
                self._worker_answered(starting[ref], ref)
            elif ref in self._by_ref:  # not already resubmitted after its worker died
                self._item_answered(self._by_ref[ref])

    def _worker_answered(self, worker: Worker, ref: Any) -> None:
        from ray.exceptions import RayError, RayTaskError

        if worker.ready_ref is not ref:  # superseded by a newer prepare call
            return
        try:
            self.ray.get(ref)
        except RayTaskError as error:
            # Every worker runs the same initializer: a failure is a setup problem, not bad luck.
            raise RayExecutorError(
                f"a Ray worker could not start: {_error_text(error)}\n{_plain(str(error))}"
            ) from error
        except RayError as error:
            self._restart(worker, error)
        else:
            worker.ready_ref = None

    def _restart(self, worker: Worker, error: BaseException) -> None:
        """The actor's process died: Ray restarts it; prepare it again, or give it up after too many deaths."""
        worker.restarts += 1
        worker.ready_ref = None
        if worker.restarts > self.max_restarts:
            worker.lost = f"worker {worker.number} died {worker.restarts} times; last: {_error_text(error)}"
            log.warning("Ray worker %d is given up: it died %d times", worker.number, worker.restarts)
            worker.kill(self.ray)
            return
        worker.prepare()

    def _item_answered(self, slot: _Slot) -> None:
        from ray.exceptions import RayError, RayTaskError

        worker = slot.worker
        assert worker is not None
        try:
            value = self.ray.get(slot.ref)
        except RayTaskError as error:
            self._forget(slot)
            self._retry(slot, _error_text(error), worker)
        except RayError as error:
            self._worker_died(worker, error)
        else:
            self._forget(slot)
            slot.finish(value)

    # failures
    def _forget(self, slot: _Slot) -> None:
        self._by_ref.pop(slot.ref, None)
        if slot.worker is not None and slot in slot.worker.running:
            slot.worker.running.remove(slot)

    def _retry(self, slot: _Slot, error: str, worker: Worker) -> None:
        slot.attempts += 1
        slot.avoid.add(worker.number)
        slot.ref, slot.worker = None, None
        if slot.attempts >= self.max_attempts:
            slot.finish(self.on_failure(slot.item, error, slot.attempts))
            return
        log.warning("%s failed (%s); trying it again on another worker", _label(slot), error)
        self._enqueue(slot)

    def _worker_died(self, worker: Worker, error: BaseException) -> None:
        from ray.exceptions import RayError, RayTaskError

        sent = list(worker.running)
        worker.running.clear()
        blamed = False
        for slot in sent:
            self._by_ref.pop(slot.ref, None)
            finished, _ = self.ray.wait([slot.ref], num_returns=1, timeout=0)
            if finished:
                try:
                    value = self.ray.get(slot.ref)
                except RayTaskError as task_error:
                    self._retry(slot, _error_text(task_error), worker)
                    continue
                except RayError:
                    pass
                else:
                    slot.finish(value)
                    continue
            if not blamed:
                blamed = True
                self._retry(slot, _error_text(error), worker)
            else:
                slot.ref, slot.worker = None, None
                self._enqueue(slot)
        log.warning("Ray worker %d died; its work items are resubmitted", worker.number)
        self._restart(worker, error)

    def _abandon(self) -> None:
        """After an early stop or an error: forget what is in flight (at most ``per_worker`` per worker).

        No ``ray.cancel``: interrupting a running actor call can take its process down, and the
        calls left finish in a moment; ``close`` kills the actors anyway.
        """
        self._by_ref.clear()
        self._queue.clear()
        for worker in self.workers:
            worker.running.clear()
