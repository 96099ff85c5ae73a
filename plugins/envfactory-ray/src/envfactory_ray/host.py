"""The Ray actor that hosts one worker: its context is built once, then it runs work items.

An actor, not a Ray task per item, because a worker's context (the plugin registry, the parsed
pipeline, the tool graph, the environments) takes a second or more to build and is the same for
every item. Work items run one at a time on an actor, so an item's episodes and their state stay in
one process from grounding to scoring.

The context is built by ``prepare``, a method call, not by the constructor: when the process dies,
Ray restarts the actor with its (empty) constructor, and the executor calls ``prepare`` again
before sending it work. So the run's spec (megabytes, with the graph) is never a constructor
argument, which Ray would have to keep for restarts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

__all__ = ["WorkHost"]


class WorkHost:
    """One worker: ``prepare`` builds its state once per process, then ``run`` runs items with it."""

    def __init__(self) -> None:
        self._prepared = False
        self._state: Any = None

    def prepare(self, initializer: Callable[..., Any], initargs: tuple[Any, ...]) -> int:
        """Keep ``initializer(*initargs)`` unless this process already did; the process id, for logs."""
        if not self._prepared:
            self._state = initializer(*initargs)
            self._prepared = True
        return os.getpid()

    def run(self, function: Callable[[Any, Any], Any], item: Any) -> Any:
        return function(self._state, item)
