"""Several environments as one world: one episode each, tools addressed as ``env__tool``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..ids import JsonValue, canonical_json, digest
from ..models import RowChange, StateDiff, ToolCall, ToolResult, ToolSpec, qualified_name, split_qualified_name
from .environment import Environment
from .episode import Episode

__all__ = ["World", "hash_world", "world_hash_from"]

WorldState = dict[str, dict[str, dict[str, dict[str, JsonValue]]]]


def world_hash_from(hashes: Mapping[str, str]) -> str:
    """The world state hash from each environment's state hash."""
    return digest(canonical_json(dict(hashes)))


def hash_world(state: Mapping[str, Mapping[str, Any]]) -> str:
    """The world state hash of ``{environment: canonical state}``, computed from scratch."""
    from .state import hash_state

    return world_hash_from({name: hash_state(env_state) for name, env_state in state.items()})


class World:
    """One episode per environment; calls are routed by qualified tool name."""

    def __init__(self, episodes: Mapping[str, Episode]) -> None:
        self.episodes = dict(sorted(episodes.items()))

    @classmethod
    def open(
        cls,
        environments: Iterable[Environment],
        *,
        seed: int = 0,
        states: Mapping[str, Mapping[str, Any]] | None = None,
        size: int | None = None,
    ) -> World:
        """Episodes of ``environments`` at their seed state, or at ``states[name]`` where given."""
        episodes: dict[str, Episode] = {}
        for environment in environments:
            if states is not None and environment.name in states:
                episodes[environment.name] = environment.episode(state=states[environment.name])
            else:
                episodes[environment.name] = environment.episode(seed=seed, size=size)
        return cls(episodes)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.episodes)

    def tools(self) -> list[tuple[str, ToolSpec]]:
        """Every tool as ``(qualified name, spec)``."""
        return [
            (qualified_name(name, spec.name), spec)
            for name, episode in self.episodes.items()
            for spec in episode.tools()
        ]

    def call(self, name: str, arguments: object = None) -> ToolResult:
        """Call ``env__tool`` (a bare tool name works when only one environment has it)."""
        environment, tool = split_qualified_name(name)
        if not environment:
            owners = [env for env, episode in self.episodes.items() if tool in episode.environment.tools]
            if len(owners) == 1:
                environment = owners[0]
        episode = self.episodes.get(environment)
        if episode is None:
            known = ", ".join(qualified for qualified, _ in self.tools())
            return ToolResult.failure("unknown_tool", f"no tool {name!r}; tools: {known}")
        return episode.call(tool, arguments)

    def call_tool(self, call: ToolCall) -> ToolResult:
        return self.call(call.qualified_name, call.arguments)

    def state(self) -> WorldState:
        return {name: episode.state() for name, episode in self.episodes.items()}

    def state_hash(self) -> str:
        return world_hash_from({name: episode.state_hash() for name, episode in self.episodes.items()})

    def hashes(self) -> dict[str, str]:
        return {name: episode.state_hash() for name, episode in self.episodes.items()}

    def diff(self, other: Mapping[str, Mapping[str, Any]] | None = None) -> StateDiff:
        """Changes since reset (default) or to ``other`` (a world state), tagged by environment."""
        import attrs

        changes: list[RowChange] = []
        for name, episode in self.episodes.items():
            part = episode.diff() if other is None else episode.diff(other.get(name, {}))
            changes.extend(attrs.evolve(change, environment=name) for change in part.changes)
        return StateDiff(changes=changes)

    def reset(self) -> None:
        for episode in self.episodes.values():
            episode.reset()

    def close(self) -> None:
        for episode in self.episodes.values():
            episode.close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subset(self, names: Sequence[str]) -> World:
        return World({name: self.episodes[name] for name in names})
