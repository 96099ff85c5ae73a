"""Where world states live, by content id.

A world state is ``{environment: {table: {key: row}}}``; its id is its world hash
(:func:`envfactory_core.env.hash_world`), so the same state stored twice is one entry. Tasks refer
to states by id; the pipeline keeps them in the run store, tests in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from ..env import hash_world
from ..errors import StoreError
from ..store import RunStore

__all__ = ["MemoryStates", "StoreStates", "WorldStates"]

WorldState = dict[str, dict[str, dict[str, dict[str, Any]]]]


@runtime_checkable
class WorldStates(Protocol):
    def put(self, state: Mapping[str, Any]) -> str:
        """Keep ``state``; return its id (its world hash)."""

    def get(self, state_id: str) -> WorldState:
        """The state with this id; ``StoreError`` when unknown."""


class MemoryStates:
    """World states in a dict (tests, library use)."""

    def __init__(self) -> None:
        self.states: dict[str, WorldState] = {}

    def put(self, state: Mapping[str, Any]) -> str:
        state_id = hash_world(state)
        self.states.setdefault(state_id, dict(state))
        return state_id

    def get(self, state_id: str) -> WorldState:
        try:
            return self.states[state_id]
        except KeyError:
            raise StoreError(f"no world state {state_id}") from None


class StoreStates:
    """World states as blobs in a run store."""

    def __init__(self, store: RunStore) -> None:
        self.store = store

    def put(self, state: Mapping[str, Any]) -> str:
        state_id = hash_world(state)
        self.store.put_blob("world_state", dict(state), blob_id=state_id)
        return state_id

    def get(self, state_id: str) -> WorldState:
        value: WorldState = self.store.get_blob(state_id)
        return value
