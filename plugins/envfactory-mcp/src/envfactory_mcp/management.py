"""Management tools and resources: what a harness uses to drive an episode, never an agent.

They exist only on a server started with ``--management``. The tools are listed only to a
``tools/list`` request whose ``_meta`` carries ``envfactory/management: true``, so an agent that
lists tools through the same server never sees them; they act on the episode the request
addresses, exactly like an environment tool. The resources (``envfactory://…``) are listed to
anyone on such a server; MCP clients do not offer resources to a model as tools.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from envfactory_core.env import ArgumentValidator, StateError, World
from envfactory_core.ids import JsonValue
from envfactory_core.models import ToolResult, ToolSpec
from envfactory_core.serialize import to_json

from .keys import MANAGEMENT_PREFIX

__all__ = ["MANAGEMENT_RESOURCES", "MANAGEMENT_TOOLS", "ManagementResource", "call_management_tool", "world_hashes"]


def _spec(name: str, description: str, effect: str, properties: dict[str, JsonValue] | None = None) -> ToolSpec:
    return ToolSpec(
        name=name,
        description=description,
        input_schema={"type": "object", "properties": properties or {}, "additionalProperties": False},
        effect=effect,  # type: ignore[arg-type]
    )


MANAGEMENT_TOOLS: dict[str, ToolSpec] = {
    MANAGEMENT_PREFIX + spec.name: spec
    for spec in (
        _spec(
            "reset",
            "Reset the addressed episode: to its initial state, to another seed's state, or to a given "
            "world state ({environment: state}); returns the new state hash.",
            "write",
            {
                "seed": {"type": "integer", "description": "Seed of the new initial state."},
                "state": {
                    "type": "object",
                    "description": (
                        "A world state {environment: {table: rows}}; environments left out reset to their seed state."
                    ),
                },
            },
        ),
        _spec(
            "state_hash",
            "The addressed episode's world state hash and each environment's state hash.",
            "read",
        ),
        _spec("diff", "Every row the addressed episode changed since its last reset.", "read"),
        _spec(
            "close_episode",
            "Release the addressed episode now; the next request that addresses it starts a fresh one.",
            "write",
        ),
    )
}
"""Management tools by published name (``envfactory__reset``, …)."""

_VALIDATORS = {name: ArgumentValidator(spec) for name, spec in MANAGEMENT_TOOLS.items()}


def world_hashes(world: World) -> dict[str, JsonValue]:
    """``{"state_hash": world hash, "environments": {name: hash}}``."""
    return {"state_hash": world.state_hash(), "environments": dict(world.hashes())}


def _world_diff(world: World) -> dict[str, JsonValue]:
    """``{"changes": [...], "summary": text}``: every row the episode changed since its last reset."""
    diff = world.diff()
    return {"changes": to_json(diff.changes), "summary": diff.summary()}


def _reset(world: World, seed: int | None, state: Mapping[str, Any] | None) -> ToolResult:
    if seed is not None and state is not None:
        return ToolResult.failure("invalid_arguments", "give a seed or a state, not both", argument="state")
    if state is not None:
        unknown = sorted(set(state) - set(world.names))
        if unknown:
            return ToolResult.failure(
                "invalid_arguments",
                f"the state names environments this server does not serve: {', '.join(unknown)}; "
                f"served: {', '.join(world.names)}",
                argument="state",
                expected="an object keyed by served environment names",
            )
    try:
        for name, episode in world.episodes.items():
            if state is not None and name in state:
                episode.reset(state=state[name])
            elif seed is not None:
                episode.reset(seed=seed)
            else:
                episode.reset()
    except StateError as error:
        return ToolResult.failure("invalid_arguments", f"the state is not valid: {error}", argument="state")
    return ToolResult.success(world_hashes(world))


def call_management_tool(name: str, arguments: object, world: World, *, close: Callable[[], bool]) -> ToolResult:
    """Run management tool ``name`` on ``world``; ``close`` releases the addressed episode."""
    validator = _VALIDATORS.get(name)
    if validator is None:
        known = ", ".join(MANAGEMENT_TOOLS)
        return ToolResult.failure("unknown_tool", f"no management tool {name!r}; management tools: {known}")
    values, failure = validator.validate(arguments)
    if failure is not None:
        return ToolResult(ok=False, error=failure)
    short = name.removeprefix(MANAGEMENT_PREFIX)
    if short == "reset":
        seed = values.get("seed")
        state = values.get("state")
        return _reset(world, seed if isinstance(seed, int) else None, state if isinstance(state, dict) else None)
    if short == "state_hash":
        return ToolResult.success(world_hashes(world))
    if short == "diff":
        return ToolResult.success(_world_diff(world))
    return ToolResult.success({"closed": close()})


@attrs.frozen(kw_only=True)
class ManagementResource:
    """A read-only view of the addressed episode (or of the server) as an MCP resource."""

    uri: str
    name: str
    description: str
    needs_episode: bool = True

    def read(self, world: World | None, stats: Mapping[str, Any]) -> str:
        if self.name == "server_stats":
            return json.dumps(dict(stats), sort_keys=True)
        assert world is not None
        if self.name == "state":
            return json.dumps(world.state(), sort_keys=True, ensure_ascii=False)
        if self.name == "state_hash":
            return json.dumps(world_hashes(world), sort_keys=True)
        return json.dumps(_world_diff(world), sort_keys=True, ensure_ascii=False)


MANAGEMENT_RESOURCES: dict[str, ManagementResource] = {
    resource.uri: resource
    for resource in (
        ManagementResource(
            uri="envfactory://episode/state",
            name="state",
            description="The addressed episode's canonical world state: {environment: {table: {key: row}}}.",
        ),
        ManagementResource(
            uri="envfactory://episode/state_hash",
            name="state_hash",
            description="The addressed episode's world state hash and each environment's state hash.",
        ),
        ManagementResource(
            uri="envfactory://episode/diff",
            name="diff",
            description="Every row the addressed episode changed since its last reset.",
        ),
        ManagementResource(
            uri="envfactory://server/stats",
            name="server_stats",
            description="Live episodes of this server: how many, how many named, opened and released so far.",
            needs_episode=False,
        ),
    )
}
"""Management resources by URI."""
