"""Trajectory sessions: one live rollout per trajectory, shared by every tool of a verl worker.

verl builds one ``BaseTool`` object per tool name and, since 0.8, calls
``create`` → ``execute`` → ``release`` around *every single call*. State that must last a whole
trajectory therefore cannot live in a tool instance: it lives here, keyed by the trajectory
(``agent_data.request_id``), and every tool of the process reaches the same session. A
:class:`Handle` is what ``create`` hands out: which trajectory's task it belongs to and which
agent loop run owns it; the session opens lazily at the first ``execute`` (a trajectory that
never calls a tool costs nothing) and closes when the owner says the trajectory is over.

The store is bounded: when a loop that never releases (verl's stock ``tool_agent``) leaves
sessions behind, the least recently used are closed beyond ``max_sessions``, with a warning.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from envfactory_core.env import Environment
from envfactory_core.rewards.rollouts import Rollout, RolloutTask

from .worker import current_worker

__all__ = ["DEFAULT_MAX_SESSIONS", "Handle", "Session", "TrajectoryStore", "default_store"]

DEFAULT_MAX_SESSIONS = 4096
logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True)
class Handle:
    """What one ``create`` call returned: the task to open if the trajectory has no session yet."""

    instance_id: str
    task: RolloutTask | None
    owner: str = ""
    """The agent loop run that will release the trajectory (``""``: released with the handle)."""


@attrs.define(kw_only=True)
class Session:
    """A trajectory's live rollout and who owns it."""

    key: str
    rollout: Rollout
    owner: str = ""
    final_state: dict[str, Any] | None = None
    """Set when the session is released: the world state the trajectory left."""

    def close(self) -> None:
        """Free the world, keeping its final state."""
        self.rollout.close()
        self.final_state = self.rollout.final_state()


class TrajectoryStore:
    """Sessions by trajectory key and handles by instance id; thread-safe, bounded."""

    def __init__(
        self,
        *,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        environments: Callable[[], Mapping[str, Environment]] | None = None,
    ) -> None:
        self.max_sessions = max_sessions
        self._environments = environments or _worker_environments
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._handles: dict[str, Handle] = {}
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        self.evicted = 0

    # --- handles ----------------------------------------------------------------------------------

    def create_handle(self, task: RolloutTask | None, *, instance_id: str | None = None, owner: str = "") -> Handle:
        with self._lock:
            handle = Handle(instance_id=instance_id or f"envfactory-{next(self._counter)}", task=task, owner=owner)
            self._handles[handle.instance_id] = handle
            return handle

    def handle(self, instance_id: str) -> Handle | None:
        with self._lock:
            return self._handles.get(instance_id)

    def drop_handle(self, instance_id: str) -> Handle | None:
        with self._lock:
            return self._handles.pop(instance_id, None)

    # --- sessions ---------------------------------------------------------------------------------

    def session(self, key: str, handle: Handle) -> Session:
        """The session of trajectory ``key``, opened from the handle's task at first use."""
        with self._lock:
            session = self._sessions.get(key)
            if session is not None:
                self._sessions.move_to_end(key)
                return session
            if handle.task is None:
                raise LookupError(
                    f"trajectory {key!r} has no session and the tool instance carries no task: pass the row's "
                    "task in create_kwargs (the envfactory agent loop does this for verl/verl rows)"
                )
            session = Session(key=key, rollout=Rollout(handle.task, self._environments()), owner=handle.owner)
            self._sessions[key] = session
            while len(self._sessions) > self.max_sessions:
                old_key, old = self._sessions.popitem(last=False)
                old.close()
                self.evicted += 1
                logger.warning(
                    "closed the session of trajectory %s: more than %d open (is the envfactory agent loop in use? "
                    "verl's stock tool_agent never says when a trajectory ends)",
                    old_key,
                    self.max_sessions,
                )
            return session

    def get(self, key: str) -> Session | None:
        with self._lock:
            return self._sessions.get(key)

    def release(self, key: str) -> Session | None:
        """Close trajectory ``key``'s session; returns it (with its final state) or ``None``."""
        with self._lock:
            session = self._sessions.pop(key, None)
        if session is not None:
            session.close()
        return session

    def release_owner(self, owner: str) -> list[Session]:
        """Close every session and handle an agent loop run owns (a finished or failed trajectory)."""
        with self._lock:
            keys = [key for key, session in self._sessions.items() if session.owner == owner]
            sessions = [self._sessions.pop(key) for key in keys]
            for instance_id in [i for i, handle in self._handles.items() if handle.owner == owner]:
                del self._handles[instance_id]
        for session in sessions:
            session.close()
        return sessions

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    @property
    def open_handles(self) -> int:
        with self._lock:
            return len(self._handles)


def _worker_environments() -> Mapping[str, Environment]:
    """The installed environments of this worker process's registry."""
    return current_worker().environments()


_DEFAULT: list[TrajectoryStore] = []
_DEFAULT_LOCK = threading.Lock()


def default_store() -> TrajectoryStore:
    """The process-wide store every tool and agent loop of a verl worker shares."""
    with _DEFAULT_LOCK:
        if not _DEFAULT:
            _DEFAULT.append(TrajectoryStore())
        return _DEFAULT[0]
