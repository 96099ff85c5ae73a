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
once, so a client that never closes anything cannot exhaust the server's memory. A named episode
belongs to whoever opened it (the MCP session, or the client when it opened it without one) unless
it was opened as shared; and one client may hold at most ``max_named_per_client`` named episodes, so
one client cannot use up the server's room for everyone else. Idle named episodes are released by
:meth:`EpisodePool.reap_idle`, which the server calls on a timer.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from envfactory_core.env import World
from envfactory_core.errors import EnvFactoryError

__all__ = ["EpisodeLimitError", "EpisodeOwnerError", "EpisodePool", "Owner"]

Owner = tuple[str, str]
"""Who opened a named episode: ``("session", id)``, ``("client", address)`` or ``("connection", "")``."""


class EpisodeLimitError(EnvFactoryError, RuntimeError):
    """The server already holds its maximum number of live episodes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"the server already holds {limit} live episodes (its --max-episodes); close finished sessions, "
            "close named episodes with envfactory__close_episode, or restart the server with a higher --max-episodes"
        )


class ClientLimitError(EpisodeLimitError):
    """One client already holds its share of named episodes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        EnvFactoryError.__init__(
            self,
            f"this client already holds {limit} named episodes (the server's --client-limit); close some with "
            "envfactory__close_episode or let them idle out",
        )


class EpisodeOwnerError(EnvFactoryError, PermissionError):
    """A named episode was addressed by someone other than its owner."""

    def __init__(self, episode_id: str) -> None:
        super().__init__(
            f"episode {episode_id!r} belongs to another session; use another envfactory/episode_id "
            "(an episode opened with _meta envfactory/episode_shared: true is open to every client)"
        )


class _Named:
    __slots__ = ("client", "last_used", "owner", "shared", "world")

    def __init__(self, world: World, last_used: float, owner: Owner, client: str, shared: bool) -> None:
        self.world = world
        self.last_used = last_used
        self.owner = owner
        self.client = client
        self.shared = shared

    def admits(self, owner: Owner, client: str) -> bool:
        if self.shared or self.owner == owner:
            return True
        # Opened without a session: the client (its address) owns it, whichever session it uses now.
        return self.owner[0] == "client" and self.client == client


class EpisodePool:
    """Opens, finds and releases the live episodes of one server."""

    def __init__(
        self,
        open_world: Callable[[], World],
        *,
        max_episodes: int = 512,
        idle_timeout: float | None = 1800.0,
        clock: Callable[[], float] = time.monotonic,
        max_named_per_client: int | None = 64,
    ) -> None:
        if max_episodes < 1:
            raise ValueError("max_episodes must be at least 1")
        if max_named_per_client is not None and max_named_per_client < 1:
            raise ValueError("max_named_per_client must be at least 1, or None")
        self.max_named_per_client = max_named_per_client
        if idle_timeout is not None and idle_timeout <= 0:
            raise ValueError("idle_timeout must be a positive number of seconds, or None")
        self._open_world = open_world
        self.max_episodes = max_episodes
        self.idle_timeout = idle_timeout
        self._clock = clock
        self._lock = threading.RLock()
        self._live: dict[int, World] = {}
        self._named: OrderedDict[str, _Named] = OrderedDict()
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

    def named(
        self, episode_id: str, *, owner: Owner = ("connection", ""), client: str = "", shared: bool = False
    ) -> World:
        """The episode called ``episode_id``, opened at first use by ``owner`` (then theirs unless ``shared``).

        Raises :class:`EpisodeOwnerError` when it belongs to someone else, and
        :class:`EpisodeLimitError` when opening it would exceed the total or ``client``'s share.
        """
        with self._lock:
            self.reap_idle()
            entry = self._named.get(episode_id)
            if entry is None:
                limit = self.max_named_per_client
                if limit is not None and client and sum(e.client == client for e in self._named.values()) >= limit:
                    raise ClientLimitError(limit)
                entry = _Named(self.open(), self._clock(), owner, client, shared)
                self._named[episode_id] = entry
            elif not entry.admits(owner, client):
                raise EpisodeOwnerError(episode_id)
            entry.last_used = self._clock()
            self._named.move_to_end(episode_id)
            return entry.world

    def close_named(self, episode_id: str) -> bool:
        """Release the named episode; False when there is none of that name."""
        with self._lock:
            entry = self._named.pop(episode_id, None)
        if entry is None:
            return False
        self.release(entry.world)
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
                episode_id, entry = next(iter(self._named.items()))
                if entry.last_used > deadline:
                    break
                del self._named[episode_id]
                expired.append(entry.world)
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
            "max_named_per_client": self.max_named_per_client,
            "idle_timeout": self.idle_timeout,
        }
