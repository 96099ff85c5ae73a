"""Live episodes of a server: opened on demand, bounded in number, always released.

Every episode a server holds is a :class:`~envfactory_core.env.World` (one isolated episode per
served environment) and belongs to exactly one owner:

* a **named** episode, addressed by the ``envfactory/episode_id`` request ``_meta`` key; it lives
  until it is closed, sits idle longer than ``idle_timeout``, or the server stops;
* a **session** or **connection** episode, owned by one MCP session or one stdio connection and
  released when that ends;
* a **request** episode, opened for one request that named no episode on a transport without
  sessions, and released as soon as the request is answered.

Nothing is ever shared between owners, and the pool refuses to open more than ``max_episodes`` at
once, so a client that never closes anything cannot exhaust the server's memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from envfactory_core.env import World
from envfactory_core.errors import EnvFactoryError

__all__ = ["EpisodeLimitError", "EpisodePool"]


class EpisodeLimitError(EnvFactoryError, RuntimeError):
    """The server already holds its maximum number of live episodes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"the server already holds {limit} live episodes (its --max-episodes); close finished sessions, "
            "close named episodes with envfactory__close_episode, or restart the server with a higher --max-episodes"
        )


class EpisodePool:
    """Opens, finds and releases the live episodes of one server."""

    def __init__(
        self,
        open_world: Callable[[], World],
        *,
        max_episodes: int = 512,
        idle_timeout: float | None = 1800.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_episodes < 1:
            raise ValueError("max_episodes must be at least 1")
        if idle_timeout is not None and idle_timeout <= 0:
            raise ValueError("idle_timeout must be a positive number of seconds, or None")
        self._open_world = open_world
        self.max_episodes = max_episodes
        self.idle_timeout = idle_timeout
        self._clock = clock
        self._lock = threading.RLock()
        self._live: dict[int, World] = {}
        self._named: OrderedDict[str, tuple[World, float]] = OrderedDict()
        self.opened = 0
        self.released = 0

    # --- any owner -----------------------------------------------------------------------------

    @property
    def live(self) -> int:
        """How many episodes are open right now, of every owner."""
        return len(self._live)

    def open(self) -> World:
        """A new episode at the server's initial state; raises :class:`EpisodeLimitError` when full."""
        with self._lock:
            self.reap_idle()
            if len(self._live) >= self.max_episodes:
                raise EpisodeLimitError(self.max_episodes)
            world = self._open_world()
            self._live[id(world)] = world
            self.opened += 1
            return world

    def release(self, world: World) -> None:
        """Close ``world`` and forget it (idempotent)."""
        with self._lock:
            if self._live.pop(id(world), None) is None:
                return
            self.released += 1
        world.close()

    # --- named episodes ------------------------------------------------------------------------

    def named(self, episode_id: str) -> World:
        """The episode called ``episode_id``, opened at first use."""
        with self._lock:
            self.reap_idle()
            entry = self._named.get(episode_id)
            if entry is None:
                world = self.open()
            else:
                world = entry[0]
            self._named[episode_id] = (world, self._clock())
            self._named.move_to_end(episode_id)
            return world

    def close_named(self, episode_id: str) -> bool:
        """Release the named episode; False when there is none of that name."""
        with self._lock:
            entry = self._named.pop(episode_id, None)
        if entry is None:
            return False
        self.release(entry[0])
        return True

    @property
    def named_ids(self) -> tuple[str, ...]:
        return tuple(self._named)

    def reap_idle(self) -> int:
        """Release named episodes unused for longer than ``idle_timeout``; returns how many."""
        if self.idle_timeout is None:
            return 0
        deadline = self._clock() - self.idle_timeout
        expired: list[World] = []
        with self._lock:
            while self._named:
                episode_id, (world, last_used) = next(iter(self._named.items()))
                if last_used > deadline:
                    break
                del self._named[episode_id]
                expired.append(world)
        for world in expired:
            self.release(world)
        return len(expired)

    # --- whole pool ----------------------------------------------------------------------------

    def close_all(self) -> None:
        """Release every episode (the server is stopping)."""
        with self._lock:
            self._named.clear()
            worlds = list(self._live.values())
        for world in worlds:
            self.release(world)

    def stats(self) -> dict[str, int | float | None]:
        return {
            "live": self.live,
            "named": len(self._named),
            "opened": self.opened,
            "released": self.released,
            "max_episodes": self.max_episodes,
            "idle_timeout": self.idle_timeout,
        }
